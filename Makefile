# Two commands: `make run` (set up and serve with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test translations messages migrate clean browser

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
test: translations browser
	$(BIN)/pytest

# Debian's Chromium (and a font) for the browser tests; Playwright never downloads a browser.
browser:
	@set -e; \
	if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-dejavu-core >/dev/null 2>&1; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing chromium and fonts-dejavu-core with apt-get"; \
		$$SUDO apt-get update; \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-dejavu-core; \
	fi

clean:
	rm -rf $(VENV) instance .pytest_cache

# Re-extract the English source strings and merge them into the Latvian catalog; then translate what is new.
messages: $(BIN)/.installed
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -k lazy_gettext -o eventapp/translations/messages.pot .
	$(BIN)/pybabel update -i eventapp/translations/messages.pot -d eventapp/translations -l lv --no-fuzzy-matching
