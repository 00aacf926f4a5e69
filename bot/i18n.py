"""Locales the bot speaks and the bilingual text type used by data files.

zh_CN is the default and English the second language. Telegram reports a user's
``language_code`` in IETF form (``zh-hans``, ``zh-CN``, ``en-US``); we map it explicitly.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

SUPPORTED_LOCALES: tuple[str, ...] = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def normalize_locale(code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Map a Telegram/IETF language code or a short name (``zh``, ``en``) to a supported locale."""
    if not code:
        return default
    low = code.replace("_", "-").lower()
    if low.startswith("en"):
        return "en"
    if low.startswith("zh"):
        return "zh_CN"
    return default


class LocalizedText(BaseModel):
    """A text given in every supported language; both are required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh_CN: NonEmpty
    en: NonEmpty

    def get(self, locale: str) -> str:
        return self.en if normalize_locale(locale) == "en" else self.zh_CN
