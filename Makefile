# Thin wrapper around CMake. `make demo` and `make test` work on a fresh
# Debian machine as root: they install the missing packages first.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_OUT   ?= out
PREFIX     ?= /usr/local

.PHONY: all deps configure build demo test test-fast asan bench bench-sweep sweep-map stress install format format-check clean tas-figures fit-example fit-coverage bench-fit

all: build

deps:
	@sh scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@mkdir -p $(DEMO_OUT)
	@./$(BUILD)/app/iondrift run examples/fapbi3_pin.yaml -o $(DEMO_OUT)/fapbi3_pin.h5
	@./$(BUILD)/app/iondrift plot $(DEMO_OUT)/fapbi3_pin.h5 -o $(DEMO_OUT)/fapbi3_pin.png
	@echo "demo: results in $(DEMO_OUT)/fapbi3_pin.h5 and $(DEMO_OUT)/fapbi3_pin_J.csv, figure $(DEMO_OUT)/fapbi3_pin.png"
	@echo "demo: the program is ./$(BUILD)/app/iondrift (e.g. ./$(BUILD)/app/iondrift help)"

# The whole suite: Release build (unit + validation), then the tests labelled
# `sanitize` (the unit tests and the fast validation cases; not the
# reproductions, which only repeat the engine at length) again under
# AddressSanitizer + UBSan.
test: build asan
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -L sanitize

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DIDR_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# Install the program, the library (shared and static), its header,
# iondrift.pc, the CMake package, the material data, the examples, the plot
# tools and the Python package under PREFIX (default /usr/local).
install: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@cmake --install $(BUILD) --prefix $(PREFIX)

bench: build
	@./$(BUILD)/bench/idr_bench
	@./$(BUILD)/bench/api_bench
	@./$(BUILD)/bench/light_bench

# The figures of docs/tas.md (the TAS validation decks run and drawn).
tas-figures: build
	@sh scripts/tas-figures.sh $(BUILD)

# The sweep bench: 200 TID scans of the example cell on 1 thread, 2 threads
# and 2 MPI ranks (~8 min on an idle 2-core machine; bench/README.md).
bench-sweep: build
	@/usr/bin/python3 bench/sweep_bench.py --iondrift ./$(BUILD)/app/iondrift \
	  $$(command -v mpirun >/dev/null 2>&1 && echo --mpirun mpirun) --work $(DEMO_OUT)/sweep_bench

# The example sweep, a result of its own: the bias map of the textbook TID
# analysis (126 TID scans, ~5 min on 2 cores; docs/validation.md).
sweep-map: build
	@mkdir -p $(DEMO_OUT)
	@./$(BUILD)/app/iondrift sweep examples/tid_bias_map.yaml -o $(DEMO_OUT)/tid_bias_map
	@./$(BUILD)/app/iondrift plot $(DEMO_OUT)/tid_bias_map/results.h5 -o $(DEMO_OUT)/tid_bias_map/bias_map.png

# The fit example (docs/fit.md): regenerate examples/fit/tid.csv (synthetic
# TID data at known parameters + 1 % noise) and fit it (~30 s of CPU).
fit-example: build
	@/usr/bin/python3 examples/fit/make_data.py ./$(BUILD)/app/iondrift
	@mkdir -p $(DEMO_OUT)
	@./$(BUILD)/app/iondrift fit examples/fit/fit.yaml -o $(DEMO_OUT)/fit_example.h5

# The fit's bench (bench/README.md): a 3-parameter fit to 11 temperatures on
# 1 and 2 threads (target < 60 s on 2 cores).
bench-fit: build
	@mkdir -p $(BUILD)/bench/fit
	@IONDRIFT_MATERIALS=$(CURDIR)/materials/data ./$(BUILD)/bench/fit_bench $(BUILD)/bench/fit

# F5 on the F1 data (docs/validation.md): the coverage of the fit's 68 %
# profile intervals over 20 noise seeds (~3 min of CPU, ~4.5 min wall on 2
# threads; the suite's validation.fit.F5 is the same statistic on a small
# problem).
fit-coverage: build
	@mkdir -p $(BUILD)/fit_coverage
	@IONDRIFT_MATERIALS=$(CURDIR)/materials/data ./$(BUILD)/validation/fit_more F5full $(BUILD)/fit_coverage 20

# The long stress grid (docs/validation.md): `iondrift run` of the example
# deck at STRESS_POINTS random (T, Ea, N_ion, N_A, pulse) points, every core;
# fails on a crash, a NaN or < 99.9 % converged. The table of every point:
# $(BUILD)/stress_out/points.csv.
STRESS_POINTS ?= 1000
STRESS_SEED   ?= 2026
stress: build
	@mkdir -p $(BUILD)/stress_out
	@IONDRIFT_MATERIALS=$(CURDIR)/materials/data ./$(BUILD)/validation/stress_grid \
	  ./$(BUILD)/app/iondrift examples/fapbi3_pin.yaml $(BUILD)/stress_out \
	  --points $(STRESS_POINTS) --seed $(STRESS_SEED) --jobs $(JOBS) \
	  --table $(BUILD)/stress_out/points.csv

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror

clean:
	@rm -rf $(BUILD) $(ASAN_BUILD)
