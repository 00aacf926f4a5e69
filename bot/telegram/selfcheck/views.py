"""The self-check's messages and buttons: one item per message, the choices, the summary.

Texts come from ``messages/templates/selfcheck/``; the buttons carry the hazard codec's
``hz:c:`` data (``bot.telegram.hazards.callbacks``).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalog.hazard_models import HazardStandard
from bot.render import Renderer
from bot.services.hazards.selfcheck import ANSWERS, Question, Summary
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise
from bot.telegram.hazards.callbacks import Answer, CheckEnterprise, CheckStandard, encode

BUTTONS_SHOWN = 40  # Telegram allows 100 buttons; nobody manages more enterprises than this


def _item(question: Question, locale: str) -> dict[str, object]:
    item, standard = question.item, question.standard
    assert item.question is not None
    return {
        "number": question.index + 1,
        "total": question.total,
        "standard": standard.title.get(locale),
        "document_number": standard.document_number,
        "clause": item.clause,
        "heading": item.heading.get(locale) if item.heading else None,
        "question": item.question.get(locale),
        "text": item.text.get(locale),
    }


def question_text(renderer: Renderer, locale: str, question: Question) -> str:
    return renderer.render(locale, "selfcheck/question", q=_item(question, locale))


def question_keyboard(renderer: Renderer, locale: str, question: Question) -> InlineKeyboardMarkup:
    """是 / 否 / 不适用, each naming the item by its place in the checklist."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    renderer.text(locale, "selfcheck/button", answer=value),
                    callback_data=encode(Answer(question.check_id, question.index, value)),
                )
                for value in ANSWERS
            ]
        ]
    )


def answered_text(
    renderer: Renderer, locale: str, question: Question, answer: str, hazard: Hazard | None
) -> str:
    """The item's message once answered: the question, the answer, the hazard it became."""
    return renderer.render(
        locale,
        "selfcheck/answered",
        q=_item(question, locale),
        answer=answer,
        number=hazard.number if hazard else None,
    )


def enterprise_keyboard(enterprises: list[Enterprise]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(e.name, callback_data=encode(CheckEnterprise(e.id or 0)))]
            for e in enterprises[:BUTTONS_SHOWN]
        ]
    )


def standard_keyboard(
    renderer: Renderer, locale: str, enterprise: Enterprise, standards: list[HazardStandard]
) -> InlineKeyboardMarkup:
    """One button per standard (its document number and title), in ``standards_for`` order."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    renderer.text(
                        locale,
                        "selfcheck/standard_button",
                        title=s.title.get(locale),
                        document_number=s.document_number,
                    ),
                    callback_data=encode(CheckStandard(enterprise.id or 0, k)),
                )
            ]
            for k, s in enumerate(standards)
        ]
    )


def standard_values(standard: HazardStandard, locale: str, total: int) -> dict[str, object]:
    return {
        "title": standard.title.get(locale),
        "document_number": standard.document_number,
        "partial": standard.partial,
        "total": total,
    }


def summary_text(renderer: Renderer, locale: str, enterprise: Enterprise, summary: Summary) -> str:
    return renderer.render(
        locale,
        "selfcheck/summary",
        enterprise=enterprise.name,
        standard=standard_values(summary.standard, locale, summary.total),
        s=summary,
    )
