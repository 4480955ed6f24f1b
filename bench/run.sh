#!/usr/bin/env bash
# make bench: the notebook workload side by side with the seed pipeline (Python PyTorch), and
# micro-benchmarks. Prints figures and ratios; writes bench/results.json.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DNACNN="$ROOT/$BUILD/dnacnn"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SEED_PIPELINE="$ROOT/../shared/peers/seed_pipeline.py"

"$DNACNN" simulate --k 8 --out "$WORK/data.tsv"

json_get() {  # json_get FILE KEY1 KEY2 ... -> value
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: d=d[k]
print(d)' "$@"
}

declare -A secs r2
for engine in fused torch; do
  for model in linear cnn; do
    run="$WORK/$model-$engine"
    "$DNACNN" train --data "$WORK/data.tsv" --model "$model" --engine "$engine" --out "$run" --quiet
    secs[$model-$engine]=$(json_get "$run/metrics.json" models "$model" train_seconds)
    r2[$model-$engine]=$(json_get "$run/metrics.json" models "$model" test r2)
  done
done

peer_out="$WORK/peer.txt"
peer_ok=0
if [ -f "$SEED_PIPELINE" ] && /usr/bin/python3 -c 'import torch, sklearn, pandas' 2>/dev/null; then
  /usr/bin/python3 "$SEED_PIPELINE" > "$peer_out" && peer_ok=1
else
  echo "seed pipeline not run (needs $SEED_PIPELINE and python3-torch, python3-sklearn, python3-pandas)" >&2
fi
peer_secs() { awk -v k="time train_$1:" '$0 ~ k {gsub("s","",$3); print $3}' "$peer_out"; }
peer_r2() { awk -v m="$1:" '$1 == m {print $NF}' "$peer_out"; }

echo
echo "Notebook workload: 65,536 8-mers, 41,942 training rows, 50 epochs, 1 thread"
printf "%-8s %-7s %10s %9s %12s %10s\n" model engine "train s" "test R2" "seed pipe s" "speed-up"
results="{\"notebook\": {"
first=1
for model in linear cnn; do
  for engine in fused torch; do
    s=${secs[$model-$engine]}
    ps="" ratio=""
    if [ $peer_ok = 1 ]; then ps=$(peer_secs "$model"); ratio=$(awk -v a="$ps" -v b="$s" 'BEGIN{printf "%.1fx", a/b}'); fi
    printf "%-8s %-7s %10.3f %9.4f %12s %10s\n" "$model" "$engine" "$s" "${r2[$model-$engine]}" "$ps" "$ratio"
    [ $first = 1 ] || results+=", "
    first=0
    results+="\"$model-$engine\": {\"train_seconds\": $s, \"test_r2\": ${r2[$model-$engine]}"
    [ -z "$ps" ] || results+=", \"seed_pipeline_seconds\": $ps, \"seed_pipeline_r2\": $(peer_r2 "$model")"
    results+="}"
  done
done
results+="}"

echo
echo "One-hot encoding (single thread, float32 output):"
"$ROOT/$BUILD/bench/dnacnn_bench" --benchmark_format=json --benchmark_out="$WORK/micro.json" \
  --benchmark_out_format=json --benchmark_format=console
mbps=$(/usr/bin/python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(max(b["Mbp/s"] for b in d["benchmarks"]))' "$WORK/micro.json")
results+=", \"onehot_mbp_per_s\": $mbps}"
echo "$results" | /usr/bin/python3 -m json.tool > "$ROOT/bench/results.json"
echo
echo "wrote bench/results.json"
