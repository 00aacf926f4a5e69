"""Reading the confirmation page's form (multipart: name or roster pick, note, photo).

Read part by part from the stream, so a photo larger than ``evidence_max_bytes`` is refused
after that many bytes (whatever the server's own request limit), and text fields are cut at a
sane length. Nothing here is stored: the handler decides once everything was read.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from aiohttp import BodyPartReader, web

NAME_MAX = 60
_TEXT_MAX = 8 * 1024  # bytes of one text field (a note is cut to 1,000 characters later)
_CHUNK = 64 * 1024


@dataclass
class ConfirmForm:
    name: str = ""  # typed on the page
    member: int | None = None  # picked from the roster
    note: str = ""
    photo: bytes | None = None
    photo_too_large: bool = False


def clean_name(raw: str) -> str:
    """A person's name as typed: whitespace folded, control and format characters dropped."""
    name = " ".join(raw.split())
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return name[:NAME_MAX]


async def _text(part: BodyPartReader) -> str:
    data = bytearray()
    while chunk := await part.read_chunk(_CHUNK):
        if len(data) < _TEXT_MAX:
            data.extend(chunk[: _TEXT_MAX - len(data)])
    return data.decode("utf-8", errors="replace")


async def _file(part: BodyPartReader, limit: int) -> bytes | None:
    """The file's bytes, or None if it is larger than ``limit`` (read no further)."""
    data = bytearray()
    while chunk := await part.read_chunk(_CHUNK):
        data.extend(chunk)
        if len(data) > limit:
            return None
    return bytes(data)


async def read_form(request: web.Request, *, max_photo: int) -> ConfirmForm:
    """The posted form; a request that is not multipart reads as an empty form."""
    form = ConfirmForm()
    if not request.content_type.startswith("multipart/"):
        posted = await request.post()
        form.name = clean_name(str(posted.get("name", "")))
        form.note = str(posted.get("note", ""))
        member = str(posted.get("member", ""))
        form.member = int(member) if member.isdigit() and len(member) <= 18 else None
        return form
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "photo":
            data = await _file(part, max_photo)
            if data is None:
                form.photo_too_large = True
                return form
            form.photo = data or None  # no file chosen: an empty part
        elif part.name in ("name", "note", "member"):
            value = await _text(part)
            if part.name == "name":
                form.name = clean_name(value)
            elif part.name == "note":
                form.note = value
            elif value.strip().isdigit() and len(value.strip()) <= 18:
                form.member = int(value.strip())
        else:
            await part.release()
    return form
