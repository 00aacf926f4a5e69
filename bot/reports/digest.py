"""The weekly digest each office chat gets on Monday morning, local time.

An hourly job looks for offices whose local time is past Monday 08:00 and whose digest for
this week has not been claimed; the claim is one conditional UPDATE on ``office.digest_week``,
so a restart, a missed hour or a second bot process never sends a week's digest twice, and
a bot that was down on Monday morning still sends it later that week.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlmodel import Session, col, select
from telegram import Bot
from telegram.ext import ContextTypes, Job, JobQueue

from bot.errors import ChatGone, ChatMoved
from bot.reports.labels import load_labels
from bot.reports.period import Period
from bot.reports.queries import StatsReport, stats_report
from bot.reports.sources import Awareness, ReportSources, sources_from
from bot.services import offices
from bot.store.office_models import Office
from bot.telegram.sending import send_html

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

DIGEST_JOB = "office-weekly-digest"
DIGEST_HOUR = 8
OVERDUE_SHOWN = 10
WORST_SHOWN = 5


def digest_week(now: dt.datetime, tz: str) -> dt.date | None:
    """This week's Monday if it is past Monday 08:00 in ``tz``, else None (nothing due yet)."""
    local = now.astimezone(ZoneInfo(tz))
    monday = local.date() - dt.timedelta(days=local.weekday())
    if local.weekday() == 0 and local.hour < DIGEST_HOUR:
        return None
    return monday


def claim(session: Session, office: Office, week: dt.date) -> bool:
    """Mark ``week``'s digest as ours; False if another run (or process) already has it."""
    result = session.exec(
        update(Office)
        .where(
            col(Office.id) == office.id,
            or_(col(Office.digest_week).is_(None), col(Office.digest_week) < week),
        )
        .values(digest_week=week)
    )
    session.commit()
    return bool(result.rowcount == 1)


def release(session: Session, office: Office, week: dt.date, previous: dt.date | None) -> None:
    """Give the claim back after a failed send, so the next run tries again."""
    session.exec(
        update(Office)
        .where(col(Office.id) == office.id, col(Office.digest_week) == week)
        .values(digest_week=previous)
    )
    session.commit()


@dataclass(frozen=True)
class Digest:
    week: Period  # the week before ``now``, Monday to Sunday
    last_week: StatsReport
    month: StatsReport  # the last 30 days: overdue list and worst performers
    awareness_now: Awareness | None
    awareness_before: Awareness | None

    @property
    def awareness_change(self) -> float | None:
        now = self.awareness_now.rate if self.awareness_now else None
        before = self.awareness_before.rate if self.awareness_before else None
        return None if now is None or before is None else now - before


def build_digest(
    session: Session,
    enterprise_ids: list[int],
    *,
    week: dt.date,
    tz: str,
    now: dt.datetime,
    sources: ReportSources,
) -> Digest:
    """The figures of the digest for the week starting ``week`` (a Monday)."""
    previous = Period(week - dt.timedelta(days=7), week - dt.timedelta(days=1))
    today = now.astimezone(ZoneInfo(tz)).date()
    month = Period(today - dt.timedelta(days=29), today)
    start = previous.end_utc(tz)

    def total(as_of: dt.datetime) -> Awareness | None:
        found = sources.quiz.awareness(session, enterprise_ids, as_of=as_of)
        return sum(found.values(), Awareness(0, 0)) if found else None

    return Digest(
        week=previous,
        last_week=stats_report(session, enterprise_ids, previous, tz=tz, now=now, sources=sources),
        month=stats_report(
            session,
            enterprise_ids,
            month,
            tz=tz,
            now=now,
            sources=sources,
            overdue_limit=OVERDUE_SHOWN,
        ),
        awareness_now=total(start),
        awareness_before=total(start - dt.timedelta(days=7)),
    )


async def send_due_digests(bot: Bot, runtime: Runtime, sources: ReportSources) -> int:
    """Send every office's digest that is due now; returns how many were sent."""
    ctx = runtime.ctx
    now = ctx.clock.now()
    sent = 0
    with ctx.session() as session:
        candidates = session.exec(select(Office)).all()
    for office in candidates:
        week = digest_week(now, office.timezone)
        if week is None or (office.digest_week is not None and office.digest_week >= week):
            continue
        assert office.id is not None
        with ctx.session() as session:
            ids = offices.enterprise_ids(session, office.id)
            if not ids or not claim(session, office, week):
                continue
            digest = build_digest(
                session, ids, week=week, tz=office.timezone, now=now, sources=sources
            )
        labels = load_labels(runtime.renderer, ctx.catalog, office.locale, digest.week)
        text = runtime.renderer.render(
            office.locale, "reports/digest", digest=digest, office=office, labels=labels
        )
        try:
            await send_html(bot, office.chat_id, text)
            sent += 1
        except ChatMoved as moved:  # the group became a supergroup: follow it, send next hour
            with ctx.session() as session:
                offices.move_chat(
                    session, old_chat_id=office.chat_id, new_chat_id=moved.new_chat_id
                )
                release(session, office, week, office.digest_week)
            log.info("weekly digest: office chat %s moved to %s", office.chat_id, moved.new_chat_id)
        except ChatGone as exc:
            log.warning("weekly digest: office chat %s unreachable: %r", office.chat_id, exc)
        except Exception:  # RetryLater, network trouble: give the week back, retry next hour
            log.exception("weekly digest for office chat %s failed; will retry", office.chat_id)
            with ctx.session() as session:
                release(session, office, week, office.digest_week)
    return sent


def schedule_weekly_digest(job_queue: JobQueue[Any], runtime: Runtime) -> Job[Any]:
    """Check hourly (at :00) for offices whose Monday-morning digest is due. Idempotent."""

    async def run(context: ContextTypes.DEFAULT_TYPE) -> None:
        await send_due_digests(context.bot, runtime, sources_from(context.bot_data))

    for job in job_queue.get_jobs_by_name(DIGEST_JOB):
        job.schedule_removal()
    return job_queue.run_custom(run, job_kwargs={"trigger": "cron", "minute": 0}, name=DIGEST_JOB)
