"""The media store interface and its local-directory backend (signed, expiring URLs served by the api)."""

from __future__ import annotations

import abc
import asyncio
import hashlib
import hmac
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from gateway.core.config import MediaStoreKind, Settings

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
    """Put bytes under a key, hand out an expiring URL, read back, delete."""

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


def sign(secret: str, key: str, expires: int) -> str:
    return hmac.new(secret.encode(), f"{key}|{expires}".encode(), hashlib.sha256).hexdigest()[:40]


def check_signature(secret: str, key: str, expires: int, signature: str, now: float | None = None) -> bool:
    if expires < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(sign(secret, key, expires), signature)


class LocalMediaStore(MediaStore):
    """Files under ``ZAPGATE_MEDIA_DIR``, served by the api at ``/media/<key>?exp=&sig=``."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.root = Path(settings.media_dir).resolve()

    def path(self, key: str) -> Path:
        if not valid_key(key):
            raise ValueError(f"invalid media key {key!r}")
        return self.root / key

    async def _put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)  # atomic: a reader never sees half a file

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes | None:
        path = self.path(key)
        return await asyncio.to_thread(path.read_bytes) if path.exists() else None

    async def exists(self, key: str) -> bool:
        return self.path(key).exists()

    async def url(self, key: str, ttl_s: float | None = None) -> str:
        expires = int(time.time() + (ttl_s or self.settings.media_url_ttl_s))
        sig = sign(self.settings.secret_key.get_secret_value(), key, expires)
        return f"{self.settings.base_url}/media/{quote(key)}?exp={expires}&sig={sig}"

    async def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def build_store(settings: Settings) -> MediaStore:
    if settings.media_store == MediaStoreKind.S3:
        from gateway.infra.s3 import S3MediaStore

        return S3MediaStore(settings)
    return LocalMediaStore(settings)
