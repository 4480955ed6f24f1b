#!/usr/bin/env bash
# Profile models (issue #20, docs/signal.md): BPNet-style training and scanning on simulated
# ChIP-exo-like data (examples/signal/simulate_footprints.py: planted GATA/AP-1 motifs, stranded
# footprints, background reads -> BAM -> `dnacnn coverage --strand`).
#   training: one epoch of `dnacnn train --model bpnet --profile` on the peaks (stranded: two
#             profiles), train seq/s at 1 and 2 threads, against the same network, heads and loss in
#             PyTorch (bench/peers/bpnet_torch.py) at the same shapes and threads;
#   scanning: `dnacnn scan` of the trained model over the held-out chromosome to bigWig, bases/s,
#             at step = output length, with --shared-trunk (the trunk once over 64 windows'
#             stretch) and window by window (the default), against the PyTorch model's forward
#             passes alone, one window per output stretch, as bpnet-lite predicts.
# Prints a table on stderr and a JSON object on stdout (bench/run.sh puts it under "profile").
# Usage: bench/profile.sh DNACNN WORK
# DNACNN_BENCH_PROFILE_REGIONS (default 10000) peaks + background regions of
# DNACNN_BENCH_PROFILE_LENGTH (default 2114) bp predicting the central
# DNACNN_BENCH_PROFILE_OUTPUT_LENGTH (default 1000); DNACNN_BENCH_PROFILE_THREADS (default "1 2");
# DNACNN_BENCH_PROFILE_TARGET (default --profile; `--target sum` times the scalar-headed bpnet).
set -euo pipefail
DNACNN=$1
WORK=$2/profile
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REGIONS=${DNACNN_BENCH_PROFILE_REGIONS:-10000}
LENGTH=${DNACNN_BENCH_PROFILE_LENGTH:-2114}
OUTLEN=${DNACNN_BENCH_PROFILE_OUTPUT_LENGTH:-1000}
THREAD_COUNTS=${DNACNN_BENCH_PROFILE_THREADS:-1 2}
read -r -a TARGET <<< "${DNACNN_BENCH_PROFILE_TARGET:---profile}"
BATCH=64
# As bench/run.sh: passive OpenMP waiting keeps 2-thread figures meaningful on shared cores (the
# PyTorch peer's 2 threads ran at 7 seq/s busy-waiting on the loaded machine, 21 seq/s passive).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
mkdir -p "$WORK"

