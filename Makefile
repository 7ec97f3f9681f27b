# The two commands of the README: `make demo` and `make test`. Both install what is
# missing from Debian's packages first (as root, or through sudo).
SHELL := /bin/bash
JOBS  ?= $(shell nproc)

DEB_PACKAGES := g++ cmake make pkg-config git \
  libcmark-gfm-dev libcmark-gfm-extensions-dev libcli11-dev nlohmann-json3-dev \
  libfmt-dev libsqlite3-dev libssl-dev libgtest-dev libbenchmark-dev sqlite3 \
  libpq-dev libcurl4-openssl-dev librdkafka-dev postgresql-15 \
  libncurses-dev tmux locales prometheus prometheus-postgres-exporter kcat chromium strace

FUZZ_PACKAGES := clang libclang-rt-14-dev
FUZZ_SECONDS  ?= 300

.PHONY: deps build build-test build-bench demo test bench bench-quick fuzz reliability clean

deps:
	@scripts/install-deps.sh $(DEB_PACKAGES)

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDRCONSOLE_TESTS=OFF
	cmake --build build -j $(JOBS)

build-test: deps
	cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DDRCONSOLE_SANITIZE=ON
	cmake --build build-test -j $(JOBS)

# The lab up, a quarterly drill in the console (headless without a terminal), measured vs true, the lab down.
demo: build
	build/drconsole demo

test: build-test
	cd build-test && ctest --output-on-failure -j $(JOBS)

# drconsole side by side with psql, kcat, sqlite3, fdatasync and Prometheus on the lab: writes
# bench/results.md (bench-quick: fewer rounds and smaller data, to build-bench/results-quick.md).
BENCH_RUN = build-bench/bench/drbench --drconsole build-bench/drconsole --fill-journal build-bench/bench/fill_journal --source .

build-bench: deps
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DDRCONSOLE_TESTS=OFF -DDRCONSOLE_BENCH=ON
	cmake --build build-bench -j $(JOBS)

bench: build-bench
	$(BENCH_RUN) --out bench/results.md
	build-bench/bench/bench_journal

bench-quick: build-bench
	$(BENCH_RUN) --quick --out build-bench/results-quick.md

# The journal under kills at every fsync, tamper mutations with and without signatures: a table.
reliability: build-test
	build-test/tests/reliability

# libFuzzer on the parsers (runbook, environment, gates and other fields, key scripts), each for
# FUZZ_SECONDS; make test replays their corpora and mutates them briefly.
fuzz: deps
	@scripts/install-deps.sh $(FUZZ_PACKAGES)
	cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDRCONSOLE_TESTS=OFF -DDRCONSOLE_FUZZ=ON
	cmake --build build-fuzz -j $(JOBS) --target fuzz_runbook fuzz_environment fuzz_fields fuzz_key_script
	scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build build-test build-bench build-fuzz
