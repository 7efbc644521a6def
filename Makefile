# complaintdesk: the commands the README promises. Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SHARED ?= $(abspath ../shared)

.PHONY: all venv system system-demo test test-unit typecheck demo eval clean reliability reliability-quick

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# System packages by purpose (apt-get as root): everything the tests need, or only the demo's
# (Dovecot, OpenSSL: no LibreOffice, Chromium, Tesseract or PostgreSQL for `make demo`).
system:
	bash scripts/setup-system.sh test

system-demo:
	bash scripts/setup-system.sh demo

test: system venv typecheck
	COMPLAINTDESK_SHARED=$(SHARED) $(PY) -m pytest -q

# mypy --strict on the package code, ruff's pyflakes checks on everything (house style 8)
typecheck: venv
	$(VENV)/bin/mypy complaintdesk base pipeline operations ingest classify journal replies web
	$(VENV)/bin/ruff check --quiet --select F,E9 complaintdesk base pipeline operations ingest classify journal replies web tests scripts bench

test-unit: venv
	COMPLAINTDESK_SHARED=$(SHARED) $(PY) -m pytest -q tests/unit

# issue 5: crashes, outages, floods, hostile input, fuzzing, secrets; prints the summary and
# writes reliability/results.json. The quick run is what `make test` runs as tests/reliability.
reliability: system venv
	COMPLAINTDESK_SHARED=$(SHARED) $(PY) reliability/run.py

reliability-quick: system venv
	COMPLAINTDESK_SHARED=$(SHARED) $(PY) reliability/run.py --quick

demo: system-demo venv
	$(PY) scripts/demo.py

eval: venv
	$(VENV)/bin/complaintdesk eval $(SHARED)/samples/labels.json $(SHARED)/samples/emails

clean:
	rm -rf $(VENV) .demo .pytest_cache

# The benchmark (issue 6): local Dovecot + SMTP sink, prints a table, writes bench/results.json.
# Options via BENCH_ARGS, e.g. make bench BENCH_ARGS="--quick" or "--only 4,5 --database postgresql".
.PHONY: bench
bench: system venv
	$(PY) bench/run.py $(BENCH_ARGS)
