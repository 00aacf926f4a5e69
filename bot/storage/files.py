"""What a downloaded file is: its type from its first bytes (never from the name a sender
chose), checked against what evidence may be, and the key it is kept under.

A photo must be an image Pillow can read; a document may be an image, a PDF or an office
file. Anything else, or anything larger than the limit, is refused and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

IMAGES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
DOCUMENTS = IMAGES | {
    "application/pdf": "pdf",
    "application/zip": "zip",  # .docx, .xlsx, .pptx (OOXML) are zip files
    "application/x-ole-storage": "ole",  # .doc, .xls (OLE2)
}
_OOXML = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_OLE = {"doc": "application/msword", "xls": "application/vnd.ms-excel"}


class TooLarge(ValueError):
    """Larger than ``evidence_max_bytes``."""


class WrongType(ValueError):
    """Not a kind of file evidence may be (a photo that is no image, an executable, …)."""


@dataclass(frozen=True)
class Checked:
    data: bytes
    content_type: str
    ext: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(data: bytes) -> str | None:
    """The content type the bytes announce, if it is one evidence may have."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        return "application/zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole-storage"
    return None


def _is_image(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False
    return True


def check(kind: str, data: bytes, *, max_bytes: int, file_name: str | None = None) -> Checked:
    """``data`` of a ``photo`` or ``document``, ready to store; raises TooLarge / WrongType."""
    if len(data) > max_bytes:
        raise TooLarge(len(data))
    found = sniff(data)
    allowed = IMAGES if kind == "photo" else DOCUMENTS
    if found is None or found not in allowed or (found in IMAGES and not _is_image(data)):
        raise WrongType(found)
    content_type, ext = found, allowed[found]
    suffix = (file_name or "").rsplit(".", 1)[-1].lower()
    if found == "application/zip" and suffix in _OOXML:
        content_type, ext = _OOXML[suffix], suffix
    elif found == "application/x-ole-storage" and suffix in _OLE:
        content_type, ext = _OLE[suffix], suffix
    return Checked(data, content_type, ext, hashlib.sha256(data).hexdigest())


def evidence_key(enterprise_id: int, received_at: dt.datetime, checked: Checked) -> str:
    """``<enterprise_id>/<yyyy>/<mm>/<sha256>.<ext>`` (UTC month of arrival): the same file
    sent twice in a month is stored once."""
    at = received_at.astimezone(dt.UTC)
    return f"{enterprise_id}/{at:%Y}/{at:%m}/{checked.sha256}.{checked.ext}"


def thumbnail_key(key: str) -> str:
    """Where the thumbnail of ``key`` is cached: beside it, ``<sha256>.thumb.jpg``."""
    return f"{key.rsplit('.', 1)[0]}.thumb.jpg"
