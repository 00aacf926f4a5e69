"""The reliability suite's tally: every test adds what it attacked and what it found.

``pytest tests/reliability`` ends with one line of figures (faults injected, bad inputs
tried, reminders lost and duplicated, permission cases), the numbers docs/reliability.md
quotes; CI logs keep them for every run.
"""

from __future__ import annotations

from collections import Counter

import pytest

TALLY: Counter[str] = Counter()
ORDER = ("faults", "bad_inputs", "fuzz_examples", "permission_cases", "lost", "duplicates")


@pytest.fixture
def tally() -> Counter[str]:
    return TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY:
        figures = ", ".join(f"{key}={TALLY[key]}" for key in ORDER if key in TALLY)
        terminalreporter.write_line(f"reliability: {figures}")
