#!/usr/bin/env bash
# Signal benchmarks (make bench; docs/signal.md): coverage from a generated sorted BAM, reads/s,
# against bedtools genomecov -5 -bg (ChromBPNet's step before bedGraphToBigWig); and bigWig
# target extraction for 100,000 windows of 1 kb, windows/s, against pyBigWig in Python.
# Usage: bench/signal.sh DNACNN WORK BUILD_DIR -> a table on stderr, JSON on stdout.
# DNACNN_BENCH_READS (default 5,000,000) reads over DNACNN_BENCH_SIGNAL_MB (default 30) Mb.
set -euo pipefail
DNACNN=$1
WORK=$2/signal
BUILD_DIR=$3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
READS=${DNACNN_BENCH_READS:-5000000}
MB=${DNACNN_BENCH_SIGNAL_MB:-30}
mkdir -p "$WORK"

# A random genome of three chromosomes and reads on it, already in position order, as BAM.
/usr/bin/python3 - "$WORK" "$MB" "$READS" <<'PY'
import sys
import numpy as np
work, mb, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
sizes = [int(mb * 1e6 * f) for f in (0.5, 0.3, 0.2)]
with open(f"{work}/genome.fa", "w") as f:
    for i, size in enumerate(sizes):
        s = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, size)].tobytes().decode()
        f.write(f">chr{i + 1}\n" + "\n".join(s[j:j + 60] for j in range(0, size, 60)) + "\n")
with open(f"{work}/reads.sam", "w") as f:
    f.write("@HD\tVN:1.6\tSO:coordinate\n")
    for i, size in enumerate(sizes):
        f.write(f"@SQ\tSN:chr{i + 1}\tLN:{size}\n")
    seq = "A" * 50
    for i, size in enumerate(sizes):
        k = n * size // sum(sizes)
        pos = np.sort(rng.integers(1, size - 60, k))
        flag = rng.choice([0, 16], k)
        mapq = rng.choice([60, 60, 60, 5], k)
        f.writelines(f"r{i}_{j}\t{flag[j]}\tchr{i + 1}\t{pos[j]}\t{mapq[j]}\t50M\t*\t0\t0\t{seq}\t*\n" for j in range(k))
    # 100,000 windows of 1 kb, sorted, for the extraction benchmark
    with open(f"{work}/windows.bed", "w") as w:
        rows = []
        for i, size in enumerate(sizes):
            starts = np.sort(rng.integers(0, size - 1000, 100000 * size // sum(sizes)))
            rows += [f"chr{i + 1}\t{s}\t{s + 1000}\n" for s in starts]
        w.writelines(rows)
PY
samtools view -b -@ 2 -o "$WORK/reads.bam" "$WORK/reads.sam"
rm "$WORK/reads.sam"
"$DNACNN" coverage --bam "$WORK/reads.bam" --genome "$WORK/genome.fa" --out "$WORK/warm.bw" --quiet  # .fai, page cache

/usr/bin/time -f "%e %M" -o "$WORK/cov_time" "$DNACNN" coverage --bam "$WORK/reads.bam" --genome "$WORK/genome.fa" \
  --shift +4,-5 --out "$WORK/cuts.bw" 2> "$WORK/cov.log"
read -r cov_wall cov_kib < "$WORK/cov_time"
cov_rate=$(awk -v n="$READS" -v s="$cov_wall" 'BEGIN{printf "%.0f", n / s}')
/usr/bin/time -f "%e %M" -o "$WORK/full_time" "$DNACNN" coverage --bam "$WORK/reads.bam" --genome "$WORK/genome.fa" \
  --full --out "$WORK/full.bw" --quiet
read -r full_wall full_kib < "$WORK/full_time"
full_rate=$(awk -v n="$READS" -v s="$full_wall" 'BEGIN{printf "%.0f", n / s}')
peer_rate=null
if command -v bedtools > /dev/null; then
  /usr/bin/time -f "%e" -o "$WORK/bt_time" bedtools genomecov -5 -bg -ibam "$WORK/reads.bam" > "$WORK/cuts.bedGraph"
  peer_rate=$(awk -v n="$READS" -v s="$(cat "$WORK/bt_time")" 'BEGIN{printf "%.0f", n / s}')
fi

"$ROOT/$BUILD_DIR/bench/dnacnn_signal_bench" "$WORK/full.bw" "$WORK/windows.bed" "$WORK/genome.fa" > "$WORK/ext.json"
ext_rate=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["windows_per_s"])' "$WORK/ext.json")
py_rate=null
if /usr/bin/python3 -c 'import pyBigWig, numpy' 2> /dev/null; then
  /usr/bin/python3 "$ROOT/bench/peers/bigwig_extract.py" "$WORK/full.bw" "$WORK/windows.bed" > "$WORK/py.json"
  py_rate=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["windows_per_s"])' "$WORK/py.json")
fi

{
  echo
  echo "Signal: coverage of $READS 50 bp reads ($MB Mb genome, sorted BAM), one thread, wall clock"
  printf "%-34s %12s %12s\n" "" "reads/s" "peak RSS MB"
  printf "%-34s %12s %12s\n" "dnacnn coverage (5' ends, Tn5)" "$cov_rate" "$((cov_kib / 1024))"
  printf "%-34s %12s %12s\n" "dnacnn coverage --full" "$full_rate" "$((full_kib / 1024))"
  printf "%-34s %12s\n" "bedtools genomecov -5 -bg (peer)" "$peer_rate"
  echo "    (bpnet-lite's bam2bw reports about 500,000 reads/s)"
  echo "bigWig targets, 100,000 windows of 1 kb (sum): dnacnn $ext_rate windows/s, pyBigWig + numpy $py_rate windows/s"
} >&2
echo "{\"reads\": $READS, \"genome_mb\": $MB, \"coverage_reads_per_s\": $cov_rate, \"coverage_full_reads_per_s\": $full_rate, \"coverage_peak_rss_mb\": $((cov_kib / 1024)), \"bedtools_genomecov_reads_per_s\": $peer_rate, \"bigwig_windows\": 100000, \"bigwig_extract_windows_per_s\": $ext_rate, \"pybigwig_extract_windows_per_s\": $py_rate}"
