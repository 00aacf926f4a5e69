"""Evidence kept in our own storage: a directory by default, an S3-compatible store for
several instances (``evidence_store`` setting). See docs/desk.md, "Evidence storage"."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from bot.config import Settings
from bot.storage.base import EvidenceStore, StoredObjectMissing, check_key
from bot.storage.local import LocalStore

__all__ = ["EvidenceStore", "LocalStore", "StoredObjectMissing", "check_key", "open_store"]


def open_store(settings: Settings) -> EvidenceStore:
    """The store the settings name (``S3Store`` is imported only when it is used)."""
    if settings.evidence_store == "s3":
        from bot.storage.s3 import S3Store

        assert settings.evidence_s3_bucket is not None  # checked by the settings
        return S3Store(
            bucket=settings.evidence_s3_bucket,
            endpoint_url=settings.evidence_s3_endpoint,
            access_key=secret(settings.evidence_s3_access_key),
            secret_key=secret(settings.evidence_s3_secret_key),
            region=settings.evidence_s3_region,
            prefix=settings.evidence_s3_prefix,
        )
    return LocalStore(Path(settings.evidence_dir))


def secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()
