# The front door: `make publish` and `make test` set everything up on first use
# (a virtual environment in .venv from the pinned requirements.lock) and then run
# the Invoke task of the same name. Nothing else needs installing by hand.

ifndef PYTHON
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
endif
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: publish test setup bench clean
publish: $(STAMP)
	$(VENV)/bin/invoke publish $(ARGS)

test: $(STAMP)
	$(VENV)/bin/invoke test $(ARGS)

bench: $(STAMP)
	$(VENV)/bin/invoke bench $(ARGS)

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "pubkit needs Python 3.11 or newer (python3.11 not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

clean:
	rm -rf $(VENV) dist build .pytest_cache
