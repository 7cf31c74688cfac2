# The user interface of the project. Every target installs what it needs.
#   make build   build/epubtok
#   make run     build, then serve the web UI on the sample library
#   make test    build and run every test (ctest)
#   make bench   benchmarks, side by side with the reference implementations
#   make lint    clang-format + clang-tidy on the C++, eslint + prettier on web/ (scripts/lint)
#   make fuzz    build the libFuzzer targets and their seeds (clang; build-fuzz/)
#   make test-asan  the tests of the modules that read untrusted input or run
#                   threads, built with AddressSanitizer + UBSan (build-asan/)
#   make test-tsan  the job and server tests under ThreadSanitizer (build-tsan/)
BUILD ?= build
JOBS ?= $(shell nproc)
EPUBTOK := $(BUILD)/epubtok

.PHONY: all deps vocab configure build run test bench lint samples fuzz clean test-asan test-tsan

all: build

deps:
	@scripts/install-deps

vocab: deps
	@scripts/fetch-vocab

configure: deps
	@test -f $(BUILD)/build.ninja || cmake --preset default >/dev/null

# After the binary: the vocabularies' compiled forms (scripts/fetch-vocab --compile).
build: configure vocab
	@cmake --build $(BUILD) -j $(JOBS)
	@scripts/fetch-vocab --compile $(EPUBTOK)
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

# Sanitizer runs. Parity, benchmark and browser tests stay out: they check
# numbers against reference implementations, not memory or thread safety, and
# would only triple the time. Every test of the listed executables runs.
ASAN_TESTS := epub_test text_test count_test joined_count_test parallel_count_test results_test jobs_test server_test \
              cli_test hostile_library_test server_integration_test fuzz_regression_test
TSAN_TESTS := jobs_test server_test parallel_count_test
empty :=
space := $(empty) $(empty)
# halt_on_error: a finding fails its test instead of scrolling by.
SANITIZER_ENV := ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0 \
                 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
                 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

test-asan: vocab
	@scripts/setup-test-deps
	@test -f build-asan/build.ninja || cmake --preset asan >/dev/null
	@cmake --build build-asan -j $(JOBS) --target epubtok $(ASAN_TESTS)
	@cd build-asan && EPUBTOK_SOURCE_DIR=$(CURDIR) EPUBTOK_BINARY_DIR=$(CURDIR)/build-asan $(SANITIZER_ENV) \
	  ctest --output-on-failure -j $(JOBS) --timeout 900 -L '^($(subst $(space),|,$(ASAN_TESTS)))$$'

test-tsan: vocab
	@test -f build-tsan/build.ninja || cmake --preset tsan >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target epubtok $(TSAN_TESTS)
	@cd build-tsan && EPUBTOK_SOURCE_DIR=$(CURDIR) EPUBTOK_BINARY_DIR=$(CURDIR)/build-tsan $(SANITIZER_ENV) \
	  ctest --output-on-failure -j $(JOBS) --timeout 900 -L '^($(subst $(space),|,$(TSAN_TESTS)))$$'

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
	rm -rf $(BUILD) build-fuzz build-asan build-tsan
