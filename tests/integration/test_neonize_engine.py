"""The neonize engine with real neonize clients (no network here: connects fail fast)."""

from __future__ import annotations

import asyncio
import ctypes
import itertools
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from neonize._binder import func_callback_bytes
from neonize.events import EVENT_TO_INT
from neonize.proto import Neonize_pb2 as N

from gateway.core.config import Settings
from gateway.core.events import Connected, Disconnected, MessageReceived, PairSucceeded, ReceiptReceived
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database, ensure_database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.kv.state import connect_redis
from gateway.worker.engines.base import EngineContext
from gateway.worker.engines.neonize.engine import NeonizeEngine
from gateway.worker.engines.neonize.runtime import device_store_database, device_store_dsn
from gateway.worker.worker import Worker
from tests.support.api import Api, open_api
from tests.support.neonize import ALICE, CONTENT, ME, jid, message_ev, src
from tests.support.polling import eventually


def _fast(settings: Settings, retries: int = 3) -> Settings:
    return settings.model_copy(update={"neonize_connect_retries": retries, "neonize_backoff_initial_s": 0.05,
                                       "neonize_backoff_max_s": 0.2})


async def test_offline_connect_retries_with_backoff(settings: Settings) -> None:
    s = _fast(settings)
    await ensure_database(s.database_url, device_store_database(s))
    seen: list[tuple[float, Any]] = []
    engine = NeonizeEngine(EngineContext(instance_id="NZOFFLINE1", settings=s,
                                         emit=lambda e: seen.append((time.monotonic(), e))))
    await engine.connect()
    await eventually(lambda: _stopped(engine), timeout_s=20)
    events = [e for _, e in seen]
    assert [type(e) for e in events] == [Disconnected] * 4
    assert [e.will_reconnect for e in events] == [True, True, True, False]  # type: ignore[attr-defined]
    assert engine.attempts == 4 and engine.last_error is not None and "failed to dial" in engine.last_error
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(seen)]
    assert [engine.backoff_s(n) for n in (1, 2, 3)] == [0.05, 0.1, 0.2]
    for gap, expected in zip(gaps, (0.05, 0.1, 0.2), strict=True):
        assert gap >= expected * 0.9  # waited at least the backoff before retrying
    await engine.disconnect()


async def _stopped(engine: NeonizeEngine) -> bool:
    return not engine.running


async def test_events_through_the_real_dispatcher_keep_order(settings: Settings) -> None:
    """Serialised protobufs pushed through neonize's own ctypes callback, from a foreign thread."""
    seen: list[Any] = []
    engine = NeonizeEngine(EngineContext(instance_id="NZDISPATCH", settings=settings, emit=seen.append))
    execute = func_callback_bytes(engine.client.event.execute)
    a = jid(ALICE)
    protos: list[Any] = [N.PairStatus(ID=jid(ME, device=4), BusinessName="", Platform="android",
                                      Status=N.PairStatus.SUCCESS, Error=""), N.Connected(status=True)]
    protos += [message_ev(CONTENT[k], msg_id=f"3EB0{i:08d}") for i, k in enumerate(sorted(CONTENT) * 3)]
    protos.append(N.Receipt(MessageSource=src(a, a), MessageIDs=["3EB0MINE"], Timestamp=1700000000,
                            Type=N.Receipt.READ))
    buffers = []

    def push() -> None:  # plays the Go callback thread
        for proto in protos:
            raw = proto.SerializeToString()
            buf = ctypes.create_string_buffer(raw, len(raw))
            buffers.append(buf)
            execute(b"NZDISPATCH", ctypes.addressof(buf), len(raw), EVENT_TO_INT[type(proto)])

    thread = threading.Thread(target=push)
    thread.start()
    await asyncio.get_running_loop().run_in_executor(None, thread.join)
    await eventually(lambda: _count(seen, len(protos)))
    assert isinstance(seen[0], PairSucceeded) and seen[0].device_jid == f"{ME}:4@s.whatsapp.net"
    assert isinstance(seen[1], Connected) and seen[1].phone == ME and engine.connected
    messages = [e for e in seen if isinstance(e, MessageReceived)]
    assert [m.message_id for m in messages] == [f"3EB0{i:08d}" for i in range(len(CONTENT) * 3)]
    assert isinstance(seen[-1], ReceiptReceived)


async def _count(seen: list[Any], n: int) -> bool:
    return len(seen) >= n


