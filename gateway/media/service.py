"""Media for the roles: inbound download → store → URLs; outbound fetch → check → convert → store; retention."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from gateway.core import content as c
from gateway.core.config import Settings
from gateway.core.errors import InvalidInput
from gateway.core.events import MessageReceived
from gateway.core.storage import MediaStore, StoredMedia, extension
from gateway.infra.db.media import MediaIndex
from gateway.media import prepare
from gateway.media.fetch import MediaFetcher
from gateway.media.input import ACCEPT, MediaInput, sniff

log = logging.getLogger(__name__)
MAX_MEDIA_ATTEMPTS = 3
Download = Callable[[MessageReceived], Awaitable[bytes]]
T = TypeVar("T")


class MediaService:
    def __init__(self, settings: Settings, store: MediaStore, index: MediaIndex) -> None:
        self.settings = settings
        self.store = store
        self.index = index
        self.fetcher = MediaFetcher(settings)

    async def save(self, instance_id: str, key: str, data: bytes, content_type: str) -> StoredMedia:
        stored = await self.store.put(key, data, content_type)
        await self.index.record(key, instance_id=instance_id, content_type=content_type, size=len(data),
                                sha256=stored.sha256_hex, retention_s=self.settings.media_retention_s)
        return stored

    # inbound -------------------------------------------------------------------------------------
    async def inbound(self, instance_id: str, event: MessageReceived,
                      download: Download) -> tuple[MessageReceived | None, bool]:
        """Download, store and link a message's media. Returns (the message to publish, retry later?).

        A failed first download still gives the message (``downloadError: true``) and asks for a retry; a
        failed retry gives nothing new. A file over ``inbound_media_max_bytes`` (declared by the message, or
        seen once downloaded) is not downloaded, or not kept: the message has ``downloadError`` and the
        reason ``TOO_LARGE``, and is never retried.
        """
        media = c.media_of(event.content)
        assert media is not None
        cap = self.settings.inbound_media_max_bytes
        if media.file_length > cap:
            return self._too_large(instance_id, event, media, media.file_length, "declared")
        try:
            data = await asyncio.wait_for(download(event), self.settings.media_download_timeout_s)
            if len(data) > cap:  # the sender declared less than it uploaded
                return self._too_large(instance_id, event, media, len(data), "downloaded")
            linked = await self._store_inbound(instance_id, event, media, data)
        except Exception as exc:
            log.warning("media download failed (attempt %d): %s", event.media_attempt + 1, type(exc).__name__,
                        extra={"instance_id": instance_id})
            retry = event.media_attempt + 1 < MAX_MEDIA_ATTEMPTS
            if event.media_attempt:
                return None, retry
            return replace(event, content=c.with_media(event.content, replace(media, download_error=True))), retry
        return replace(event, content=linked), False

    def _too_large(self, instance_id: str, event: MessageReceived, media: c.MediaRef, size: int,
                   seen: str) -> tuple[MessageReceived | None, bool]:
        log.warning("media not kept: %d bytes %s, more than the %d allowed", size, seen,
                    self.settings.inbound_media_max_bytes, extra={"instance_id": instance_id})
        if event.media_attempt:
            return None, False  # the first attempt already published the message
        refused = replace(media, download_error=True, download_error_reason=c.TOO_LARGE)
        return replace(event, content=c.with_media(event.content, refused)), False

    async def _store_inbound(self, instance_id: str, event: MessageReceived, media: c.MediaRef,
                             data: bytes) -> c.Content:
        mime = media.mime_type or sniff(data) or "application/octet-stream"
        base = f"{instance_id}/{event.message_id}"
        stored = await self.save(instance_id, f"{base}/file.{extension(mime)}", data, mime)
        thumb_url = None
        body = event.content
        if isinstance(body, c.Image | c.Sticker | c.Video | c.Document):
            thumb = base64.b64decode(media.thumbnail_b64) if media.thumbnail_b64 else None
            if thumb is None and isinstance(body, c.Image):
                thumb = await self._decoded(instance_id, prepare.thumbnail, data)
            if thumb is not None:
                thumb_url = (await self.save(instance_id, f"{base}/thumb.jpg", thumb, "image/jpeg")).url
        if isinstance(body, c.Image) and not (body.width and body.height):
            size = await self._decoded(instance_id, prepare.image_size, data)
            if size is not None:
                body = replace(body, width=size[0], height=size[1])
        linked = replace(media, url=stored.url, key=stored.key, mime_type=mime, file_length=stored.size,
                         sha256_hex=stored.sha256_hex, thumbnail_url=thumb_url, download_error=False)
        return c.with_media(body, linked)

    async def _decoded(self, instance_id: str, work: Callable[[bytes, int], T], data: bytes) -> T | None:
        """Pillow work on a received image, or ``None`` when the image is unreadable or too large to decode
        (the message is still delivered with its file, only without what we would have computed)."""
        try:
            return await asyncio.to_thread(work, data, self.settings.media_max_pixels)
        except InvalidInput as exc:
            log.warning("received image not decoded: %s", exc.message, extra={"instance_id": instance_id})
            return None

    # outbound ------------------------------------------------------------------------------------
    async def outbound(self, instance_id: str, kind: str, given: MediaInput, field: str) -> c.MediaRef:
        """Fetch (or decode), check the type against the endpoint, convert if WhatsApp needs it, store by hash."""
        data = given.data if given.data is not None else await self.fetcher.fetch(
            given.url or "", field, self.settings.max_media_bytes)
        mime = sniff(data)
        accepted = ACCEPT[kind]
        if kind != "document" and not mime.startswith(accepted):
            raise InvalidInput(f"is {mime or 'of an unknown type'}, not a valid {kind}", field=field)
        max_pixels = self.settings.media_max_pixels
        if kind in ("image", "sticker"):  # every image an endpoint takes, sent as it is or converted
            await asyncio.to_thread(prepare.check_image, data, field, max_pixels)
        if kind == "sticker" and mime != "image/webp":
            data, mime = await asyncio.to_thread(prepare.sticker_webp, data, max_pixels, field), "image/webp"
        elif kind == "audio" and not mime.startswith("audio/ogg"):
            data, mime = await asyncio.to_thread(prepare.audio_to_opus, data, field), "audio/ogg; codecs=opus"
        mime = mime or "application/octet-stream"
        stored = await self._by_hash(instance_id, data, mime)
        return c.MediaRef(mime_type=mime, file_length=stored.size, sha256_hex=stored.sha256_hex, url=stored.url,
                          key=stored.key)

    async def picture(self, given: MediaInput, field: str) -> bytes:
        """A picture to set (group photo): fetched or decoded, checked, made a square JPEG; not stored."""
        data = given.data if given.data is not None else await self.fetcher.fetch(
            given.url or "", field, self.settings.max_media_bytes)
        if not sniff(data).startswith("image/"):
            raise InvalidInput("is not an image", field=field)
        return await asyncio.to_thread(prepare.profile_jpeg, data, self.settings.media_max_pixels, field)

    async def _by_hash(self, instance_id: str, data: bytes, mime: str) -> StoredMedia:
        import hashlib

        digest = hashlib.sha256(data).hexdigest()
        key = f"{instance_id}/out/{digest}.{extension(mime)}"
        if await self.store.exists(key):  # cached: a retry or a re-send does not store twice
            return StoredMedia(key=key, url=await self.store.url(key), content_type=mime, size=len(data),
                               sha256_hex=digest)
        return await self.save(instance_id, key, data, mime)

    # retention -----------------------------------------------------------------------------------
    async def expire_once(self) -> int:
        keys = await self.index.expired()
        for key in keys:
            await self.store.delete(key)
        if keys:
            await self.index.forget(keys)
        return len(keys)

    async def close(self) -> None:
        await self.fetcher.close()
