# Two commands on a fresh machine: `make chat` and `make test`. Everything else here is
# what they are made of.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_DETERMINISTIC_OPS := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONHASHSEED := 0
# The pinned stack prints pages of deprecation warnings that nobody here can act on.
export PYTHONWARNINGS ?= ignore::DeprecationWarning

ACTION_PORT ?= 5055
RASA_PORT ?= 5005
export ACTION_ENDPOINT_URL ?= http://localhost:$(ACTION_PORT)/webhook
# Where conversations are kept (endpoints.yml): SQLite in run/ unless told otherwise;
# the scale-out profile sets PostgreSQL and Redis here (see endpoints.yml).
export TRACKER_STORE_DIALECT ?= sqlite
export TRACKER_STORE_HOST ?=
export TRACKER_STORE_DB ?= $(CURDIR)/run/tracker.db
export TRACKER_STORE_USER ?=
export TRACKER_STORE_PASSWORD ?=
# Conversations are deleted this many days after their last event (channels/retention.py).
export RETENTION_DAYS ?= 30
# The operator's privacy page, linked in the bot's first message when set.
export PRIVACY_URL ?=
# The operator's Kundenservice contact page, given with the case note when set.
export KUNDENSERVICE_URL ?=
# The operator's agent desk (docs/handover.md): cases are POSTed to HANDOVER_URL, signed
# with HANDOVER_SECRET (credentials.yml), and a person answers in the chat. Unset: the
# customer gets the case note to pass on.
export HANDOVER_URL ?=
export LOCK_STORE_TYPE ?= in_memory
export LOCK_STORE_HOST ?=
export LOCK_STORE_PORT ?= 6379
export LOCK_STORE_DB ?= 1
export LOCK_STORE_PASSWORD ?=
# Both servers listen on loopback unless told otherwise. `rasa run actions` (rasa-sdk 3.6.2)
# has no --interface option; it binds to SANIC_HOST, 0.0.0.0 when unset.
RASA_INTERFACE ?= 127.0.0.1
export SANIC_HOST ?= 127.0.0.1
# Under load Rasa's event loop can lag more than Sanic's default 5 s keep-alive, and the
# action server then drops the connection Rasa is about to use (seen in make bench-load).
export SANIC_KEEP_ALIVE_TIMEOUT ?= 60
# Browser origins allowed to call Rasa (the website chat), space-separated; never "*".
RASA_CORS_ORIGINS ?= http://localhost:8080
# Rasa refuses to start on an unset ${VAR} in credentials.yml; empty keeps a channel closed.
# The names come from credentials.yml itself, their one home.
CHANNEL_SECRETS := $(shell grep -o '$${[A-Z_]*}' credentials.yml | tr -d '$${}')
$(foreach var,$(CHANNEL_SECRETS),$(eval export $(var) ?=))

VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
# Rasa 3.6 runs on Python 3.10 only. The pyenv shim answers only when asked for a version.
PYTHON310 := $(shell command -v python3.10 >/dev/null 2>&1 && python3.10 -c '' 2>/dev/null && command -v python3.10 \
	|| ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python3.10 2>/dev/null | tail -n 1)

WEB_PORT ?= 8080
export BOT_PUBLIC_URL ?= http://localhost:$(WEB_PORT)

.PHONY: help setup chat serve web actions tracker-store-dir train test lint browser test-faults test-scale bench-faults bench-load bench-nlu bench-masking nlu-validate nlu-cv nlu-cv-choices simulate purge report bench-report

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "make %-18s %s\n", $$1, $$2 }'

$(BIN)/python:
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 is needed (Rasa 3.6 does not run on 3.11+)."; \
	  echo "Install it, e.g. 'pyenv install 3.10.13' or 'apt-get install python3.10 python3.10-venv'."; \
	  exit 1; fi
	$(PYTHON310) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --upgrade pip==23.3.2
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.spacy-de: $(VENV)/.installed tools/build_spacy_de.py
	$(BIN)/pip install --quiet "$$($(BIN)/python tools/build_spacy_de.py build/spacy | tail -n 1)"
	touch $@

setup: $(VENV)/.spacy-de ## the virtualenv with the pinned stack and the German spaCy pipeline

