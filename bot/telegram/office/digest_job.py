"""The weekly office digest as a job: claim each office's week, render, send, follow moves.

What the digest says is built by ``bot.reports.digest``; this module only schedules and sends.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import select
from telegram import Bot
from telegram.ext import ContextTypes, Job, JobQueue

from bot.errors import ChatGone, ChatMoved
from bot.reports.digest import build_digest, claim, digest_week, release
from bot.reports.labels import load_labels
from bot.reports.sources import ReportSources
from bot.services.office import linking as offices
from bot.store.office_models import Office
from bot.telegram.runtime import Runtime
from bot.telegram.sending import send_html

log = logging.getLogger(__name__)

DIGEST_JOB = "office-weekly-digest"


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
        await send_due_digests(context.bot, runtime, runtime.report_sources)

    for job in job_queue.get_jobs_by_name(DIGEST_JOB):
        job.schedule_removal()
    return job_queue.run_custom(run, job_kwargs={"trigger": "cron", "minute": 0}, name=DIGEST_JOB)
