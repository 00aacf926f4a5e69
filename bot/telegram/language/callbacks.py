"""Callback data of the language buttons: ``lg:<locale>``, e.g. ``lg:en`` or ``lg:zh_CN``.

Only supported locales decode; anything else (a forged or outdated button) is None. Who may
press is checked by the handler against the chat, not trusted from the data.
"""

from __future__ import annotations

import re

from bot.i18n import SUPPORTED_LOCALES

PREFIX = "lg"
PATTERN = rf"^{PREFIX}:"
_DATA = re.compile(rf"{PREFIX}:([a-z]{{2}}(?:_[A-Z]{{2}})?)")


def encode(locale: str) -> str:
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    return f"{PREFIX}:{locale}"


def decode(data: str | None) -> str | None:
    """The locale a language button carries, or None for anything malformed or unsupported."""
    match = _DATA.fullmatch(data or "")
    if match is None or match.group(1) not in SUPPORTED_LOCALES:
        return None
    return match.group(1)
