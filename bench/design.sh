#!/usr/bin/env bash
# Sequence design throughput: mutants scored per second by `dnacnn design --method evolve` (each
# round every single-base mutant of every sequence, in big batches, encoded from the parent's
# codes) against scoring the same mutants with `dnacnn predict`, one file of mutants per round (what
# a script driving predict would do; writing the files is not counted). Prints a table on stderr and
# a JSON object on stdout (bench/run.sh puts it in results.json under "design").
# Usage: bench/design.sh DNACNN WORKDIR [MODEL_DIR]   (without a model: trains a small 200 bp deepcnn)
set -euo pipefail
DNACNN=$1
WORK=$2
MODEL=${3:-}
N=${DNACNN_BENCH_DESIGN_SEQS:-20}
ROUNDS=${DNACNN_BENCH_DESIGN_ROUNDS:-3}
THREADS=${DNACNN_BENCH_DESIGN_THREADS:-$(nproc)}
if [ -z "$MODEL" ]; then
  "$DNACNN" simulate --random 5000 --length 200 --seed 4 --out "$WORK/design_train.tsv"
  "$DNACNN" train --data "$WORK/design_train.tsv" --model deepcnn --epochs 1 --optimizer adam --lr 0.001 \
    --threads "$THREADS" --out "$WORK/design_model" --quiet --force
  MODEL="$WORK/design_model/model"
fi
json_get() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

start_s=$(date +%s.%N)
"$DNACNN" design --model "$MODEL" --n "$N" --rounds "$ROUNDS" --seed 1 --logos 0 --threads "$THREADS" \
  --out "$WORK/design_out" --quiet --force
end_s=$(date +%s.%N)
design_rate=$(json_get "$WORK/design_out/design.json" mutants_per_second)
scored=$(json_get "$WORK/design_out/design.json" mutants_scored)
design_wall_rate=$(awk -v n="$scored" -v a="$start_s" -v b="$end_s" 'BEGIN{printf "%.0f", n / (b - a)}')

# The same work through predict: every single-base mutant of the N sequences (3 x length each, as
# many as a design round scores), one file per round, one predict process per file.
/usr/bin/python3 - "$WORK/design_out/designs.tsv" "$WORK/mutants.tsv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
with open(sys.argv[2], "w") as out:
    out.write("id\tseq\n")
    for r in rows:
        s = r["start_sequence"]
        for p in range(len(s)):
            for b in "ACGT":
                if b != s[p]:
                    out.write(f"{r['id']}_{p}{b}\t{s[:p]}{b}{s[p + 1:]}\n")
PY
per_round=$(($(wc -l < "$WORK/mutants.tsv") - 1))
predict_secs=0
for r in $(seq "$ROUNDS"); do
  a=$(date +%s.%N)
  "$DNACNN" predict --model "$MODEL" --in "$WORK/mutants.tsv" --out "$WORK/mutants_pred_$r.tsv" --threads "$THREADS" --quiet
  b=$(date +%s.%N)
  predict_secs=$(awk -v s="$predict_secs" -v a="$a" -v b="$b" 'BEGIN{print s + b - a}')
done
predict_rate=$(awk -v n="$per_round" -v r="$ROUNDS" -v s="$predict_secs" 'BEGIN{printf "%.0f", n * r / s}')
ratio=$(awk -v a="$design_rate" -v b="$predict_rate" 'BEGIN{printf "%.1f", a / b}')
wall_ratio=$(awk -v a="$design_wall_rate" -v b="$predict_rate" 'BEGIN{printf "%.1f", a / b}')
length=$(json_get "$WORK/design_out/design.json" length)
{
  echo
  echo "Sequence design: $N sequences of $length bp, $ROUNDS evolve rounds ($per_round mutants a round), $THREADS threads"
  printf "%-44s %14s %8s\n" "" "mutants/s" ratio
  printf "%-44s %14.0f %7sx\n" "dnacnn design (search)" "$design_rate" "$ratio"
  printf "%-44s %14.0f %7sx\n" "dnacnn design (whole command, wall)" "$design_wall_rate" "$wall_ratio"
  printf "%-44s %14.0f %8s\n" "dnacnn predict, one file of mutants a round" "$predict_rate" "1.0x"
} >&2
echo "{\"sequences\": $N, \"length\": $length, \"rounds\": $ROUNDS, \"threads\": $THREADS, \"mutants_per_round\": $per_round, \"design_mutants_per_s\": $design_rate, \"design_wall_mutants_per_s\": $design_wall_rate, \"predict_mutants_per_s\": $predict_rate, \"speedup\": $ratio}"
