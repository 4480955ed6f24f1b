# dnacnn: `make demo` and `make test` are all a new user needs (see README.md).
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
DNACNN := $(BUILD)/dnacnn

.PHONY: all deps deps-test deps-bench deps-fuzz deps-python configure build python test test-long demo bench fuzz sanitize clean

all: build

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

deps-bench:
	@scripts/install-deps.sh bench

deps-fuzz:
	@scripts/install-deps.sh fuzz

deps-python:
	@scripts/install-deps.sh python

# The report's JavaScript (vega, vega-lite, vega-embed; playwright-core for its browser test) is
# compiled into dnacnn from node_modules: install it, as package-lock.json pins it, before configuring.
# onnxruntime-node runs the ONNX export test; its install script only fetches GPU builds from outside
# the registry (the CPU build is in the package), and no other package has one: --ignore-scripts.
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

$(BUILD)/build.ninja: CMakeLists.txt node_modules/.package-lock.json
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

# `import dnacnn`: the Python module into $(BUILD)/python/dnacnn/ (use it with PYTHONPATH=$(BUILD)/python,
# see docs/python.md). CMake runs again so that it finds pybind11 if it was installed after configuring.
python: deps-python configure
	cmake -S . -B $(BUILD) > /dev/null
	cmake --build $(BUILD) -j $(JOBS) --target dnacnn_python

# Everything but the tests labelled `long` (those run with `make test-long`).
test: deps-test configure
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE long

test-long: deps-test configure
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -L long

demo: build
	$(DNACNN) demo --out runs/demo --force

bench: deps-bench build python
	bench/run.sh $(BUILD)

# libFuzzer targets for every parser (clang, ASan + UBSan), each run for FUZZ_SECONDS from the seed
# corpus in tests/fuzz/corpus/. A crash fails the run; its input goes to tests/fuzz/regressions/.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz: deps-fuzz
	cmake -S tests/fuzz -B $(FUZZ_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	FUZZ_TARGETS="$(FUZZ_TARGETS)" tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The test suite (but the `long` tests) built with ASan + UBSan in its own build directory.
# tests/sanitize/ holds the runtime options and the suppressions for LibTorch's own leaks.
SANITIZE_BUILD ?= build-sanitize
sanitize: deps-test node_modules/.package-lock.json
	cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDNACNN_SANITIZE=ON \
	  -DDNACNN_BUILD_BENCH=OFF -DDNACNN_FUZZ_SMOKE=OFF $(CMAKE_FLAGS)
	cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	tests/sanitize/run.sh $(SANITIZE_BUILD) -j $(JOBS) -LE long

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) $(SANITIZE_BUILD)
