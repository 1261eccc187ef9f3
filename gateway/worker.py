"""The worker role (session host). Placeholder loop until the sessions issue lands."""

from __future__ import annotations

import logging
import os
import socket

from gateway.config import Settings
from gateway.runtime import stop_event_on_signals

log = logging.getLogger(__name__)


async def run_worker(settings: Settings, worker_id: str | None) -> None:
    stop = stop_event_on_signals()
    wid = worker_id or f"{socket.gethostname()}-{os.getpid()}"
    log.info("worker %s started", wid)
    await stop.wait()
    log.info("worker %s stopped", wid)
