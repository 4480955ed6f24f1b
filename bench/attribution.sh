#!/usr/bin/env bash
# Attribution at 1 kb: dnacnn's fast ISM against naive batched ISM in PyTorch (every mutant
# through the whole network, as tangermeme does) with the same weights and threads, and DeepSHAP
# (20 dinucleotide shuffles) against the same rule in PyTorch (bench/peers/attribution_torch.py).
# Two models: the notebook's cnn (32 filters, k 3) and the realistic deepcnn (64 filters k 15,
# 3 blocks, pool 4), both trained briefly on 1 kb sequences. Prints a table on stderr and a JSON
# object on stdout (bench/run.sh puts it in results.json under "attribution").
# Usage: bench/attribution.sh DNACNN WORKDIR [THREADS]
set -euo pipefail
DNACNN=$1
WORK=$2
THREADS=${3:-1}
PEER="$(cd "$(dirname "$0")" && pwd)/peers/attribution_torch.py"
ISM_SEQS=${DNACNN_BENCH_ISM_SEQS:-10}
SHAP_SEQS=${DNACNN_BENCH_SHAP_SEQS:-50}
"$DNACNN" simulate --random 2000 --length 1000 --seed 5 --out "$WORK/attr1k.tsv"
awk -F'\t' -v n="$SHAP_SEQS" 'NR > 1 && NR <= n + 1 {print ">s" NR - 1; print $1}' "$WORK/attr1k.tsv" > "$WORK/shap.fa"
head -n $((2 * ISM_SEQS)) "$WORK/shap.fa" > "$WORK/ism.fa"
"$DNACNN" train --data "$WORK/attr1k.tsv" --model cnn --optimizer adam --lr 0.001 --epochs 1 --out "$WORK/attr_cnn" --quiet
"$DNACNN" train --data "$WORK/attr1k.tsv" --model deepcnn --hparam filters=64 --hparam kernel_size=15 --hparam blocks=3 \
  --hparam pool=4 --hparam hidden=64 --optimizer adam --lr 0.001 --epochs 1 --out "$WORK/attr_deepcnn" --quiet
seconds() { sed -n 's/.* sequences in \([0-9.]*\) s .*/\1/p' "$1"; }
field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
json="{\"threads\": $THREADS, \"length\": 1000"
table=""
for arch in cnn deepcnn; do
  model="$WORK/attr_$arch/model"
  "$DNACNN" attribute --model "$model" --in "$WORK/ism.fa" --method ism --threads "$THREADS" --logos 0 \
    --out "$WORK/ism_$arch" --force 2> "$WORK/ism_$arch.log"
  "$DNACNN" attribute --model "$model" --in "$WORK/ism.fa" --method ism --naive --threads "$THREADS" --logos 0 \
    --out "$WORK/naive_$arch" --force 2> "$WORK/naive_$arch.log"
  "$DNACNN" attribute --model "$model" --in "$WORK/shap.fa" --method deepshap --hypothetical --n-shuffles 20 \
    --threads "$THREADS" --logos 0 --out "$WORK/shap_$arch" --force 2> "$WORK/shap_$arch.log"
  fast=$(awk -v n="$ISM_SEQS" -v s="$(seconds "$WORK/ism_$arch.log")" 'BEGIN{printf "%.2f", n / s}')
  naive=$(awk -v n="$ISM_SEQS" -v s="$(seconds "$WORK/naive_$arch.log")" 'BEGIN{printf "%.2f", n / s}')
  shap=$(awk -v n="$SHAP_SEQS" -v s="$(seconds "$WORK/shap_$arch.log")" 'BEGIN{printf "%.2f", n / s}')
  /usr/bin/python3 "$PEER" ism "$model" "$WORK/ism.fa" "$THREADS" 20 "$WORK/ism_$arch/attributions.safetensors" > "$WORK/peer_ism_$arch.json"
  /usr/bin/python3 "$PEER" deepshap "$model" "$WORK/shap.fa" "$THREADS" 20 > "$WORK/peer_shap_$arch.json"
  py_ism=$(field "$WORK/peer_ism_$arch.json" seq_per_s)
  py_shap=$(field "$WORK/peer_shap_$arch.json" seq_per_s)
  diff=$(field "$WORK/peer_ism_$arch.json" max_abs_diff_vs_dnacnn)
  table+=$(printf "\n%-8s %-22s %10.2f %10.2f %8.1fx" "$arch" "fast ISM seq/s" "$fast" "$py_ism" \
    "$(awk -v a="$fast" -v b="$py_ism" 'BEGIN{print a / b}')")
  table+=$(printf "\n%-8s %-22s %10.2f %10.2f %8.1fx" "" "  (dnacnn --naive)" "$naive" "$py_ism" \
    "$(awk -v a="$naive" -v b="$py_ism" 'BEGIN{print a / b}')")
  table+=$(printf "\n%-8s %-22s %10.2f %10.2f %8.1fx" "" "DeepSHAP seq/s" "$shap" "$py_shap" \
    "$(awk -v a="$shap" -v b="$py_shap" 'BEGIN{print a / b}')")
  table+=$(printf "\n%-8s %-22s %21s (largest score %s)" "" "  ISM max |diff|" "$diff" \
    "$(field "$WORK/peer_ism_$arch.json" max_abs_score)")
  json+=", \"$arch\": {\"fast_ism_seq_per_s\": $fast, \"naive_ism_seq_per_s\": $naive, \"pytorch_naive_ism_seq_per_s\": $py_ism"
  json+=", \"ism_max_abs_diff_vs_pytorch\": $diff, \"deepshap_seq_per_s\": $shap, \"pytorch_deepshap_seq_per_s\": $py_shap}"
done
{
  echo
  echo "Attribution at 1 kb: $ISM_SEQS sequences (ISM), $SHAP_SEQS (DeepSHAP, 20 shuffles, hypothetical), $THREADS threads"
  printf "%-8s %-22s %10s %10s %9s" model "" dnacnn PyTorch ratio
  echo "$table"
} >&2
echo "$json}"
