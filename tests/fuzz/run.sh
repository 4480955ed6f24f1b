#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each, starting from the seed corpus in tests/fuzz/corpus/.
# New interesting inputs collect in BUILD/corpus/<target>/; a crash is saved as
# BUILD/crashes/<target>-crash-* and fails the run: copy it to tests/fuzz/regressions/<target>/
# so the unit tests replay it from then on.
# Usage: tests/fuzz/run.sh BUILD SECONDS
set -uo pipefail
build=${1:?build directory}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
failed=()
# LibFuzzer's "-fork" is not needed: one process per target, one after the other (2-core machine).
for bin in "$build"/fuzz_*; do
  target=${bin##*/fuzz_}
  mkdir -p "$build/corpus/$target" "$build/crashes"
  echo "== $target: ${seconds}s" >&2
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$build/crashes/$target-" "$build/corpus/$target" "$here/corpus/$target" \
      > "$build/$target.log" 2>&1; then
    failed+=("$target")
    tail -40 "$build/$target.log" >&2
  fi
  grep -E "^stat::(number_of_executed_units|new_units_added)" "$build/$target.log" | tr '\n' ' ' >&2
  echo >&2
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${failed[*]} (inputs in $build/crashes/)" >&2
  exit 1
fi
echo "fuzz: no crashes" >&2
