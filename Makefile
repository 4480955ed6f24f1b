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

# The report's JavaScript (vega, vega-lite, vega-embed; playwright-core for its browser test) is
# compiled into dnacnn from node_modules: install it, as package-lock.json pins it, before configuring.
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

$(BUILD)/build.ninja: CMakeLists.txt node_modules/.package-lock.json
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