json_get() {  # json_get FILE KEY1 KEY2 ... -> value
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: d=d[k]
print(d)' "$@"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; }

# Peaks are 4/5 of the regions (the simulator adds a quarter as many background regions), 750
# sites per Mbp: 10,000 regions are 8,000 sites on 10.7 Mbp, 40/30/20/10% in chr1-chr4. chr3 is
# validation, chr4 the held-out test chromosome (and the one scanned).
sites=$((REGIONS * 4 / 5))
sizes=$(awk -v s="$sites" 'BEGIN{mb = s / 750; printf "%d,%d,%d,%d", mb*4e5+3000, mb*3e5+3000, mb*2e5+3000, mb*1e5+3000}')
/usr/bin/time -f "%e" -o "$WORK/sim_time" /usr/bin/python3 "$ROOT/examples/signal/simulate_footprints.py" --out "$WORK/sim" \
  --chrom-sizes "$sizes" --sites-per-mb 750 --reads-per-site 60 --quiet
SIM=$WORK/sim
"$DNACNN" coverage --bam "$SIM/reads.bam" --genome "$SIM/genome.fa" --strand --out "$SIM/cov.bw" --quiet
regions=$(wc -l < "$SIM/peaks.narrowPeak")
reads=$(samtools idxstats "$SIM/reads.bam" | awk '{n += $3} END {print n}')

declare -A dn py
json="{\"regions\": $regions, \"length\": $LENGTH, \"output_length\": $OUTLEN, \"tracks\": 2, \"batch_size\": $BATCH"
json+=", \"target\": \"${TARGET[*]}\", \"simulated_reads\": $reads, \"simulate_seconds\": $(cat "$WORK/sim_time")"
for t in $THREAD_COUNTS; do
  run="$WORK/run$t"
  "$DNACNN" train --bed "$SIM/peaks.narrowPeak" --genome "$SIM/genome.fa" --bigwig "$SIM/cov.plus.bw,$SIM/cov.minus.bw" \
    "${TARGET[@]}" --length "$LENGTH" --output-length "$OUTLEN" --model bpnet --val-chroms chr3 --test-chroms chr4 \
    --epochs 1 --batch-size "$BATCH" --optimizer adam --lr 0.001 --threads "$t" --out "$run" --quiet --force
  dn[$t]=$(/usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["models"]["bpnet"]
print("%.2f" % (m["train"]["n"] / m["train_seconds"]))' "$run/metrics.json")
  # The peer trains for as long as dnacnn's epoch took (at least 20 s, at most 300 s).
  secs=$(json_get "$run/metrics.json" models bpnet train_seconds | awk '{s = $1; if (s < 20) s = 20; if (s > 300) s = 300; print s}')
  /usr/bin/python3 "$ROOT/bench/peers/bpnet_torch.py" --length "$LENGTH" --output-length "$OUTLEN" --tracks 2 \
    --batch-size "$BATCH" --threads "$t" --seconds "$secs" > "$WORK/peer$t.json"
  py[$t]=$(json_get "$WORK/peer$t.json" train_seq_per_s)
  json+=", \"threads_$t\": {\"dnacnn_train_seq_per_s\": ${dn[$t]}, \"pytorch_train_seq_per_s\": ${py[$t]}"
  json+=", \"ratio\": $(ratio "${dn[$t]}" "${py[$t]}"), \"pytorch_predict_seq_per_s\": $(json_get "$WORK/peer$t.json" predict_seq_per_s)}"
done

# Scanning the held-out chromosome (the last thread count's model and threads).
t=${THREAD_COUNTS##* }
chr4=${sizes##*,}
printf 'chr4\t0\t%s\n' "$chr4" > "$WORK/chr4.bed"
scan() {  # scan NAME [FLAGS...] -> bases/s of dnacnn scan at step = output length
  local name=$1
  shift
  /usr/bin/time -f "%e" -o "$WORK/$name.time" "$DNACNN" scan --model "$WORK/run$t/model" --genome "$SIM/genome.fa" \
    --regions "$WORK/chr4.bed" --step "$OUTLEN" --threads "$t" "$@" --out "$WORK/$name.bw" 2> "$WORK/$name.log"
  awk -v n="$chr4" -v s="$(cat "$WORK/$name.time")" 'BEGIN{printf "%.0f", n / s}'
}
shared=$(scan scan_shared --shared-trunk)
windowed=$(scan scan_windowed)
py_scan=$(awk -v r="$(json_get "$WORK/peer$t.json" predict_seq_per_s)" -v n="$OUTLEN" 'BEGIN{printf "%.0f", r * n}')
json+=", \"scan\": {\"chromosome_bases\": $chr4, \"step\": $OUTLEN, \"threads\": $t, \"dnacnn_bases_per_s\": $shared"
json+=", \"dnacnn_window_by_window_bases_per_s\": $windowed, \"pytorch_window_by_window_bases_per_s\": $py_scan}"

{
  echo
  echo "Profile models: bpnet ${TARGET[*]}, $regions simulated regions (stranded footprints, $reads reads) of $LENGTH bp ->"
  echo "    central $OUTLEN bp, 2 tracks, batch $BATCH, one epoch, Adam (simulated in $(cat "$WORK/sim_time") s)"
  printf "%-28s %12s %12s %8s\n" "" dnacnn PyTorch ratio
  for t in $THREAD_COUNTS; do
    printf "%-28s %12.1f %12.1f %7.2fx\n" "train seq/s, $t thread(s)" "${dn[$t]}" "${py[$t]}" "$(ratio "${dn[$t]}" "${py[$t]}")"
  done
  echo "Scan of the held-out chr4 ($chr4 bp) to bigWig, step $OUTLEN, $t thread(s), bases/s (wall):"
  printf "%-28s %12s\n" "dnacnn, --shared-trunk" "$shared"
  printf "%-28s %12s\n" "dnacnn window by window" "$windowed"
  printf "%-28s %12s   (forward passes only)\n" "PyTorch window by window" "$py_scan"
} >&2
echo "$json}"
