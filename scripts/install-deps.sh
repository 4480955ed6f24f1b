#!/usr/bin/env bash
# Installs what dnacnn needs from Debian, skipping what is already there.
# Usage: scripts/install-deps.sh build|test|bench|fuzz|python
set -euo pipefail

build_pkgs=(cmake ninja-build g++ make pkg-config libtorch-dev libhts-dev libcli11-dev nlohmann-json3-dev
            libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
            libonnx-dev libprotobuf-dev  # `dnacnn export --onnx` builds and checks the ONNX ModelProto with them
            libgloo-dev  # headers of Gloo, which LibTorch's ProcessGroupGloo (torch.distributed on CPU) includes
            libopenblas0-openmp)  # reference BLAS (the default) makes LibTorch's matmuls ~30% slower
test_pkgs=(chromium python3-biopython)  # Biopython reads the 2bit files the tests write
bench_pkgs=(python3-torch python3-sklearn python3-pandas python3-numpy time)
fuzz_pkgs=(clang-14 libclang-rt-14-dev)  # libclang-rt-14-dev holds libFuzzer (libclang_rt.fuzzer) and the sanitizers
python_pkgs=(pybind11-dev python3-dev python3-numpy)  # `import dnacnn` (python/), built for /usr/bin/python3

want=("${build_pkgs[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test_pkgs[@]}" "${fuzz_pkgs[@]}" "${python_pkgs[@]}") ;;  # make test runs the fuzz targets briefly, tests the module
  bench) want+=("${bench_pkgs[@]}" "${python_pkgs[@]}") ;;  # the module's one-hot and predict against numpy and the CLI
  python) want+=("${python_pkgs[@]}") ;;
  fuzz) want+=("${fuzz_pkgs[@]}") ;;
  *) echo "usage: $0 build|test|bench|fuzz|python" >&2; exit 2 ;;
esac
# Node.js and npm build the report's JavaScript; any install of them will do.
command -v npm >/dev/null 2>&1 || want+=(nodejs npm)

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
