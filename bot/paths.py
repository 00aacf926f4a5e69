"""Where the data directories live, in a source checkout and in an installed package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]


def _locate(name: str) -> Path:
    checkout = _REPO / name
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("bot") / "_data" / name))


def messages_dir() -> Path:
    """``messages/``: templates, Babel catalogs and the question bank."""
    return _locate("messages")


def schedules_dir() -> Path:
    """``schedules/``: sectors, documents, obligations and holiday files."""
    return _locate("schedules")
