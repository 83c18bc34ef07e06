# Everything runs inside .venv, created on first use from the development lock
# (requirements-dev.txt: the runtime, local-run and test packages, each pinned and hashed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# pip-tools: every package pinned with its hashes, runtime (requirements.txt, what the
# platform installs) apart from development (requirements-dev.txt).
COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: run chat test lint format lock upgrade

# pip-sync, after the install, removes what the lock no longer lists.
$(BIN)/.installed: requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "gopherbot needs Python 3.11 or newer: make PYTHON=python3.11 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	$(BIN)/pip-sync --quiet requirements-dev.txt
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

# Compile the locks from requirements.in and requirements-dev.in after editing them; the
# versions already locked stay unless the ranges exclude them. `make upgrade` takes the
# newest versions the ranges allow; one package: make lock LOCK_ARGS="-P django".
lock: $(BIN)/.installed
	$(COMPILE) $(LOCK_ARGS) -o requirements.txt requirements.in
	$(COMPILE) $(LOCK_ARGS) -o requirements-dev.txt requirements-dev.in

upgrade:
	$(MAKE) lock LOCK_ARGS=--upgrade
