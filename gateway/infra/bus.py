"""NATS and JetStream access (nats-py lives only here)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import BadRequestError, NotFoundError
from nats.js.errors import Error as JsError

from gateway.core.errors import BusError, NoResponder

log = logging.getLogger(__name__)
UNSERVE_DRAIN_S = 5.0  # how long a stopping server may keep answering requests it already received

Handler = Callable[[bytes], Awaitable[bytes]]


async def _on_error(exc: Exception) -> None:
    log.warning("NATS: %s", type(exc).__name__)


async def _quiet(_exc: Exception) -> None:
    return None


# NATS or JetStream unreachable or not answering: the api answers 503 (gateway.api.errors)
OUTAGE_ERRORS = (nats.errors.ConnectionClosedError, nats.errors.NoServersError, nats.errors.TimeoutError,
                 nats.errors.StaleConnectionError, nats.errors.ConnectionReconnectingError,
                 nats.errors.OutboundBufferLimitError, nats.js.errors.ServiceUnavailableError,
                 nats.js.errors.NoStreamResponseError)


class Bus:
    """One NATS connection per process: request/reply, broadcasts, JetStream."""

    def __init__(self, nc: Client) -> None:
        self.nc = nc
        self.js = nc.jetstream()
        self._subs: list[Any] = []

    @classmethod
    async def connect(cls, url: str, name: str = "zapgate") -> Bus:
        """Connect, then reconnect forever. A server that is not there fails at once (BusError).

        With unlimited reconnects nats-py also retries the *first* connect forever, and on Python 3.11 a
        cancel can be turned into a timeout inside that loop, so the task never ends; a plain TCP check
        first keeps the caller in charge.
        """
        await _reachable(url)
        nc = await nats.connect(servers(url), name=name, connect_timeout=3, max_reconnect_attempts=-1,
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
            raise NoResponder(f"nobody serves {subject}", subject=subject) from exc
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

    async def unserve(self, sub: Any, timeout_s: float = UNSERVE_DRAIN_S) -> None:
        """Stop serving: no new request reaches us, and the ones already delivered are answered first.

        nats-py runs a subscription's handlers one at a time in one task, and ``unsubscribe`` cancels that
        task: the request being handled and those queued behind it were dropped without an answer, and each
        caller waited for its whole timeout. Draining answers them (within ``timeout_s``), then unsubscribes.
        """
        if sub in self._subs:
            self._subs.remove(sub)
        with contextlib.suppress(NatsError, TimeoutError):
            await asyncio.wait_for(sub.drain(), timeout_s)
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


def servers(url: str) -> list[str]:
    """The servers of a ``ZAPGATE_NATS_URL``: one URL, or several of one cluster separated by commas (nats-py
    takes a list; it also learns the cluster's other servers from the one it reaches)."""
    return [server.strip() for server in url.split(",") if server.strip()]


async def _reachable(url: str, timeout_s: float = 3.0) -> None:
    """Some server of ``url`` (comma-separated list allowed) accepts TCP; else BusError."""
    for server in servers(url):
        parts = urlsplit(server)
        try:
            async with asyncio.timeout(timeout_s):
                _reader, writer = await asyncio.open_connection(parts.hostname or "127.0.0.1", parts.port or 4222)
        except (OSError, TimeoutError):
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return
    raise BusError(f"no NATS server answers at {url}")


async def probe_jetstream(url: str) -> str:
    """'ok', 'down' or 'no_jetstream'."""
    nc = Client()
    try:
        # max_reconnect_attempts=0 makes nats-py retry a refused server forever; 1 gives up.
        async with asyncio.timeout(8):
            await nc.connect(servers(url), connect_timeout=2, max_reconnect_attempts=1, reconnect_time_wait=0,
                             allow_reconnect=False, error_cb=_quiet)
    except (TimeoutError, NatsError, OSError):
        with contextlib.suppress(Exception):  # a refused login leaves the transport open otherwise
            await nc.close()
        return "down"
    try:
        await nc.jetstream().account_info()
    except (TimeoutError, JsError, NatsError):
        return "no_jetstream"
    finally:
        await nc.close()
    return "ok"


# --- JetStream ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Received:
    """A JetStream message seen through our own type."""

    data: bytes
    headers: dict[str, str]
    stream_seq: int
    _msg: Any

    async def ack(self) -> None:
        await self._msg.ack()

    async def nak(self, delay_s: float | None = None) -> None:
        await self._msg.nak(delay=delay_s)

    async def term(self) -> None:
        await self._msg.term()

    async def in_progress(self) -> None:
        """Reset the ack timer while work on this message goes on."""
        await self._msg.in_progress()


class PullConsumer:
    def __init__(self, sub: Any) -> None:
        self._sub = sub

    async def fetch(self, batch: int, timeout_s: float) -> list[Received]:
        try:
            msgs = await self._sub.fetch(batch, timeout=timeout_s)
        except (NatsTimeout, TimeoutError):
            return []
        return [Received(m.data, dict(m.headers or {}), m.metadata.sequence.stream, m) for m in msgs]

    async def pending(self) -> int:
        info = await self._sub.consumer_info()
        return int(info.num_pending + info.num_ack_pending)

    async def ack_pending(self) -> int:
        """Messages delivered to a subscriber (perhaps a dead one) and not acknowledged yet."""
        info = await self._sub.consumer_info()
        return int(info.num_ack_pending)

    async def close(self) -> None:
        with contextlib.suppress(NatsError, JsError):
            await self._sub.unsubscribe()


@dataclass(frozen=True, slots=True)
class StreamUsage:
    retention: str  # limits | interest | workqueue
    messages: int
    bytes: int
    max_bytes: int  # -1: no cap

    @property
    def full(self) -> bool:
        """Within 1 MiB (or 5%) of the cap: publishes are about to be refused."""
        return self.max_bytes > 0 and self.bytes >= self.max_bytes - min(1 << 20, self.max_bytes // 20)


async def ensure_stream(bus: Bus, name: str, subjects: list[str], *, retention: str, max_age_s: float,
                        max_bytes: int, duplicate_window_s: float, discard_new: bool = False,
                        replicas: int = 1) -> None:
    """Create the stream, or update it to this configuration (idempotent; safe across processes).
    ``replicas`` > 1 needs a JetStream cluster of at least that many servers (the replica count of an existing
    stream is changed in place)."""
    config = StreamConfig(name=name, subjects=subjects, retention=RetentionPolicy(retention),
                          storage=StorageType.FILE, max_age=max_age_s, max_bytes=max_bytes,
                          discard=DiscardPolicy.NEW if discard_new else DiscardPolicy.OLD,
                          duplicate_window=duplicate_window_s, num_replicas=replicas)
    try:
        await bus.js.add_stream(config)
    except BadRequestError:
        await bus.js.update_stream(config)


async def stream_usage(bus: Bus, name: str) -> StreamUsage | None:
    """The stream's retention and fill, or None when it does not exist."""
    try:
        info = await bus.js.stream_info(name)
    except NotFoundError:
        return None
    retention = str(getattr(info.config.retention, "value", info.config.retention) or "limits")
    return StreamUsage(retention, int(info.state.messages), int(info.state.bytes), int(info.config.max_bytes or -1))


async def stream_drained(bus: Bus, name: str) -> bool:
    """True when every consumer of the stream has acknowledged everything (nothing pending)."""
    consumers = await bus.js.consumers_info(name)
    return all(c.num_pending == 0 and c.num_ack_pending == 0 for c in consumers)


async def consumer_lag(bus: Bus, name: str) -> int:
    """Messages of the stream its consumers have not acknowledged yet (pending plus in flight), summed."""
    try:
        consumers = await bus.js.consumers_info(name)
    except NotFoundError:
        return 0
    return sum((c.num_pending or 0) + (c.num_ack_pending or 0) for c in consumers)


async def delete_stream(bus: Bus, name: str) -> None:
    with contextlib.suppress(NotFoundError):
        await bus.js.delete_stream(name)


def _consumer_config(durable: str, subject: str, ack_wait_s: float, max_ack_pending: int) -> ConsumerConfig:
    return ConsumerConfig(durable_name=durable, filter_subject=subject, ack_policy=AckPolicy.EXPLICIT,
                          deliver_policy=DeliverPolicy.ALL, ack_wait=ack_wait_s, max_ack_pending=max_ack_pending,
                          max_deliver=-1)


async def ensure_consumer(bus: Bus, stream: str, durable: str, subject: str, *, ack_wait_s: float,
                          max_ack_pending: int) -> None:
    """Create a durable pull consumer if it does not exist (an existing one is left as it is)."""
    with contextlib.suppress(BadRequestError):
        await bus.js.add_consumer(stream, _consumer_config(durable, subject, ack_wait_s, max_ack_pending))


async def publish_once(bus: Bus, subject: str, data: bytes, msg_id: str, headers: dict[str, str]) -> int:
    """Publish with ``Nats-Msg-Id`` so a repeat within the duplicate window is dropped by the server."""
    ack = await bus.js.publish(subject, data, timeout=5, headers={"Nats-Msg-Id": msg_id, **headers})
    return int(ack.seq)


async def pull_consumer(bus: Bus, stream: str, durable: str, subject: str, *, ack_wait_s: float,
                        max_ack_pending: int) -> PullConsumer:
    config = _consumer_config(durable, subject, ack_wait_s, max_ack_pending)
    sub = await bus.js.pull_subscribe(subject, durable=durable, stream=stream, config=config)
    return PullConsumer(sub)
