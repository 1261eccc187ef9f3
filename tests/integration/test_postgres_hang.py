"""A Postgres that accepts connections and never answers (hung, not down): a pooled connect ends in
``PostgresTimeout``, which the api maps to 503 like a refused connection (``make chaos``, postgres-hang, saw a
bare ``TimeoutError`` end as a 500)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from gateway.api.errors import install_error_handlers, outage_of
from gateway.core.config import Settings
from gateway.infra.db import database
from gateway.infra.db.database import Database, PostgresTimeout


async def test_a_connect_to_a_hung_postgres_is_an_outage_not_a_bare_timeout(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    held: list[asyncio.StreamWriter] = []

    async def accept_and_say_nothing(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept_and_say_nothing, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setattr(database, "CONNECT_TIMEOUT_S", 0.5)
    hung = settings.model_copy(update={"database_url": f"postgresql://zapgate@127.0.0.1:{port}/zapgate"})
    db = await Database.connect(hung)  # no connection yet (min_size 0)
    try:
        with pytest.raises(PostgresTimeout) as raised:
            await db.pool.fetchval("SELECT 1")
        assert outage_of(raised.value) == "postgres"  # the api answers 503 SERVICE_UNAVAILABLE for it
        assert held, "the connect reached the server (it hung there, it was not refused)"
    finally:
        await db.pool.close()
        for writer in held:
            writer.close()
        server.close()


async def test_a_statement_left_unanswered_is_an_outage_not_a_bare_timeout(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A statement past asyncpg's command timeout raises the builtin ``TimeoutError``: raised inside asyncpg, it
    is a Postgres outage (503); any other ``TimeoutError`` is not taken for one."""
    monkeypatch.setattr(database, "COMMAND_TIMEOUT_S", 0.3)
    db = await Database.connect(settings, max_size=1)
    try:
        with pytest.raises(TimeoutError) as raised:
            await db.pool.fetchval("SELECT pg_sleep(5)")
        assert outage_of(raised.value) == "postgres"
        with pytest.raises(TimeoutError) as elsewhere:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(1)
        assert outage_of(elsewhere.value) is None
        assert await db.pool.fetchval("SELECT 1") == 1  # the pool recovers once Postgres answers again
    finally:
        await db.close()


async def test_the_api_answers_a_statement_timeout_with_503_once_not_as_a_crash(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Handled as a route's error (503 ``Retry-After``), not by the catch-all that Starlette re-raises as a crash of
    the app (``make chaos`` postgres-hang-long logged "Exception in ASGI application" for each such request)."""
    monkeypatch.setattr(database, "COMMAND_TIMEOUT_S", 0.3)
    db = await Database.connect(settings, max_size=1)
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/slow")
    async def slow() -> int:
        return int(await db.pool.fetchval("SELECT pg_sleep(5)::text IS NULL"))

    @app.get("/other")
    async def other() -> int:
        async with asyncio.timeout(0.01):
            await asyncio.sleep(1)
        return 0

    try:
        transport = httpx.ASGITransport(app=app)  # raises what the app re-raises: a crash fails the test
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            r = await client.get("/slow")
            assert r.status_code == 503 and r.headers["Retry-After"], r.text
            assert r.json()["error"] == "SERVICE_UNAVAILABLE"
            r = await client.get("/other")  # any other timeout is our own failure: a 500, still not a crash
            assert r.status_code == 500 and r.json()["error"] == "INTERNAL_ERROR"
    finally:
        await db.close()
