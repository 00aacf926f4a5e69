"""The evidence store's interface: bytes under a key, nothing else (no URLs: the desk streams).

Keys look like ``<enterprise_id>/<yyyy>/<mm>/<sha256>.<ext>`` (``bot.storage.keys``); a key
is checked before any backend sees it, so a forged key can never leave the store's root.
Both backends are blocking libraries (the filesystem, boto3): each call runs in a worker
thread, and the event loop keeps answering Telegram meanwhile.
"""

from __future__ import annotations

import abc
import asyncio
import re

_KEY = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*(/[0-9A-Za-z][0-9A-Za-z._-]*)*")


class StoredObjectMissing(LookupError):
    """No object under this key (never stored, or deleted by the retention purge)."""


def check_key(key: str) -> str:
    """``key`` if it is a relative path of safe segments (no ``..``, no leading ``/``)."""
    if len(key) > 300 or not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class EvidenceStore(abc.ABC):
    """Where evidence files and their thumbnails are kept."""

    name: str = "store"

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key`` (replacing what was there), all or nothing."""
        await asyncio.to_thread(self._put, check_key(key), data, content_type)

    async def get(self, key: str) -> bytes:
        """The bytes under ``key``; ``StoredObjectMissing`` if there are none."""
        return await asyncio.to_thread(self._get, check_key(key))

    async def delete(self, key: str) -> None:
        """Remove ``key``; a key that is not there is not an error."""
        await asyncio.to_thread(self._delete, check_key(key))

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._exists, check_key(key))

    @abc.abstractmethod
    def _put(self, key: str, data: bytes, content_type: str) -> None: ...

    @abc.abstractmethod
    def _get(self, key: str) -> bytes: ...

    @abc.abstractmethod
    def _delete(self, key: str) -> None: ...

    @abc.abstractmethod
    def _exists(self, key: str) -> bool: ...
