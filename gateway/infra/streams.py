"""The two JetStream streams, defined once: every role that needs one declares it the same way."""

from __future__ import annotations

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.infra.bus import Bus, ensure_stream

OUTBOX_MAX_AGE_S = 30 * 86400
DUPLICATE_WINDOW_S = 120


async def ensure_events(bus: Bus, names: Names, settings: Settings) -> None:
    """``ZG_EVENTS``: the event log, limits retention (age and bytes from settings)."""
    await ensure_stream(bus, names.events_stream, [names.event_subjects], work_queue=False,
                        max_age_s=settings.events_max_age_s, max_bytes=settings.events_max_bytes,
                        duplicate_window_s=DUPLICATE_WINDOW_S)


async def ensure_outbox(bus: Bus, names: Names) -> None:
    """``ZG_OUTBOX``: the send queue's doorbell, work-queue retention."""
    await ensure_stream(bus, names.outbox_stream, [names.outbox_subjects], work_queue=True,
                        max_age_s=OUTBOX_MAX_AGE_S, max_bytes=-1, duplicate_window_s=DUPLICATE_WINDOW_S)
