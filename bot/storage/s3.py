"""Evidence in an S3-compatible object store (MinIO, Ceph, OSS, COS, AWS), for several bot
instances that share one store. boto3's client is thread-safe; calls run in worker threads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from bot.storage.base import EvidenceStore, StoredObjectMissing

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Store(EvidenceStore):
    """Objects in ``bucket`` (which must exist), each key under ``prefix``."""

    name = "s3"

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        access_key: str | None,
        secret_key: str | None,
        region: str | None = None,
        prefix: str = "",
    ) -> None:
        self.bucket, self.prefix = bucket, prefix
        self.client: S3Client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            # path-style addressing: MinIO and most self-hosted stores need it
            config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard"}),
        )

    def __repr__(self) -> str:  # never the keys
        return f"S3Store(bucket={self.bucket!r})"

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def _put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type
        )

    def _get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise StoredObjectMissing(key) from None
            raise
        return answer["Body"].read()

    def _delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True
