"""The local-directory media store: files under ``ZAPGATE_MEDIA_DIR``, signed expiring URLs served by the api."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import time
from pathlib import Path
from urllib.parse import quote

from gateway.core.config import Settings
from gateway.core.storage import MediaStore, valid_key


def sign(secret: str, key: str, expires: int) -> str:
    return hmac.new(secret.encode(), f"{key}|{expires}".encode(), hashlib.sha256).hexdigest()[:40]


def check_signature(secret: str, key: str, expires: int, signature: str, now: float | None = None) -> bool:
    if expires < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(sign(secret, key, expires).encode(), signature.encode())


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
