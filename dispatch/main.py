"""The dispatch role's lifecycle: build in dependency order, run until SIGTERM, tear down in reverse."""

from __future__ import annotations

import logging
import os
import secrets
import socket

from dispatch.consumer import Dispatcher
from gateway.core.config import Settings
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.kv.state import connect_redis
from gateway.ops.runtime import stop_event_on_signals

log = logging.getLogger(__name__)


async def run_dispatch(settings: Settings) -> None:
    stop = stop_event_on_signals()
    if settings.dispatch_metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.dispatch_metrics_port, addr=settings.http_host)
    did = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"
    db = await Database.connect(settings)
    redis = connect_redis(settings.redis_url)
    bus = await Bus.connect(settings.nats_url, name=f"zapgate-dispatch-{did}")
    dispatcher = Dispatcher(settings, did, db=db, bus=bus, redis=redis)
    log.info("dispatch %s started", did)
    try:
        await dispatcher.run(stop)
    finally:
        await bus.close()
        await redis.aclose()
        await db.close()
        log.info("dispatch %s stopped", did)
