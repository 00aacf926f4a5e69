"""五落实: the responsible person (roster buttons), then measures, funds, deadline and, for a
major hazard, its contingency plan (ForceReply questions, earlier answers in the draft).

The deadline is the one the plan sets: the person types it, the bot never proposes one. A
wrong answer (an unreadable or past date, an empty plan for a major hazard) is answered with
what is expected, and that answer asks the same question again; the hazard changes only when
the last answer is in (``records.plan``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain import hazard as rules
from bot.domain.hazard_errors import BadDeadline, DeadlinePassed, NotOnRoster, PlanRequired
from bot.domain.hazard_states import HazardGrade, HazardStatus
from bot.errors import DomainError
from bot.services.hazards import prompts, records
from bot.services.hazards.queries import local_today
from bot.services.roster.members import members
from bot.store.hazard_models import Hazard, HazardPrompt
from bot.store.models import Member
from bot.telegram.common import Context, reply, reply_error, rt
from bot.telegram.hazards.callbacks import ChooseResponsible, StartPlan, encode
from bot.telegram.rectification import flow
from bot.telegram.sending import edit_pressed, reply_html

PAGE = 10  # roster buttons per page, two a row
MEASURES, FUNDS, DEADLINE, CONTINGENCY = (
    "plan_measures",
    "plan_funds",
    "plan_deadline",
    "plan_contingency",
)
STEPS = (MEASURES, FUNDS, DEADLINE, CONTINGENCY)
# Refusals that the same question, asked again, can mend; any other ends the flow.
_ASK_AGAIN: dict[type[DomainError], str] = {
    BadDeadline: DEADLINE,
    DeadlinePassed: DEADLINE,
    PlanRequired: CONTINGENCY,
}


def _may_plan(turn: flow.Turn) -> None:
    rules.require_manager(turn.actor)
    rules.require_status(turn.hazard.status, HazardStatus.GRADED, HazardStatus.PLANNED)


def _roster_keyboard(
    context: Context, locale: str, hazard_id: int, people: list[Member], page: int
) -> InlineKeyboardMarkup:
    def turn(forward: bool) -> InlineKeyboardButton:
        label = rt(context).renderer.text(locale, "rectification/page_button", forward=forward)
        target = StartPlan(hazard_id, page + 1 if forward else page - 1)
        return InlineKeyboardButton(label, callback_data=encode(target))

    buttons = [
        InlineKeyboardButton(p.name, callback_data=encode(ChooseResponsible(hazard_id, p.user_id)))
        for p in people[page * PAGE : (page + 1) * PAGE]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    turns = [turn(False)] if page > 0 else []
    turns += [turn(True)] if (page + 1) * PAGE < len(people) else []
    return InlineKeyboardMarkup([*rows, turns] if turns else rows)


async def start(update: Update, context: Context, data: StartPlan) -> None:
    """📝 on the card (or a page turn): the roster as buttons, to choose the responsible person."""
    query, turn = update.callback_query, await flow.pressed(update, context, data.hazard_id)
    assert query is not None
    _may_plan(turn)
    runtime, locale = rt(context), turn.enterprise.locale
    with runtime.ctx.session() as session:
        people = members(session, turn.enterprise.id or 0)
    if not people:
        alert = runtime.renderer.text(locale, "rectification/roster_empty_short")
        await query.answer(alert, show_alert=True)
        return
    await query.answer()
    pages = (len(people) + PAGE - 1) // PAGE
    page = min(data.page or 0, pages - 1)
    text = runtime.renderer.render(
        locale, "rectification/choose_responsible", number=turn.hazard.number, page=page + 1,
        pages=pages,
    )  # fmt: skip
    keyboard = _roster_keyboard(context, locale, turn.hazard.id or 0, people, page)
    if data.page is not None:
        await edit_pressed(query, text, keyboard)
    elif turn.anchor is not None:
        await reply_html(turn.anchor, text, keyboard)


async def choose(update: Update, context: Context, data: ChooseResponsible) -> None:
    """A name on the roster pressed: ask the measures, remembering who is responsible."""
    query, turn = update.callback_query, await flow.pressed(update, context, data.hazard_id)
    assert query is not None
    _may_plan(turn)
    hazard, runtime = turn.hazard, rt(context)
    with runtime.ctx.session() as session:
        people = members(session, turn.enterprise.id or 0)
    person = next((p for p in people if p.user_id == data.user_id), None)
    if person is None:
        raise NotOnRoster()
    await query.answer()
    if turn.anchor is not None and turn.anchor.message_id != hazard.card_message_id:
        text = runtime.renderer.render(
            turn.enterprise.locale, "rectification/responsible_chosen", number=hazard.number,
            name=person.name,
        )  # fmt: skip
        await edit_pressed(query, text)  # the roster's message says who was chosen
    draft = {"responsible": person.user_id, "name": person.name}
    await flow.ask(context, turn, MEASURES, draft=draft, responsible=person.name)


def _take(turn: flow.Turn, draft: dict[str, Any], today: dt.date) -> str | None:
    """Keep the answer in ``draft``; the next question's step, or None when all are in."""
    step, hazard = turn.prompt.step if turn.prompt else "", turn.hazard
    if step in (MEASURES, FUNDS):
        limit = rules.MAX_TEXT if step == MEASURES else rules.MAX_FUNDS  # as the hazard keeps them
        draft["measures" if step == MEASURES else "funds"] = turn.text[:limit]
        return FUNDS if step == MEASURES else DEADLINE
    if step == DEADLINE:
        deadline = rules.parse_deadline(turn.text, today)
        rules.check_plan(turn.actor, hazard.status, None, deadline, today, "")
        draft["deadline"] = deadline.isoformat()
        return CONTINGENCY if hazard.grade == HazardGrade.MAJOR.value else None
    deadline = dt.date.fromisoformat(draft["deadline"])
    rules.check_plan(turn.actor, hazard.status, hazard.grade, deadline, today, turn.text)
    draft["plan"] = turn.text[: rules.MAX_TEXT]
    return None