# Rasa skips training itself when the fingerprint of config, domain and data is unchanged.
# Its warnings (e.g. responses only the actions send) go to the log, not to the agent's screen.
train: setup ## train the model when config, domain or data changed
	@mkdir -p run; echo "Model: training if config, domain or data changed (log: run/train.log)"; \
	  $(RASA) train --quiet --fixed-model-name kundencenter >run/train.log 2>&1 \
	  || { tail -n 40 run/train.log; exit 1; }

actions: setup ## the action server alone
	$(RASA) run actions --port $(ACTION_PORT)

# SQLite does not create the folder of its file, and Rasa retries forever when it cannot open it.
tracker-store-dir: ## the folder of the SQLite tracker store
	@[ "$(TRACKER_STORE_DIALECT)" != sqlite ] || mkdir -p "$(dir $(TRACKER_STORE_DB))"

# The same servers as `make serve` (channels, patches, tracker store), their logs in run/, and
# a terminal client on the REST channel (channels/terminal.py). Ctrl-C stops all of them.
chat: train tracker-store-dir ## talk to the bot in the terminal, on the same servers as make serve
	@mkdir -p run; \
	  $(RASA) run actions --port $(ACTION_PORT) >run/actions.log 2>&1 & actions=$$!; \
	  $(RASA) run --interface $(RASA_INTERFACE) --port $(RASA_PORT) --credentials credentials.yml \
	    --endpoints endpoints.yml >run/rasa.log 2>&1 & rasa=$$!; \
	  trap "kill $$actions $$rasa 2>/dev/null; wait $$actions $$rasa 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/python -m channels.terminal --url http://$(RASA_INTERFACE):$(RASA_PORT)

# The HTTP API answers only with the token RASA_API_TOKEN; when unset, a fresh one is shown.
# make passes a SIGTERM on to this shell, but a shell runs its trap only once its foreground
# command has ended: with Rasa in the foreground, SIGTERM to make stopped neither server
# (make bench-faults). So both run in the background; on SIGTERM or Ctrl-C Rasa stops first
# and drains (channels/__init__.py) while the action server still answers, then the action
# server stops.
serve: train tracker-store-dir ## action server + Rasa HTTP API and all channels on localhost
	@token="$${RASA_API_TOKEN:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))')}"; \
	  [ -n "$$RASA_API_TOKEN" ] || echo "RASA_API_TOKEN is not set; the API token of this run: $$token"; \
	  $(RASA) run actions --port $(ACTION_PORT) & actions=$$!; \
	  RASA_API_TOKEN="$$token" $(RASA) run --enable-api --auth-token="$$token" --interface $(RASA_INTERFACE) --port $(RASA_PORT) \
	    --cors $(RASA_CORS_ORIGINS) --credentials credentials.yml --endpoints endpoints.yml & rasa=$$!; \
	  stop() { kill $$rasa 2>/dev/null; wait $$rasa; status=$$?; kill $$actions 2>/dev/null; wait $$actions; }; \
	  trap 'stop; exit $$status' INT TERM; \
	  wait $$rasa; status=$$?; kill $$actions 2>/dev/null; wait $$actions; exit $$status

# The chat's socket.io client (and axe-core, for the browser tests only) from the npm
# registry, pinned by web/package-lock.json, served locally.
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund

# The socketio channel only, no HTTP API: the page needs nothing else.
web: train tracker-store-dir web/node_modules/.package-lock.json ## the website chat on http://localhost:8080 (WEB_PORT)
	@$(RASA) run actions --port $(ACTION_PORT) & actions=$$!; \
	  $(BIN)/python -m http.server $(WEB_PORT) --bind 127.0.0.1 --directory web >/dev/null 2>&1 & static=$$!; \
	  trap "kill $$actions $$static 2>/dev/null" EXIT INT TERM; \
	  echo "Website chat: open http://localhost:$(WEB_PORT)/ once Rasa says it is up and running"; \
	  $(RASA) run --interface $(RASA_INTERFACE) --port $(RASA_PORT) --cors $(RASA_CORS_ORIGINS) \
	    --credentials credentials.yml --endpoints endpoints.yml

# Debian's Chromium and its driver for the real-browser test.
browser: ## Debian's Chromium and chromedriver, when missing
	@command -v chromedriver >/dev/null && command -v chromium >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# pytest includes `rasa data validate` (tests/test_data_validate.py).
