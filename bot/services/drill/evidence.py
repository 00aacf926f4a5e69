"""The photo that documents a drill: kept as evidence and confirming the duties it fulfils.

The organizer (or a chat admin) replies to the drill report with a photo. The first photo
confirms, with the organizer as confirmer, the open evacuation-drill occurrence of the drill's
area and the open emergency-drill occurrence whose windows contain the drill's day, and is
attached to both as evidence; later photos are added as more evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from bot.services import enterprises
from bot.services.drill.queries import open_targets
from bot.services.reminders import confirmations
from bot.store.drill_models import Drill, DrillStatus
from bot.store.models import Evidence, OccurrenceRow


@dataclass(frozen=True)
class PhotoResult:
    drill: Drill
    confirmed: list[OccurrenceRow]
    first: bool  # the first photo: the occurrences were confirmed by it


def attach_photo(
    session: Session,
    *,
    chat_id: int,
    reply_to: int,
    user_id: int,
    is_manager: bool,
    file_id: str,
    now: dt.datetime,
) -> PhotoResult | None:
    """A photo replying to a drill report: keep it as evidence and confirm the drill duties.

    None when the message replied to is no drill report of this chat or the sender may not
    document the drill (an ordinary photo reply, not meant for us).
    """
    enterprise = enterprises.get_by_chat(session, chat_id)
    if enterprise is None or not enterprise.active:
        return None
    drill = session.exec(
        select(Drill).where(
            Drill.enterprise_id == enterprise.id, Drill.report_message_id == reply_to
        )
    ).first()
    if drill is None or (user_id != drill.organizer_id and not is_manager):
        return None
    first = drill.status == DrillStatus.ENDED.value
    if first:
        targets = open_targets(session, enterprise, drill.area, drill.started_at)
        drill.occurrence_id = targets.evacuation.id if targets.evacuation else None
        drill.emergency_occurrence_id = targets.emergency.id if targets.emergency else None
        drill.status = DrillStatus.CONFIRMED.value
        drill.photo_file_id = file_id
    ids = [i for i in (drill.occurrence_id, drill.emergency_occurrence_id) if i is not None]
    if not first and not ids:
        return None  # nothing to attach a further photo to
    for occurrence_id in ids:
        session.add(
            Evidence(
                occurrence_id=occurrence_id,
                enterprise_id=enterprise.id or 0,
                user_id=user_id,
                kind="photo",
                file_id=file_id,
                created_at=now,
            )
        )
    session.add(drill)
    session.commit()
    confirmed = []
    for occurrence_id in ids if first else []:
        result = confirmations.confirm(
            session,
            occurrence_id=occurrence_id,
            chat_id=chat_id,
            user_id=drill.organizer_id,
            user_name=drill.organizer_name,
            now=now,
        )
        confirmed.append(result.occurrence)
    return PhotoResult(drill, confirmed, first)
