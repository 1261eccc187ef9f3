"""The FastAPI application: lifespan builds typed state in dependency order, tears down in reverse."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from gateway.api import (
    chats,
    communities,
    contacts,
    dashboard,
    groups,
    health,
    instance,
    instance_admin,
    media,
    newsletters,
    newsletters_sandbox,
    partner,
    profile,
    queue,
    sandbox,
    send,
    status,
    unsupported,
    webhooks,
)
from gateway.api.errors import install_error_handlers
from gateway.api.guard import InputGuard
from gateway.api.middleware import BodyLimit, RequestContext
from gateway.api.openapi import install_openapi
from gateway.api.state import AppState
from gateway.core.config import Settings
from gateway.core.ids import hash_token
from gateway.core.names import Names
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.db.media import MediaIndex
from gateway.infra.kv.auth_guard import AuthGuard
from gateway.infra.kv.ratelimit import RateLimiter
from gateway.infra.kv.sessions import DashboardSessions
from gateway.infra.kv.state import StateStore, connect_redis
from gateway.media.factory import build_store
from gateway.media.service import MediaService
from gateway.ops.bootstrap import DEFAULT_PARTNER

log = logging.getLogger(__name__)


async def _connect_bus_forever(zg: AppState, url: str) -> None:
    delay = 0.5
    while zg.bus is None:
        try:
            bus = await Bus.connect(url, name="zapgate-api")
            zg.bus = bus
            log.info("connected to NATS")
        except Exception as exc:
            log.warning("NATS not reachable (%s); retrying in %.1fs", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)


async def _bootstrap_partner(zg: AppState, settings: Settings) -> None:
    if not (settings.partner_token and settings.client_token):
        return
    try:
        await zg.instances.upsert_partner(DEFAULT_PARTNER, hash_token(settings.partner_token.get_secret_value()),
                                          hash_token(settings.client_token.get_secret_value()))
    except Exception as exc:  # the api still starts; /ready reports Postgres
        log.warning("partner bootstrap skipped: %s", type(exc).__name__)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.wait({task}, timeout=5)  # never hang the shutdown on a library that ignores the cancel


async def _close_bus(zg: AppState) -> None:
    if zg.bus is not None:
        await zg.bus.close()


def create_app(settings: Settings) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Build in dependency order (Postgres, Redis, media, NATS), tear down in reverse."""
        async with contextlib.AsyncExitStack() as stack:
            names = Names.from_settings(settings)
            db = await Database.connect(settings)
            stack.push_async_callback(db.close)
            redis = connect_redis(settings.redis_url)
            state = StateStore(redis, names)
            stack.push_async_callback(state.close)
            limiter = (RateLimiter(redis, names, settings.send_rate_per_s, settings.send_burst)
                       if settings.send_rate_per_s > 0 else None)
            media = MediaService(settings, build_store(settings), MediaIndex(db))
            stack.push_async_callback(media.close)
            guard = (AuthGuard(redis, names, settings.auth_failures_per_minute, settings.auth_block_s)
                     if settings.auth_failures_per_minute > 0 else None)
            zg = AppState(settings=settings, names=names, db=db, instances=InstanceStore(db), state=state,
                          bus=None, media=media, rate_limiter=limiter, auth_guard=guard,
                          dashboard_sessions=DashboardSessions(redis, names, settings.dashboard_session_ttl_s))
            app.state.zg = zg
            await _bootstrap_partner(zg, settings)
            stack.push_async_callback(_close_bus, zg)
            connector = asyncio.create_task(_connect_bus_forever(zg, settings.nats_url))
            stack.push_async_callback(_cancel, connector)
            try:
                await asyncio.wait_for(asyncio.shield(connector), timeout=3)
            except TimeoutError:
                log.warning("starting without NATS; /ready reports it until it connects")
            yield

    app = FastAPI(title="zapgate", version="0.1.0", lifespan=lifespan, docs_url="/docs",
                  redoc_url=None, openapi_url="/openapi.json")
    install_error_handlers(app)
    install_openapi(app)
    app.include_router(send.router)  # first: the hottest routes are matched before the ~250 others
    app.include_router(health.router)
    app.include_router(media.router)
    app.include_router(webhooks.partner_router)
    app.include_router(partner.router)
    app.include_router(instance_admin.router)
    app.include_router(instance.router)
    app.include_router(sandbox.router)
    app.include_router(webhooks.router)
    app.include_router(queue.router)
    app.include_router(groups.router)
    app.include_router(communities.router)
    app.include_router(newsletters.router)
    app.include_router(newsletters_sandbox.router)
    app.include_router(contacts.router)
    app.include_router(chats.router)
    app.include_router(profile.router)
    app.include_router(status.router)
    app.include_router(unsupported.router)
    dashboard.install(app)
    app.add_middleware(InputGuard)  # innermost: sees bodies BodyLimit already bounded
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestContext)
    return app
