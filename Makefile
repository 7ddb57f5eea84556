# weifating — developer entry points. Works on a fresh Debian 12 box (as root).
#   make setup | run | test | lint | bench | clean | clean-data

# Debian packages (space separated), installed only when `dpkg -s` says one is missing:
# what the server needs to run, and what only the tests need (a real browser).
APT_PACKAGES := libharfbuzz-subset0 fonts-noto-cjk fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0
APT_TEST_PACKAGES := chromium poppler-utils libnss3-tools zbar-tools iproute2 nftables janus janus-tools coturn nginx-light

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: setup apt apt-test run test test-heavy lint bench clean clean-data

setup: apt $(STAMP)

define apt_install
	@missing=""; \
	for p in $(1); do \
	  dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing$$missing"; \
	  apt-get update && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi
endef

apt:
	$(call apt_install,$(APT_PACKAGES))

apt-test:
	$(call apt_install,$(APT_TEST_PACKAGES))

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml is newer than the stamp (or the venv is new).
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -e '.[dev]'
	touch $@

# First start: initialise ./data and seed a demo court and staff (idempotent), then serve.
run: setup
	$(VENV)/bin/odr demo > /dev/null
	$(VENV)/bin/odr serve $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c pyproject.toml -r odr signaling documents

# Static checks first, pytest last so its "N passed" summary is the final line. The default suite
# runs on TEST_WORKERS processes (pytest-xdist, a test file each at a time); the heavy one alone.
TEST_WORKERS ?= 2

test: setup apt-test lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# The heavy tests (marker `heavy`): API fuzzing, faults, weak links. .ci/run runs them after `make test`.
test-heavy: setup apt-test
	$(PY) -m pytest -m heavy

# The benchmarks (their helper modules are not run; weak_links.py and media_backends.py need root).
BENCHES := bench/lookups.py bench/hub.py bench/documents.py bench/sockets.py bench/weak_links.py \
	bench/media_backends.py

bench: setup
	@set -e; for f in $(BENCHES); do \
	  echo "== $$f"; $(PY) "$$f"; \
	done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache \
	  .hypothesis .import_linter_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

clean-data:
	rm -rf data
