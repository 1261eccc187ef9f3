"""Scale: many sandbox instances on one machine (2 workers) — memory per instance, lease renewals/s, idle CPU;
and the RSS of neonize clients created and connect-attempted offline."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from typing import Any

from tests.bench.common import cpu_s, rss_mb, stack

WORKERS = 2


async def _evalsha_calls(redis: Any) -> int:
    stats = await redis.info("commandstats")
    return int(stats.get("cmdstat_evalsha", {}).get("calls", 0))


async def run(quick: bool) -> dict[str, Any]:
    count = 200 if quick else 1000
    window_s = 5 if quick else 10
    async with stack(workers=WORKERS, dispatchers=0, sandbox_qr_rotate_s=600.0, lease_ttl_s=10.0) as st:
        await asyncio.sleep(3)
        pids = [p.pid for name, p in st.procs.items() if name.startswith("worker")]
        rss_before = sum(rss_mb(p) for p in pids)
        start = time.monotonic()
        ids = await st.instances(count, None)
        while True:
            owners = await st.redis.mget([st.names.lease_key(i) for i in ids])
            if all(owners):
                break
            assert time.monotonic() - start < 300, "instances not placed in time"
            await asyncio.sleep(0.2)
        placed_s = time.monotonic() - start
        await asyncio.sleep(3)
        rss_after = sum(rss_mb(p) for p in pids)
        calls0, cpu0, t0 = await _evalsha_calls(st.redis), sum(cpu_s(p) for p in pids), time.monotonic()
        await asyncio.sleep(window_s)
        calls1, cpu1, t1 = await _evalsha_calls(st.redis), sum(cpu_s(p) for p in pids), time.monotonic()
    clients = 20 if quick else 50
    with tempfile.TemporaryDirectory(dir="/dev/shm") as tmp:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.bench.neonize_rss", str(clients),
                                                    f"{tmp}/rss.db", stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.DEVNULL)
        out, _ = await asyncio.wait_for(proc.communicate(), 300)
    before, after = (float(x) for x in out.decode().split()[-2:])
    return {"scale_instances": count, "scale_workers": WORKERS, "scale_place_all_s": placed_s,
            "scale_rss_mb_per_instance": (rss_after - rss_before) / count,
            "scale_worker_rss_mb_total": rss_after,
            "scale_lease_renewals_per_s": (calls1 - calls0) / (t1 - t0),
            "scale_idle_cpu_pct_of_a_core": (cpu1 - cpu0) / (t1 - t0) * 100,
            "neonize_rss_mb_per_client_offline": (after - before) / clients}
