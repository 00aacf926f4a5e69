# Day-to-day tasks. `make` runs the tests and the linters.
PY ?= .venv/bin/python
POT = messages/messages.pot

.PHONY: all test lint format i18n i18n-check demo bench wheel-check
all: test lint

test:
	$(PY) -m pytest -q -n auto

lint:
	$(PY) -m ruff check bot tests bench
	$(PY) -m ruff format --check bot tests bench
	$(PY) -m mypy

format:
	$(PY) -m ruff format bot tests bench

# Re-extract msgids from the templates and merge them into every catalog;
# then translate the new entries in messages/locale/*/LC_MESSAGES/messages.po.
i18n:
	$(PY) -m babel.messages.frontend extract -F babel.cfg -o $(POT) --no-location --sort-output \
	  --project "Frontline Safety Bot" --copyright-holder "Frontline Safety Bot" \
	  --msgid-bugs-address "safety-bot@example.invalid" .
	$(PY) -m babel.messages.frontend update -i $(POT) -d messages/locale -D messages \
	  --ignore-obsolete --width 100 --no-fuzzy-matching
	$(PY) tools/fill_en.py


i18n-check:
	$(PY) -m pytest -q tests/unit/test_i18n.py tests/unit/test_i18n_sources.py

demo:
	$(PY) -m bot demo

bench:
	$(PY) -m bench

# Build the wheel, install it in a fresh virtualenv outside the checkout and run it from there.
wheel-check:
	bash .ci/wheel-check $(PY)
