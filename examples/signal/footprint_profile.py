#!/usr/bin/python3
"""The mean signal around simulated sites against the true footprint (simulate_footprints.py).

Reads bigWig tracks with pyBigWig: a stranded pair (`dnacnn coverage --strand`'s OUT.plus.bw and
OUT.minus.bw, or a profile model's scan of them) or one unstranded track (then compared with plus
+ minus of the truth), and the
simulator's sites.tsv and footprint.tsv. For each motif prints the number of sites, the mean
reads per site inside the footprint window and the Pearson correlation of the mean observed
profile with the true one, per strand; --tsv writes the mean profiles (offset, observed, true).
Sites on a motif's - strand are not flipped: the simulated footprints are mirror-symmetric.

Usage: footprint_profile.py SIM_DIR (--plus P.bw --minus M.bw | --bigwig TRACK.bw) [--chroms chr4] [--tsv OUT]
Exit status 1 if any Pearson correlation is below --min-pearson (default 0: report only)."""
import argparse
import math
import sys

import numpy as np
import pyBigWig


def read_tsv(path):
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f if line.strip()]


def mean_profile(bw, sites, radius):
    total = np.zeros(2 * radius + 1)
    for s in sites:
        centre = int(s["centre"])
        v = np.array(bw.values(s["chrom"], centre - radius, centre + radius + 1), dtype=float)
        total += np.nan_to_num(v)
    return total / max(1, len(sites))


def pearson(a, b):
    a, b = a - a.mean(), b - b.mean()
    d = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / d) if d > 0 else float("nan")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sim_dir", help="simulate_footprints.py's --out directory")
    p.add_argument("--plus", metavar="TRACK", help="the + strand track (with --minus)")
    p.add_argument("--minus", metavar="TRACK", help="the - strand track (with --plus)")
    p.add_argument("--bigwig", metavar="TRACK", help="instead: one unstranded track")
    p.add_argument("--chroms", default="", help="only sites on these chromosomes (comma-separated)")
    p.add_argument("--tsv", help="write the mean profiles here")
    p.add_argument("--min-pearson", type=float, default=0.0, help="fail below this correlation (default: %(default)s)")
    args = p.parse_args(argv)
    if bool(args.plus) != bool(args.minus) or bool(args.plus) == bool(args.bigwig):
        p.error("give --plus and --minus, or --bigwig")

    sites = read_tsv(f"{args.sim_dir}/sites.tsv")
    if args.chroms:
        keep = set(args.chroms.split(","))
        sites = [s for s in sites if s["chrom"] in keep]
    truth = {}
    for row in read_tsv(f"{args.sim_dir}/footprint.tsv"):
        truth.setdefault(row["motif"], []).append((int(row["offset"]), float(row["plus"]), float(row["minus"])))
    tracks = ([("+", pyBigWig.open(args.plus)), ("-", pyBigWig.open(args.minus))] if args.plus
              else [(".", pyBigWig.open(args.bigwig))])
    worst = 1.0
    out = []
    for motif, rows in truth.items():
        rows.sort()
        radius = rows[-1][0]
        offsets = np.array([r[0] for r in rows])
        plus, minus = np.array([r[1] for r in rows]), np.array([r[2] for r in rows])
        chosen = [s for s in sites if s["motif"] == motif]
        if not chosen:
            continue
        line = f"{motif:6s} {len(chosen):6d} sites"
        for strand, bw in tracks:
            expected = plus if strand == "+" else minus if strand == "-" else plus + minus
            observed = mean_profile(bw, chosen, radius)
            r = pearson(observed, expected)
            worst = min(worst, r)
            line += f"  {strand}: {observed.sum():8.1f} reads/site, Pearson with the footprint {r:.3f}"
            out += [f"{motif}\t{strand}\t{o}\t{v:.4f}\t{e:.6f}\n" for o, v, e in zip(offsets, observed, expected)]
        print(line)
    if args.tsv:
        with open(args.tsv, "w") as f:
            f.write("motif\tstrand\toffset\tobserved\ttrue\n")
            f.writelines(out)
    if worst < args.min_pearson:
        print(f"footprint_profile: a Pearson correlation of {worst:.3f} is below --min-pearson {args.min_pearson}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
