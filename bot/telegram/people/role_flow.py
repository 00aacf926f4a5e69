"""``/role`` in private (managers), or 👔 under a person's records: a person's role (主要负责人,
安全生产管理人员, 特种作业人员, 从业人员) and the day they joined or took it, which decide the
training hours the rules require of them (岗前 hours for someone new this year)."""

from __future__ import annotations

import datetime as dt

from telegram import Update

from bot.catalog.people_models import ROLES
from bot.domain import people_errors as err
from bot.services.people import drafts
from bot.services.people import persons as people
from bot.services.people.records import Actor, set_role
from bot.store.models import Enterprise
from bot.store.people_models import PeopleDraft, Person
from bot.telegram.common import Context, rt
from bot.telegram.people import access, views
from bot.telegram.people.callbacks import Pick, Plain


async def begin(update: Update, context: Context, enterprise: Enterprise) -> None:
    ctx, user = rt(context).ctx, access.user_id(update)
    with ctx.session() as session:
        roster = people.roster_people(
            session, enterprise.id or 0, now=ctx.clock.now(), include=access.me(update)
        )
        drafts.begin(session, user, enterprise.id or 0, step="r_who", data={}, now=ctx.clock.now())
    pairs = [(p.id or 0, p.name) for p in roster]
    rows = views.picker(context, update, "o", enterprise.id or 0, pairs)
    await access.say(update, context, "people/role_who", rows, enterprise=enterprise.name)


async def person_picked(update: Update, context: Context, data: Pick) -> None:
    """``pp:o:<person>``: from ``/role``'s list or a person's records; the roles are offered."""
    ctx, user = rt(context).ctx, access.user_id(update)
    with ctx.session() as session:
        person = session.get(Person, data.value)
    if person is None:
        raise err.UnknownPerson(field="name", given="")
    enterprise = access.enterprise(context, person.enterprise_id)
    if not await access.manages(context, enterprise, user):
        raise err.NotYourRecord(name=person.name)
    with ctx.session() as session:
        drafts.begin(
            session,
            user,
            enterprise.id or 0,
            step="r_role",
            data={"person": person.id},
            now=ctx.clock.now(),
        )
    rows = [
        [access.button(context, update, Pick("r", i), "role_name", role=r)]
        for i, r in enumerate(ROLES)
    ]
    await access.say(update, context, "people/role_ask", rows, name=person.name, role=person.role)


async def role_chosen(update: Update, context: Context, data: Pick) -> None:
    found, _ = access.draft(context, update, "r_role")
    if not 0 <= data.value < len(ROLES):
        raise err.UnknownCategory(field="role", given=str(data.value), choices=", ".join(ROLES))
    access.advance(context, found, "r_joined", role=ROLES[data.value])
    rows = [[access.button(context, update, Plain("s"), "skip_date")]]
    await access.say(update, context, "people/ask_date", rows, field="joined_on")


async def joined_given(update: Update, context: Context, found: PeopleDraft, text: str) -> None:
    enterprise = access.enterprise(context, found.enterprise_id)
    await _save(
        update,
        context,
        found,
        access.read_date(text, "joined_on", access.today(context, enterprise)),
    )


async def joined_skipped(update: Update, context: Context, _data: Plain) -> None:
    found, _ = access.draft(context, update, "r_joined")
    await _save(update, context, found, None)


async def _save(
    update: Update, context: Context, found: PeopleDraft, joined: dt.date | None
) -> None:
    ctx, user = rt(context).ctx, access.user_id(update)
    answers = drafts.data_of(found)
    enterprise = access.enterprise(context, found.enterprise_id)
    actor = Actor(user, await access.manages(context, enterprise, user))
    with ctx.session() as session:
        person = people.person_at(session, enterprise.id or 0, int(answers["person"]))
        if person is None:
            raise err.UnknownPerson(field="name", given="")
        day = joined or person.joined_on
        set_role(session, actor, person, role=str(answers["role"]), joined_on=day)
        name, role, joined_on = person.name, person.role, person.joined_on
    access.finish(context, found)
    await access.say(
        update, context, "people/role_saved", name=name, role=role, joined_on=joined_on
    )
