"""The asyncpg pool, readiness probe and server probing used by the provisioner."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import asyncpg

from gateway.core.config import Settings


class PostgresTimeout(ConnectionError):
    """Postgres took ``CONNECT_TIMEOUT_S`` without completing a connect: it hangs rather than refuses (an
    outage like a refused connection, not a bare ``TimeoutError`` that would end as a 500)."""


# Postgres unreachable, refusing or hanging on connections (not a bad query): the api answers 503.
# ConnectionError (refused, reset, ``PostgresTimeout``) is what a connect raises for a server that is down or
# hung; a bare OSError is not counted: files raise those too.
OUTAGE_ERRORS = (ConnectionError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
                 asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError)
CONNECT_TIMEOUT_S = 5.0
COMMAND_TIMEOUT_S = 30.0  # asyncpg's limit on one statement: past it, a bare TimeoutError (see query_timed_out)


def query_timed_out(exc: BaseException) -> bool:
    """A ``TimeoutError`` raised inside asyncpg: a statement Postgres left unanswered for ``COMMAND_TIMEOUT_S``
    (a hung server, as the api sees it). asyncpg raises the builtin, so where it was raised is what tells it from
    any other timeout."""
    if not isinstance(exc, TimeoutError):
        return False
    tb = exc.__traceback__
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith("asyncpg."):
            return True
        tb = tb.tb_next
    return False


# SQLSTATE classes of a statement Postgres refuses for what it was given (22: data exception, such as a NUL in
# text or a value out of range; 23: integrity constraint violation): the same data is refused again on a retry.
_REFUSED_CLASSES = frozenset({"22", "23"})


def refused(exc: BaseException) -> bool:
    """Postgres refused the data itself (not an outage, not a hung server): retrying the same write cannot help."""
    return (isinstance(exc, asyncpg.PostgresError) and not isinstance(exc, OUTAGE_ERRORS)
            and str(getattr(exc, "sqlstate", "") or "")[:2] in _REFUSED_CLASSES)


async def _connect(*args: Any, **kwargs: Any) -> Any:
    """The pool's connect: a timed-out connect is a Postgres outage (``PostgresTimeout``)."""
    try:
        return await asyncpg.connect(*args, **kwargs)
    except TimeoutError as exc:
        raise PostgresTimeout(f"no answer within {kwargs.get('timeout', CONNECT_TIMEOUT_S)}s") from exc


class PooledConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pool connection whose release costs no round trip unless it kept session state.

    asyncpg resets every released connection with a query (``RESET ALL``, unlock advisory locks, ...): a round
    trip per query the pool serves. zapgate's statements keep no session state (transactions are rolled back
    by asyncpg anyway), except where a caller says so with ``keeps_session_state`` (a session advisory lock):
    only those connections get the full reset.
    """

    session_state = False

    def get_reset_query(self) -> str:
        if not self.session_state:
            return ""
        self.session_state = False
        query: str = super().get_reset_query()
        return query


def keeps_session_state(conn: Any) -> None:
    """Mark a pooled connection as holding session state (a session lock): fully reset when released."""
    raw = getattr(conn, "_con", conn)  # the pool hands out a proxy (``__slots__``) of the connection
    raw.session_state = True


class Database:
    """An asyncpg pool bound to the configured schema."""

    def __init__(self, pool: Any, schema: str) -> None:
        self.pool = pool
        self.schema = schema

    @classmethod
    async def connect(cls, settings: Settings, *, max_size: int | None = None) -> Database:
        pool = await asyncpg.create_pool(
            settings.database_url,
            min_size=0,
            max_size=max_size or settings.db_pool_max,
            command_timeout=COMMAND_TIMEOUT_S,
            timeout=CONNECT_TIMEOUT_S,  # a connect to an unreachable server fails fast, not after 60 s
            server_settings={"search_path": settings.db_schema, "application_name": "zapgate"},
            connection_class=PooledConnection,
            connect=_connect,
        )
        return cls(pool, settings.db_schema)

    async def ping(self) -> None:
        async with asyncio.timeout(2):
            await self.pool.fetchval("SELECT 1")

    async def close(self) -> None:
        await self.pool.close()


class PgProbe(StrEnum):
    OK = "ok"
    DOWN = "down"
    AUTH = "auth"  # server answers, role or password refused
    NO_DATABASE = "no_database"


@dataclass(frozen=True, slots=True)
class PgTarget:
    host: str
    port: int
    user: str
    password: str
    database: str


async def probe(url: str, timeout_s: float = 3.0) -> PgProbe:
    try:
        conn = await asyncpg.connect(url, timeout=timeout_s)
    except asyncpg.InvalidCatalogNameError:
        return PgProbe.NO_DATABASE
    except (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError):
        return PgProbe.AUTH
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return PgProbe.DOWN
    await conn.close()
    return PgProbe.OK


async def admin_execute(target: PgTarget, admin_user: str, statements: list[str]) -> bool:
    """Run statements as a password-less admin role over TCP (trust auth); False if refused."""
    try:
        conn = await asyncpg.connect(host=target.host, port=target.port, user=admin_user,
                                     database="postgres", timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return False
    try:
        for sql in statements:
            with contextlib.suppress(asyncpg.DuplicateDatabaseError, asyncpg.DuplicateObjectError):
                await conn.execute(sql)
    finally:
        await conn.close()
    return True


async def ensure_schema(settings: Settings) -> None:
    conn = await asyncpg.connect(settings.database_url, timeout=5)
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.db_schema}"')
    finally:
        await conn.close()


async def ensure_database(url: str, name: str) -> None:
    """Create database ``name`` on the server of ``url`` unless it exists (safe under races)."""
    conn = await asyncpg.connect(url, timeout=5)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            with contextlib.suppress(asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_schema(settings: Settings) -> None:
    conn = await asyncpg.connect(settings.database_url, timeout=5)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{settings.db_schema}" CASCADE')
    finally:
        await conn.close()
