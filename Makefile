# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: serve test index eval bench extbench browser-deps nginx-deps report clean

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Builds the index when it is missing or stale; a no-op (under a second) when it is current.
index: $(STAMP)
	$(BIN)/assistant index

serve: index
	$(BIN)/assistant serve --no-index --host $(HOST) --port $(PORT)

# Debian's chromium and the axe-core npm package for the browser tests; no browser downloads.
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@test -f tests/browser/node_modules/axe-core/axe.min.js || npm ci --silent --prefix tests/browser

# Debian's nginx for the reverse-proxy tests (they start their own on loopback, never the system service).
nginx-deps:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }

test: index browser-deps nginx-deps
	$(BIN)/python -m pytest

eval: index
	$(BIN)/python -m eval.run

bench: index
	$(BIN)/python -m eval.bench

# Public benchmarks (WikiQA, SQuAD, BEIR) read from ../shared/extbench; skipped when absent.
extbench: index
	$(BIN)/python -m eval.extbench

# Usage and feedback counts for the last week from the server's database (ASSISTANT_DB).
report: $(STAMP)
	$(BIN)/assistant report --since 7d

clean:
	rm -rf $(VENV) index/builds index/store index/.store-* test-output
