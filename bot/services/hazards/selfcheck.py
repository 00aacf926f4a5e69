"""``/selfcheck``: one person runs one 重大事故隐患判定标准 as a checklist, item by item.

The questions are the standard's items for the enterprise's sector that carry a self-check
``question`` (a catch-all such as 其他重大事故隐患 has none and is skipped), in the standard's
order. A person has at most one unfinished self-check per enterprise: starting again resumes
it at the first unanswered item. An answer is kept once per item (a second press changes
nothing), and only the first unanswered item can be answered. Each ``yes`` is a 重大事故隐患:
reported by the person and graded major with the item as its basis (``records``), so it
enters the loop (五落实, rectification, 销号) like any other. ``now`` is the caller's clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from bot.catalog.hazard_models import HazardItem, HazardStandard
from bot.catalog.hazard_standards import HazardStandards
from bot.domain.hazard import Actor
from bot.domain.hazard_states import HazardGrade
from bot.errors import StaleButton
from bot.services.hazards import records
from bot.store.hazard_models import Hazard, SelfCheck, SelfCheckAnswer
from bot.store.models import Enterprise, Member

ANSWERS = ("yes", "no", "na")


@dataclass(frozen=True)
class Question:
    check_id: int
    index: int  # 0-based place among the standard's questions
    total: int
    standard: HazardStandard
    item: HazardItem


@dataclass(frozen=True)
class Recorded:
    """An answer: ``fresh`` is False when the item had been answered before (nothing changed)."""

    question: Question
    answer: str
    fresh: bool
    hazard: Hazard | None  # the major hazard the ``yes`` became (now or at the first press)


@dataclass(frozen=True)
class Summary:
    standard: HazardStandard
    total: int
    yes: int
    no: int
    na: int
    hazards: list[int]  # the numbers of the hazards the ``yes`` answers created

    @property
    def answered(self) -> int:
        return self.yes + self.no + self.na


def questions(standard: HazardStandard, sector: str) -> list[HazardItem]:
    """The items a ``sector`` enterprise is asked about (catch-alls without a question left out)."""
    return [item for item in standard.items_for(sector) if item.question is not None]


def standards_for(standards: HazardStandards, sector: str, on: dt.date) -> list[HazardStandard]:
    """The standards in force on ``on`` with at least one question for ``sector``, by id."""
    return [s for s in standards.for_sector(sector, on=on) if questions(s, sector)]


def candidate_enterprises(session: Session, user_id: int) -> list[Enterprise]:
    """Active enterprises the person may manage, oldest first: where they are the safety officer,
    registered the group, or are on the roster. Whether they are a group admin now is Telegram's
    to say (the bot cannot list a person's groups), so the caller asks for each of these."""
    rostered = select(Member.enterprise_id).where(Member.user_id == user_id)
    return list(
        session.exec(
            select(Enterprise)
            .where(
                col(Enterprise.active).is_(True),
                or_(
                    Enterprise.safety_officer_id == user_id,
                    Enterprise.created_by == user_id,
                    col(Enterprise.id).in_(rostered),
                ),
            )
            .order_by(col(Enterprise.id))
        ).all()
    )


def unfinished(session: Session, enterprise_id: int, user_id: int) -> SelfCheck | None:
    return session.exec(
        select(SelfCheck)
        .where(
            SelfCheck.enterprise_id == enterprise_id,
            SelfCheck.user_id == user_id,
            col(SelfCheck.finished_at).is_(None),
        )
        .order_by(col(SelfCheck.id))
    ).first()


def start(
    session: Session,
    enterprise: Enterprise,
    user_id: int,
    user_name: str,
    standard: HazardStandard,
    now: dt.datetime,
) -> SelfCheck:
    """A new self-check of ``standard``, or the person's unfinished one for the enterprise."""
    assert enterprise.id is not None
    existing = unfinished(session, enterprise.id, user_id)
    if existing is not None:
        return existing
    check = SelfCheck(
        enterprise_id=enterprise.id,
        user_id=user_id,
        user_name=user_name[:120],
        standard_id=standard.id,
        started_at=now,
    )
    session.add(check)
    session.commit()
    return check


def check_of(session: Session, check_id: int, user_id: int) -> SelfCheck:
    """The person's self-check ``check_id``; a forged or someone else's id is a stale button."""
    check = session.get(SelfCheck, check_id)
    if check is None or check.user_id != user_id:
        raise StaleButton()
    return check


def _answers(session: Session, check_id: int) -> dict[str, SelfCheckAnswer]:
    rows = session.exec(select(SelfCheckAnswer).where(SelfCheckAnswer.self_check_id == check_id))
    return {row.item: row for row in rows}


def _questions_of(standards: HazardStandards, check: SelfCheck, sector: str) -> list[Question]:
    standard = standards.standards.get(check.standard_id)
    if standard is None:  # the standard's file was withdrawn: nothing left to ask
        return []
    items = questions(standard, sector)
    assert check.id is not None
    return [Question(check.id, k, len(items), standard, i) for k, i in enumerate(items)]


def current(
    session: Session, standards: HazardStandards, check: SelfCheck, sector: str
) -> Question | None:
    """The first unanswered question, or None when every question has its answer."""
    assert check.id is not None
    done = _answers(session, check.id)
    asked = _questions_of(standards, check, sector)
    return next((q for q in asked if q.item.ref(q.standard.id) not in done), None)


def answer(
    session: Session,
    check: SelfCheck,
    enterprise: Enterprise,
    actor: Actor,
    *,
    index: int,
    value: str,
    location: str,
    standards: HazardStandards,
    now: dt.datetime,
) -> Recorded:
    """Record ``value`` for the question at ``index``; a ``yes`` becomes a major hazard.

    An item answered before is returned unchanged (``fresh`` False); a finished self-check, an
    index out of range or past the first unanswered question is a stale button.
    """
    assert check.id is not None and value in ANSWERS
    asked = _questions_of(standards, check, enterprise.sector)
    if not 0 <= index < len(asked):
        raise StaleButton()
    question = asked[index]
    ref = question.item.ref(question.standard.id)
    done = _answers(session, check.id)
    if ref in done:
        return _seen(session, question, done[ref])
    first = next(q for q in asked if q.item.ref(q.standard.id) not in done)
    if check.finished_at is not None or first.index != index:
        raise StaleButton()
    row = SelfCheckAnswer(self_check_id=check.id, item=ref, answer=value, at=now)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # the same press handled twice at once: the first one counts
        session.rollback()
        return _seen(session, question, _answers(session, check.id)[ref])
    hazard = None
    if value == "yes":
        hazard = _major_hazard(session, enterprise, actor, question, row, location, standards, now)
    session.commit()
    return Recorded(question, value, True, hazard)


def _seen(session: Session, question: Question, row: SelfCheckAnswer) -> Recorded:
    hazard = session.get(Hazard, row.hazard_id) if row.hazard_id is not None else None
    return Recorded(question, row.answer, False, hazard)


def _major_hazard(
    session: Session,
    enterprise: Enterprise,
    actor: Actor,
    question: Question,
    row: SelfCheckAnswer,
    location: str,
    standards: HazardStandards,
    now: dt.datetime,
) -> Hazard:
    """Report the item's situation as a hazard (committing the answer with it), grade it major."""
    hazard = records.report(
        session, enterprise, actor, description=question.item.text.get(enterprise.locale),
        location=location, photos=[], anonymous=False, private=True, now=now,
    )  # fmt: skip
    row.hazard_id = hazard.id
    session.add(row)
    return records.grade(
        session, hazard, actor, HazardGrade.MAJOR, standard_item=row.item,
        standards=standards, now=now,
    )  # fmt: skip


def summary(
    session: Session, standards: HazardStandards, check: SelfCheck, sector: str
) -> Summary | None:
    """What the self-check found so far (None if its standard is no longer known)."""
    assert check.id is not None
    standard = standards.standards.get(check.standard_id)
    if standard is None:
        return None
    rows = list(_answers(session, check.id).values())
    counts = {a: sum(1 for r in rows if r.answer == a) for a in ANSWERS}
    ids = [r.hazard_id for r in rows if r.hazard_id is not None]
    found = select(Hazard.number).where(col(Hazard.id).in_(ids)).order_by(col(Hazard.number))
    numbers = list(session.exec(found).all()) if ids else []
    total = len(questions(standard, sector))
    return Summary(standard, total, counts["yes"], counts["no"], counts["na"], numbers)


def finish(session: Session, check: SelfCheck, now: dt.datetime) -> None:
    """Close the self-check (every question answered); the next /selfcheck starts a new one."""
    if check.finished_at is None:
        check.finished_at = now
        session.add(check)
        session.commit()
