"""``/training`` in private (managers): hours of training recorded for one or several people.

Step by step: the people (buttons from the roster, ✅ on those picked, then "done") → the
category → the hours → the day (typed, or "today"). Or in one line:
``/training 张三 annual 4 2026-11-20`` (the day may be left out: today). Every answer is
checked before anything is written; the hours go to each person picked.
"""

from __future__ import annotations

import datetime as dt
import re

from telegram import Update

from bot.domain import people_errors as err
from bot.services.people import drafts
from bot.services.people import persons as people
from bot.services.people.records import MAX_HOURS, Actor, add_training
from bot.store.models import Enterprise
from bot.store.people_models import PeopleDraft, Person
from bot.telegram.common import Context, chat_locale, rt
from bot.telegram.people import access, views
from bot.telegram.people.callbacks import Pick, Plain
from bot.telegram.sending import edit_pressed

_HOURS = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*(?:h|小时|学时)?\s*$", re.I)  # i18n: typed units


def _people_rows(
    update: Update,
    context: Context,
    enterprise_id: int,
    roster: list[Person],
    chosen: set[int],
    page: int = 0,
) -> access.Rows:
    pairs = [(p.id or 0, p.name) for p in roster]
    return views.picker(context, update, "t", enterprise_id, pairs, page=page, chosen=chosen)


def _roster(update: Update, context: Context, enterprise_id: int) -> list[Person]:
    ctx = rt(context).ctx
    with ctx.session() as session:
        return people.roster_people(
            session, enterprise_id, now=ctx.clock.now(), include=access.me(update)
        )


async def begin(update: Update, context: Context, enterprise: Enterprise) -> None:
    ctx, user = rt(context).ctx, access.user_id(update)
    roster = _roster(update, context, enterprise.id or 0)
    with ctx.session() as session:
        drafts.begin(
            session,
            user,
            enterprise.id or 0,
            step="t_people",
            data={"people": []},
            now=ctx.clock.now(),
        )
    rows = _people_rows(update, context, enterprise.id or 0, roster, set())
    await access.say(update, context, "people/training_who", rows, enterprise=enterprise.name)


async def person_toggled(update: Update, context: Context, data: Pick) -> None:
    """``pp:t:<person>``: add the person to those trained, or take them off again."""
    found, answers = access.draft(context, update, "t_people")
    roster = _roster(update, context, found.enterprise_id)
    ids = [p.id for p in roster]
    if data.value not in ids:
        raise err.UnknownPerson(field="name", given="")
    page = ids.index(data.value) // views.PAGE
    chosen = set(answers.get("people", [])) ^ {data.value}
    access.advance(context, found, "t_people", people=sorted(chosen))
    query = update.callback_query
    assert query is not None
    await edit_pressed(
        query,
        None,
        access.keyboard(_people_rows(update, context, found.enterprise_id, roster, chosen, page)),
    )


async def people_done(update: Update, context: Context, _data: Plain) -> None:
    found, answers = access.draft(context, update, "t_people")
    if not answers.get("people"):
        raise err.UnknownPerson(field="people", given="")
    access.advance(context, found, "t_category")
    locale = chat_locale(context, update)
    rows = [
        [access.button(context, update, Pick("g", i), "category", name=c.name.get(locale))]
        for i, c in enumerate(access.rules(context).categories)
    ]
    await access.say(update, context, "people/training_category", rows)


def _category(update: Update, context: Context, given: int | str) -> str:
    locale, categories = chat_locale(context, update), access.rules(context).categories
    category = views.find(categories, given, locale)
    if category is None:
        names = [c.name.get(locale) for c in categories]
        choices = rt(context).renderer.text(locale, "people/choices", names=names)
        raise err.UnknownCategory(field="training_category", given=str(given), choices=choices)
    return category.id


async def category_chosen(
    update: Update, context: Context, found: PeopleDraft, given: int | str
) -> None:
    access.advance(context, found, "t_hours", category=_category(update, context, given))
    await access.say(update, context, "people/training_hours")


def _hours(text: str) -> float:
    found = _HOURS.match(text.replace(",", "."))
    hours = float(found.group(1)) if found else 0.0
    if not 0 < hours <= MAX_HOURS or round(hours * 2) != hours * 2:
        raise err.BadHours(field="hours", given=text.strip()[:20], most=MAX_HOURS)
    return hours


async def hours_given(update: Update, context: Context, found: PeopleDraft, text: str) -> None:
    access.advance(context, found, "t_day", hours=_hours(text))
    rows = [[access.button(context, update, Plain("s"), "today")]]
    await access.say(update, context, "people/ask_date", rows, field="day")


async def day_given(update: Update, context: Context, found: PeopleDraft, text: str) -> None:
    enterprise = access.enterprise(context, found.enterprise_id)
    day = access.read_date(text, "day", access.today(context, enterprise))
    await _save(update, context, found, enterprise, day)


async def today_pressed(update: Update, context: Context, _data: Plain) -> None:
    found, _ = access.draft(context, update, "t_day")
    enterprise = access.enterprise(context, found.enterprise_id)
    await _save(update, context, found, enterprise, access.today(context, enterprise))


async def _save(
    update: Update, context: Context, found: PeopleDraft, enterprise: Enterprise, day: dt.date
) -> None:
    answers = drafts.data_of(found)
    with rt(context).ctx.session() as session:
        chosen = [people.person_at(session, enterprise.id or 0, int(i)) for i in answers["people"]]
    await record(
        update,
        context,
        enterprise,
        [p for p in chosen if p],
        str(answers["category"]),
        float(answers["hours"]),
        day,
    )
    access.finish(context, found)


async def record(
    update: Update, context: Context, enterprise: Enterprise, chosen: list[Person],
    category: str, hours: float, day: dt.date,
) -> None:  # fmt: skip
    """The hours for each of ``chosen`` (the right to do it checked again now)."""
    ctx, user = rt(context).ctx, access.user_id(update)
    actor = Actor(user, await access.manages(context, enterprise, user))
    today, now = access.today(context, enterprise), ctx.clock.now()
    with ctx.session() as session:
        for person in chosen:
            session.add(person)
            add_training(
                session,
                ctx.people_rules,
                actor,
                person,
                day=day,
                category=category,
                hours=hours,
                today=today,
                now=now,
            )
    rule = ctx.people_rules.category(category)
    name = rule.name.get(chat_locale(context, update)) if rule else category
    await access.say(
        update, context, "people/training_saved", names=[p.name for p in chosen],
        category=name, hours=hours, day=day,
    )  # fmt: skip


async def one_line(update: Update, context: Context, args: list[str]) -> None:
    """``/training <name> <category> <hours> [<day>]``: the person found by name among the
    enterprises the sender manages."""
    if len(args) not in (3, 4):
        await access.say(update, context, "people/training_usage")
        return
    name, category_text, hours_text = args[:3]
    managed = await access.enterprises_of(context, access.user_id(update), managed=True)
    if not managed:
        await access.say(update, context, "people/no_enterprise", managed=True)
        return
    with rt(context).ctx.session() as session:
        found = people.named(session, managed, name, now=rt(context).ctx.clock.now())
    if len(found) != 1:
        raise err.UnknownPerson(field="name", given=name, several=len(found) > 1)
    enterprise = next(e for e in managed if e.id == found[0].enterprise_id)
    category, hours = _category(update, context, category_text), _hours(hours_text)
    today = access.today(context, enterprise)
    day = access.read_date(args[3], "day", today) if len(args) == 4 else today
    await record(update, context, enterprise, found, category, hours, day)
