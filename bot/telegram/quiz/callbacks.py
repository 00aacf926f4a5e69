"""Callback data of the quiz buttons, prefix ``qz``; every value fits Telegram's 64 bytes.

    qz:a:<quiz_question_id>:<option>   answer a question in a private quiz, check or retest
    qz:r:<quiz_id>                     show / refresh a group quiz's results
    qz:v:<spot_check_id>               "🙋 I'll take the test" under a spot-check announcement
    qz:g:<quiz_id>                     start a retest whose reminder was sent
    qz:o:<enterprise_id>               "📝 run the 逢查必考 check now" after an inspection

Decoding checks the shape only and returns None for anything else. The data may be forged:
the services re-check every id against the chat and the person who pressed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "qz"
PATTERN = rf"^{PREFIX}:"
MAX_BYTES = 64
MAX_OPTION = 11  # Telegram allows at most 12 poll options


@dataclass(frozen=True)
class Answer:
    quiz_question_id: int
    option: int


@dataclass(frozen=True)
class Results:
    quiz_id: int


@dataclass(frozen=True)
class Volunteer:
    spot_check_id: int


@dataclass(frozen=True)
class StartRetest:
    quiz_id: int


@dataclass(frozen=True)
class Offer:
    enterprise_id: int


QuizCallback = Answer | Results | Volunteer | StartRetest | Offer

_ID = r"([1-9][0-9]{0,17})"  # ASCII only: \d would take "١٢" too
_ANSWER = re.compile(rf"{PREFIX}:a:{_ID}:(0|[1-9][0-9]?)")
_SINGLE = re.compile(rf"{PREFIX}:([rvgo]):{_ID}")
_SINGLES: dict[str, type[Results | Volunteer | StartRetest | Offer]] = {
    "r": Results,
    "v": Volunteer,
    "g": StartRetest,
    "o": Offer,
}


def encode(data: QuizCallback) -> str:
    if isinstance(data, Answer):
        if not 0 <= data.option <= MAX_OPTION:
            raise ValueError(f"option {data.option} out of range")
        text = f"{PREFIX}:a:{data.quiz_question_id}:{data.option}"
    elif isinstance(data, Results):
        text = f"{PREFIX}:r:{data.quiz_id}"
    elif isinstance(data, Volunteer):
        text = f"{PREFIX}:v:{data.spot_check_id}"
    elif isinstance(data, StartRetest):
        text = f"{PREFIX}:g:{data.quiz_id}"
    else:
        text = f"{PREFIX}:o:{data.enterprise_id}"
    if len(text.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {text!r}")
    return text


def decode(data: str | None) -> QuizCallback | None:
    """The button's meaning, or None for anything malformed (wrong prefix, shape or range)."""
    text = data or ""
    if match := _ANSWER.fullmatch(text):
        option = int(match.group(2))
        return Answer(int(match.group(1)), option) if option <= MAX_OPTION else None
    if match := _SINGLE.fullmatch(text):
        return _SINGLES[match.group(1)](int(match.group(2)))
    return None
