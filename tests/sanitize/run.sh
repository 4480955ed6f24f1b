#!/usr/bin/env bash
# Runs the CTest suite of a sanitizer build (make sanitize) with the options in this directory.
# Usage: tests/sanitize/run.sh BUILD [ctest arguments...]
set -euo pipefail
build=${1:?build directory}
shift
here=$(cd "$(dirname "$0")" && pwd)
# detect_leaks: on, with LibTorch's own process-lifetime allocations suppressed (lsan.supp).
# detect_odr_violation=0: LibTorch and its dependencies define some globals twice, which is theirs.
# intercept_tls_get_addr=0: GCC 12's runtime takes a dynamic TLS block that malloc happened to place
# 16 bytes past a page boundary for glibc 2.19's header and reads garbage as its range; LeakSanitizer's
# tracer then dies with "Tracer caught signal 11" at exit (google/sanitizers#1322; it failed
# CliSpec's `attribute` on every run of a fresh clone). Our libraries are linked, not dlopen'd: their
# TLS is in the static block, which is still scanned.
export ASAN_OPTIONS="detect_leaks=1:detect_odr_violation=0:abort_on_error=0:halt_on_error=1:exitcode=99:strict_string_checks=1:detect_stack_use_after_return=0:intercept_tls_get_addr=0"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$here/ubsan.supp"
exec ctest --test-dir "$build" --output-on-failure "$@"
