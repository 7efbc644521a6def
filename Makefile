# complaintdesk: the commands the README promises. Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SHARED ?= $(abspath ../shared)

.PHONY: all venv system test test-unit demo eval clean

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# Dovecot (and PostgreSQL, openssl) for the real-server tests and the demo; apt-get as root.
system:
	bash scripts/setup-system.sh

test: system venv
	COMPLAINTDESK_SHARED=$(SHARED) $(PY) -m pytest -q

test-unit: venv
	COMPLAINTDESK_SHARED=$(SHARED) $(PY) -m pytest -q tests/unit

demo: system venv
	$(PY) scripts/demo.py

eval: venv
	$(VENV)/bin/complaintdesk eval $(SHARED)/samples/labels.json $(SHARED)/samples/emails

clean:
	rm -rf $(VENV) .demo .pytest_cache
