"""What one chat gets from a wave: which claimed reminders to post, skip or supersede, whether
it is the day's digest, and whether the enterprise's mode keeps it quiet.

Pure decisions on rows already claimed (no sending, no database), used by the dispatcher.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestMode, stored_time
from bot.domain.reminder_kind import Family, ReminderKind, family_of
from bot.services.reminders import outbox
from bot.services.reminders.dispatch_types import ReminderItem
from bot.store.models import Enterprise, OccurrenceRow, OccurrenceStatus, ReminderRow

QUIET = "quiet"  # last_error of lead-time rows a "due_only" digest kept quiet about


def digest_mode(enterprise: Enterprise) -> DigestMode:
    try:
        return DigestMode(enterprise.digest_mode)
    except ValueError:
        return DigestMode.DAILY


def digest_day(
    enterprise: Enterprise, items: list[ReminderItem], now: dt.datetime
) -> dt.date | None:
    """The local day of the digest, if this message is one: some item was planned for the
    enterprise's digest moment. None for what comes on its own (an hour's snooze, the duties
    of an event just logged, an urgent report): such a message neither heads as the day's
    digest nor tidies it."""
    tz = ZoneInfo(enterprise.timezone)
    at = stored_time(enterprise.digest_time)

    def planned_for_digest(fire_at: dt.datetime | None) -> bool:
        # the digest moment, or the registration (that day's digest follows /setup)
        return fire_at is not None and (
            fire_at.astimezone(tz).time() == at or fire_at == enterprise.created_at
        )

    if not any(planned_for_digest(i.fire_at) for i in items):
        return None
    return now.astimezone(tz).date()


def _rank(kind: str) -> tuple[int, str]:
    return ReminderKind.parse(kind).rank, kind


def plan_chat(
    rows: list[tuple[ReminderRow, OccurrenceRow]], *, now: dt.datetime, catch_up_after: dt.timedelta
) -> tuple[list[ReminderItem], list[int], list[int], bool]:
    """Split one chat's claimed reminders into (to send, to skip, superseded, is catch-up).

    Only the latest reminder of each occurrence is sent. An occurrence long past due whose
    reminder only announced it (a lead-time or due-day one) gives way to a newer occurrence of
    the same obligation and area: after downtime, yesterday's daily check is not news; it
    stays overdue in /stats. Chasers (overdue, escalation) and occurrences still ahead (each
    shift's meeting) are all kept.
    """
    skip = [r.id or 0 for r, o in rows if o.status == OccurrenceStatus.DONE.value]
    live = [(r, o) for r, o in rows if o.status != OccurrenceStatus.DONE.value]
    latest: dict[int, tuple[ReminderRow, OccurrenceRow]] = {}
    superseded: list[int] = []
    for r, o in sorted(live, key=lambda ro: (ro[1].due_at, _rank(ro[0].kind))):
        if o.id in latest:
            superseded.append(latest[o.id or 0][0].id or 0)
        latest[o.id or 0] = (r, o)
    newest: dict[tuple[str, str | None], dt.datetime] = {}
    for _, o in latest.values():
        key = (o.obligation_id, o.area)
        newest[key] = max(newest.get(key, o.due_at), o.due_at)
    kept = []
    for r, o in latest.values():
        announced = family_of(r.kind) in (Family.LEAD, Family.DUE, Family.CAMPAIGN)
        stale = o.due_at < now - catch_up_after and o.due_at < newest[(o.obligation_id, o.area)]
        if announced and stale:
            superseded.append(r.id or 0)
        else:
            kept.append((r, o))
    items = [
        ReminderItem(r.id or 0, r.kind, o, r.fire_at)
        for r, o in sorted(kept, key=lambda ro: ro[1].due_at)
    ]
    # Held while the group had muted the bot: what fell due meanwhile is a catch-up, too.
    catch_up = any(
        now - r.fire_at > catch_up_after or r.last_error == outbox.MUTED for r, _ in live
    )
    return items, skip, superseded, catch_up
