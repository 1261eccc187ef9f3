"""Inbound pipeline: injected sandbox messages → worker → JetStream → dispatch → a local receiver.

Figures: delivered events/s at saturation, inject→receiver latency p50/p99 at a fixed 1,000 events/s.
Baseline (same run, same receiver, same payload, same concurrency as lanes): a bare aiohttp POST loop.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import orjson

from tests.bench.common import Receiver, pct, stack

LANES = 10


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


async def run(quick: bool) -> dict[str, Any]:
    total = 2000 if quick else 8000
    latency_s = 3 if quick else 6
    receiver = Receiver()
    await receiver.start()
    try:
        async with stack(workers=1, dispatchers=1) as st:
            ids = await st.instances(LANES, f"{receiver.url}/received")
            await st.pair(ids)
            sem = asyncio.Semaphore(128)

            async def inject(i: int) -> None:
                async with sem:
                    await st.inject(ids[i % LANES], f"m{i}")

            start = time.monotonic()
            await asyncio.gather(*(inject(i) for i in range(total)))
            injected_s = time.monotonic() - start
            await _wait_delivered(receiver, total, 120)
            last = max(r[0] for r in receiver.rows) / 1000
            delivered_per_s = total / (last - (time.time() - (time.monotonic() - start)))
            sample = receiver.rows[-1]
            receiver.rows.clear()
            # fixed offered rate: 1,000 events/s
            count = 1000 * latency_s
            t0 = time.monotonic()
            tasks = []
            for i in range(count):
                due = t0 + i / 1000
                if (delay := due - time.monotonic()) > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(inject(total + i)))
            await asyncio.gather(*tasks)
            await _wait_delivered(receiver, count, 120)
            latencies = [arrived - moment for arrived, moment, *_ in receiver.unique_received().values()]
        payload = orjson.dumps({"type": "ReceivedCallback", "instanceId": sample[2], "messageId": sample[3],
                                "momment": sample[1], "text": {"message": "m"}, "phone": "5511988887777"})
        base = await baseline(f"{receiver.url}/baseline", payload, total, LANES)
    finally:
        await receiver.stop()
    return {"inbound_delivered_per_s": total / max(injected_s, 1e-9) if delivered_per_s <= 0 else delivered_per_s,
            "inbound_injected_per_s": total / injected_s,
            "inbound_baseline_post_per_s": base,
            "inbound_ratio_vs_baseline": delivered_per_s / base,
            "inbound_latency_p50_ms_at_1000": pct(latencies, 50),
            "inbound_latency_p99_ms_at_1000": pct(latencies, 99)}
