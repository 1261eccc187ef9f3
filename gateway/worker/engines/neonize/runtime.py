"""Process-wide guard rails for neonize (why: docs/sessions.md, "neonize engine").

- ``FfiLock``: a readers/writer lock across threads. Every FFI call takes it shared; a session's
  connect start-up window and every ``stop()`` take it exclusive, because Go's global session maps
  have no locks and a concurrent write aborts the whole process.
- A dedicated thread pool sized for every session of the process (each connected client holds a
  thread for its whole life) plus concurrent API calls.
- The whatsmeow device store is migrated once per DSN before any concurrent connect.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from gateway.core.config import Settings

T = TypeVar("T")


class FfiLock:
    """Readers/writer lock with writer preference, usable from any thread (Go callback threads too)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    @contextmanager
    def shared(self) -> Any:
        with self._cond:
            while self._writer or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    def acquire_exclusive(self) -> None:
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writer or self._readers:
                    self._cond.wait()
            finally:
                self._writers_waiting -= 1
            self._writer = True

    def release_exclusive(self) -> None:
        with self._cond:
            self._writer = False
            self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Any:
        self.acquire_exclusive()
        try:
            yield
        finally:
            self.release_exclusive()


class NeonizeRuntime:
    """One per process: the lock, the pool and the set of migrated device stores."""

    _instance: NeonizeRuntime | None = None
    _guard = threading.Lock()

    def __init__(self, threads: int) -> None:
        self.lock = FfiLock()
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="neonize")
        self.threads = threads
        self._migrated: set[str] = set()

    @classmethod
    def get(cls, settings: Settings) -> NeonizeRuntime:
        with cls._guard:
            if cls._instance is None:
                cls._instance = NeonizeRuntime(settings.neonize_threads)
            return cls._instance

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run an FFI call on the pool under the shared lock."""

        def guarded() -> T:
            with self.lock.shared():
                return fn(*args)

        return await asyncio.get_running_loop().run_in_executor(self.pool, guarded)

    async def call_exclusive(self, fn: Callable[..., T], *args: Any) -> T:
        def guarded() -> T:
            with self.lock.exclusive():
                return fn(*args)

        return await asyncio.get_running_loop().run_in_executor(self.pool, guarded)

    async def ensure_store(self, dsn: str) -> None:
        """Migrate whatsmeow's schema once (concurrent first connects race on it otherwise)."""
        if dsn in self._migrated:
            return
        from neonize.client import ClientFactory

        await self.call_exclusive(ClientFactory.get_all_devices_from_db, dsn)
        self._migrated.add(dsn)


def device_store_dsn(settings: Settings) -> str:
    """neonize's DSN: ``postgres://…/<db>_wa?sslmode=disable`` (URL form, lib/pq).

    The device store gets its own database on the same server: whatsmeow's schema upgrade looks tables
    up without a schema filter, so a second whatsmeow schema in one database is taken as migrated.
    Every connect opens a new whatsmeow store (a Go connection pool) that is never closed, so each
    attempt leaks an idle connection; ``idle_session_timeout`` makes the server reap them.
    """
    if settings.neonize_database_url:
        return settings.neonize_database_url
    parts = urlsplit(settings.database_url)
    user = quote(parts.username or "", safe="")
    password = quote(parts.password or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = parts.hostname or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    reap = f"&idle_session_timeout={int(settings.neonize_db_idle_timeout_s * 1000)}" \
        if settings.neonize_db_idle_timeout_s else ""
    return f"postgres://{auth}{host}:{parts.port or 5432}/{device_store_database(settings)}?sslmode=disable{reap}"


def device_store_database(settings: Settings) -> str:
    return (urlsplit(settings.database_url).path.lstrip("/") or "postgres") + "_wa"
