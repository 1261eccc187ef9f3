"""The media store interface: put bytes under a key, hand out an expiring URL, read back, delete.

Backends: ``gateway.media.local`` (a directory, served by the api) and ``gateway.infra.s3`` (S3 or MinIO).
"""

from __future__ import annotations

import abc
import hashlib
import re
from dataclasses import dataclass

from gateway.core.config import Settings

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,400}$")
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif",
              "audio/ogg": "ogg", "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/wav": "wav",
              "video/mp4": "mp4", "application/pdf": "pdf", "application/zip": "zip"}


def extension(mime: str) -> str:
    return EXTENSIONS.get(mime.split(";", maxsplit=1)[0].strip(), "bin")


def valid_key(key: str) -> bool:
    return bool(_KEY.match(key)) and ".." not in key.split("/")


@dataclass(frozen=True, slots=True)
class StoredMedia:
    key: str
    url: str
    content_type: str
    size: int
    sha256_hex: str


class MediaStore(abc.ABC):
    """One backend of the media store (see the module docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def put(self, key: str, data: bytes, content_type: str) -> StoredMedia:
        if not valid_key(key):
            raise ValueError(f"invalid media key {key!r}")
        await self._put(key, data, content_type)
        return StoredMedia(key=key, url=await self.url(key), content_type=content_type, size=len(data),
                           sha256_hex=hashlib.sha256(data).hexdigest())

    @abc.abstractmethod
    async def _put(self, key: str, data: bytes, content_type: str) -> None: ...

    @abc.abstractmethod
    async def get(self, key: str) -> bytes | None: ...

    @abc.abstractmethod
    async def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    async def url(self, key: str, ttl_s: float | None = None) -> str: ...

    @abc.abstractmethod
    async def delete(self, key: str) -> None: ...


