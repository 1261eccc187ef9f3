"""The three backing services every long-running role opens, closed in reverse by the role's exit stack."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from gateway.core.config import Settings
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.kv.state import connect_redis


@dataclass(frozen=True, slots=True)
class Backends:
    db: Database
    redis: Any
    bus: Bus


async def open_backends(stack: contextlib.AsyncExitStack, settings: Settings, client_name: str) -> Backends:
    """Postgres, then Redis, then NATS; each closed by ``stack`` in reverse order."""
    db = await Database.connect(settings)
    stack.push_async_callback(db.close)
    redis = connect_redis(settings.redis_url)
    stack.push_async_callback(redis.aclose)
    bus = await Bus.connect(settings.nats_url, name=client_name)
    stack.push_async_callback(bus.close)
    return Backends(db, redis, bus)
