#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each, starting from the seed corpus in tests/fuzz/corpus/.
# First each target replays its saved crashes (tests/fuzz/regressions/<target>/); then it fuzzes.
# New interesting inputs collect in BUILD/corpus/<target>/; a crash is saved as
# BUILD/crashes/<target>-crash-* and fails the run: copy it to tests/fuzz/regressions/<target>/
# so the unit tests replay it from then on.
#
# Usage: tests/fuzz/run.sh BUILD SECONDS [--smoke | --merge]
#   --smoke  a scratch corpus, removed afterwards (make test's fuzz-smoke test)
#   --merge  afterwards, merge what the run found into tests/fuzz/corpus/<target>/, minimised
#            (libFuzzer -merge=1 keeps only inputs that add coverage): a campaign's grown corpus
# Prints one line per target: seconds it ran, executions, new inputs, corpus files.
set -uo pipefail
build=${1:?build directory}
seconds=${2:-60}
mode=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
failed=()

# Every entry point in targets.hpp must have its binary: a target that was not built fails too.
# FUZZ_TARGETS="a b" runs only those (e.g. a campaign on the parsers a change touched).
expected=$(sed -n 's/^void \([a-z_]*\)(std::string_view bytes);.*/\1/p' "$here/targets.hpp")
if [ -n "${FUZZ_TARGETS:-}" ]; then
  for target in $FUZZ_TARGETS; do
    grep -qx "$target" <<< "$expected" || { echo "fuzz: no target '$target' (targets: $(echo $expected))" >&2; exit 2; }
  done
  expected=$FUZZ_TARGETS
fi
for target in $expected; do
  [ -x "$build/fuzz_$target" ] || { echo "fuzz: $build/fuzz_$target was not built" >&2; failed+=("$target"); }
done

# The targets write each input to a file in a scratch directory under TMPDIR: give the run its own,
# removed at the end. In memory (/dev/shm) the intervals target ran 1.3x the executions it did on disk,
# side by side under the same load; used only with room to spare (a container's /dev/shm may be 64 MB)
# and unless TMPDIR is set.
scratch_base=${TMPDIR:-/tmp}
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
   [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 1048576 ] 2>/dev/null; then
  scratch_base=/dev/shm
fi
TMPDIR=$(mktemp -d "$scratch_base/dnacnn-fuzz.XXXXXX") || exit 2
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT

corpus_root="$build/corpus"
[ "$mode" = "--smoke" ] && corpus_root=$(mktemp -d "$build/smoke-corpus.XXXXXX")
mkdir -p "$build/crashes"
printf '%-16s %8s %12s %8s %8s\n' target seconds executions new corpus >&2
# LibFuzzer's "-fork" is not needed: one process per target, one after the other (2-core machine).
for target in $expected; do
  bin="$build/fuzz_$target"
  [ -x "$bin" ] || continue
  log="$build/$target.log"
  regressions=("$here/regressions/$target"/*)
  if [ -e "${regressions[0]}" ] && ! "$bin" "${regressions[@]}" > "$log" 2>&1; then
    failed+=("$target (a saved regression input)")
    tail -40 "$log" >&2
    continue
  fi
  mkdir -p "$corpus_root/$target"
  began=$(date +%s)
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$build/crashes/$target-" "$corpus_root/$target" "$here/corpus/$target" \
      > "$log" 2>&1; then
    failed+=("$target")
    tail -40 "$log" >&2
  fi
  took=$(( $(date +%s) - began ))  # what it ran (a crash ends it early)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  new=$(sed -n 's/^stat::new_units_added: *//p' "$log")
  if [ "$mode" = "--merge" ]; then
    "$bin" -merge=1 -max_len=65536 -timeout=10 "$here/corpus/$target" "$corpus_root/$target" >> "$log" 2>&1 ||
      failed+=("$target (merge)")
  fi
  files=$(find "$here/corpus/$target" "$corpus_root/$target" -type f | wc -l)
  printf '%-16s %8s %12s %8s %8s\n' "$target" "$took" "${execs:-?}" "${new:-?}" "$files" >&2
done
[ "$mode" = "--smoke" ] && rm -rf "$corpus_root"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]} (inputs in $build/crashes/, logs in $build/<target>.log)" >&2
  exit 1
fi
echo "fuzz: no crashes" >&2
