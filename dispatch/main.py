"""The dispatch role's lifecycle. Until the pipeline lands it connects to NATS and idles until stopped."""

from __future__ import annotations

import logging

from gateway.bus import Bus
from gateway.config import Settings
from gateway.runtime import stop_event_on_signals

log = logging.getLogger(__name__)


async def run_dispatch(settings: Settings) -> None:
    stop = stop_event_on_signals()
    bus = await Bus.connect(settings.nats_url, name="zapgate-dispatch")
    log.info("dispatch started")
    try:
        await stop.wait()
    finally:
        await bus.close()
        log.info("dispatch stopped")
