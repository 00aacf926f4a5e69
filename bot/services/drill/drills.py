"""Drill use cases: start, press a step, arrive at the assembly point, mark people, end.

Every call names a drill id that came from a button; it is honoured only when the drill belongs
to the active enterprise of the chat the press came from, so forged or stale presses change
nothing. Presses and arrivals are insert-ignore rows: a double tap records nothing new. The
rules (what order is right, who is missing) live in ``bot.domain.drill``; this module loads
the facts, applies them and commits.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, SQLModel, select

from bot.catalog.models import Area
from bot.domain import drill as rules
from bot.errors import DrillOver, DrillRunning, DrillUsage, NoDrill, NotOrganizer, StaleButton
from bot.services import enterprises
from bot.services.drill.queries import (
    DrillSnapshot,
    DrillStats,
    drill_stats,
    person_steps,
    snapshot,
)
from bot.services.drill.scenarios import ScenarioBook
from bot.store.drill_models import Drill, DrillMuster, DrillStatus
from bot.store.models import Enterprise, Member
from bot.store.upsert import insert_ignore

__all__ = ["DrillSnapshot", "DrillStats", "drill_stats", "snapshot"]


def drill_in_chat(session: Session, *, drill_id: int, chat_id: int) -> tuple[Enterprise, Drill]:
    """The drill, if it belongs to the active enterprise of ``chat_id``; else StaleButton."""
    enterprise = enterprises.get_by_chat(session, chat_id)
    drill = session.get(Drill, drill_id)
    if enterprise is None or not enterprise.active or drill is None:
        raise StaleButton()
    if drill.enterprise_id != enterprise.id:
        raise StaleButton()
    return enterprise, drill


def _running_in_chat(session: Session, *, drill_id: int, chat_id: int) -> tuple[Enterprise, Drill]:
    enterprise, drill = drill_in_chat(session, drill_id=drill_id, chat_id=chat_id)
    if drill.status != DrillStatus.RUNNING.value:
        raise DrillOver()
    return enterprise, drill


def running_drill(session: Session, enterprise_id: int) -> Drill | None:
    return session.exec(
        select(Drill).where(
            Drill.enterprise_id == enterprise_id, Drill.status == DrillStatus.RUNNING.value
        )
    ).first()


def start(
    session: Session,
    *,
    book: ScenarioBook,
    chat_id: int,
    scenario: str,
    area: str,
    count: int | None,
    organizer_id: int,
    organizer_name: str,
    now: dt.datetime,
) -> tuple[Enterprise, Drill]:
    """Open a drill; one at a time per enterprise."""
    enterprise = enterprises.require_active(session, chat_id)
    assert enterprise.id is not None
    if book.get(scenario) is None or area not in {a.value for a in Area}:
        raise DrillUsage(given=f"{scenario} {area}")
    scenario = book.resolve(scenario, enterprise.sector)
    if running_drill(session, enterprise.id) is not None:
        raise DrillRunning()
    drill = Drill(
        enterprise_id=enterprise.id,
        scenario=scenario,
        area=area,
        organizer_id=organizer_id,
        organizer_name=organizer_name[:120],
        expected_count=count,
        started_at=now,
    )
    session.add(drill)
    session.commit()
    session.refresh(drill)
    return enterprise, drill


def set_messages(session: Session, drill_id: int, **message_ids: int) -> None:
    """Remember where the drill's messages are (scenario, headcount, report) to edit them."""
    drill = session.get(Drill, drill_id)
    assert drill is not None
    for name, message_id in message_ids.items():
        setattr(drill, f"{name}_message_id", message_id)
    session.add(drill)
    session.commit()


def _may_manage(drill: Drill, user_id: int, is_manager: bool) -> None:
    if user_id != drill.organizer_id and not is_manager:
        raise NotOrganizer(organizer=drill.organizer_name)


def set_expected(
    session: Session, *, chat_id: int, count: int, user_id: int, is_manager: bool
) -> Drill:
    enterprise = enterprises.require_active(session, chat_id)
    drill = running_drill(session, enterprise.id or 0)
    if drill is None:
        raise NoDrill()
    _may_manage(drill, user_id, is_manager)
    drill.expected_count = count
    session.add(drill)
    session.commit()
    return drill


def _join_roster(
    session: Session, enterprise_id: int, user_id: int, name: str, now: dt.datetime
) -> None:
    """Whoever takes part in a drill is on the roster from then on."""
    row = {"enterprise_id": enterprise_id, "user_id": user_id, "name": name[:120], "joined_at": now}
    insert_ignore(session, SQLModel.metadata.tables["member"], [row])


