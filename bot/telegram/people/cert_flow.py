"""``/cert`` in private: a certificate added or renewed step by step.

Whose (a manager picks from the roster or names someone without Telegram; anyone else records
their own) → kind → 作业类别 (when the kind has them) → number → issue date → expiry (only for
kinds without a validity rule) → an optional photo → the summary, saved with ✅. Each answer is
checked as it is given (a refusal names the field and asks again; the draft stays where it
was), and everything once more when saved: nothing is written before ✅.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import Message, Update

from bot.catalog.people_models import CertificateKind
from bot.domain import people_errors as err
from bot.domain.certificate import dates_of, parse_date, standing
from bot.services.people import drafts
from bot.services.people import persons as people
from bot.services.people.records import (
    Actor,
    CertificateInput,
    add_person,
    check_certificate,
    person_for_user,
    record_certificate,
)
from bot.store.models import Enterprise
from bot.store.people_models import PeopleDraft, Person
from bot.telegram.common import Context, chat_locale, display_name, rt
from bot.telegram.people import access, views
from bot.telegram.people.callbacks import Pick, Plain
from bot.telegram.sending import edit_pressed

MAX_NAME = 60


async def begin(update: Update, context: Context, enterprise: Enterprise) -> None:
    ctx, user = rt(context).ctx, access.user_id(update)
    now = ctx.clock.now()
    if await access.manages(context, enterprise, user):
        with ctx.session() as session:
            roster = people.roster_people(
                session, enterprise.id or 0, now=now, include=access.me(update)
            )
            drafts.begin(session, user, enterprise.id or 0, step="who", data={}, now=now)
        pairs = [(p.id or 0, p.name) for p in roster]
        rows = views.picker(context, update, "p", enterprise.id or 0, pairs)
        await access.say(update, context, "people/cert_who", rows, enterprise=enterprise.name)
        return
    with ctx.session() as session:
        person = person_for_user(
            session, enterprise.id or 0, user_id=user, name=display_name(update), now=now
        )
        session.commit()
        data = {"person": person.id}
        drafts.begin(session, user, enterprise.id or 0, step="kind", data=data, now=now)
    await ask_kind(update, context, person.name)


async def ask_kind(update: Update, context: Context, name: str) -> None:
    rows = [
        [
            access.button(
                context, update, Pick("k", i), "kind", name=k.name.get(chat_locale(context, update))
            )
        ]
        for i, k in enumerate(access.rules(context).kinds)
    ]
    await access.say(update, context, "people/cert_kind", rows, name=name)


async def person_picked(update: Update, context: Context, data: Pick) -> None:
    """``pp:p:<person>`` at "whose": a manager's pick from the roster."""
    found, _ = access.draft(context, update, "who")
    enterprise = access.enterprise(context, found.enterprise_id)
    with rt(context).ctx.session() as session:
        person = people.person_at(session, found.enterprise_id, data.value)
    if person is None:
        raise err.UnknownPerson(field="name", given="")
    if not await access.manages(context, enterprise, access.user_id(update)):
        raise err.NotYourRecord(name=person.name)
    access.advance(context, found, "kind", person=person.id)
    await ask_kind(update, context, person.name)


async def someone_new(update: Update, context: Context, _data: Plain) -> None:
    """``pp:n``: someone without Telegram; their name is asked."""
    found, _ = access.draft(context, update, "who")
    access.advance(context, found, "name")
    await access.say(update, context, "people/cert_name")


async def name_given(update: Update, context: Context, found: PeopleDraft, text: str) -> None:
    name = " ".join(text.split())
    if not 0 < len(name) <= MAX_NAME:
        raise err.UnknownPerson(field="name", given=name[:MAX_NAME], most=MAX_NAME)
    access.advance(context, found, "kind", name=name)
    await ask_kind(update, context, name)


def _kind(context: Context, data: dict[str, Any]) -> CertificateKind:
    kind = access.rules(context).kind(str(data.get("kind")))
    if kind is None:
        raise err.UnknownCertificateKind(field="kind", given="", choices="")
    return kind


def _choices(update: Update, context: Context, names: list[str]) -> str:
    locale = chat_locale(context, update)
    return rt(context).renderer.text(locale, "people/choices", names=names)


async def kind_chosen(
    update: Update, context: Context, found: PeopleDraft, given: int | str
) -> None:
    """A kind: a button's index or its name typed."""
    locale, kinds = chat_locale(context, update), access.rules(context).kinds
    kind = views.find(kinds, given, locale)
    if kind is None:
        names = [k.name.get(locale) for k in kinds]
        raise err.UnknownCertificateKind(
            field="kind", given=str(given), choices=_choices(update, context, names)
        )
    if kind.categories:
        access.advance(context, found, "category", kind=kind.id)
        rows = [
            [access.button(context, update, Pick("c", i), "category", name=c.name.get(locale))]
            for i, c in enumerate(kind.categories)
        ]
        await access.say(update, context, "people/cert_category", rows, kind=kind.name.get(locale))
        return
    access.advance(context, found, "number", kind=kind.id, category=None)
    await _ask_number(update, context, kind)


async def category_chosen(
    update: Update, context: Context, found: PeopleDraft, given: int | str
) -> None:
    kind, locale = _kind(context, drafts.data_of(found)), chat_locale(context, update)
    category = views.find(list(kind.categories), given, locale)
    if category is None:
        names = [c.name.get(locale) for c in kind.categories]
        raise err.UnknownCategory(
            field="category", given=str(given), choices=_choices(update, context, names)
        )
    access.advance(context, found, "number", category=category.id)
    await _ask_number(update, context, kind)


