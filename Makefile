# Perimeter — two commands for a new machine: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CACHE ?= $(or $(PERIMETER_CACHE_DIR),$(HOME)/.cache/perimeter)
LLAMA_VERSION := 0.3.36
# Portable llama.cpp build: the default native build dies with SIGILL (AMX) on some CPUs.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: run test test-fast lint fmt bench eval eval-quick venv system-deps clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip wheel
	$(PY) -m pip install --quiet torch==2.13.0
	@mkdir -p $(CACHE)/wheels
	@if ! ls $(CACHE)/wheels/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1; then \
		echo "building llama-cpp-python $(LLAMA_VERSION) once (about 10 minutes on 2 cores)..."; \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip wheel --no-deps --quiet \
			-w $(CACHE)/wheels llama-cpp-python==$(LLAMA_VERSION); \
	fi
	@echo "installing pinned dependencies into $(VENV) (a few minutes the first time)..."
	$(PY) -m pip install --progress-bar on --find-links $(CACHE)/wheels -c constraints.txt -e ".[dev,sentence-transformers]" \
		| (grep -v "^WARNING: Location" || true)
	@$(PY) -c "import bot, rag, integrations, prompts, llama_cpp" # fail here, not later
	@touch $@

run: venv
	$(VENV)/bin/perimeter models fetch
	$(VENV)/bin/perimeter kb ingest examples/kb
	VENV=$(VENV) bash scripts/run.sh

system-deps:
	@bash scripts/system-deps.sh

test: venv system-deps lint
	$(VENV)/bin/perimeter models fetch --model qwen2.5-coder-0.5b
	@if [ -z "$$PERIMETER_TEST_POSTGRES_URL" ]; then \
		export PERIMETER_TEST_POSTGRES_URL="$$(bash scripts/start-postgres.sh)"; fi; \
	$(PY) -m pytest -n 2 tests/unit tests/contract tests/deploy && $(PY) -m pytest tests/e2e

# The inner loop: unit and contract tests on both cores, no servers to start but PostgreSQL
# (skipped without PERIMETER_TEST_POSTGRES_URL), under a minute.
test-fast: venv
	$(PY) -m pytest -q -n 2 tests/unit tests/contract tests/deploy

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv
	$(VENV)/bin/perimeter models fetch
	$(PY) benchmarks/retrieval.py
	$(PY) benchmarks/latency.py
	$(PY) benchmarks/telegram.py
	$(PY) benchmarks/operators.py
	$(PY) benchmarks/pii.py
	$(PY) benchmarks/replicas.py
	$(PY) benchmarks/answer_cache.py
	$(PY) benchmarks/model_path.py
	$(PY) benchmarks/load.py
	$(PY) benchmarks/gateway.py

# The tuning set and the blind holdout sets, side by side (about an hour on 2 cores).
eval: venv
	$(VENV)/bin/perimeter models fetch
	$(VENV)/bin/perimeter eval examples/eval evals/holdout-1 evals/holdout-2 evals/holdout-3 evals/holdout-4 \
		--json var/eval.json

# Two cases of every route of each holdout set, with the small test model: a few minutes.
eval-quick: venv
	$(VENV)/bin/perimeter models fetch --model qwen2.5-coder-0.5b
	PERIMETER_LLM__EMBEDDED_MODEL=qwen2.5-coder-0.5b $(VENV)/bin/perimeter eval \
		evals/holdout-1 evals/holdout-2 evals/holdout-3 --per-route 2 --json var/eval-quick.json

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
