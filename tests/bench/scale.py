"""Scale: many sandbox instances on one machine (10,000 on 4 workers; 500 on 2 with QUICK) and one dispatcher.

Placement time, the workers' and the dispatcher's memory and idle CPU with every instance paired and every lane
gone idle again, lease renewals and the Redis commands they cost (a private redis-server when the binary is
there, so its counters are the stack's alone); and the RSS of neonize clients created and connect-attempted
offline.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp

from tests.bench.common import Receiver, Stack, cpu_s, rss_mb, stack
from tests.support.processes import free_port

LEASE_TTL_S = 10.0  # renewals every ttl/3
IN_FLIGHT = 128
PLACEMENT_INTERVAL_S = 1.0  # the default: every worker reads and ranks every live instance once per interval


@contextmanager
def private_redis() -> Iterator[str | None]:
    """A redis-server of the benchmark's own (None without the binary: the shared one, noisier counters)."""
    if shutil.which("redis-server") is None:
        yield None
        return
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:  # listening yet?
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def _redis_counts(redis: Any) -> dict[str, int]:
    stats = await redis.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(v.get("calls", 0)) for name, v in stats.items()}


async def _placed(st: Stack, ids: list[str], timeout_s: float) -> None:
    start = time.monotonic()
    keys = [st.names.lease_key(i) for i in ids]
    while True:
        owners = [o for n in range(0, len(keys), 2000) for o in await st.redis.mget(keys[n:n + 2000])]
        if all(owners):
            return
        assert time.monotonic() - start < timeout_s, f"{owners.count(None)} instances not placed in time"
        await asyncio.sleep(0.2)


async def _renewals(st: Stack) -> float:
    """Instance leases the workers renewed so far (their own ``zapgate_lease_renewals_total``)."""
    total = 0.0
    async with aiohttp.ClientSession() as session:
        for port in st.metrics_ports.values():
            async with session.get(f"http://127.0.0.1:{port}/metrics") as r:
                text = await r.text()
            total += sum(float(line.split()[-1]) for line in text.splitlines()
                         if line.startswith("zapgate_lease_renewals_total "))
    return total


async def _idle_window(st: Stack, pids: dict[str, list[int]], seconds: float) -> dict[str, float]:
    """CPU (% of one core, summed per role), lease renewals and Redis calls per second over ``seconds`` idle.

    Redis counts the commands a Lua script runs too: each lease checked is a GET and, when still ours, a
    PEXPIRE inside the renewal script; they are taken out of the client commands. The dispatcher's partition
    leases and heartbeats are in the Redis figures (renewed every placement interval).
    """
    def cpu() -> dict[str, float]:
        return {role: sum(cpu_s(p) for p in group) for role, group in pids.items()}

    calls0, renewed0, cpu0, t0 = await _redis_counts(st.redis), await _renewals(st), cpu(), time.monotonic()
    await asyncio.sleep(seconds)
    calls1, renewed1, cpu1, t1 = await _redis_counts(st.redis), await _renewals(st), cpu(), time.monotonic()
    span = t1 - t0

    def rate(name: str) -> float:
        return (calls1.get(name, 0) - calls0.get(name, 0)) / span

    in_scripts = 2 * rate("pexpire")  # GET + PEXPIRE per renewed lease (no client GETs in an idle stack)
    return {"scale_idle_cpu_pct_of_a_core": (cpu1["worker"] - cpu0["worker"]) / span * 100,
            "scale_dispatch_idle_cpu_pct_of_a_core": (cpu1["dispatch"] - cpu0["dispatch"]) / span * 100,
            "scale_lease_renewals_per_s": (renewed1 - renewed0) / span,
            "scale_redis_renewal_cmds_per_s": rate("evalsha"),
            "scale_redis_cmds_per_s": sum(rate(n) for n in calls1 if n != "info") - in_scripts}


async def run(quick: bool) -> dict[str, Any]:
    count, workers = (500, 2) if quick else (10_000, 4)
    window_s = LEASE_TTL_S / 3 * (2 if quick else 3)  # whole renewal intervals: every lease renewed alike
    receiver = Receiver()
    await receiver.start()
    try:
        with private_redis() as redis_url:
            extra = {"redis_url": redis_url} if redis_url else {}
            async with stack(workers=workers, dispatchers=1, sandbox_qr_rotate_s=600.0, lease_ttl_s=LEASE_TTL_S,
                             placement_interval_s=PLACEMENT_INTERVAL_S, metrics=True, **extra) as st:
                figures = await _measure(st, count, window_s, receiver, settle_s=3 if quick else 10)
    finally:
        await receiver.stop()
    return {"scale_instances": count, "scale_workers": workers, **figures, **await _neonize(quick)}


async def _measure(st: Stack, count: int, window_s: float, receiver: Receiver, settle_s: float) -> dict[str, float]:
    await asyncio.sleep(3)
    pids = {"worker": [p.pid for n, p in st.procs.items() if n.startswith("worker")],
            "dispatch": [p.pid for n, p in st.procs.items() if n.startswith("dispatch")]}

    def rss(role: str) -> float:
        return sum(rss_mb(p) for p in pids[role])

    rss_before, dispatch_before = rss("worker"), rss("dispatch")
    start = time.monotonic()
    ids = await st.instances(count, f"{receiver.url}/received")
    created_s = time.monotonic() - start
    await _placed(st, ids, 600)
    placed_s = time.monotonic() - start
    await asyncio.sleep(3)
    rss_placed = rss("worker")
    t = time.monotonic()
    await st.pair(ids, timeout_s=600, concurrency=IN_FLIGHT)
    paired_s = time.monotonic() - t
    sem = asyncio.Semaphore(IN_FLIGHT)
    retries = 0

    async def inject(instance_id: str) -> None:
        nonlocal retries
        for attempt in range(3):
            async with sem:
                try:
                    await st.inject(instance_id, "hello")
                    return
                except Exception:
                    if attempt == 2:
                        raise
                    retries += 1  # a retry may deliver twice: completion counts instances, not events

    t = time.monotonic()
    await asyncio.gather(*(inject(i) for i in ids))  # one event each: every instance gets a lane once
    while len({key.split("/")[0] for *_, key in receiver.unique_received().values()}) < count:
        assert time.monotonic() - t < 600, "not every instance's event was delivered in time"
        await asyncio.sleep(0.1)
    delivered_s = time.monotonic() - t
    await asyncio.sleep(settle_s)
    idle = await _idle_window(st, pids, window_s)
    rss_idle, dispatch_idle = rss("worker"), rss("dispatch")
    return {"scale_create_s": created_s, "scale_place_all_s": placed_s,
            "scale_pair_all_s": paired_s, "scale_one_event_each_delivered_s": delivered_s,
            "scale_inject_retries": retries,
            "scale_rss_mb_per_instance": (rss_placed - rss_before) / count,
            "scale_worker_rss_mb_total": rss_placed,
            "scale_worker_rss_mb_total_paired": rss_idle,
            "scale_dispatch_rss_mb": dispatch_idle,
            "scale_dispatch_rss_mb_growth": dispatch_idle - dispatch_before,
            **idle}


async def _neonize(quick: bool) -> dict[str, float]:
    clients = 20 if quick else 50
    with tempfile.TemporaryDirectory(dir="/dev/shm") as tmp:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.bench.neonize_rss", str(clients),
                                                    f"{tmp}/rss.db", stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.DEVNULL)
        out, _ = await asyncio.wait_for(proc.communicate(), 300)
    before, after = (float(x) for x in out.decode().split()[-2:])
    return {"neonize_rss_mb_per_client_offline": (after - before) / clients}
