# Skranke: `make demo` and `make test` are the two set-up commands (see README.md).

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000
DEV    := DEBUG=1

.PHONY: demo test install lint format messages check openapi bench clean

demo: install
	$(DEV) $(BIN)/skranke migrate --noinput
	$(DEV) $(BIN)/skranke load_catalogue
	$(DEV) $(BIN)/skranke demo
	@echo "Skranke kører på http://$(HOST)/ (stop med Ctrl-C)."
	@# The background worker beside the web server: reminders and waitlist offers (e-mails on the console).
	$(DEV) $(BIN)/skranke db_worker --interval 5 & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
		$(DEV) $(BIN)/skranke runserver $(HOST)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Update the English translation catalogue after changing Danish texts.
messages: install
	cd src/skranke && $(DEV) ../../$(BIN)/skranke makemessages -l en --no-obsolete
	cd src/skranke && $(DEV) ../../$(BIN)/skranke compilemessages -l en

check: install
	$(DEV) $(BIN)/skranke check
	$(DEV) $(BIN)/skranke makemigrations --check --dry-run

# The API's OpenAPI schema, committed as docs/openapi.yaml; tests/api fails while it differs from the generated one.
openapi: install
	$(DEV) $(BIN)/skranke spectacular --file docs/openapi.yaml --validate --fail-on-warn

# Benchmarks (figures go to docs/benchmarks.md). Triage on one core, as its targets are stated; the
# others on every core, against the local PostgreSQL, each in a database of its own. BENCH_ARGS=--write
# adds each one's run to its section in the docs (earlier runs stay). The insights benchmark loads a
# million contacts the first time (a few minutes) and keeps them for the next run.
bench: install
	taskset -c 0 $(BIN)/python bench/triage.py
	$(BIN)/python bench/walkin.py $(BENCH_ARGS)
	$(BIN)/python bench/api.py $(BENCH_ARGS)
	$(BIN)/python bench/estimate.py $(BENCH_ARGS)
	$(BIN)/python bench/insights.py --keep $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var/static
