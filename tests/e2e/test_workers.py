"""Three worker processes share 30 sandbox instances: owned once, fair, fast takeover, never doubled."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import orjson
import pytest

from gateway.core.config import Settings
from gateway.core.ids import hash_token, new_instance_id
from gateway.core.models import EngineKind
from gateway.core.names import Names
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.kv.state import connect_redis
from tests.support.processes import settings_env

LEASE_TTL_S = 3.0


async def _owners(redis: Any, names: Names, ids: list[str]) -> dict[str, str | None]:
    values = await redis.mget([names.lease_key(i) for i in ids])
    return {i: (v.rpartition(":")[0] if v else None) for i, v in zip(ids, values, strict=True)}


async def _wait(predicate: Any, timeout_s: float, what: str) -> float:
    start = time.monotonic()
    while not await predicate():
        if time.monotonic() - start > timeout_s:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - start


def _spawn(env: dict[str, str], wid: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "gateway", "worker", "--worker-id", wid], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.timeout(180)
async def test_three_workers_thirty_instances(settings: Settings) -> None:
    s = settings.model_copy(update={"lease_ttl_s": LEASE_TTL_S, "heartbeat_ttl_s": 2.0,
                                    "placement_interval_s": 0.3})
    names = Names.from_settings(s)
    db = await Database.connect(s)
    store = InstanceStore(db)
    partner = await store.partner_by_token_hash(hash_token(s.partner_token.get_secret_value()))  # type: ignore[union-attr]
    assert partner is not None
    ids = []
    for _ in range(30):
        inst = await store.create(instance_id=new_instance_id(), partner_id=partner.id, name="w",
                                  engine=EngineKind.SANDBOX, token_hash="x", callbacks={}, notify_sent_by_me=False)
        ids.append(inst.id)
    redis = connect_redis(s.redis_url)
    env = settings_env(s, ZAPGATE_PLACEMENT_INTERVAL_S="0.3")
    procs = {w: _spawn(env, w) for w in ("wa", "wb", "wc")}
    try:
        async def all_owned_fairly() -> bool:
            owners = await _owners(redis, names, ids)
            counts = Counter(owners.values())
            return None not in counts and sorted(counts.values()) == [10, 10, 10]

        await _wait(all_owned_fairly, 40, "30 instances owned 10/10/10")
        async def all_showing_a_qr() -> bool:  # engines start concurrently: a leased one may still be STARTING
            states = [await redis.hgetall(names.state_key(i)) for i in ids]
            return all(st.get("status") == "QR_PENDING" for st in states)

        await _wait(all_showing_a_qr, 10, "30 instances showing a QR code")

        # kill -9: its instances move once the lease expires
        owners = await _owners(redis, names, ids)
        victims = [i for i, w in owners.items() if w == "wa"]
        procs["wa"].kill()
        killed_at = time.time()
        procs["wa"].wait()

        async def moved(gone: str, moved_ids: list[str]) -> bool:
            now = await _owners(redis, names, moved_ids)
            return all(w not in (None, gone) for w in now.values())

        took = await _wait(lambda: moved("wa", victims), LEASE_TTL_S + 5, "takeover after kill -9")
        assert took <= LEASE_TTL_S + 5

        # SIGTERM: leases released at once, peer takes over within 3 s
        owners = await _owners(redis, names, ids)
        leaving = [i for i, w in owners.items() if w == "wb"]
        assert leaving
        procs["wb"].send_signal(signal.SIGTERM)
        took_term = await _wait(lambda: moved("wb", leaving), 3.0, "takeover after SIGTERM")
        assert procs["wb"].wait(timeout=15) == 0
        final = await _owners(redis, names, ids)
        assert set(final.values()) == {"wc"}

        # fencing audit: per instance, ownership intervals never overlap and fences only grow
        audit = [orjson.loads(x) for x in await redis.lrange(names.audit_key, 0, -1)]
        per_instance: dict[str, list[dict[str, Any]]] = {}
        for entry in audit:
            per_instance.setdefault(entry["i"], []).append(entry)
        for instance_id, entries in per_instance.items():
            open_by: dict[int, dict[str, Any]] = {}
            intervals = []
            for e in entries:
                if e["e"] == "start":
                    open_by[e["f"]] = e
                else:
                    start = open_by.pop(e["f"])
                    intervals.append((start["t"], e["t"], e["f"], e["w"]))
            for f, start in open_by.items():  # still running, or killed without a stop record
                end = killed_at if start["w"] == "wa" else time.time()
                intervals.append((start["t"], end, f, start["w"]))
            intervals.sort()
            fences = [iv[2] for iv in intervals]
            assert fences == sorted(fences) and len(set(fences)) == len(fences), instance_id
            for (_s1, e1, *_), (s2, _e2, *_rest) in itertools.pairwise(intervals):
                assert s2 >= e1 - 0.05, f"{instance_id} ran on two workers at once"
        print(f"takeover after kill -9: {took:.2f}s (ttl {LEASE_TTL_S}s); after SIGTERM: {took_term:.2f}s")
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
        await redis.aclose()
        await db.close()
        bus = await Bus.connect(s.nats_url)
        await bus.close()
