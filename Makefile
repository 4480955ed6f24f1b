# dnacnn: `make demo` and `make test` are all a new user needs (see README.md).
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
DNACNN := $(BUILD)/dnacnn

.PHONY: all deps deps-test deps-bench configure build test test-long demo bench clean

all: build

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

deps-bench:
	@scripts/install-deps.sh bench

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

# Everything but the tests labelled `long` (those run with `make test-long`).
test: deps-test configure
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE long

test-long: deps-test configure
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -L long

demo: build
	$(DNACNN) demo --out runs/demo --force

bench: deps-bench build
	bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
