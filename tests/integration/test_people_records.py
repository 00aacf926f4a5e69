"""People's records on the database (``bot.services.people``), without the chat.

Each refusal of the issue's "bad input" list is checked to save nothing, a renewal to replace
the old certificate and re-plan its reminders, and the outbox to keep a certificate's private
reminders out of the group's digest claim.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, func, select

from bot.demo.harness import LocalBot
from bot.domain import people_errors as err
from bot.domain.certificate import Standing
from bot.errors import DomainError
from bot.services.digest.settings import retime_pending
from bot.services.people import ledger, records, reminders
from bot.services.people.records import Actor, CertificateInput
from bot.services.reminders import outbox
from bot.store.models import Enterprise, ReminderRow
from bot.store.people_models import Certificate, Person, TrainingRecord
from tests.conftest import local
from tests.fakes.group import group_with_bot

OFFICER = Actor(1, manager=True)
WORKER = Actor(2, manager=False)
OTHER_WORKER = Actor(3, manager=False)
NOW = local(2026, 12, 3, 10, 0)
TODAY = dt.date(2026, 12, 3)
WELDER = CertificateInput(
    "special_operation", "welding", "T42010619800101123X", dt.date(2024, 1, 8)
)


async def _setup(bot: LocalBot) -> tuple[Enterprise, Person]:
    group = await group_with_bot(bot)
    await group.setup()
    with bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise)).one()
        enterprise.safety_officer_id = OFFICER.user_id
        s.add(enterprise)
        person = records.person_for_user(
            s, enterprise.id or 0, user_id=WORKER.user_id, name="王师傅", now=NOW
        )
        s.commit()
        s.refresh(person)
    return enterprise, person


def _count(bot: LocalBot, table: type) -> int:
    with bot.ctx.session() as s:
        return int(s.exec(select(func.count()).select_from(table)).one())


def _certificate_reminders(bot: LocalBot) -> int:
    with bot.ctx.session() as s:
        query = select(func.count()).where(col(ReminderRow.certificate_id).is_not(None))
        return int(s.exec(query).one())


@pytest.mark.parametrize(
    ("given", "error", "field"),
    [
        (CertificateInput("forklift", None, "123456", dt.date(2024, 1, 8)), err.UnknownCertificateKind, "kind"),
        (CertificateInput("special_operation", "juggling", WELDER.number, dt.date(2024, 1, 8)), err.UnknownCategory, "category"),
        (CertificateInput("special_operation", "welding", "12345", dt.date(2024, 1, 8)), err.BadNumber, "number"),
        (CertificateInput("special_operation", "welding", WELDER.number, dt.date(2027, 1, 8)), err.DateInFuture, "issued_on"),
        (CertificateInput("fire_facility_operator", None, "XF20240001", dt.date(2024, 1, 8)), err.ExpiryRequired, "expires_on"),
        (CertificateInput("fire_facility_operator", None, "XF20240001", dt.date(2024, 1, 8), dt.date(2023, 1, 8)), err.ExpiryBeforeIssue, "expires_on"),
    ],
)  # fmt: skip
async def test_a_bad_certificate_names_its_field_and_saves_nothing(
    bot: LocalBot, given: CertificateInput, error: type[DomainError], field: str
) -> None:
    enterprise, person = await _setup(bot)
    with bot.ctx.session() as s, pytest.raises(error) as raised:
        records.record_certificate(
            s, bot.ctx.people_rules, OFFICER, person, enterprise, given, today=TODAY, now=NOW
        )
    assert raised.value.context["field"] == field
    assert _count(bot, Certificate) == 0 and _certificate_reminders(bot) == 0


async def test_only_a_manager_edits_someone_elses_record(bot: LocalBot) -> None:
    enterprise, person = await _setup(bot)
    with bot.ctx.session() as s, pytest.raises(err.NotYourRecord):
        records.record_certificate(
            s, bot.ctx.people_rules, OTHER_WORKER, person, enterprise, WELDER, today=TODAY, now=NOW
        )
    with bot.ctx.session() as s, pytest.raises(err.NotYourRecord):
        records.add_training(
            s, bot.ctx.people_rules, WORKER, person, day=TODAY, category="annual", hours=4,
            today=TODAY, now=NOW,
        )  # fmt: skip
    assert _count(bot, Certificate) == 0 and _count(bot, TrainingRecord) == 0
    with bot.ctx.session() as s:  # the holder records their own certificate
        records.record_certificate(
            s, bot.ctx.people_rules, WORKER, person, enterprise, WELDER, today=TODAY, now=NOW
        )
    assert _count(bot, Certificate) == 1


async def test_hours_must_be_half_hours_of_a_known_category(bot: LocalBot) -> None:
    _, person = await _setup(bot)
    for category, hours, error in [
        ("annual", 0.0, err.BadHours),
        ("annual", 2.3, err.BadHours),
        ("annual", 500.0, err.BadHours),
        ("karaoke", 2.0, err.UnknownCategory),
    ]:
        with bot.ctx.session() as s, pytest.raises(error):
            records.add_training(
                s, bot.ctx.people_rules, OFFICER, person, day=TODAY, category=category,
                hours=hours, today=TODAY, now=NOW,
            )  # fmt: skip
    assert _count(bot, TrainingRecord) == 0


async def test_a_certificate_plans_private_reminders_the_group_claim_never_takes(
    bot: LocalBot,
) -> None:
    enterprise, person = await _setup(bot)
    with bot.ctx.session() as s:
        cert = records.record_certificate(
            s, bot.ctx.people_rules, OFFICER, person, enterprise, WELDER, today=TODAY, now=NOW
        )
        rows = reminders.pending_of(s, cert.id or 0)
    # review due 2027-01-08: the window opened 60 days before (past), the last call and the
    # lapse are ahead, then the renewal at six years; each to the holder and the officer.
    assert {(r.kind, r.recipient_id) for r in rows} >= {
        ("cert_review_last", WORKER.user_id),
        ("cert_review_last", OFFICER.user_id),
        ("cert_lapsed", WORKER.user_id),
    }
    assert all(r.fire_at > NOW and r.occurrence_id is None for r in rows)
    late = max(r.fire_at for r in rows) + dt.timedelta(days=1)
    with bot.ctx.session() as s:
        group = outbox.claim_due(
            s, now=late, worker="w", token="t" * 32, lease=dt.timedelta(minutes=5), limit=100
        )
        assert not set(group) & {r.id for r in rows}
        mine = reminders.claim_due(
            s, now=late, worker="w", token="u" * 32, lease=dt.timedelta(minutes=5), limit=100
        )
    assert sorted(mine) == sorted(r.id for r in rows)


async def test_renewal_replaces_the_certificate_and_clears_the_flag(bot: LocalBot) -> None:
    enterprise, person = await _setup(bot)
    old = CertificateInput("special_operation", "welding", WELDER.number, dt.date(2021, 1, 8))
    with bot.ctx.session() as s:
        first = records.record_certificate(
            s, bot.ctx.people_rules, OFFICER, person, enterprise, old, today=TODAY, now=NOW
        )
        (before,) = ledger.ledger(s, bot.ctx.people_rules, [enterprise], today=TODAY)
        assert [c.standing for c in before.certificates] == [Standing.UNREVIEWED]
        assert before.stands_down
        assert reminders.pending_of(s, first.id or 0)  # its renewal at six years is ahead
        records.record_certificate(
            s, bot.ctx.people_rules, OFFICER, person, enterprise, WELDER, today=TODAY, now=NOW
        )
        assert reminders.pending_of(s, first.id or 0) == []
        (after,) = ledger.ledger(s, bot.ctx.people_rules, [enterprise], today=TODAY)
    assert [c.issued_on for c in after.certificates] == [WELDER.issued_on]
    assert not after.stands_down
    assert _count(bot, Certificate) == 2  # the old one is kept, replaced


async def test_a_review_recorded_moves_the_reminders_on(bot: LocalBot) -> None:
    enterprise, person = await _setup(bot)
    with bot.ctx.session() as s:
        cert = records.record_certificate(
            s, bot.ctx.people_rules, OFFICER, person, enterprise, WELDER, today=TODAY, now=NOW
        )
        records.record_review(
            s, bot.ctx.people_rules, OFFICER, person, enterprise, cert,
            reviewed_on=TODAY, today=TODAY, now=NOW,
        )  # fmt: skip
        kinds = {r.kind for r in reminders.pending_of(s, cert.id or 0)}
    assert kinds == {"cert_renew", "cert_renew_last", "cert_lapsed"}


async def test_counted_hours_are_counted_once(bot: LocalBot) -> None:
    enterprise, person = await _setup(bot)
    for _ in range(2):
        with bot.ctx.session() as s:
            records.add_training(
                s, bot.ctx.people_rules, None, person, day=TODAY, category="drill", hours=1.5,
                today=TODAY, now=NOW, source="drill", source_ref="drill:7",
            )  # fmt: skip
    with bot.ctx.session() as s:
        (row,) = ledger.ledger(s, bot.ctx.people_rules, [enterprise], today=TODAY)
    assert row.hours.by_category == {"drill": 1.5}


async def test_a_reminder_falling_on_a_holiday_goes_out_the_workday_before(bot: LocalBot) -> None:
    enterprise, person = await _setup(bot)
    # Review due 2027-03-02: its 60-day window opens on 2027-01-01, New Year's Day.
    given = CertificateInput("special_operation", "welding", WELDER.number, dt.date(2024, 3, 2))
    with bot.ctx.session() as s:
        cert = records.record_certificate(
            s, bot.ctx.people_rules, OFFICER, person, enterprise, given, today=TODAY, now=NOW,
            calendar=bot.ctx.calendar,
        )  # fmt: skip
        opening = [r for r in reminders.pending_of(s, cert.id or 0) if r.kind == "cert_review"]
    assert {r.fire_at for r in opening} == {local(2026, 12, 31, 8, 0)}


async def test_changing_the_digest_time_keeps_a_certificates_reminders(bot: LocalBot) -> None:
    enterprise, person = await _setup(bot)
    with bot.ctx.session() as s:
        cert = records.record_certificate(
            s, bot.ctx.people_rules, OFFICER, person, enterprise, WELDER, today=TODAY, now=NOW
        )
        before = len(reminders.pending_of(s, cert.id or 0))
        fresh = s.get(Enterprise, enterprise.id)
        assert fresh is not None and before > 0
        retime_pending(s, fresh, now=NOW)  # what /digest and a new work pattern do first
        s.commit()
        assert len(reminders.pending_of(s, cert.id or 0)) == before


async def test_an_enterprise_with_no_telegram_registrant_plans_no_officer_copy(
    bot: LocalBot,
) -> None:
    enterprise, person = await _setup(bot)
    enterprise.safety_officer_id, enterprise.created_by = None, 0  # registered from the CLI
    assert reminders.recipients(enterprise, person) == [WORKER.user_id]
