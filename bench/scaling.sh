#!/usr/bin/env bash
# Data-parallel scaling: the same training (deepcnn, 100 bp, global batch 256, LibTorch engine, 1
# thread per rank) in 1 process and in 2 ranks under `dnacnn launch`. Prints a table on stderr and
# a JSON object on stdout (bench/run.sh puts it in results.json under "distributed").
# Usage: bench/scaling.sh DNACNN WORKDIR
set -euo pipefail
DNACNN=$1
WORK=$2
ROWS=${DNACNN_BENCH_SCALING_ROWS:-20000}
"$DNACNN" simulate --random "$ROWS" --length 100 --seed 2 --noise 1 --out "$WORK/scaling.tsv"
TRAIN=(train --data "$WORK/scaling.tsv" --model deepcnn --engine torch --batch-size 256 --epochs 2 --threads 1 --quiet)
"$DNACNN" "${TRAIN[@]}" --out "$WORK/scaling1"
"$DNACNN" launch --nproc 2 -- "${TRAIN[@]}" --out "$WORK/scaling2" --distributed
rate() {  # training rows x epochs / training seconds
  /usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["models"]["deepcnn"]
print("%.0f" % (m["train"]["n"] * m["epochs"] / m["train_seconds"]))' "$1/metrics.json"
}
one=$(rate "$WORK/scaling1")
two=$(rate "$WORK/scaling2")
speedup=$(awk -v a="$two" -v b="$one" 'BEGIN{printf "%.2f", a / b}')
{
  echo
  echo "Data-parallel training: $ROWS random 100 bp sequences, deepcnn, global batch 256, 1 thread per rank"
  printf "%-10s %14s %9s\n" processes "train seq/s" speed-up
  printf "%-10s %14s %9s\n" 1 "$one" 1.00
  printf "%-10s %14s %9s\n" 2 "$two" "$speedup"
} >&2
echo "{\"rows\": $ROWS, \"train_seq_per_s_1_process\": $one, \"train_seq_per_s_2_ranks\": $two, \"speedup\": $speedup}"
