"""Typed application state built by the lifespan and reached through ``request.app.state.zg``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from gateway.core.config import Settings
from gateway.core.errors import ServiceDown
from gateway.core.names import Names
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.kv.auth_guard import AuthGuard
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

    def need_bus(self) -> Bus:
        if self.bus is None:
            raise ServiceDown("NATS is not reachable", services=["nats"])
        return self.bus


def app_state(request: Request) -> AppState:
    zg: AppState = request.app.state.zg
    return zg
