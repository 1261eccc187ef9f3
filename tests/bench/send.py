"""Send path: ``send-text`` API latency and enqueue → sent at a fixed 200 requests/s (open loop), then accepted/s
at saturation (api + worker as processes).

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
from tests.bench.common import Stack, pct, stack
from tests.bench.openloop import OpenLoop, open_loop
from tests.support.api import CLIENT_TOKEN
from tests.support.processes import free_port

INSTANCES = 20
CONCURRENCY = 64  # closed loop (saturation): requests in flight
OPEN_CONNECTIONS = 256  # open loop: a cap on connections only, far above what 200/s needs below saturation
RATE = 200  # requests/s offered in the fixed-load phase (issue 15: p99 ≤ 50 ms at this load)
BODY = orjson.dumps({"phone": "5511988887777", "message": "benchmark"})
HEADERS = {"Content-Type": "application/json", "Client-Token": CLIENT_TOKEN}


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


async def _post(session: aiohttp.ClientSession, path: str) -> str:
    async with session.post(path, data=BODY, headers=HEADERS) as r:
        body = await r.read()
        assert r.status == 200, r.status
    return str(orjson.loads(body).get("zaapId", ""))


async def saturate(paths: list[str], total: int) -> tuple[float, list[float], list[str]]:
    """POST send-text ``total`` times, round-robin, CONCURRENCY in flight: (accepted/s, latencies, zaap ids)."""
    latencies: list[float] = []
    zaap_ids: list[str] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as session:
        counter = iter(range(total))

        async def worker() -> None:
            for i in counter:
                t = time.perf_counter()
                zaap_ids.append(await _post(session, paths[i % len(paths)]))
                latencies.append((time.perf_counter() - t) * 1000)

        start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return total / (time.monotonic() - start), latencies, zaap_ids


async def offer(paths: list[str], seconds: float) -> OpenLoop[str]:
    """POST send-text at RATE/s for ``seconds``, open loop (latency from each request's scheduled time)."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=OPEN_CONNECTIONS)) as session:
        await asyncio.gather(*(_post(session, p) for p in paths))  # connections open, routes and caches warm
        return await open_loop(RATE, int(RATE * seconds), lambda i: _post(session, paths[i % len(paths)]))


async def _drained(st: Stack) -> None:
    deadline = time.monotonic() + 120
    while await st.db.pool.fetchval("SELECT count(*) FROM outbox WHERE status NOT IN ('SENT', 'FAILED')"):
        assert time.monotonic() < deadline, "queue did not drain"
        await asyncio.sleep(0.2)


async def _enqueue_to_sent_ms(st: Stack, zaap_ids: list[str]) -> list[float]:
    rows = await st.db.pool.fetch(
        "SELECT extract(epoch FROM sent_at - created_at) * 1000 AS ms FROM outbox"
        " WHERE status = 'SENT' AND zaap_id = ANY($1::text[])", zaap_ids)
    return [float(r["ms"]) for r in rows]


async def run(quick: bool) -> dict[str, Any]:
    total = 1000 if quick else 4000
    fixed_s = 4 if quick else 12
    port = free_port()
    async with stack(workers=1, dispatchers=0) as st:
        st.env["ZAPGATE_HTTP_PORT"] = str(port)
        st.spawn("api", ["-m", "gateway", "api"])
        ids = await st.instances(INSTANCES, None)
        await _ready(f"http://127.0.0.1:{port}/ready")
        await st.pair(ids)
        secret = st.settings.secret_key.get_secret_value()
        paths = [f"http://127.0.0.1:{port}/instances/{i}/token/{instance_token(secret, i, 1)}/send-text" for i in ids]
        fixed = await offer(paths, fixed_s)
        await _drained(st)
        fixed_sent = await _enqueue_to_sent_ms(st, list(fixed.results.values()))
        cpu_before = st.cpu()
        accepted, closed_lat, zaap_ids = await saturate(paths, total)
        await _drained(st)
        cpu_used = {name: cpu - cpu_before[name] for name, cpu in st.cpu().items()}
        saturated_sent = await _enqueue_to_sent_ms(st, zaap_ids)
    bare_port = free_port()
    bare = await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.bench.bare_api", str(bare_port),
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await _ready(f"http://127.0.0.1:{bare_port}/x")
        bare_paths = [f"http://127.0.0.1:{bare_port}/instances/{i}/token/t/send-text" for i in ids]
        base_fixed = await offer(bare_paths, fixed_s)
        base_accepted, _, _ = await saturate(bare_paths, total)
    finally:
        bare.terminate()
        await asyncio.wait_for(bare.wait(), 10)
    return {"send_accepted_per_s": accepted, "send_baseline_per_s": base_accepted,
            "send_ratio_vs_baseline": accepted / base_accepted,
            # CPU each role spent per message at saturation, until the queue drained (ms)
            "send_api_cpu_ms_per_message": cpu_used["api"] * 1000 / total,
            "send_worker_cpu_ms_per_message": cpu_used["worker-0"] * 1000 / total,
            "send_api_p50_ms_saturated": pct(closed_lat, 50), "send_api_p99_ms_saturated": pct(closed_lat, 99),
            "send_enqueue_to_sent_p50_ms_saturated": pct(saturated_sent, 50),
            "send_enqueue_to_sent_p99_ms_saturated": pct(saturated_sent, 99),
            f"send_api_p50_ms_at_{RATE}": pct(fixed.latencies_ms, 50),
            f"send_api_p99_ms_at_{RATE}": pct(fixed.latencies_ms, 99),
            f"send_enqueue_to_sent_p50_ms_at_{RATE}": pct(fixed_sent, 50),
            f"send_enqueue_to_sent_p99_ms_at_{RATE}": pct(fixed_sent, 99),
            f"send_offered_per_s_at_{RATE}": fixed.offered_per_s,
            f"send_completed_per_s_at_{RATE}": fixed.completed_per_s,
            f"send_generator_lag_ms_max_at_{RATE}": fixed.issue_lag_ms_max,
            f"send_errors_at_{RATE}": fixed.errors,
            f"send_baseline_p99_ms_at_{RATE}": pct(base_fixed.latencies_ms, 99)}
