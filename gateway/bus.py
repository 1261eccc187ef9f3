"""NATS and JetStream access (nats-py lives only here)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.errors import Error as JsError

log = logging.getLogger(__name__)

Handler = Callable[[bytes], Awaitable[bytes]]


async def _on_error(exc: Exception) -> None:
    log.warning("NATS: %s", type(exc).__name__)


class BusError(Exception):
    pass


class NoResponder(BusError):
    """Nobody subscribes to the subject (e.g. no worker runs the instance)."""


class Bus:
    """One NATS connection per process: request/reply, broadcasts, JetStream."""

    def __init__(self, nc: Client) -> None:
        self.nc = nc
        self.js = nc.jetstream()
        self._subs: list[Any] = []

    @classmethod
    async def connect(cls, url: str, name: str = "zapgate") -> Bus:
        nc = await nats.connect(url, name=name, connect_timeout=3, max_reconnect_attempts=-1,
                                reconnect_time_wait=0.5, allow_reconnect=True, error_cb=_on_error)
        return cls(nc)

    async def ping(self) -> None:
        if not self.nc.is_connected:
            raise BusError("NATS not connected")
        await self.nc.flush(timeout=2)
        await self.js.account_info()

    async def request(self, subject: str, payload: bytes, timeout_s: float) -> bytes:
        try:
            msg = await self.nc.request(subject, payload, timeout=timeout_s)
        except NoRespondersError as exc:
            raise NoResponder(subject) from exc
        except NatsTimeout as exc:
            raise BusError(f"no answer on {subject} within {timeout_s}s") from exc
        data: bytes = msg.data
        return data

    async def serve(self, subject: str, handler: Handler) -> Any:
        """Answer requests on ``subject``; handler exceptions are logged and answered as errors."""

        async def on_msg(msg: Msg) -> None:
            try:
                reply = await handler(msg.data)
            except Exception:
                log.exception("control handler failed on %s", subject)
                reply = b'{"ok":false,"error":"internal error"}'
            if msg.reply:
                await msg.respond(reply)

        sub = await self.nc.subscribe(subject, cb=on_msg)
        self._subs.append(sub)
        return sub

    async def unserve(self, sub: Any) -> None:
        if sub in self._subs:
            self._subs.remove(sub)
        with contextlib.suppress(NatsError):
            await sub.unsubscribe()

    async def publish(self, subject: str, payload: bytes) -> None:
        await self.nc.publish(subject, payload)

    async def subscribe(self, subject: str, callback: Callable[[bytes], Awaitable[None]]) -> Any:
        async def on_msg(msg: Msg) -> None:
            await callback(msg.data)

        sub = await self.nc.subscribe(subject, cb=on_msg)
        self._subs.append(sub)
        return sub

    async def close(self) -> None:
        try:
            await self.nc.drain()
        except (TimeoutError, NatsError, asyncio.CancelledError):
            await self.nc.close()


async def probe_jetstream(url: str) -> str:
    """'ok', 'down' or 'no_jetstream'."""
    try:
        nc = await nats.connect(url, connect_timeout=2, max_reconnect_attempts=0, allow_reconnect=False,
                                error_cb=_on_error)
    except (TimeoutError, NatsError, OSError):
        return "down"
    try:
        await nc.jetstream().account_info()
    except (TimeoutError, JsError, NatsError):
        return "no_jetstream"
    finally:
        await nc.close()
    return "ok"
