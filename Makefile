# Two commands: `make run` (set up and serve with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test test-fast translations migrate bench clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

translations: $(BIN)/.installed
	$(BIN)/pybabel compile -d eventapp/translations

migrate: $(BIN)/.installed
	$(BIN)/flask db upgrade

run: translations migrate
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The whole suite, on SQLite and on PostgreSQL (TEST_DATABASE_URL), with the browser tests.
test: translations
	$(BIN)/pytest

clean:
	rm -rf $(VENV) instance .pytest_cache
