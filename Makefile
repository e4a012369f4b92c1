# Two commands on a fresh machine: `make chat` and `make test`. Everything else here is
# what they are made of.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_DETERMINISTIC_OPS := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONHASHSEED := 0

ACTION_PORT ?= 5055
RASA_PORT ?= 5005
export ACTION_ENDPOINT_URL ?= http://localhost:$(ACTION_PORT)/webhook
# Rasa refuses to start on an unset ${VAR} in credentials.yml; empty keeps a channel closed.
CHANNEL_SECRETS := MESSENGER_VERIFY_TOKEN MESSENGER_APP_SECRET MESSENGER_PAGE_ACCESS_TOKEN \
	MESSENGER_GRAPH_API_URL TELEGRAM_ACCESS_TOKEN TELEGRAM_SECRET_TOKEN TELEGRAM_API_URL
$(foreach var,$(CHANNEL_SECRETS),$(eval export $(var) ?=))

VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
# Rasa 3.6 runs on Python 3.10 only. The pyenv shim answers only when asked for a version.
PYTHON310 := $(shell command -v python3.10 >/dev/null 2>&1 && python3.10 -c '' 2>/dev/null && command -v python3.10 \
	|| ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python3.10 2>/dev/null | tail -n 1)
SPACY_PACKAGE := de_kundencenter_lemma
MODEL_STAMP := models/.latest

.PHONY: help setup chat serve actions train test test-unit test-data test-stories clean

help:
	@echo "make chat    talk to the bot in the terminal (sets everything up on first run)"
	@echo "make serve   action server + Rasa HTTP API with the REST channel on localhost:$(RASA_PORT)"
	@echo "make test    all tests"

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

setup: $(VENV)/.spacy-de

# Rasa skips training itself when the fingerprint of config, domain and data is unchanged.
train: setup
	$(RASA) train --quiet --fixed-model-name kundencenter

actions: setup
	$(RASA) run actions --port $(ACTION_PORT)

chat: train
	@$(RASA) run actions --port $(ACTION_PORT) >/tmp/kundencenter-actions.log 2>&1 & \
	  trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	  $(RASA) shell --port $(RASA_PORT)

serve: train
	@$(RASA) run actions --port $(ACTION_PORT) & \
	  trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	  $(RASA) run --enable-api --interface 127.0.0.1 --port $(RASA_PORT) --credentials credentials.yml

# pytest includes `rasa data validate` (tests/test_data_validate.py).
test: train
	$(BIN)/python -m pytest
	$(RASA) test core --stories tests/test_stories.yml --fail-on-prediction-errors --out results/core
