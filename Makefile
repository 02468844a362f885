# The README's two commands: `make demo` and `make test`. Both install into .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-eval demo test lint bench bench-extraction bench-qa bench-bot bench-fusion bench-tracking bench-bot-shards

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements-dev.txt
	touch $@

$(VENV)/.installed-eval: $(VENV)/.installed requirements-eval.txt
	$(PY) -m pip install -r requirements-eval.txt
	touch $@

install: $(VENV)/.installed
install-eval: $(VENV)/.installed-eval

demo: install
	$(PY) -m summarizer digest examples/

test: install
	$(PY) -m pytest -q -p no:cacheprovider; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

bench: install-eval
	$(PY) -m bench.multinews

bench-extraction: install-eval
	$(PY) -m bench.extraction

bench-qa: install-eval
	$(PY) -m bench.qa

# The pipeline before fact-level fusion (sentence selection), for the side-by-side figures.
FUSION_BASELINE ?= f3de0c2
bench-fusion: install-eval
	$(PY) -m bench.fusion --baseline-ref $(FUSION_BASELINE)

# Later-only facts told as new, against naive peers (about 2 minutes on 2 cores).
bench-tracking: install
	$(PY) -m bench.tracking

bench-bot: install
	$(PY) -m bench.bot_load

# One bot on SQLite against two sharded bots on a throwaway PostgreSQL (needs initdb, pg_ctl).
bench-bot-shards: install
	$(PY) -m bench.bot_shards