def press_step(
    session: Session,
    *,
    drill_id: int,
    chat_id: int,
    user_id: int,
    user_name: str,
    step: rules.Step,
    now: dt.datetime,
) -> rules.Judgement:
    """Record the press of one of the five steps; tells whether it came in the right order."""
    enterprise, drill = _running_in_chat(session, drill_id=drill_id, chat_id=chat_id)
    assert drill.id is not None and enterprise.id is not None
    _join_roster(session, enterprise.id, user_id, user_name, now)
    verdict = rules.judge(person_steps(session, drill.id, user_id), step)
    if verdict.recorded:
        row = {
            "drill_id": drill.id,
            "user_id": user_id,
            "user_name": user_name[:120],
            "step": step.value,
            "at": now,
            "in_order": verdict.verdict is rules.Verdict.IN_ORDER,
        }
        insert_ignore(session, SQLModel.metadata.tables["drill_step"], [row])
    session.commit()
    return verdict


def _muster(
    session: Session, drill: Drill, user_id: int, name: str, now: dt.datetime, by: int | None
) -> bool:
    before = session.exec(
        select(DrillMuster).where(DrillMuster.drill_id == drill.id, DrillMuster.user_id == user_id)
    ).first()
    row = {
        "drill_id": drill.id,
        "user_id": user_id,
        "user_name": name[:120],
        "at": now,
        "marked_by": by,
    }
    insert_ignore(session, SQLModel.metadata.tables["drill_muster"], [row])
    session.commit()
    return before is None


def arrive(
    session: Session, *, drill_id: int, chat_id: int, user_id: int, user_name: str, now: dt.datetime
) -> bool:
    """The person is at the assembly point. False if they were already accounted for."""
    enterprise, drill = _running_in_chat(session, drill_id=drill_id, chat_id=chat_id)
    assert enterprise.id is not None
    _join_roster(session, enterprise.id, user_id, user_name, now)
    return _muster(session, drill, user_id, user_name, now, None)


def mark(
    session: Session,
    *,
    drill_id: int,
    chat_id: int,
    target_id: int,
    user_id: int,
    is_manager: bool,
    now: dt.datetime,
) -> tuple[str, bool]:
    """The organizer accounts for someone on the roster: (their name, newly accounted)."""
    enterprise, drill = _running_in_chat(session, drill_id=drill_id, chat_id=chat_id)
    _may_manage(drill, user_id, is_manager)
    member = session.exec(
        select(Member).where(Member.enterprise_id == enterprise.id, Member.user_id == target_id)
    ).first()
    if member is None:
        raise StaleButton()
    return member.name, _muster(session, drill, target_id, member.name, now, user_id)


def end(
    session: Session,
    *,
    chat_id: int,
    user_id: int,
    is_manager: bool,
    now: dt.datetime,
    drill_id: int | None = None,
) -> Drill:
    """End the chat's running drill (or the one named by a button)."""
    if drill_id is None:
        enterprise = enterprises.require_active(session, chat_id)
        found = running_drill(session, enterprise.id or 0)
        if found is None:
            raise NoDrill()
        drill = found
    else:
        _, drill = _running_in_chat(session, drill_id=drill_id, chat_id=chat_id)
    _may_manage(drill, user_id, is_manager)
    return _close(session, drill, now)


def _close(session: Session, drill: Drill, now: dt.datetime) -> Drill:
    drill.status = DrillStatus.ENDED.value
    drill.ended_at = now
    session.add(drill)
    session.commit()
    return drill


def end_stale(session: Session, *, now: dt.datetime) -> list[Drill]:
    """Drills left running past the timeout, ended now (the organizer forgot)."""
    running = session.exec(select(Drill).where(Drill.status == DrillStatus.RUNNING.value)).all()
    return [_close(session, d, now) for d in running if rules.is_stale(d.started_at, now)]


def missing_people(
    session: Session, *, drill_id: int, chat_id: int, user_id: int, is_manager: bool
) -> list[tuple[int, str]]:
    """Roster people not yet accounted for, for the organizer's marking list."""
    _, drill = _running_in_chat(session, drill_id=drill_id, chat_id=chat_id)
    _may_manage(drill, user_id, is_manager)
    return list(snapshot(session, drill, now=drill.started_at).report.headcount.missing)