async def answer(update: Update, context: Context, prompt: HazardPrompt) -> None:
    """A reply to one of the 五落实 questions: the next question, or the plan recorded."""
    turn = await flow.answering(update, context, prompt)
    draft, step = prompts.draft_of(prompt), prompt.step
    name = str(draft.get("name", ""))
    if not turn.text and step in (MEASURES, FUNDS):
        flow.done_with(context, turn)
        await flow.ask(context, turn, step, draft=draft, responsible=name, empty=True)
        return
    try:
        following = _take(turn, draft, local_today(turn.enterprise, rt(context).ctx.clock.now()))
        hazard = _record(context, turn, draft) if following is None else None
    except DomainError as error:
        await _refused(update, context, turn, draft, error)
        return
    flow.done_with(context, turn)
    if hazard is None:
        await flow.ask(context, turn, following or "", draft=draft, responsible=name)
        return
    await flow.refresh(context, turn.enterprise, hazard)
    await reply(update, context, "rectification/planned", h=hazard)
    if hazard.responsible_id != turn.actor.user_id:
        await flow.tell(
            context, turn.enterprise, hazard.responsible_id, "rectification/assigned",
            h=hazard, by=turn.actor.name,
        )  # fmt: skip


async def _refused(
    update: Update, context: Context, turn: flow.Turn, draft: dict[str, Any], error: DomainError
) -> None:
    """Say what was wrong; ask again where another answer can mend it."""
    flow.done_with(context, turn)
    again = _ASK_AGAIN.get(type(error))
    if again is None:
        await reply_error(update, context, error)
        return
    text = rt(context).renderer.render(turn.enterprise.locale, error.template, **error.context)
    await flow.ask(context, turn, again, draft=draft, text=text)


def _record(context: Context, turn: flow.Turn, draft: dict[str, Any]) -> Hazard:
    """All answers are in: the 五落实 recorded (``records.plan`` checks them all again)."""
    ctx = rt(context).ctx
    now = ctx.clock.now()
    with ctx.session() as session:
        hazard = records.hazard_of(session, turn.enterprise.id or 0, turn.hazard.id or 0)
        return records.plan(
            session, hazard, turn.actor, responsible_id=int(draft["responsible"]),
            measures=str(draft.get("measures", "")), funds=str(draft.get("funds", "")),
            deadline=dt.date.fromisoformat(draft["deadline"]),
            contingency=str(draft.get("plan", "")), today=local_today(turn.enterprise, now),
            now=now,
        )  # fmt: skip
