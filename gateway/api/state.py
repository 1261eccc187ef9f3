"""Typed application state built by the lifespan and reached through ``request.app.state.zg``."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from fastapi import Request

from gateway.api.auth_cache import AuthCache
from gateway.core.config import Settings
from gateway.core.errors import ServiceDown
from gateway.core.names import Names
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.db.outbox_batch import EnqueueBatcher
from gateway.infra.kv.auth_guard import AuthGuard
from gateway.infra.kv.leases import LeaseReader
from gateway.infra.kv.ratelimit import RateLimiter
from gateway.infra.kv.sessions import DashboardSessions
from gateway.infra.kv.state import StateStore
from gateway.media.service import MediaService


@dataclass(slots=True)
class AppState:
    settings: Settings
    names: Names
    db: Database
    instances: InstanceStore
    state: StateStore
    bus: Bus | None
    media: MediaService
    rate_limiter: RateLimiter | None = None  # per-instance send limit; None when off
    auth_guard: AuthGuard | None = None  # failed-authentication limit per client address; None when off
    dashboard_sessions: DashboardSessions | None = None  # the dashboard's sign-ins (Redis)
    auth_cache: AuthCache = field(default_factory=lambda: AuthCache(0))  # the send routes' lookups; off by default
    enqueues: EnqueueBatcher | None = None  # group commit of accepted sends; None: one statement per send
    leases: LeaseReader | None = None  # who holds an instance: a control call watches that worker (control.py)

    async def forget_instance(self, instance_id: str) -> None:
        """The instance was deleted or its token rotated: drop what every api cached of it (best effort)."""
        self.auth_cache.forget(instance_id)
        if self.bus is not None:  # without NATS, the other apis' entries lapse within auth_cache_s
            with contextlib.suppress(Exception):
                await self.bus.publish(self.names.auth_forget_subject, instance_id.encode())

    def need_bus(self) -> Bus:
        if self.bus is None:
            raise ServiceDown("NATS is not reachable", services=["nats"])
        return self.bus


async def app_state(request: Request) -> AppState:
    """Async on purpose: FastAPI runs a plain ``def`` dependency in its thread pool, two thread hops a request."""
    zg: AppState = request.app.state.zg
    return zg
