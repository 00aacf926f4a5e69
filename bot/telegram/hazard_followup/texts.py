"""The follow-up messages' texts: a deadline reminder, an overdue escalation, a report upward,
and the hazards section that ends an enterprise's daily digest.

Each message names the hazard the way its card does (number, enterprise, description, grade
and its 判定标准 item, responsible person, deadline), so whoever reads it privately or in an
office chat knows which hazard it is without opening the group.

The digest section: the dispatcher loads each digest's ``HazardSummary`` with the wave (one
query for all its enterprises) and the reminder presenter ends the digest with it. A press on
a digest re-renders it: a digest that showed the section keeps it, with the figures as they
stand then (a digest without one is not given one by a press, which keeps a press's cost).
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup
from telegram import MaybeInaccessibleMessage, Message

from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.hazards.followup import local_now
from bot.services.hazards.summary import HazardSummary
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise
from bot.telegram.hazards.card import standard_item

SECTION_MARK = "🧯"  # heads the digest's hazards section; how a press knows a digest has one


def _values(
    ctx: AppContext,
    renderer: Renderer,
    locale: str,
    enterprise: Enterprise,
    hazard: Hazard,
    now: dt.datetime,
) -> dict[str, object]:
    today = local_now(enterprise, now).date()
    return {
        "h": hazard,
        "enterprise": enterprise.name,
        "tz": enterprise.timezone,
        "item": standard_item(ctx, hazard, locale),
        "status_name": renderer.text(locale, "hazards/status", status=hazard.status),
        "days_left": (hazard.deadline - today).days if hazard.deadline else None,
        "days_overdue": (today - hazard.deadline).days if hazard.deadline else None,
    }


def reminder(
    ctx: AppContext, renderer: Renderer, enterprise: Enterprise, hazard: Hazard, now: dt.datetime
) -> str:
    """To the responsible person, privately: the deadline is near (or today)."""
    locale = enterprise.locale
    values = _values(ctx, renderer, locale, enterprise, hazard, now)
    button = renderer.text(locale, "buttons/hazard", action="rectify")
    return renderer.render(locale, "hazard_followup/reminder", button=button, **values)


def escalation(
    ctx: AppContext,
    renderer: Renderer,
    locale: str,
    enterprise: Enterprise,
    hazard: Hazard,
    now: dt.datetime,
    *,
    to_office: bool,
) -> str:
    """The deadline passed: to the safety officer privately, or (a major hazard) to an office."""
    values = _values(ctx, renderer, locale, enterprise, hazard, now)
    return renderer.render(locale, "hazard_followup/escalation", to_office=to_office, **values)


def upward_report(
    ctx: AppContext,
    renderer: Renderer,
    locale: str,
    enterprise: Enterprise,
    hazard: Hazard,
    now: dt.datetime,
) -> str:
    """A major hazard reported to a linked office (《安全生产法》第四十一条)."""
    values = _values(ctx, renderer, locale, enterprise, hazard, now)
    return renderer.render(locale, "hazard_followup/upward_report", **values)


def digest_section(renderer: Renderer, locale: str, summary: HazardSummary) -> Markup:
    """The digest's hazards section (remembered: digests with the same hazards share it)."""
    text = renderer.repeated(
        locale, "hazard_followup/digest_section", mark=SECTION_MARK, **summary.as_context()
    )
    return Markup(text)  # noqa: S704 - an autoescaping template's output


def has_hazards_section(message: MaybeInaccessibleMessage | None) -> bool:
    """Whether a digest message in the group shows a hazards section."""
    return isinstance(message, Message) and SECTION_MARK in (message.text or "")