async def _ask_number(update: Update, context: Context, kind: CertificateKind) -> None:
    locale = chat_locale(context, update)
    await access.say(update, context, "people/cert_number", hint=kind.number.hint.get(locale))


async def number_given(update: Update, context: Context, found: PeopleDraft, text: str) -> None:
    kind = _kind(context, drafts.data_of(found))
    number = "".join(text.split())
    if not kind.number.matches(number) and kind.number.matches(number.upper()):
        number = number.upper()
    if not kind.number.matches(number):
        raise err.BadNumber(field="number", kind=kind.id, hint=kind.number.hint)
    access.advance(context, found, "issued", number=number)
    await access.say(update, context, "people/ask_date", field="issued_on")


async def issued_given(update: Update, context: Context, found: PeopleDraft, text: str) -> None:
    kind = _kind(context, drafts.data_of(found))
    enterprise = access.enterprise(context, found.enterprise_id)
    issued = access.read_date(text, "issued_on", access.today(context, enterprise))
    if kind.valid_years is None:
        access.advance(context, found, "expiry", issued_on=issued.isoformat())
        await access.say(update, context, "people/ask_date", field="expires_on")
        return
    access.advance(context, found, "photo", issued_on=issued.isoformat())
    await _ask_photo(update, context)


async def expiry_given(update: Update, context: Context, found: PeopleDraft, text: str) -> None:
    enterprise = access.enterprise(context, found.enterprise_id)
    expires = parse_date(text)
    if expires is None:
        raise err.BadDate(field="expires_on", given=text.strip()[:40])
    given = _input(drafts.data_of(found) | {"expires_on": expires.isoformat()})
    check_certificate(access.rules(context), given, access.today(context, enterprise))
    access.advance(context, found, "photo", expires_on=expires.isoformat())
    await _ask_photo(update, context)


async def _ask_photo(update: Update, context: Context) -> None:
    rows = [[access.button(context, update, Plain("s"), "skip_photo")]]
    await access.say(update, context, "people/cert_photo", rows)


async def photo_given(
    update: Update, context: Context, found: PeopleDraft, message: Message
) -> None:
    access.advance(context, found, "confirm", photo=message.photo[-1].file_id)
    await summary(update, context, found)


async def photo_skipped(update: Update, context: Context, _data: Plain) -> None:
    found, _ = access.draft(context, update, "photo")
    access.advance(context, found, "confirm", photo=None)
    await summary(update, context, found)


def _input(data: dict[str, Any]) -> CertificateInput:
    expires = data.get("expires_on")
    return CertificateInput(
        kind=str(data.get("kind")),
        category=data.get("category"),
        number=str(data.get("number", "")),
        issued_on=dt.date.fromisoformat(str(data["issued_on"])),
        expires_on=dt.date.fromisoformat(expires) if expires else None,
        photo_file_id=data.get("photo"),
    )


def _holder_name(context: Context, data: dict[str, Any]) -> str:
    if data.get("person") is None:
        return str(data.get("name", ""))
    with rt(context).ctx.session() as session:
        person = session.get(Person, int(data["person"]))
    return person.name if person else ""


async def summary(update: Update, context: Context, found: PeopleDraft) -> None:
    data = drafts.data_of(found)
    given, kind = _input(data), _kind(context, data)
    dates = dates_of(kind, given.issued_on, expires_on=given.expires_on)
    rows = [
        [access.button(context, update, Plain("y"), "save")],
        access.cancel_row(context, update),
    ]
    line = views.certificate_line(
        context, update, kind, given.category, given.number, given.issued_on, dates, None
    )
    await access.say(
        update, context, "people/cert_summary", rows,
        name=_holder_name(context, data), cert=line, photo=bool(given.photo_file_id),
    )  # fmt: skip


async def save(update: Update, context: Context, _data: Plain) -> None:
    """``pp:y``: record the certificate (every field and the right to do it checked again)."""
    found, data = access.draft(context, update, "confirm")
    ctx, user = rt(context).ctx, access.user_id(update)
    enterprise = access.enterprise(context, found.enterprise_id)
    actor = Actor(user, await access.manages(context, enterprise, user))
    given, today, now = _input(data), access.today(context, enterprise), ctx.clock.now()
    kind = _kind(context, data)
    check_certificate(ctx.people_rules, given, today)
    with ctx.session() as session:
        person: Person | None
        if data.get("person") is None:
            role = kind.roles[0]
            person = add_person(
                session, actor, enterprise.id or 0, name=str(data["name"]), role=role,
                joined_on=None, now=now,
            )  # fmt: skip
        else:
            person = people.person_at(session, enterprise.id or 0, int(data["person"]))
            if person is None:
                raise err.UnknownPerson(field="name", given="")
        cert = record_certificate(
            session, ctx.people_rules, actor, person, enterprise, given, today=today, now=now
        )
        dates = dates_of(kind, cert.issued_on, expires_on=cert.expires_on)
        name = person.name
    access.finish(context, found)
    line = views.certificate_line(
        context,
        update,
        kind,
        cert.category,
        cert.number,
        cert.issued_on,
        dates,
        standing(dates, today),
    )
    text = rt(context).renderer.render(
        chat_locale(context, update), "people/cert_saved", name=name, cert=line
    )
    query = update.callback_query
    assert query is not None
    await edit_pressed(query, text, None)
