"""Inbound pipeline: injected sandbox messages → worker → JetStream → dispatch → a local receiver.

Figures: end-to-end latency p50/p99 at a fixed offered 500 events/s (open loop, from each event's scheduled
injection time to its arrival at the receiver), then delivered events/s at saturation.
Baseline (same run, same receiver, same payload, same concurrency as lanes): a bare aiohttp POST loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import orjson

from tests.bench.common import Receiver, Stack, pct, stack
from tests.bench.openloop import open_loop

LANES = 10
RATE = 500  # events/s offered in the fixed-load phase (issue 15: p99 ≤ 100 ms at this load)
SATURATION_IN_FLIGHT = 128


async def _wait_delivered(receiver: Receiver, count: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while len(receiver.unique_received()) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(receiver.unique_received())}/{count} delivered")
        await asyncio.sleep(0.02)


async def baseline(url: str, payload: bytes, total: int, concurrency: int) -> float:
    async with aiohttp.ClientSession() as session:
        counter = iter(range(total))

        async def loop() -> None:
            for _ in counter:
                async with session.post(url, data=payload, headers={"Content-Type": "application/json"}) as r:
                    await r.read()

        start = time.monotonic()
        await asyncio.gather(*(loop() for _ in range(concurrency)))
        return total / (time.monotonic() - start)


async def fixed_load(st: Stack, ids: list[str], receiver: Receiver, seconds: float) -> dict[str, float]:
    """Offer RATE events/s for ``seconds``, open loop; latency from the scheduled time to the receiver."""
    receiver.rows.clear()
    load = await open_loop(RATE, int(RATE * seconds), lambda i: st.inject(ids[i % LANES], f"f{i}"))
    await _wait_delivered(receiver, load.count - load.errors, 120)
    arrivals = {key: (arrived, moment) for arrived, moment, key in receiver.unique_received().values()}
    end_to_end, capture_to_hook, last = [], [], 0.0
    for i, message_id in load.results.items():
        arrived, moment = arrivals[f"{ids[i % LANES]}/{message_id}"]
        end_to_end.append(arrived - load.scheduled_wall_ms(i))
        capture_to_hook.append(arrived - moment)
        last = max(last, arrived)
    return {f"inbound_latency_p50_ms_at_{RATE}": pct(end_to_end, 50),
            f"inbound_latency_p99_ms_at_{RATE}": pct(end_to_end, 99),
            f"inbound_capture_to_webhook_p99_ms_at_{RATE}": pct(capture_to_hook, 99),
            f"inbound_inject_ack_p99_ms_at_{RATE}": pct(load.latencies_ms, 99),
            f"inbound_offered_per_s_at_{RATE}": load.offered_per_s,
            f"inbound_delivered_per_s_at_{RATE}": len(end_to_end) / ((last - load.scheduled_wall_ms(0)) / 1000),
            f"inbound_generator_lag_ms_max_at_{RATE}": load.issue_lag_ms_max,
            f"inbound_errors_at_{RATE}": load.errors}


@asynccontextmanager
async def paired(receiver: Receiver) -> AsyncIterator[tuple[Stack, list[str]]]:
    """One worker and one dispatcher, with LANES paired instances whose webhooks go to ``receiver``."""
    async with stack(workers=1, dispatchers=1) as st:
        ids = await st.instances(LANES, f"{receiver.url}/received")
        await st.pair(ids)
        yield st, ids


async def run(quick: bool) -> dict[str, Any]:
    total = 2000 if quick else 8000
    fixed_s = 4 if quick else 12
    receiver = Receiver()
    await receiver.start()
    try:
        async with paired(receiver) as (st, ids):
            sem = asyncio.Semaphore(SATURATION_IN_FLIGHT)

            async def inject(i: int) -> None:
                async with sem:
                    await st.inject(ids[i % LANES], f"m{i}")

            await asyncio.gather(*(inject(i) for i in range(200)))  # warm up connections and caches
            await _wait_delivered(receiver, 200, 60)
            fixed = await fixed_load(st, ids, receiver, fixed_s)
            receiver.rows.clear()
            # saturation: as fast as the pipeline takes them, SATURATION_IN_FLIGHT injections in flight
            cpu_before = st.cpu()
            start = time.monotonic()
            await asyncio.gather(*(inject(i) for i in range(total)))
            injected_s = time.monotonic() - start
            await _wait_delivered(receiver, total, 120)
            cpu_used = {name: cpu - cpu_before[name] for name, cpu in st.cpu().items()}
            last = max(r[0] for r in receiver.rows) / 1000
            delivered_per_s = total / (last - (time.time() - (time.monotonic() - start)))
            sample = receiver.rows[-1]
        payload = orjson.dumps({"type": "ReceivedCallback", "instanceId": sample[2], "messageId": sample[3],
                                "momment": sample[1], "text": {"message": "m"}, "phone": "5511988887777"})
        base = await baseline(f"{receiver.url}/baseline", payload, total, LANES)
    finally:
        await receiver.stop()
    return {"inbound_delivered_per_s": delivered_per_s,
            "inbound_injected_per_s": total / injected_s,
            "inbound_baseline_post_per_s": base,
            "inbound_ratio_vs_baseline": delivered_per_s / base,
            # CPU each role spent per event at saturation (ms): what a change to one role's path did to it
            "inbound_worker_cpu_ms_per_event": cpu_used["worker-0"] * 1000 / total,
            "inbound_dispatch_cpu_ms_per_event": cpu_used["dispatch-0"] * 1000 / total,
            **fixed}
