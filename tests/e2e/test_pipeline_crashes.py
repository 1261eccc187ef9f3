"""The pipeline survives crashes: kill -9 dispatch mid-stream, graceful worker stop under load."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from typing import Any

import pytest

from gateway.core.config import Settings
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.kv.state import connect_redis
from gateway.worker.engines.sandbox.engine import SandboxEngine
from gateway.worker.worker import Worker
from tests.support.api import open_api
from tests.support.polling import eventually
from tests.support.processes import settings_env
from tests.support.receiver import Receiver
from tests.support.stack import KINDS, fast


async def _paired(api: Any, worker: Worker, receiver: Receiver, phone: str) -> dict[str, Any]:
    hooks = {f"{k}CallbackUrl": f"{receiver.url}/{k}" for k in KINDS}
    inst = await api.create_instance(**hooks)

    async def has_qr() -> bool:
        s = worker.sessions.get(inst["id"])
        return s is not None and isinstance(s.engine, SandboxEngine) and s.engine.qr is not None

    await eventually(has_qr)
    await api.client.post(api.path(inst, "sandbox/scan"), json={"phone": phone}, headers=api.client_headers)
    return inst


def _dispatch(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "dispatch"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.timeout(180)
async def test_kill_dispatch_mid_stream_loses_nothing(settings: Settings) -> None:
    s = fast(settings, lease_ttl_s=2.0, heartbeat_ttl_s=1.5)
    receiver = Receiver()
    await receiver.start()
    db = await Database.connect(s)
    redis = connect_redis(s.redis_url)
    bus = await Bus.connect(s.nats_url)
    worker = Worker(s, "w-crash", db=db, bus=bus, redis=redis)
    stop = asyncio.Event()
    runner = asyncio.create_task(worker.run(stop))
    env = settings_env(s, ZAPGATE_WEBHOOK_RETRY_INITIAL_S="0.05", ZAPGATE_WEBHOOK_RETRY_MAX_S="0.2",
                       ZAPGATE_DISPATCH_ACK_WAIT_S="3",
                       ZAPGATE_PLACEMENT_INTERVAL_S="0.2")
    proc = _dispatch(env)
    try:
        async for api in open_api(s):
            instances = [await _paired(api, worker, receiver, f"55119888{i:05d}") for i in range(4)]
            per = 500
            sent: dict[str, list[str]] = {i["id"]: [] for i in instances}

            async def inject(inst: dict[str, Any]) -> None:
                engine = worker.sessions[inst["id"]].engine
                assert isinstance(engine, SandboxEngine)
                for n in range(per):
                    sent[inst["id"]].append(await engine.inject_message(
                        {"from": "5511988887777", "type": "text", "message": f"m{n}"}))
                    if n % 25 == 0:
                        await asyncio.sleep(0.01)

            injecting = asyncio.gather(*(inject(i) for i in instances))
            await receiver.wait_for(lambda: len(receiver.hits) > 300, timeout_s=60)
            proc.kill()  # kill -9 mid-stream
            proc.wait()
            await injecting
            proc = _dispatch(env)
            total = per * len(instances)
            await receiver.wait_for(lambda: sum(1 for x in receiver.unique() if x.path == "/received") == total,
                                    timeout_s=90)
            for inst in instances:
                got = [x.json["messageId"] for x in receiver.unique()
                       if x.path == "/received" and x.json["instanceId"] == inst["id"]]
                assert got == sent[inst["id"]], "missing or out of order"
            dupes = len(receiver.hits) - len(receiver.unique())
            print(f"kill -9 dispatch: {total} events, 0 missing, {dupes} duplicate deliveries")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        stop.set()
        await asyncio.wait_for(runner, 30)
        await receiver.stop()
        await bus.close()
        await redis.aclose()
        await db.close()


@pytest.mark.timeout(120)
async def test_graceful_worker_stop_under_load_loses_nothing(settings: Settings) -> None:
    from dispatch.consumer import Dispatcher

    s = fast(settings)
    receiver = Receiver()
    await receiver.start()
    db = await Database.connect(s)
    redis = connect_redis(s.redis_url)
    bus = await Bus.connect(s.nats_url)
    worker = Worker(s, "w-graceful", db=db, bus=bus, redis=redis)
    dispatcher = Dispatcher(s, "d-graceful", db=db, bus=bus, redis=redis)
    stop_w, stop_d = asyncio.Event(), asyncio.Event()
    w_task = asyncio.create_task(worker.run(stop_w))
    d_task = asyncio.create_task(dispatcher.run(stop_d))
    try:
        async for api in open_api(s):
            instances = [await _paired(api, worker, receiver, f"55119777{i:05d}") for i in range(3)]
            accepted: dict[str, list[str]] = {i["id"]: [] for i in instances}
            engines = {i["id"]: worker.sessions[i["id"]].engine for i in instances}

            async def inject(instance_id: str) -> None:
                engine = engines[instance_id]
                assert isinstance(engine, SandboxEngine)
                for n in range(100_000):
                    try:
                        accepted[instance_id].append(await engine.inject_message(
                            {"from": "5511988887777", "type": "text", "message": f"m{n}"}))
                    except Exception:
                        return  # the engine stopped: nothing more is accepted
                    await asyncio.sleep(0)

            injecting = [asyncio.create_task(inject(i["id"])) for i in instances]
            # each inject now waits for JetStream's ack (the strict sandbox), so load builds more slowly
            await receiver.wait_for(lambda: sum(len(v) for v in accepted.values()) > 600, timeout_s=30)
            stop_w.set()  # the SIGTERM path: stop engines, flush capture, release leases
            await asyncio.wait_for(w_task, 30)
            await asyncio.gather(*injecting)
            total = sum(len(v) for v in accepted.values())
            assert total > 300
            await receiver.wait_for(lambda: sum(1 for x in receiver.unique() if x.path == "/received") == total,
                                    timeout_s=60)
            for instance_id, ids in accepted.items():
                got = [x.json["messageId"] for x in receiver.unique()
                       if x.path == "/received" and x.json["instanceId"] == instance_id]
                assert got == ids
    finally:
        stop_w.set()
        stop_d.set()
        await asyncio.wait_for(asyncio.gather(w_task, d_task, return_exceptions=True), 30)
        await receiver.stop()
        await bus.close()
        await redis.aclose()
        await db.close()
