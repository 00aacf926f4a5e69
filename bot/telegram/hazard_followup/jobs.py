"""The hazards' tick job: major hazards reported upward, deadline reminders, overdue escalation.

Run after each dispatch tick with the tick's ``now`` (``Feature.tick_jobs``):

- a major hazard not yet reported goes to the enterprise's linked offices at once (the next
  tick after its grading: the report helper wakes the runtime), and to an office that links
  later; an enterprise with no office keeps it until one links (its digest says so);
- a hazard being rectified is reminded to its responsible person privately once a day from
  ``DUE_SOON`` days before its deadline through the deadline day, at the enterprise's digest
  time;
- once its deadline has passed, it is escalated once to the safety officer privately and, for
  a major hazard, to every linked office.

Every follow-up is claimed in the database before it is sent (no double sends between bot
processes); an unreachable chat is logged and counts as done, a send Telegram asks to retry
gives the claim back for the next tick. Office chats get these silently: only their own
weekly digest notifies.
"""

from __future__ import annotations

import datetime as dt

from telegram import Bot

from bot.domain.hazard_states import HazardGrade
from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.hazards import followup, notices, upward
from bot.store.hazard_models import Hazard
from bot.store.models import Enterprise
from bot.telegram.hazard_followup import texts
from bot.telegram.hazard_followup.delivery import Delivery, deliver, settled
from bot.telegram.pacing import in_background


async def follow_up_hazards(ctx: AppContext, bot: Bot, renderer: Renderer, now: dt.datetime) -> int:
    """Everything due at ``now``; returns how many messages went out. Sent in the background
    (``in_background``): a person's press goes first in the rate limiter."""
    with in_background():
        sent = await report_upward(ctx, bot, renderer, now)
        with ctx.session() as session:
            due = followup.due_follow_ups(session, now)
        for hazard, enterprise in due.remind:
            sent += await _remind(ctx, bot, renderer, enterprise, hazard, now)
        for hazard, enterprise in due.escalate:
            sent += await _escalate(ctx, bot, renderer, enterprise, hazard, now)
    return sent


async def report_upward(ctx: AppContext, bot: Bot, renderer: Renderer, now: dt.datetime) -> int:
    """Each open major hazard to the linked offices that have not heard of it."""
    with ctx.session() as session:
        due = upward.reports_due(session)
    sent = 0
    for report in due:
        hazard, enterprise = report.hazard, report.enterprise
        previous = hazard.office_reported_at
        with ctx.session() as session:
            if not upward.claim_report(session, hazard, now):
                continue
        outcomes = []
        for office in report.offices:
            text = texts.upward_report(ctx, renderer, office.locale, enterprise, hazard, now)
            outcomes.append(
                await _copy(ctx, bot, hazard, notices.UPWARD, "", office.chat_id, text, now,
                            what="report upward", silent=True)
            )  # fmt: skip
        sent += outcomes.count(Delivery.SENT)
        if not settled(outcomes):
            with ctx.session() as session:
                upward.release_report(session, hazard, previous)
    return sent


async def _copy(
    ctx: AppContext,
    bot: Bot,
    hazard: Hazard,
    kind: str,
    round_: str,
    chat_id: int,
    text: str,
    now: dt.datetime,
    *,
    what: str,
    silent: bool | None = None,
) -> Delivery:
    """One recipient's copy of a follow-up with several: recorded before it is sent, so a
    retry of the follow-up (another recipient was asked to wait) skips who has it."""
    assert hazard.id is not None
    with ctx.session() as session:
        if not notices.claim(session, hazard.id, kind, round_, chat_id, now):
            return Delivery.DONE
    outcome = await deliver(ctx, bot, chat_id, text, what=what, hazard_id=hazard.id, silent=silent)
    if outcome is Delivery.LATER:
        with ctx.session() as session:
            notices.release(session, hazard.id, kind, round_, chat_id)
    return outcome


async def _remind(
    ctx: AppContext,
    bot: Bot,
    renderer: Renderer,
    enterprise: Enterprise,
    hazard: Hazard,
    now: dt.datetime,
) -> int:
    """Today's reminder to the responsible person (once a day)."""
    previous = hazard.reminded_on
    with ctx.session() as session:
        if not followup.claim_reminder(session, hazard, followup.local_now(enterprise, now).date()):
            return 0
    if hazard.responsible_id is None:
        return 0
    text = texts.reminder(ctx, renderer, enterprise, hazard, now)
    outcome = await deliver(
        ctx, bot, hazard.responsible_id, text, what="reminder", hazard_id=hazard.id
    )
    if outcome is Delivery.LATER:
        with ctx.session() as session:
            followup.release_reminder(session, hazard, previous)
    return int(outcome is Delivery.SENT)


async def _escalate(
    ctx: AppContext,
    bot: Bot,
    renderer: Renderer,
    enterprise: Enterprise,
    hazard: Hazard,
    now: dt.datetime,
) -> int:
    """The overdue hazard to the safety officer and, if major, to every linked office (once)."""
    with ctx.session() as session:
        if not followup.claim_escalation(session, hazard, now):
            return 0
        offices = (
            upward.office_chats(session, enterprise.id or 0)
            if hazard.grade == HazardGrade.MAJOR.value
            else []
        )
    officer = enterprise.safety_officer_id or enterprise.created_by
    text = texts.escalation(
        ctx, renderer, enterprise.locale, enterprise, hazard, now, to_office=False
    )
    round_ = hazard.deadline.isoformat() if hazard.deadline else ""
    outcomes = [
        await _copy(ctx, bot, hazard, notices.ESCALATION, round_, officer, text, now,
                    what="escalation")
    ]  # fmt: skip
    for office in offices:
        text = texts.escalation(
            ctx, renderer, office.locale, enterprise, hazard, now, to_office=True
        )
        outcomes.append(
            await _copy(ctx, bot, hazard, notices.ESCALATION, round_, office.chat_id, text, now,
                        what="escalation to office", silent=True)
        )  # fmt: skip
    if not settled(outcomes):
        with ctx.session() as session:
            followup.release_escalation(session, hazard)
    return outcomes.count(Delivery.SENT)
