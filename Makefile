# Two commands: `make run` (set up and serve with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test translations messages migrate clean browser node bench screenshots valgrind

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

translations: $(BIN)/.installed
	$(BIN)/pybabel compile -d eventapp/translations

migrate: $(BIN)/.installed
	$(BIN)/flask db upgrade

# Serves the app, with the mail sender running beside it (messages land in instance/mail/
# unless MAIL_SERVER is set); Ctrl+C stops both.
run: translations migrate static/vendor
	$(BIN)/flask seed-demo
	trap 'kill 0' INT TERM EXIT; \
	$(BIN)/flask send-mail --watch & \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# ruff first; then the whole suite, on SQLite and on PostgreSQL (TEST_DATABASE_URL), with the browser tests; and the
# check-in page's modules against the vectors the server's tests read (tests/vectors/checkin.json).
# The shell lists the test files: Node 21 and later no longer search a directory given to --test.
# PostgreSQL is required: without it the run fails (REQUIRE_POSTGRES=0 lets it skip that half, loudly).
REQUIRE_POSTGRES ?= 1
test: export REQUIRE_POSTGRES := $(REQUIRE_POSTGRES)
test: translations browser node static/vendor
	$(BIN)/ruff check .
	node --test tests/js/*.test.mjs
	$(BIN)/pytest

# Full-page PNGs of the main pages at 390 and 1280 px, from the demo data on a temporary database,
# into screenshots/ (not kept in git): open them to see how the pages look on a phone and a desk.
screenshots: translations browser static/vendor
	$(BIN)/python -m scripts.screenshots --out screenshots

# Debian's Chromium (and a font) for the browser tests; Playwright never downloads a browser.
browser:
	@set -e; \
	if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-dejavu-core zbar-tools poppler-utils >/dev/null 2>&1; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing chromium, fonts-dejavu-core, zbar-tools and poppler-utils with apt-get"; \
		$$SUDO apt-get update; \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-dejavu-core zbar-tools poppler-utils; \
	fi

# Node and npm (for the check-in page's tests and the vendored code below), from apt when missing.
node:
	@set -e; \
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing nodejs and npm with apt-get"; \
		$$SUDO apt-get update; \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; \
	fi

# Third-party front-end code from the npm registry (package.json), copied where the pages load it
# (the QR reader of the check-in page).
static/vendor: package.json package-lock.json | node
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p $@
	cp node_modules/jsqr/dist/jsQR.js $@/jsQR.js
	touch $@

clean:
	rm -rf $(VENV) instance .pytest_cache

# Re-extract the English source strings and merge them into the Latvian catalog; then translate what is new.
messages: $(BIN)/.installed
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -k lazy_gettext -o eventapp/translations/messages.pot .
	$(BIN)/pybabel update -i eventapp/translations/messages.pot -d eventapp/translations -l lv --no-fuzzy-matching

# The benchmarks (bench/README.md), each printing its goals as met / NOT MET: instructions per request
# counted by valgrind (a figure that does not move with the machine's load), registering in process,
# a burst through two gunicorn servers, check-in at the door, and the pages of a 600-registration event.
# Each run creates and drops its own database on BENCH_DATABASE_URL's server
# (default postgresql://postgres@127.0.0.1:5432/test).
BENCH_N ?= 200
BENCH_REQUESTS ?= 500
BENCH_CONCURRENCY ?= 50
BENCH_SERVERS ?= 2
BENCH_WORKERS ?= 2
bench: $(BIN)/.installed translations valgrind
	$(BIN)/python -m bench.instructions
	$(BIN)/python -m bench.inprocess --n $(BENCH_N)
	$(BIN)/python -m bench.burst --requests $(BENCH_REQUESTS) --concurrency $(BENCH_CONCURRENCY) --servers $(BENCH_SERVERS) --workers $(BENCH_WORKERS)
	$(BIN)/python -m bench.checkin
	$(BIN)/python -m bench.pages

# valgrind (Debian's package) for bench.instructions.
valgrind:
	@set -e; \
	if ! command -v valgrind >/dev/null 2>&1; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing valgrind with apt-get"; \
		$$SUDO apt-get update; \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y valgrind; \
	fi
