"""A control request whose worker dies before answering (real NATS and Redis): the api watches the lease holder
while it waits, and fails the call as soon as NATS says nobody serves that worker any more, instead of at the
control timeout. A live worker's slow answer is still waited for."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import orjson
import pytest

from gateway.api.control import WATCH_AFTER_S, ControlClient
from gateway.core.commands import Action
from gateway.core.config import Settings
from gateway.core.errors import ControlFailed
from gateway.core.names import Names
from gateway.infra.bus import Bus
from gateway.infra.kv.leases import LeaseReader
from gateway.infra.kv.state import connect_redis

TIMEOUT_S = 60.0  # far beyond what either test waits: an answer or a failure comes from the watch


async def _alive(_data: bytes) -> bytes:
    return b"{}"


@pytest.fixture
async def rig(settings: Settings) -> AsyncIterator[tuple[Names, Bus, Bus, ControlClient, str]]:
    names = Names.from_settings(settings)
    api_bus = await Bus.connect(settings.nats_url)
    worker_bus = await Bus.connect(settings.nats_url)
    redis = connect_redis(settings.redis_url)
    instance_id = secrets.token_hex(16).upper()
    worker = f"w-{secrets.token_hex(3)}"
    await redis.set(names.lease_key(instance_id), f"{worker}:7")
    await worker_bus.serve(names.worker_subject(worker), _alive)
    await worker_bus.nc.flush()  # the server has our subscriptions before anyone asks
    try:
        yield names, api_bus, worker_bus, ControlClient(api_bus, names, TIMEOUT_S, LeaseReader(redis, names)), \
            instance_id
    finally:
        await worker_bus.nc.close()
        await api_bus.close()
        await redis.aclose()


async def test_a_call_fails_as_soon_as_the_worker_holding_it_is_gone(
        rig: tuple[Names, Bus, Bus, ControlClient, str]) -> None:
    names, _, worker_bus, client, instance_id = rig
    received = asyncio.Event()

    async def never_answers(_data: bytes) -> bytes:
        received.set()
        await asyncio.sleep(3600)
        return b""

    await worker_bus.serve(names.control_subject(instance_id), never_answers)
    await worker_bus.nc.flush()
    call = asyncio.create_task(client.call(instance_id, Action.RESTART))
    await asyncio.wait_for(received.wait(), 10)
    await asyncio.sleep(WATCH_AFTER_S + 1.0)  # watched for a while: the worker answers its pings
    assert not call.done()
    await worker_bus.nc.close()  # its connection is gone, as after a kill -9
    with pytest.raises(ControlFailed, match="stopped before it answered"):
        await asyncio.wait_for(call, 10)


async def test_a_live_workers_slow_answer_is_still_waited_for(
        rig: tuple[Names, Bus, Bus, ControlClient, str]) -> None:
    names, _, worker_bus, client, instance_id = rig

    async def slow(_data: bytes) -> bytes:
        await asyncio.sleep(WATCH_AFTER_S + 1.5)
        return orjson.dumps({"ok": True, "result": {"restarted": True}})

    await worker_bus.serve(names.control_subject(instance_id), slow)
    await worker_bus.nc.flush()
    assert await asyncio.wait_for(client.call(instance_id, Action.RESTART), 10) == {"restarted": True}
