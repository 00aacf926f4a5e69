"""Training hours the bot counts by itself, from what it runs (``auto_credit`` in people.yaml).

- A drill: everyone who took part (pressed a step or was accounted for at the assembly point)
  gets its measured length, start to end, to the half hour and at least half an hour, as
  ``drill`` hours on the drill's local day (``source_ref`` ``drill:<id>``).
- A 逢查必考 spot check passed (at once, or by the retest after its study material): the
  examinee gets ``auto_credit.spot_check`` hours of ``annual`` retraining, once per spot check
  (``source_ref`` ``check:<spot check id>:<user id>``).

Both are idempotent (the ledger's ``source_ref`` is unique per person), so a repeated call
counts nothing twice. These are the product's counting rules, not legal figures.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.catalog.people import PeopleRules
from bot.domain.training import round_hours
from bot.services.people.records import add_training, person_for_user
from bot.store.drill_models import Drill, DrillMuster, DrillStep
from bot.store.models import Enterprise
from bot.store.people_models import TrainingRecord
from bot.store.quiz_models import EXAM_KINDS, Quiz, QuizKind, Retraining

DRILL = "drill"
SPOT_CHECK = "annual"
MIN_HOURS = 0.5


def drill_hours(drill: Drill) -> float | None:
    """The drill's length in half hours (at least half an hour); None while it runs."""
    if drill.ended_at is None:
        return None
    seconds = (drill.ended_at - drill.started_at).total_seconds()
    return max(MIN_HOURS, round_hours(seconds / 3600))


def credit_drill(session: Session, rules: PeopleRules, drill: Drill, now: dt.datetime) -> int:
    """Count the ended drill's hours for everyone who took part; returns how many got them."""
    hours = drill_hours(drill)
    enterprise = session.get(Enterprise, drill.enterprise_id)
    if rules.data.auto_credit.drill is None or hours is None or enterprise is None:
        return 0
    names: dict[int, str] = {}
    for table in (DrillStep, DrillMuster):
        rows = session.exec(
            select(table.user_id, table.user_name).where(table.drill_id == drill.id)
        ).all()
        for user_id, name in rows:
            names.setdefault(user_id, name)
    day = drill.started_at.astimezone(ZoneInfo(enterprise.timezone)).date()
    counted = 0
    for user_id, name in sorted(names.items()):
        person = person_for_user(session, enterprise.id or 0, user_id=user_id, name=name, now=now)
        record = add_training(
            session, rules, None, person, day=day, category=DRILL, hours=hours,
            today=day, now=now, source=DRILL, source_ref=f"drill:{drill.id}",
        )  # fmt: skip
        counted += record is not None
    session.commit()
    return counted


def _spot_check_of(session: Session, quiz: Quiz) -> int | None:
    """The spot check an exam belongs to: its own, or (a retest) the failed check's."""
    if quiz.kind == QuizKind.CHECK:
        return quiz.spot_check_id
    retraining = session.exec(
        select(Retraining).where(col(Retraining.retest_quiz_id) == quiz.id)
    ).first()
    check = session.get(Quiz, retraining.check_quiz_id) if retraining else None
    return check.spot_check_id if check else None


def credit_spot_check(
    session: Session, rules: PeopleRules, quiz: Quiz, now: dt.datetime
) -> TrainingRecord | None:
    """Count a passed spot-check exam (or the retest that passed it); None when it does not
    count (not passed, not an exam of a spot check, counted already, or switched off)."""
    hours = rules.data.auto_credit.spot_check
    if (
        hours is None
        or quiz.kind not in EXAM_KINDS
        or not quiz.passed
        or quiz.user_id is None
        or quiz.enterprise_id is None
    ):
        return None
    spot_check_id = _spot_check_of(session, quiz)
    enterprise = session.get(Enterprise, quiz.enterprise_id)
    if spot_check_id is None or enterprise is None:
        return None
    day = (quiz.finished_at or now).astimezone(ZoneInfo(enterprise.timezone)).date()
    name = quiz.user_name or str(quiz.user_id)
    person = person_for_user(session, enterprise.id or 0, user_id=quiz.user_id, name=name, now=now)
    record = add_training(
        session, rules, None, person, day=day, category=SPOT_CHECK,
        hours=max(MIN_HOURS, round_hours(hours)), today=day, now=now, source="spot_check",
        source_ref=f"check:{spot_check_id}:{quiz.user_id}",
    )  # fmt: skip
    session.commit()  # the person, when made here, even if the hours were counted before
    return record
