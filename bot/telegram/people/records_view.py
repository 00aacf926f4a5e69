"""``/certs`` in private: one's own records (certificates with number, dates and standing; this
year's hours against the rule), and for a manager the enterprise's people, one button each.

Under a certificate: 🔁 reviewed (asks the review date) and 📷 its photo. Numbers and photos go
only to the holder and the enterprise's managers (safety officer, group admins): a press by
anyone else on a forged or forwarded button is refused (``may_see_numbers``).
"""

from __future__ import annotations

from telegram import Update

from bot.domain import people_errors as err
from bot.services.people import drafts
from bot.services.people import persons as people
from bot.services.people.ledger import PersonLedger, ledger, may_see_numbers
from bot.services.people.records import Actor, check_may_edit, person_for_user, record_review
from bot.store.models import Enterprise
from bot.store.people_models import PeopleDraft, Person
from bot.telegram.common import Context, chat_locale, display_name, rt
from bot.telegram.people import access, views
from bot.telegram.people.callbacks import Pick
from bot.telegram.sending import send_file


def _ledger(context: Context, enterprise: Enterprise) -> list[PersonLedger]:
    ctx = rt(context).ctx
    with ctx.session() as session:
        return ledger(
            session, ctx.people_rules, [enterprise], today=access.today(context, enterprise)
        )


async def show_mine(update: Update, context: Context, enterprise: Enterprise) -> None:
    ctx, user = rt(context).ctx, access.user_id(update)
    now = ctx.clock.now()
    manager = await access.manages(context, enterprise, user)
    with ctx.session() as session:
        person = person_for_user(
            session, enterprise.id or 0, user_id=user, name=display_name(update), now=now
        )
        session.commit()
        if manager:
            people.roster_people(session, enterprise.id or 0, now=now)
    everyone = _ledger(context, enterprise)
    mine = next(p for p in everyone if p.person_id == person.id)
    await _records(update, context, enterprise, mine, manager=manager)
    if manager:
        pairs = [(p.person_id, p.name) for p in everyone]
        rows = views.picker(context, update, "v", enterprise.id or 0, pairs)
        await access.say(
            update, context, "people/roster", rows, enterprise=enterprise.name, people=everyone
        )


async def _records(
    update: Update, context: Context, enterprise: Enterprise, person: PersonLedger, *, manager: bool
) -> None:
    """One person's records, with numbers (only ever called for the holder or a manager)."""
    rules, locale = access.rules(context), chat_locale(context, update)
    lines, rows = [], []
    for cert in person.certificates:
        kind = rules.kind(cert.kind)
        lines.append(
            views.certificate_line(
                context,
                update,
                kind,
                cert.category,
                cert.number,
                cert.issued_on,
                cert.dates,
                cert.standing,
            )
        )
        name = kind.name.get(locale) if kind is not None else cert.kind
        if kind is not None and kind.review_every_years is not None:
            rows.append([access.button(context, update, Pick("w", cert.id), "reviewed", kind=name)])
        if cert.photo_file_id:
            rows.append([access.button(context, update, Pick("f", cert.id), "photo", kind=name)])
    if manager:
        rows.append([access.button(context, update, Pick("o", person.person_id), "role")])
    hours = [
        (c.name.get(locale), person.hours.by_category[c.id])
        for c in rules.categories
        if c.id in person.hours.by_category
    ]
    await access.say(
        update, context, "people/records", rows, enterprise=enterprise.name, name=person.name,
        role=person.role, certs=lines, hours=person.hours, by_category=hours,
        year=access.today(context, enterprise).year,
    )  # fmt: skip


async def view_person(update: Update, context: Context, data: Pick) -> None:
    """``pp:v:<person>``: a manager (or the holder) sees the person's records."""
    with rt(context).ctx.session() as session:
        person = session.get(Person, data.value)
    if person is None:
        raise err.UnknownPerson(field="name", given="")
    enterprise, user = access.enterprise(context, person.enterprise_id), access.user_id(update)
    manager = await access.manages(context, enterprise, user)
    if not may_see_numbers(
        viewer_id=user, holder_id=person.user_id, manager=manager, office=False, shared=False
    ):
        raise err.NotYourRecord(name=person.name)
    found = next(p for p in _ledger(context, enterprise) if p.person_id == person.id)
    await _records(update, context, enterprise, found, manager=manager)


async def send_photo(update: Update, context: Context, data: Pick) -> None:
    """``pp:f:<certificate>``: the certificate's photo, to the holder or a manager only."""
    with rt(context).ctx.session() as session:
        found = people.certificate_of(session, data.value)
    if found is None or found[0].photo_file_id is None:
        raise err.UnknownPerson(field="name", given="")
    cert, person = found
    enterprise, user = access.enterprise(context, cert.enterprise_id), access.user_id(update)
    manager = await access.manages(context, enterprise, user)
    if not may_see_numbers(
        viewer_id=user, holder_id=person.user_id, manager=manager, office=False, shared=False
    ):
        raise err.NotYourRecord(name=person.name)
    assert update.effective_chat is not None and cert.photo_file_id is not None
    await send_file(context.bot, update.effective_chat.id, "photo", cert.photo_file_id)


async def review_pressed(update: Update, context: Context, data: Pick) -> None:
    """``pp:w:<certificate>``: the holder or a manager records a 复审; the date is asked."""
    ctx = rt(context).ctx
    with ctx.session() as session:
        found = people.certificate_of(session, data.value)
    if found is None:
        raise err.UnknownPerson(field="name", given="")
    cert, person = found
    enterprise, user = access.enterprise(context, cert.enterprise_id), access.user_id(update)
    check_may_edit(Actor(user, await access.manages(context, enterprise, user)), person)
    with ctx.session() as session:
        drafts.begin(
            session,
            user,
            enterprise.id or 0,
            step="review",
            data={"cert": cert.id},
            now=ctx.clock.now(),
        )
    await access.say(update, context, "people/ask_date", field="reviewed_on")


async def review_given(update: Update, context: Context, found: PeopleDraft, text: str) -> None:
    ctx, user = rt(context).ctx, access.user_id(update)
    with ctx.session() as session:
        pair = people.certificate_of(session, int(drafts.data_of(found)["cert"]))
    if pair is None:
        raise err.UnknownPerson(field="name", given="")
    enterprise = access.enterprise(context, found.enterprise_id)
    today = access.today(context, enterprise)
    reviewed = access.read_date(text, "reviewed_on", today)
    actor = Actor(user, await access.manages(context, enterprise, user))
    with ctx.session() as session:
        cert, person = pair
        session.add(cert)
        session.add(person)
        record_review(
            session,
            ctx.people_rules,
            actor,
            person,
            enterprise,
            cert,
            reviewed_on=reviewed,
            today=today,
            now=ctx.clock.now(),
        )
        name = person.name
    access.finish(context, found)
    led = next(p for p in _ledger(context, enterprise) if p.person_id == person.id)
    view = next(c for c in led.certificates if c.id == cert.id)
    line = views.certificate_line(
        context,
        update,
        access.rules(context).kind(view.kind),
        view.category,
        view.number,
        view.issued_on,
        view.dates,
        view.standing,
    )
    await access.say(
        update, context, "people/review_saved", name=name, cert=line, reviewed_on=reviewed
    )
