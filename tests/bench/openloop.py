"""An open-loop load generator: calls issued on a fixed schedule, latency measured from the scheduled time.

Call ``i`` is due at ``start + i / rate``. The generator never waits for a call to finish before issuing the
next one, and every latency counts from the call's *scheduled* time, not from when it was really issued: a
stall (in the system or in the generator itself) shows up in the latencies of every call it delayed instead
of silently lowering the offered load (no coordinated omission). ``issue_lag_ms_max`` says how far behind its
schedule the generator itself fell, and ``offered_per_s`` the rate it really offered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class OpenLoop(Generic[T]):
    rate: float
    count: int
    started_wall_s: float = 0.0  # wall clock of the schedule's origin (to compare with other processes' stamps)
    offered_per_s: float = 0.0  # intervals issued / time from the first due time to the last issue
    completed_per_s: float = 0.0  # calls finished / time from the first due time to the last completion
    issue_lag_ms_max: float = 0.0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)  # completion - scheduled time, successful calls
    results: dict[int, T] = field(default_factory=dict)  # call index -> what the call returned

    def scheduled_wall_ms(self, i: int) -> float:
        return (self.started_wall_s + i / self.rate) * 1000


async def open_loop(rate: float, count: int, call: Callable[[int], Awaitable[T]]) -> OpenLoop[T]:
    """Issue ``call(0..count-1)`` at ``rate`` per second, open loop; wait for all, return the measurements."""
    out: OpenLoop[T] = OpenLoop(rate, count)
    last_done = 0.0

    async def one(i: int, due: float) -> None:
        nonlocal last_done
        try:
            out.results[i] = await call(i)
        except Exception:
            out.errors += 1
        else:
            out.latencies_ms.append((time.perf_counter() - due) * 1000)
        last_done = max(last_done, time.perf_counter())

    tasks: list[asyncio.Task[None]] = []
    out.started_wall_s, start = time.time(), time.perf_counter()
    i, issued_s = 0, 0.0
    while i < count:
        now = time.perf_counter()
        while i < count and (due := start + i / rate) <= now:  # everything due by now, even after a stall
            out.issue_lag_ms_max = max(out.issue_lag_ms_max, (now - due) * 1000)
            tasks.append(asyncio.create_task(one(i, due)))
            i += 1
        issued_s = now - start
        if i < count:
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
    await asyncio.gather(*tasks)
    out.offered_per_s = (count - 1) / issued_s if count > 1 and issued_s > 0 else rate
    out.completed_per_s = (count - out.errors) / max(last_done - start, 1e-9)
    return out
