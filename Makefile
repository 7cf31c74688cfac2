# The user interface of the project. Every target installs what it needs.
#   make build   build/epubtok
#   make run     build, then serve the web UI on the sample library
#   make test    build and run every test (ctest)
#   make bench   benchmarks, side by side with the reference implementations
#   make lint    clang-format and clang-tidy on the project's own C++ (scripts/lint)
#   make fuzz    build the libFuzzer targets and their seeds (clang; build-fuzz/)
BUILD ?= build
JOBS ?= $(shell nproc)
EPUBTOK := $(BUILD)/epubtok

.PHONY: all deps vocab configure build run test bench lint samples fuzz clean

all: build

deps:
	@scripts/install-deps

vocab: deps
	@scripts/fetch-vocab

configure: deps
	@test -f $(BUILD)/build.ninja || cmake --preset default >/dev/null

build: configure vocab
	@cmake --build $(BUILD) -j $(JOBS)
	@if [ -x scripts/build-web ]; then scripts/build-web; fi

samples: build
	@$(BUILD)/make-sample-library samples/epubs

# Serves the API and the web UI on the sample library; Ctrl-C stops it.
run: samples
	$(EPUBTOK) serve --library samples/epubs

test: build
	@scripts/setup-test-deps
	@cd $(BUILD) && EPUBTOK_SOURCE_DIR=$(CURDIR) EPUBTOK_BINARY_DIR=$(abspath $(BUILD)) \
	  ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	@scripts/setup-test-deps
	@bench/run

lint: configure
	@BUILD=$(abspath $(BUILD)) scripts/lint

# The libFuzzer targets (tests/fuzz/CMakeLists.txt lists them) and their
# seed corpora in build-fuzz/seeds/<target>. Run one with e.g.
#   build-fuzz/tests/fuzz/zip_fuzz -max_total_time=600 build-fuzz/seeds/zip_fuzz
fuzz: vocab
	@scripts/install-deps --fuzz
	@test -f build-fuzz/build.ninja || cmake --preset fuzz >/dev/null
	@cmake --build build-fuzz --target fuzz -j $(JOBS)

clean:
	rm -rf $(BUILD) build-fuzz