lint: setup ## ruff check and ruff format --check (settings in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint train browser web/node_modules/.package-lock.json ## lint, then every test (what CI runs)
	$(BIN)/python -m pytest
	$(RASA) test core --stories tests/test_stories.yml --fail-on-prediction-errors --out results/core

# The fault tests alone: action server down, SQLite locked, Rasa restarted and sent SIGTERM,
# PostgreSQL stopped and restarted, Redis stopped (both installed from Debian's packages when
# missing).
test-faults: train ## what customers get when a store, the action server or Rasa fails
	$(BIN)/python -m pytest -m faults tests/serving tests/scale

# Two Rasa instances on one PostgreSQL tracker store and one Redis lock store (both installed
# from Debian's packages when missing); one is killed in the middle of a form.
test-scale: train ## two Rasa instances on PostgreSQL + Redis, one killed mid-form
	$(BIN)/python -m pytest -m scale tests/scale tests/insights

# 10 conversations at once through each fault of make test-faults (PostgreSQL, Redis, the
# SQLite file, the action server, SIGTERM to Rasa), then SIGTERM to make serve: what customers
# got, recovery, events lost, /status; writes "Faults (make bench-faults)" of docs/benchmarks.md.
bench-faults: train ## what customers get through each fault, recovery, events lost, make serve's stop
	$(BIN)/python benchmarks/faults.py

# 50 concurrent REST conversations against this bot and the `rasa init` demo bot; writes the
# section "Load (make bench-load)" of docs/benchmarks.md.
bench-load: train ## 50 concurrent conversations against this bot and the rasa init bot
	$(BIN)/python benchmarks/load.py

# Over 2,000 whole customer conversations against the running bot, every fact combination of
# the linking rules, the expected answer from the rules; writes "Customer simulator
# (make simulate)" of docs/benchmarks.md. A fixed sample runs in make test.
simulate: train ## over 2,000 simulated customer conversations against the bot
	$(BIN)/python benchmarks/simulate.py

# This pipeline against the previous DIET one, Rasa's own classifiers and a TF-IDF baseline, on
# tests/nlu/holdout.yml and tests/nlu/independent.yml: quality, training, parse and server
# figures. Writes the section "NLU (make bench-nlu)" of docs/benchmarks.md.
bench-nlu: setup ## this NLU against DIET, Rasa classifiers and a TF-IDF baseline
	$(BIN)/python benchmarks/nlu.py

# The support team's view of the conversations in the tracker store that endpoints.yml's
# variables name (run/tracker.db by default; PostgreSQL with TRACKER_STORE_DIALECT and the
# rest): one self-contained HTML file, its path the last line printed. REPORT_ARGS takes
# --since/--until YYYY-MM-DD (default the last 30 days), --csv DIR, --export-nlu FILE.
REPORT_ARGS ?=
report: $(VENV)/.installed ## insights for the support team: one HTML file from the tracker store
	@$(BIN)/python -m insights $(REPORT_ARGS)

# make report over a synthetic store of 100,000 conversations made from the customer
# simulator's; writes "Report (make bench-report)" of docs/benchmarks.md.
bench-report: train ## how fast make report is over 100,000 conversations
	$(BIN)/python benchmarks/report_speed.py

purge: setup ## delete the conversations older than RETENTION_DAYS from the tracker store now
	$(BIN)/python -m channels.retention

bench-masking: train ## personal data found and masked, per kind, on generated and real messages
	$(BIN)/python benchmarks/masking.py

# The same systems trained on 80 % of data/nlu, scored on the other 20 %: where settings may be
# chosen, so that the test sets stay tests. Writes "NLU settings (make nlu-validate)".
nlu-validate: setup ## the same on a validation split of data/nlu (where settings are chosen)
	$(BIN)/python benchmarks/nlu.py --validate

# Five-fold cross-validation of the intent classifier's candidate settings (benchmarks/nlu_cv.py)
# on data/nlu alone. Writes "NLU cross-validation (make nlu-cv)".
nlu-cv: setup ## the classifier's candidate settings, cross-validated on data/nlu (where they are chosen)
	$(BIN)/python benchmarks/nlu_cv.py

# The conversation's own thresholds (actions/) on the same cross-validated parses.
nlu-cv-choices: setup ## when a description is sure enough, when a statement is a case: cross-validated on data/nlu
	$(BIN)/python benchmarks/nlu_cv.py --choices
