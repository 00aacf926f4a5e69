"""The one place that knows where the data directories live.

An installed package (``pip install .``) carries ``messages/`` and ``schedules/`` inside itself
as ``bot/_data/`` (``setup.py`` copies them into the wheel); a source checkout, and an
editable install of it, use the top-level folders. Everything that needs a data path asks
here, so a command never works in a checkout and breaks once installed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_PACKAGED = Path(str(resources.files("bot"))) / "_data"
_CHECKOUT = Path(__file__).resolve().parents[1]


def data_dir(name: str) -> Path:
    """``name`` (``messages`` or ``schedules``): the packaged copy if there is one, else the checkout's."""
    packaged = _PACKAGED / name
    return packaged if packaged.is_dir() else _CHECKOUT / name


def messages_dir() -> Path:
    """``messages/``: templates, Babel catalogs and the question bank."""
    return data_dir("messages")


def schedules_dir() -> Path:
    """``schedules/``: sectors, documents, obligations and holiday files."""
    return data_dir("schedules")
