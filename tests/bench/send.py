"""Send path: ``send-text`` accepted/s and API latency (api + worker as processes), and enqueue → sent latency.

Baseline (same run, same client load): a bare FastAPI endpoint with the same validation (tests/bench/bare_api).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from typing import Any

import aiohttp
import orjson

from gateway.core.ids import instance_token
from tests.bench.common import pct, stack
from tests.support.api import CLIENT_TOKEN
from tests.support.processes import free_port

INSTANCES = 20
CONCURRENCY = 64


async def _ready(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url) as r:
                    if r.status in (200, 404):
                        return
            except aiohttp.ClientError:
                pass
            assert time.monotonic() < deadline, f"{url} not ready"
            await asyncio.sleep(0.2)


async def load(paths: list[str], total: int, rate: float | None) -> tuple[float, list[float]]:
    """POST send-text ``total`` times (round-robin over paths): closed loop, or open loop at ``rate``/s."""
    body = orjson.dumps({"phone": "5511988887777", "message": "benchmark"})
    headers = {"Content-Type": "application/json", "Client-Token": CLIENT_TOKEN}
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(i: int) -> None:
            t = time.perf_counter()
            async with session.post(paths[i % len(paths)], data=body, headers=headers) as r:
                await r.read()
                assert r.status == 200, r.status
            latencies.append((time.perf_counter() - t) * 1000)

        start = time.monotonic()
        if rate is None:
            counter = iter(range(total))

            async def worker() -> None:
                for i in counter:
                    await one(i)

            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        else:
            tasks = []
            for i in range(total):
                if (delay := start + i / rate - time.monotonic()) > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(i)))
            await asyncio.gather(*tasks)
        return total / (time.monotonic() - start), latencies


async def run(quick: bool) -> dict[str, Any]:
    total = 1000 if quick else 4000
    fixed_s = 2 if quick else 6
    port = free_port()
    async with stack(workers=1, dispatchers=0) as st:
        st.env["ZAPGATE_HTTP_PORT"] = str(port)
        st.spawn("api", ["-m", "gateway", "api"])
        ids = await st.instances(INSTANCES, None)
        await _ready(f"http://127.0.0.1:{port}/ready")
        await st.pair(ids)
        secret = st.settings.secret_key.get_secret_value()
        paths = [f"http://127.0.0.1:{port}/instances/{i}/token/{instance_token(secret, i, 1)}/send-text" for i in ids]
        accepted, closed_lat = await load(paths, total, None)
        _, open_lat = await load(paths, 500 * fixed_s, 500.0)
        deadline = time.monotonic() + 120
        while await st.db.pool.fetchval("SELECT count(*) FROM outbox WHERE status <> 'SENT'"):
            assert time.monotonic() < deadline, "queue did not drain"
            await asyncio.sleep(0.2)
        rows = await st.db.pool.fetch(
            "SELECT extract(epoch FROM sent_at - created_at) * 1000 AS ms FROM outbox WHERE status = 'SENT'")
        sent_ms = [float(r["ms"]) for r in rows]
    bare_port = free_port()
    bare = await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.bench.bare_api", str(bare_port),
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await _ready(f"http://127.0.0.1:{bare_port}/x")
        bare_paths = [f"http://127.0.0.1:{bare_port}/instances/{i}/token/t/send-text" for i in ids]
        base_accepted, _ = await load(bare_paths, total, None)
        _, base_open = await load(bare_paths, 500 * fixed_s, 500.0)
    finally:
        bare.terminate()
        await asyncio.wait_for(bare.wait(), 10)
    return {"send_accepted_per_s": accepted, "send_baseline_per_s": base_accepted,
            "send_ratio_vs_baseline": accepted / base_accepted,
            "send_api_p50_ms_saturated": pct(closed_lat, 50), "send_api_p99_ms_saturated": pct(closed_lat, 99),
            "send_api_p50_ms_at_500": pct(open_lat, 50), "send_api_p99_ms_at_500": pct(open_lat, 99),
            "send_baseline_p99_ms_at_500": pct(base_open, 99),
            "send_enqueue_to_sent_p50_ms": pct(sent_ms, 50), "send_enqueue_to_sent_p99_ms": pct(sent_ms, 99)}
