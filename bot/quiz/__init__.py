"""逢查必考 knowledge checks: the validated question bank and how questions are picked.

The questions themselves are data in ``messages/questions/``; this package only loads,
checks and selects them, so trainers can change the bank without touching code.
"""

from bot.quiz.bank import (
    AUDIENCES,
    SECTOR_TAGS,
    TAGS,
    Question,
    QuestionBank,
    Text,
    check_bank,
    load_bank,
)
from bot.quiz.selection import pick_questions, score

__all__ = [
    "AUDIENCES",
    "SECTOR_TAGS",
    "TAGS",
    "Question",
    "QuestionBank",
    "Text",
    "check_bank",
    "load_bank",
    "pick_questions",
    "score",
]
