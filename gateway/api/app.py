"""The FastAPI application: lifespan builds typed state in dependency order, tears down in reverse."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from fastapi import FastAPI

from gateway.api import (
    business,
    catalogs,
    chat_messages,
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
    restore_session,
    sandbox,
    send,
    send_commerce,
    send_interactive,
    status,
    unsupported,
    webhooks,
)
from gateway.api.auth_cache import AuthCache
from gateway.api.errors import install_error_handlers
from gateway.api.guard import InputGuard
from gateway.api.middleware import BodyLimit, RequestContext
from gateway.api.openapi import install_openapi
from gateway.api.send_fast import SendFastPath
from gateway.api.state import AppState
from gateway.core.config import Settings
from gateway.core.ids import hash_token
from gateway.core.names import Names
from gateway.core.sealing import Sealer
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.db.media import MediaIndex
from gateway.infra.db.outbox_batch import EnqueueBatcher
from gateway.infra.kv.auth_guard import AuthGuard
from gateway.infra.kv.leases import LeaseReader
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
            await bus.subscribe(zg.names.auth_forget_subject, _forget(zg))
            zg.bus = bus
            log.info("connected to NATS")
        except Exception as exc:
            log.warning("NATS not reachable (%s); retrying in %.1fs", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)


def _forget(zg: AppState) -> Callable[[bytes], Awaitable[None]]:
    async def forget(data: bytes) -> None:
        zg.auth_cache.forget(data.decode(errors="replace"))

    return forget


def _limits(settings: Settings, redis: Any, names: Names) -> tuple[RateLimiter | None, AuthGuard | None]:
    """The per-instance send limit and the failed-authentication guard, each None when turned off."""
    limiter = (RateLimiter(redis, names, settings.send_rate_per_s, settings.send_burst)
               if settings.send_rate_per_s > 0 else None)
    guard = (AuthGuard(redis, names, settings.auth_failures_per_minute, settings.auth_block_s)
             if settings.auth_failures_per_minute > 0 else None)
    return limiter, guard


def _enqueues(settings: Settings, db: Database) -> EnqueueBatcher | None:
    if settings.api_enqueue_batches == 0:
        return None
    return EnqueueBatcher(db, cap=settings.queue_cap, key_ttl_s=settings.idempotency_key_ttl_s,
                          in_flight=settings.api_enqueue_batches)


async def _bootstrap_partner(zg: AppState, settings: Settings) -> None:
    if not (settings.partner_token and settings.client_token):
        return
    try:
        await zg.instances.upsert_partner(DEFAULT_PARTNER, hash_token(settings.partner_token.get_secret_value()),
                                          hash_token(settings.client_token.get_secret_value()))
    except Exception as exc:  # the api still starts; /ready reports Postgres
        log.warning("partner bootstrap skipped: %s", type(exc).__name__)


async def _seal_clear_proxy_passwords(zg: AppState, settings: Settings) -> None:
    """Proxy passwords an older zapgate stored in clear are sealed once (``gateway/core/sealing.py``)."""
    try:
        sealed = await zg.instances.seal_clear_proxy_passwords(Sealer.of(settings))
    except Exception as exc:  # the api still starts; the next start seals them
        log.warning("sealing stored proxy passwords skipped: %s", type(exc).__name__)
        return
    if sealed:
        log.info("sealed %d proxy passwords stored in clear by an older version", sealed)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.wait({task}, timeout=5)  # never hang the shutdown on a library that ignores the cancel


async def _close_bus(zg: AppState) -> None:
    if zg.bus is not None:
        await zg.bus.close()


# In matching order: the send routes first (the hottest are matched before the ~250 others), the 501s last.
ROUTERS = (
    send.router, health.router, media.router, webhooks.partner_router, partner.router, instance_admin.router,
    instance.router, sandbox.router, webhooks.router, queue.router, groups.router, communities.router,
    newsletters.router, newsletters_sandbox.router, catalogs.router, restore_session.router, business.router,
    contacts.router, chats.router, profile.router, status.router, send_commerce.router, send_interactive.router,
    chat_messages.router, unsupported.router,
)


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
            media = MediaService(settings, build_store(settings), MediaIndex(db))
            stack.push_async_callback(media.close)
            limiter, guard = _limits(settings, redis, names)
            zg = AppState(settings=settings, names=names, db=db, instances=InstanceStore(db), state=state,
                          bus=None, media=media, rate_limiter=limiter, auth_guard=guard,
                          dashboard_sessions=DashboardSessions(redis, names, settings.dashboard_session_ttl_s),
                          auth_cache=AuthCache(settings.auth_cache_s), enqueues=_enqueues(settings, db),
                          leases=LeaseReader(redis, names))
            if zg.enqueues is not None:
                stack.push_async_callback(zg.enqueues.close)  # after the last request, before the pool closes
            app.state.zg = zg
            await _bootstrap_partner(zg, settings)
            await _seal_clear_proxy_passwords(zg, settings)
            stack.push_async_callback(_close_bus, zg)
            connector = asyncio.create_task(_connect_bus_forever(zg, settings.nats_url))
            stack.push_async_callback(_cancel, connector)
            try:
                await asyncio.wait_for(asyncio.shield(connector), timeout=3)
            except TimeoutError:
                log.warning("starting without NATS; /ready reports it until it connects")
            yield

    # zapgate exports no OpenTelemetry: FastAPI's own is off (no provider look-ups on every request, and no
    # exception text recorded anywhere but our redacted logs)
    app = FastAPI(title="zapgate", version="0.1.0", lifespan=lifespan, docs_url="/docs",
                  redoc_url=None, openapi_url="/openapi.json",
                  telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False})
    install_error_handlers(app)
    install_openapi(app)
    for router in ROUTERS:
        app.include_router(router)
    dashboard.install(app)
    if settings.api_fast_sends:
        app.add_middleware(SendFastPath, fastapi=app)  # innermost: bodies bounded and checked already
    app.add_middleware(InputGuard)  # sees bodies BodyLimit already bounded
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestContext)
    return app
