"""A worker dies (kill -9) or hands over (SIGTERM) mid-queue: another continues, every message sent once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys

import orjson
import pytest

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.infra.kv.state import connect_redis
from tests.support.api import open_api
from tests.support.polling import eventually
from tests.support.processes import settings_env

TO = "5511988887777"


def _worker(env: dict[str, str], wid: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "gateway", "worker", "--worker-id", wid], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("how", ["kill", "term"])
async def test_sender_failover_sends_each_message_once(settings: Settings, how: str) -> None:
    s = settings.model_copy(update={"lease_ttl_s": 2.0, "heartbeat_ttl_s": 1.5, "placement_interval_s": 0.2,
                                    "send_gap_s": "0", "sandbox_send_delay_s": 0.01})
    env = settings_env(s, ZAPGATE_PLACEMENT_INTERVAL_S="0.2", ZAPGATE_SANDBOX_SEND_DELAY_S="0.01")
    names = Names.from_settings(s)
    redis = connect_redis(s.redis_url)
    procs = {w: _worker(env, w) for w in ("wa", "wb")}
    try:
        async for api in open_api(s):
            inst = await api.create_instance()
            h = api.client_headers

            async def scanned() -> bool:
                r = await api.client.post(api.path(inst, "sandbox/scan"), json={"phone": "5511999990000"}, headers=h)
                return r.status_code == 200

            await eventually(scanned, timeout_s=30)
            zaaps = []
            for n in range(150):
                r = await api.client.post(api.path(inst, "send-text"), json={"phone": TO, "message": f"m{n}"},
                                          headers=h)
                assert r.status_code == 200, r.text
                zaaps.append(r.json()["zaapId"])
            key = names.sandbox_sent_key(inst["id"])

            async def recorded(n: int) -> bool:
                return int(await redis.llen(key)) >= n

            await eventually(lambda: recorded(30), timeout_s=30)
            owner = (await redis.get(names.lease_key(inst["id"]))).rpartition(":")[0]
            victim = procs.pop(owner)
            if how == "kill":
                victim.kill()
            else:
                victim.send_signal(signal.SIGTERM)
            victim.wait(timeout=20)
            await eventually(lambda: recorded(150), timeout_s=60)
            await asyncio.sleep(1.0)  # nothing more may arrive
            entries = [orjson.loads(x) for x in await redis.lrange(key, 0, -1)]
            got = [e["outgoing"]["zaap_id"] for e in entries]
            assert got == zaaps, "a message was lost, duplicated or reordered"
            assert {e["worker"] for e in entries} == {owner, next(iter(procs))}
            count = await api.client.get(api.path(inst, "queue/count"), headers=h)
            assert count.json() == {"count": 0}
    finally:
        for p in procs.values():
            p.send_signal(signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        await redis.aclose()


