# Everything runs inside .venv, created on first use from requirements.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run chat test lint format

$(BIN)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "gopherbot needs Python 3.11 or newer: make PYTHON=python3.11 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# The whole bot: migrations, default content, then web, worker and scheduler (Procfile),
# with an embedded Redis and a local Slack stand-in unless REDIS_URL / a bot token are set.
run: $(BIN)/.installed
	$(BIN)/python manage.py runbot

# Talk to the running bot (another terminal): make chat, or make chat MESSAGE="define tdd"
chat: $(BIN)/.installed
	$(BIN)/python manage.py chat $(if $(MESSAGE),"$(MESSAGE)")

test: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
