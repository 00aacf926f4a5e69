"""Bot API methods with files: sendPhoto, sendDocument (uploads or file ids) and getFile.

Uploaded bytes are kept, so ``File.download_*`` through ``base_file_url`` gets them back.
"""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.messages import MessageMethods, formatted
from bot.emulator.state import JSON, FileRecord, bad
from bot.emulator.wire import Upload


class FileMethods(MessageMethods):
    """Photos and documents, sent by upload, file id or URL."""

    def _file(self, value: Any, kind: str) -> FileRecord:
        if isinstance(value, Upload):
            return self.store.new_file(kind, value.data, value.filename, value.content_type)
        if not isinstance(value, str) or not value:
            raise bad(f"there is no {kind[:-1]} in the request")
        if value in self.store.files:
            rec = self.store.files[value]
            if rec.kind != kind:
                raise bad("type of file mismatch")
            return rec
        if re.match(r"https?://", value):
            return self.store.new_file(kind, b"", value.rsplit("/", 1)[-1] or None)
        raise bad("wrong file identifier/HTTP URL specified")

    def _send_file(self, p: JSON, kind: str) -> JSON:
        chat = self._chat(p, send=True)
        caption, ents = formatted(
            p, "caption", 1024, "message caption is too long", entities="caption_entities"
        )
        rec = self._file(p.get(kind[:-1]), kind)
        key, media = self.store.media_json(rec)
        body = {key: media, "caption": caption, "caption_entities": ents}
        body = {k: v for k, v in body.items() if v}
        msg = self._emit(chat, body, key, p, p.get("caption"))
        msg.file_id = rec.file_id
        return msg.raw

    async def api_send_photo(self, p: JSON) -> JSON:
        """Upload or file_id; two PhotoSizes come back."""
        return self._send_file(p, "photos")

    async def api_send_document(self, p: JSON) -> JSON:
        """Upload or file_id; the bytes are kept for getFile + download."""
        return self._send_file(p, "documents")

    async def api_get_file(self, p: JSON) -> JSON:
        """File with file_path under base_file_url."""
        rec = self.store.files.get(str(p.get("file_id")))
        if rec is None:
            raise bad("invalid file_id")
        return {
            "file_id": rec.file_id,
            "file_unique_id": rec.file_unique_id,
            "file_size": len(rec.data),
            "file_path": rec.file_path,
        }
