# The front door: `make publish` and `make test` set everything up on first use
# (a virtual environment in .venv from the hashed locks, nothing unpinned) and then run
# the Invoke task of the same name. Nothing else needs installing by hand.
# `make publish` installs the runtime lock only (requirements.lock; tasks.py runs pubkit from
# src/, so pubkit itself needs no install); `make test`, `bench` and `lint` the whole test and
# dev set (requirements-test.lock, pubkit in editable mode). README, "Set-up", gives the sizes.
# `make lock` regenerates requirements.lock (runtime) and requirements-test.lock (runtime, ray,
# test and dev) from pyproject.toml's ranges with uv, keeping the versions already locked
# unless pyproject.toml no longer allows them (UPGRADE=1 takes the newest allowed).

ifndef PYTHON
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
endif
VENV := .venv
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime

.PHONY: publish test setup bench lint lock check-env clean
publish: $(RUNTIME_STAMP)
	$(VENV)/bin/invoke publish $(ARGS)

test: $(STAMP)
	$(VENV)/bin/invoke test $(ARGS)

bench: $(STAMP)
	$(VENV)/bin/invoke bench $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/invoke lint

setup: $(STAMP)

PIP := $(VENV)/bin/python -m pip --disable-pip-version-check
$(RUNTIME_STAMP): requirements.lock
	@test -n "$(PYTHON)" || { echo "pubkit needs Python 3.11 or newer (python3.11 not found)"; exit 1; }
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes --no-deps -r requirements.lock
	@touch $(RUNTIME_STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-test.lock
	@test -n "$(PYTHON)" || { echo "pubkit needs Python 3.11 or newer (python3.11 not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes --no-deps -r requirements-test.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	@$(MAKE) --no-print-directory check-env
	@touch $(STAMP) $(RUNTIME_STAMP)

# pip check, allowing only what argostranslate (a test dependency) deliberately goes without:
# torch, stanza, spaCy, minisbd and sacremoses are never imported by argostranslate.package.
ARGOS_SKIPPED := ^argostranslate [0-9.]+ requires (torch|stanza|spacy|minisbd|sacremoses), which is not installed\.$$
check-env:
	@out=$$($(PIP) check 2>&1); rest=$$(printf '%s\n' "$$out" | grep -vE '$(ARGOS_SKIPPED)' \
	  | grep -v '^No broken requirements found\.$$' || true); \
	if [ -n "$$rest" ]; then echo "pip check: $$rest"; exit 1; else echo "pip check: consistent"; fi

UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
	--overrides lock-overrides.txt --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
# Only uv is needed (from the lock, by hash), so that a pyproject.toml with new dependencies can be
# locked before the environment has them.
$(VENV)/bin/uv:
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	awk '/^[a-z]/{p=/^uv==/} p' requirements-test.lock > $(VENV)/uv-requirement.txt
	$(PIP) install --quiet --require-hashes --no-deps -r $(VENV)/uv-requirement.txt

lock: $(VENV)/bin/uv
	$(UV_COMPILE) -o requirements.lock
	$(UV_COMPILE) --extra test --extra dev --extra ray -c requirements.lock -o requirements-test.lock

clean:
	rm -rf $(VENV) dist build .pytest_cache
