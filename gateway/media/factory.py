"""Build the media store the settings ask for (boto3 is imported only when S3 is chosen)."""

from __future__ import annotations

from gateway.core.config import MediaStoreKind, Settings
from gateway.core.storage import MediaStore
from gateway.media.local import LocalMediaStore


def build_store(settings: Settings) -> MediaStore:
    if settings.media_store == MediaStoreKind.S3:
        from gateway.infra.s3 import S3MediaStore

        return S3MediaStore(settings)
    return LocalMediaStore(settings)