async def test_worker_reports_neonize_failure_and_keeps_running(settings: Settings) -> None:
    s = _fast(settings, retries=2).model_copy(update={"placement_interval_s": 0.2})
    async for api in open_api(s):
        real = await api.create_instance(engine="neonize")
        sandbox = await api.create_instance(engine="sandbox")
        db = await Database.connect(s)
        redis = connect_redis(s.redis_url)
        bus = await Bus.connect(s.nats_url)
        worker = Worker(s, "w-nz", db=db, bus=bus, redis=redis)
        stop = asyncio.Event()
        runner = asyncio.create_task(worker.run(stop))
        try:
            async def errored() -> bool:
                return (await redis.hget(worker.names.state_key(real["id"]), "status")) == "ERROR"

            await eventually(errored, timeout_s=20)
            state = await redis.hgetall(worker.names.state_key(real["id"]))
            assert "failed to dial" in state["error"]
            history = [st for st, _ in await InstanceStore(db).status_history(real["id"])]
            assert history[:1] == ["STARTING"] and history.count("DISCONNECTED") >= 1 and history[-1] == "ERROR"
            await eventually(lambda: _qr(api, sandbox))  # the other instance is unaffected
            assert not runner.done()
        finally:
            stop.set()
            await asyncio.wait_for(runner, 15)
            await bus.close()
            await redis.aclose()
            await db.close()


async def _qr(api: Api, inst: dict[str, Any]) -> bool:
    r = await api.client.get(api.path(inst, "qr-code"), headers=api.client_headers)
    return r.status_code == 200


def test_device_store_dsn_form(settings: Settings) -> None:
    dsn = device_store_dsn(settings)
    assert dsn.startswith("postgres://") and "sslmode=disable" in dsn
    assert dsn.split("?")[0].endswith("/zapgate_wa") and "idle_session_timeout=120000" in dsn


@pytest.mark.timeout(300)
async def test_many_concurrent_connects_do_not_abort(tmp_path: Path) -> None:
    """40 sessions x 3 connect attempts each, with FFI reads in 4 threads, in each of 3 processes.

    The race is in Go's session maps, not in the store, so a SQLite store keeps 600 connects from
    exhausting Postgres' connection slots (each attempt leaks a store connection inside Go).
    """
    for run in range(3):
        dsn = str(tmp_path / f"stress-{run}.db")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.support.neonize_stress", "40", dsn, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 240)
        assert proc.returncode == 0, f"run {run}: exit {proc.returncode}\n{out.decode()}\n{err.decode()[-2000:]}"
        assert b"clean=True" in out and b"connect_attempts=120" in out


async def test_a_connect_cancelled_while_waiting_for_the_lock_does_not_keep_it(settings: Settings) -> None:
    engine = NeonizeEngine(EngineContext(instance_id="NZCANCEL01", settings=settings, emit=lambda _e: None))
    lock = engine.runtime.lock
    lock.acquire_exclusive()  # another connect holds the lock: this one waits in a pool thread
    try:
        waiting = asyncio.create_task(engine._connect_once())
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
    finally:
        lock.release_exclusive()  # the waiting thread now gets the lock... and must give it back

    def take_and_give() -> bool:
        got = threading.Event()

        def worker() -> None:
            lock.acquire_exclusive()
            got.set()
            lock.release_exclusive()

        threading.Thread(target=worker, daemon=True).start()
        return got.wait(5)

    assert await asyncio.to_thread(take_and_give), "the cancelled connect kept the FFI lock"


async def test_the_handler_thread_returns_only_once_the_event_is_durable(settings: Settings) -> None:
    """whatsmeow acknowledges after its handler returns: the handler waits for JetStream (here: a gate)."""
    loop = asyncio.get_running_loop()
    gate: asyncio.Future[None] = loop.create_future()
    engine = NeonizeEngine(EngineContext(instance_id="NZDURABLE1", settings=settings, emit=lambda _e: gate))
    returned = threading.Event()

    def go_thread() -> None:  # plays whatsmeow's handler thread
        engine._hand_over(Connected(phone=ME, is_business=False))
        returned.set()

    threading.Thread(target=go_thread, daemon=True).start()
    assert not await asyncio.to_thread(returned.wait, 0.3)  # still holding: not durable yet
    gate.set_result(None)  # JetStream acknowledged
    assert await asyncio.to_thread(returned.wait, 5)


async def test_the_handler_wait_is_bounded(settings: Settings) -> None:
    never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    s = settings.model_copy(update={"capture_ack_timeout_s": 0.2})
    engine = NeonizeEngine(EngineContext(instance_id="NZDURABLE2", settings=s, emit=lambda _e: never))
    returned = threading.Event()

    def go_thread() -> None:
        engine._hand_over(Connected(phone=ME, is_business=False))
        returned.set()

    threading.Thread(target=go_thread, daemon=True).start()
    assert await asyncio.to_thread(returned.wait, 5)  # gave up after 0.2 s: the event stays buffered
    never.cancel()
