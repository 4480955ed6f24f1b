#!/usr/bin/python3
"""Simulate ChIP-exo- or ATAC-like reads with footprints on a small random genome.

Writes, into --out DIR:
  genome.fa           random chromosomes (chr1, chr2, ...) with motifs planted at known sites
  reads.bam(.bai)     single-end reads, coordinate-sorted by `samtools sort` and indexed: the 5'
                      ends of reads at bound sites pile up in each motif's footprint shape, on top
                      of uniform background reads
  peaks.narrowPeak    the bound sites as peaks (summit column 10, a few bases off the motif as
                      peak callers place it) plus background regions without sites, sorted
  sites.tsv           every planted site: chrom, centre (0-based), motif, strand, strength,
                      reads, summit (0-based, the narrowPeak's)
  footprint.tsv       the true footprint: per motif and offset from the site centre, the
                      probability that a read's 5' end (--assay chip) or a Tn5 cut site (--assay
                      atac, after `coverage --shift +4,-5`) falls there, per strand

Footprint (--assay chip, as ChIP-exo/ChIP-nexus): + strand 5' ends peak just upstream of the
protected stretch around the motif and - strand 5' ends just downstream, each with a broader
shoulder further out; nothing inside the protected stretch (the dip over the motif). Each motif
protects its own width (a GATA-like monomer less than an AP-1-like dimer), so the shapes differ.
With --assay atac both strands carry Tn5 cuts on both flanks (the same shape on + and -), and
each read's 5' end is written 4 bases before (+) or 5 bases after (-) its cut, so `dnacnn
coverage --shift +4,-5` puts it back on the cut.

Needs numpy and samtools (for the BAM); seeded: the same options give the same files.

Examples:
  simulate_footprints.py --out sim                      # 4 Mbp, 1,200 sites, ~0.4 M reads, seconds
  dnacnn coverage --bam sim/reads.bam --genome sim/genome.fa --strand --out sim/cov.bw
  footprint_profile.py sim --plus sim/cov.plus.bw --minus sim/cov.minus.bw
  simulate_footprints.py --out atac --assay atac        # then: coverage --shift +4,-5
  simulate_footprints.py --out big --chrom-sizes 8e6,6e6,4e6,2e6 --sites-per-mb 750   # 15,000 sites
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

import numpy as np

# name -> (consensus, bases protected on each side beyond the motif, relative binding strength)
MOTIFS = {
    "GATA": ("AGATAAGA", 5, 1.0),   # GATA1-like WGATAR core
    "AP1": ("TGACTCA", 14, 2.0),     # AP-1 (TRE), binds as a dimer: a wider footprint
}
RADIUS = 120  # offsets -RADIUS..RADIUS around a site centre carry the footprint
COMPLEMENT = bytes.maketrans(b"ACGT", b"TGCA")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output directory (created)")
    p.add_argument("--chrom-sizes", default="1500000,1000000,800000,700000",
                   help="comma-separated chromosome sizes in bp, named chr1, chr2, ... (default: %(default)s, 4 Mbp)")
    p.add_argument("--motifs", default="GATA,AP1", help=f"motifs to plant, of {','.join(MOTIFS)} (default: %(default)s)")
    p.add_argument("--sites-per-mb", type=float, default=300, help="bound sites per Mbp (default: %(default)s)")
    p.add_argument("--min-spacing", type=int, default=1000,
                   help="site centres lie in slots of this many bp, at least half of it apart (default: %(default)s)")
    p.add_argument("--margin", type=int, default=1100,
                   help="no site closer than this to a chromosome end, so 2,114 bp windows fit (default: %(default)s)")
    p.add_argument("--reads-per-site", type=float, default=150,
                   help="mean reads at a site of strength 1; strengths vary per site, log-normally (default: %(default)s)")
    p.add_argument("--background-per-kb", type=float, default=20,
                   help="uniform background reads per kbp of genome (default: %(default)s)")
    p.add_argument("--read-length", type=int, default=36, help="bp per read (default: %(default)s)")
    p.add_argument("--mutation-rate", type=float, default=0.1,
                   help="chance that each planted motif base is replaced by a random base (default: %(default)s)")
    p.add_argument("--summit-jitter", type=int, default=30,
                   help="peak summits lie up to this many bp from the site centre (default: %(default)s)")
    p.add_argument("--background-regions", type=float, default=0.25,
                   help="background regions (no site) in the peak file, as a fraction of the sites (default: %(default)s)")
    p.add_argument("--low-mapq-frac", type=float, default=0.02,
                   help="fraction of reads written with MAPQ 5 instead of 60 (default: %(default)s)")
    p.add_argument("--assay", choices=("chip", "atac"), default="chip",
                   help="chip: stranded ChIP-exo-like footprints; atac: Tn5 cuts on both flanks, +4/-5 shifted "
                        "(default: %(default)s)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    p.add_argument("--samtools", default="samtools", help="samtools to sort and index with (default: %(default)s)")
    p.add_argument("--quiet", action="store_true", help="no summary on stderr")
    args = p.parse_args(argv)
    if shutil.which(args.samtools) is None:
        p.error(f"--samtools: '{args.samtools}' not found (Debian: apt-get install samtools)")
    for m in args.motifs.split(","):
        if m not in MOTIFS:
            p.error(f"--motifs: unknown motif '{m}' (known: {', '.join(MOTIFS)})")
    try:
        args.sizes = [int(float(s)) for s in args.chrom_sizes.split(",")]
    except ValueError:
        p.error(f"--chrom-sizes: not a list of numbers: '{args.chrom_sizes}'")
    if any(s < 2 * args.margin + args.min_spacing for s in args.sizes):
        p.error(f"--chrom-sizes: every chromosome needs at least 2 x --margin + --min-spacing = "
                f"{2 * args.margin + args.min_spacing} bp")
    if args.read_length < 1 or args.min_spacing < RADIUS:
        p.error("--read-length must be positive and --min-spacing at least 120")
    return args


def gauss(x, mu, sd):
    return np.exp(-0.5 * ((x - mu) / sd) ** 2)


def footprint(motif, assay):
    """(offsets, plus, minus): per-strand probabilities over offsets -RADIUS..RADIUS, each summing to 1."""
    consensus, pad, _ = MOTIFS[motif]
    half = len(consensus) / 2 + pad  # protected bases each side of the centre
    x = np.arange(-RADIUS, RADIUS + 1, dtype=float)
    left = 0.75 * gauss(x, -half - 4, 3) + 0.25 * gauss(x, -half - 45, 20)  # sharp edge + shoulder
    left[x >= -half] = 0  # the dip: nothing inside the protected stretch
    right = left[::-1].copy()
    plus, minus = (left, right) if assay == "chip" else (left + right, left + right)
    return x.astype(int), plus / plus.sum(), minus / minus.sum()


def random_genome(rng, sizes):
    # 41% GC, as mammalian genomes
    probs = [0.295, 0.205, 0.205, 0.295]
    return [np.frombuffer(b"ACGT", dtype=np.uint8)[rng.choice(4, size, p=probs)].copy() for size in sizes]


def plant_sites(rng, args, genome):
    """Site centres per chromosome in slots of --min-spacing bp; motifs written into the genome."""
    motifs = args.motifs.split(",")
    sites = []  # (chrom index, centre, motif, strand, strength)
    for c, seq in enumerate(genome):
        usable = len(seq) - 2 * args.margin
        slots = usable // args.min_spacing
        k = int(args.sites_per_mb * len(seq) / 1e6 + 0.5)
        if k > slots:
            sys.exit(f"simulate_footprints: --sites-per-mb {args.sites_per_mb} needs {k} sites on chr{c + 1} but only "
                     f"{slots} slots of --min-spacing {args.min_spacing} bp fit")
        chosen = np.sort(rng.choice(slots, k, replace=False))
        quarter = args.min_spacing // 4
        centres = args.margin + chosen * args.min_spacing + args.min_spacing // 2 + rng.integers(-quarter, quarter + 1, k)
        names = rng.choice(motifs, k)
        strands = rng.choice(["+", "-"], k)
        noise = rng.lognormal(0.0, 0.5, k)
        for centre, name, strand, z in zip(centres, names, strands, noise):
            consensus = np.frombuffer(MOTIFS[name][0].encode(), dtype=np.uint8).copy()
            mutate = rng.random(len(consensus)) < args.mutation_rate
            consensus[mutate] = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, mutate.sum())]
            word = consensus.tobytes()
            if strand == "-":
                word = word.translate(COMPLEMENT)[::-1]
            start = int(centre) - len(word) // 2
            seq[start:start + len(word)] = np.frombuffer(word, dtype=np.uint8)
            sites.append((c, int(centre), str(name), str(strand), float(MOTIFS[name][2] * z)))
    return sites


def simulate_reads(rng, args, genome, sites, shapes):
    """Arrays of (chrom index, 0-based leftmost base, reverse?) for site and background reads."""
    L = args.read_length
    shift_plus, shift_minus = (4, -5) if args.assay == "atac" else (0, 0)
    chrom, ends, reverse, per_site = [], [], [], []
    for c, centre, name, _, strength in sites:
        offsets, plus, minus = shapes[name]
        n = rng.poisson(args.reads_per_site * strength)
        n_plus = rng.binomial(n, 0.5)
        per_site.append(n)
        for strand_is_minus, count, p in ((False, n_plus, plus), (True, n - n_plus, minus)):
            cuts = centre + rng.choice(offsets, count, p=p)
            # the 5' end that `coverage --shift` moves onto the cut (no shift for chip)
            ends.append(cuts - (shift_minus if strand_is_minus else shift_plus))
            chrom.append(np.full(count, c))
            reverse.append(np.full(count, strand_is_minus))
    for c, seq in enumerate(genome):
        k = rng.poisson(args.background_per_kb * len(seq) / 1000)
        ends.append(rng.integers(0, len(seq), k))
        chrom.append(np.full(k, c))
        reverse.append(rng.random(k) < 0.5)
    chrom, ends, reverse = np.concatenate(chrom), np.concatenate(ends), np.concatenate(reverse)
    left = np.where(reverse, ends - L + 1, ends)
    sizes = np.array([len(s) for s in genome])
    keep = (left >= 0) & (left + L <= sizes[chrom])  # reads hanging off a chromosome end are not written
    return chrom[keep], left[keep], reverse[keep], per_site


def write_bam(args, genome, chrom, left, reverse):
    rng = np.random.default_rng(args.seed + 1)
    mapq = np.where(rng.random(len(chrom)) < args.low_mapq_frac, 5, 60)
    order = rng.permutation(len(chrom))  # as an aligner writes them: in no particular order
    L = args.read_length
    bam = os.path.join(args.out, "reads.bam")
    log = open(os.path.join(args.out, ".samtools.log"), "w+")  # shown only if samtools fails
    sort = subprocess.Popen([args.samtools, "sort", "-@", "2", "-o", bam, "-"], stdin=subprocess.PIPE, stderr=log)
    header = "@HD\tVN:1.6\tSO:unsorted\n" + "".join(f"@SQ\tSN:chr{c + 1}\tLN:{len(s)}\n" for c, s in enumerate(genome))
    header += "@PG\tID:simulate_footprints\tPN:simulate_footprints.py\n"
    sort.stdin.write(header.encode())
    texts = [s.tobytes().decode() for s in genome]
    for start in range(0, len(order), 200000):
        lines = []
        for i in order[start:start + 200000]:
            c, x = chrom[i], int(left[i])
            lines.append(f"r{i}\t{16 if reverse[i] else 0}\tchr{c + 1}\t{x + 1}\t{mapq[i]}\t{L}M\t*\t0\t0\t"
                         f"{texts[c][x:x + L]}\t*\n")
        sort.stdin.write("".join(lines).encode())
    sort.stdin.close()
    if sort.wait() != 0 or subprocess.run([args.samtools, "index", bam], stderr=log).returncode != 0:
        log.seek(0)
        sys.exit(f"simulate_footprints: samtools failed:\n{log.read()}")
    log.close()
    os.remove(log.name)


def write_peaks(rng, args, genome, sites, per_site):
    """narrowPeak rows for the bound sites and for background regions away from every site."""
    rows = []
    summits = []
    for i, ((c, centre, name, _, _), n) in enumerate(zip(sites, per_site)):
        summit = centre + int(rng.integers(-args.summit_jitter, args.summit_jitter + 1))
        lo, hi = (int(v) for v in rng.integers(60, 200, 2))
        start, end = max(0, summit - lo), min(len(genome[c]), summit + hi)
        rows.append((c, start, end, f"peak{i}_{name}", min(1000, 10 * n), n / args.reads_per_site, summit - start))
        summits.append(summit)
    centres = [np.array(sorted(s[1] for s in sites if s[0] == c)) for c in range(len(genome))]
    wanted = int(args.background_regions * len(sites) + 0.5)  # half up, as C++ std::lround
    made = 0
    for _ in range(wanted * 20):
        if made == wanted:
            break
        c = int(rng.choice(len(genome), p=np.array([len(s) for s in genome]) / sum(len(s) for s in genome)))
        mid = int(rng.integers(args.margin, len(genome[c]) - args.margin))
        near = centres[c][np.searchsorted(centres[c], mid) - 1:np.searchsorted(centres[c], mid) + 1]
        if len(near) and np.abs(near - mid).min() < args.min_spacing:
            continue
        rows.append((c, mid - 100, mid + 100, f"background{made}", 0, 0.0, 100))
        made += 1
    rows.sort(key=lambda r: (r[0], r[1]))
    with open(os.path.join(args.out, "peaks.narrowPeak"), "w") as f:
        f.writelines(f"chr{c + 1}\t{s}\t{e}\t{name}\t{score}\t.\t{signal:.3f}\t-1\t-1\t{peak}\n"
                     for c, s, e, name, score, signal, peak in rows)
    return summits, made


def main(argv):
    args = parse_args(argv)
    t0 = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    genome = random_genome(rng, args.sizes)
    sites = plant_sites(rng, args, genome)
    shapes = {m: footprint(m, args.assay) for m in args.motifs.split(",")}
    chrom, left, reverse, per_site = simulate_reads(rng, args, genome, sites, shapes)
    with open(os.path.join(args.out, "genome.fa"), "w") as f:
        for c, seq in enumerate(genome):
            text = seq.tobytes().decode()
            f.write(f">chr{c + 1}\n" + "\n".join(text[j:j + 60] for j in range(0, len(text), 60)) + "\n")
    summits, background = write_peaks(rng, args, genome, sites, per_site)
    with open(os.path.join(args.out, "sites.tsv"), "w") as f:
        f.write("chrom\tcentre\tmotif\tstrand\tstrength\treads\tsummit\n")
        f.writelines(f"chr{c + 1}\t{centre}\t{name}\t{strand}\t{strength:.4f}\t{n}\t{summit}\n"
                     for (c, centre, name, strand, strength), n, summit in zip(sites, per_site, summits))
    with open(os.path.join(args.out, "footprint.tsv"), "w") as f:
        f.write("motif\toffset\tplus\tminus\n")
        for name, (offsets, plus, minus) in shapes.items():
            f.writelines(f"{name}\t{o}\t{p:.6g}\t{m:.6g}\n" for o, p, m in zip(offsets, plus, minus))
    write_bam(args, genome, chrom, left, reverse)
    if not args.quiet:
        print(f"simulate_footprints: {sum(args.sizes):,} bp on {len(args.sizes)} chromosomes, {len(sites):,} sites "
              f"({args.motifs}), {background:,} background regions, {len(chrom):,} reads "
              f"({int(np.sum(per_site)):,} at sites), {args.assay}, in {time.perf_counter() - t0:.1f} s -> {args.out}",
              file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
