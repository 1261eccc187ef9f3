"""Inbound media off the capture lane: capture first, download beside, release with a follow-up.

A message with media is captured at once, as it came, marked ``media_pending`` and with ``downloadError`` set
(what the partner gets if nothing better comes): the engine's callback is answered as soon as JetStream has it,
however long the download takes, and the instance's later events are not held back. Dispatch holds that
message's webhooks, and the lane's later ones behind them (``dispatch/lanes.py``).

The download runs here, one at a time per instance (the memory bound of ``inbound_media_max_bytes`` stays per
instance); its outcome is captured as a ``media_ready`` follow-up of the same message, which releases the held
webhooks with the links, or with ``downloadError`` when it failed. A failed first download is retried later
(``media_retry_delay_s`` times the attempt); a retry that succeeds is captured as a new delivery of the message,
with its links. A worker that dies mid-download leaves the webhooks held until ``media_hold_s``: then they go
with ``downloadError``, unless the next session's connection comes first: each ``Connected`` looks up the
instance's held messages in Postgres (``resume``) and downloads those no download of this session is busy with.
Nothing captured is lost either way, and a follow-up sent twice is one event (same id).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from gateway.core import content as c
from gateway.core.config import Settings
from gateway.core.errors import CaptureFull
from gateway.core.events import EngineEvent, MessageReceived, decode
from gateway.media.service import Download, MediaService
from gateway.ops.runtime import TaskGroupOwner

log = logging.getLogger(__name__)

Emit = Callable[[EngineEvent], "asyncio.Future[None] | None"]
HeldEvents = Callable[[], Awaitable[list[bytes]]]
STOP_WAIT_S = 5.0  # a graceful stop lets downloads in flight finish this long (their follow-ups are captured)


def needs_download(event: EngineEvent) -> bool:
    """A message as it came from the engine, with media to fetch (not a follow-up of one)."""
    return (isinstance(event, MessageReceived) and not event.media_attempt and not event.media_ready
            and not event.media_pending and c.media_of(event.content) is not None)


class InboundMedia:
    """One instance's downloads, in arrival order, beside its capture lane."""

    def __init__(self, instance_id: str, media: MediaService, settings: Settings, emit: Emit,
                 download: Download, *, held: HeldEvents | None = None) -> None:
        self.instance_id = instance_id
        self.media = media
        self.settings = settings
        self.emit = emit
        self.download = download
        self.held = held
        self._busy: set[str] = set()  # message ids whose first download this session is running
        self.stopping = False
        self._slot = asyncio.Lock()
        self._first = TaskGroupOwner(f"media:{instance_id}")
        self._retries = TaskGroupOwner(f"media-retry:{instance_id}")

    def __repr__(self) -> str:
        return (f"<InboundMedia {self.instance_id} downloading={len(self._first.tasks)} "
                f"retrying={len(self._retries.tasks)}>")

    def pending(self, event: MessageReceived) -> MessageReceived:
        """What to capture now for a message with media; its download starts beside."""
        media = c.media_of(event.content)
        assert media is not None
        self._start(event)
        fallback = c.with_media(event.content, replace(media, download_error=True))
        return replace(event, content=fallback, media_pending=True)

    def _start(self, event: MessageReceived) -> None:
        self._busy.add(event.message_id)
        task = self._first.spawn(self._fetch(event), name=f"media-{event.message_id}")
        task.add_done_callback(lambda _t: self._busy.discard(event.message_id))

    def resume(self) -> None:
        """Download the media of the messages dispatch still holds that no download here is busy with (their
        worker stopped mid-download): called on each connection."""
        if self.held is not None and not self.stopping:
            self._first.spawn(self._resume(self.held), name="media-resume")

    async def _resume(self, held: HeldEvents) -> None:
        for body in await held():
            event = decode(body).event
            if not isinstance(event, MessageReceived) or not event.media_pending or event.message_id in self._busy:
                continue
            media = c.media_of(event.content)
            if media is None:
                continue
            log.info("downloading the media of held message %s again", event.message_id,
                     extra={"instance_id": self.instance_id})
            self._start(replace(event, media_pending=False,
                                content=c.with_media(event.content, replace(media, download_error=False))))

    async def _fetch(self, event: MessageReceived) -> None:
        async with self._slot:
            result, retry = await self.media.inbound(self.instance_id, event, self.download)
        if not event.media_attempt:
            assert result is not None  # a first attempt always has an outcome to release the webhooks with
            await self._capture(replace(result, media_ready=True))
        elif result is not None:
            await self._capture(result)
        if retry and not self.stopping:
            self._retries.spawn(self._retry(replace(event, media_attempt=event.media_attempt + 1)),
                                name=f"media-retry-{event.message_id}")

    async def _retry(self, event: MessageReceived) -> None:
        await asyncio.sleep(self.settings.media_retry_delay_s * event.media_attempt)
        if not self.stopping:
            await self._fetch(event)

    async def _capture(self, event: MessageReceived) -> None:
        """Offer the follow-up to capture; a full capture buffer (JetStream away) is waited out, not dropped."""
        delay = 0.1
        while True:
            try:
                durable = self.emit(event)
                if durable is not None:
                    await durable
                return
            except CaptureFull:
                if self.stopping:
                    log.warning("media follow-up of %s not captured: capture full while stopping",
                                event.message_id, extra={"instance_id": self.instance_id})
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def stop(self) -> None:
        """Let first downloads in flight finish (briefly) so their follow-ups are captured; drop the retries."""
        self.stopping = True
        await self._retries.cancel_all()
        tasks = list(self._first.tasks)
        if tasks:
            await asyncio.wait(tasks, timeout=STOP_WAIT_S)
        await self._first.cancel_all()
