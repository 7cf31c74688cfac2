# The user interface of the project. Every target installs what it needs.
#   make build   build/epubtok
#   make run     build, then serve the web UI on the sample library
#   make test    build and run every test (ctest)
#   make bench   benchmarks, side by side with the reference implementations
#   make lint    clang-format and clang-tidy on the project's own C++ (scripts/lint)
BUILD ?= build
JOBS ?= $(shell nproc)
EPUBTOK := $(BUILD)/epubtok

.PHONY: all deps vocab configure build run test bench lint samples clean

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

clean:
	rm -rf $(BUILD)
