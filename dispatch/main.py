"""The dispatch role's one entry point (``python -m dispatch``, ``zapgate dispatch``) and its lifecycle.

Settings → logging → Sentry → Postgres → Redis → NATS → the dispatcher, built in that order inside an
``AsyncExitStack`` and torn down in reverse when SIGINT or SIGTERM arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket

from dispatch.consumer import Dispatcher
from gateway.core.config import Settings, load_settings
from gateway.ops.backends import open_backends
from gateway.ops.logs import configure_logging
from gateway.ops.metrics import metrics_server
from gateway.ops.runtime import stop_event_on_signals
from gateway.ops.sentry import init_sentry

log = logging.getLogger(__name__)


async def run(settings: Settings) -> None:
    did = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"
    async with contextlib.AsyncExitStack() as stack:
        stop = stop_event_on_signals()
        stack.enter_context(metrics_server(settings.dispatch_metrics_port, settings.http_host))
        b = await open_backends(stack, settings, f"zapgate-dispatch-{did}")
        dispatcher = Dispatcher(settings, did, db=b.db, bus=b.bus, redis=b.redis)
        log.info("dispatch %s started", did)
        await dispatcher.run(stop)  # stops its pumps and lanes before the stack unwinds
    log.info("dispatch %s stopped", did)


def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_level, "dispatch")
    init_sentry(settings, "dispatch")
    asyncio.run(run(settings))
