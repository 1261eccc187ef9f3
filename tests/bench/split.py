"""``python -m tests.bench.split [RATE] [SECONDS]``: where the inbound latency goes at a fixed load.

Offers RATE events/s (default 500, open loop) for SECONDS (default 8) to the inbound benchmark's stack, then
splits each event's way with the timestamps Postgres keeps: *capture → persisted* (the engine's timestamp to the
start of the transaction that stored the event: the worker, JetStream and dispatch's fetch) and *persisted →
arrived* (to the receiver: dispatch's lanes, the POST included). Prints p50/p90/p99 of each and the share of a
core every busy process used during the load (the host's CPU is what both halves wait for).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from tests.bench.common import Receiver, pct
from tests.bench.inbound import LANES, _wait_delivered, paired
from tests.bench.openloop import open_loop

_SPLIT = """
SELECT d.instance_id, convert_from(d.payload, 'UTF8')::jsonb ->> 'messageId' AS message_id,
       extract(epoch FROM e.at) * 1000 AS captured_ms, extract(epoch FROM e.created_at) * 1000 AS persisted_ms
FROM events e JOIN deliveries d ON d.event_row = e.id
WHERE e.created_at >= to_timestamp($1::float8)"""


def cpu_by_process() -> dict[str, float]:
    """CPU seconds (user + system) of every process, keyed by pid and command line."""
    out: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:70]
        except OSError:
            continue
        out[f"{pid} {cmd}"] = (int(stat[11]) + int(stat[12])) / tick
    return out


async def main(rate: int, seconds: float) -> None:
    receiver = Receiver()
    await receiver.start()
    try:
        async with paired(receiver) as (st, ids):
            await asyncio.gather(*(st.inject(ids[i % LANES], f"warm{i}") for i in range(200)))
            await _wait_delivered(receiver, 200, 60)
            receiver.rows.clear()
            started, cpu_before = time.time(), cpu_by_process()
            load = await open_loop(rate, int(rate * seconds), lambda i: st.inject(ids[i % LANES], f"s{i}"))
            await _wait_delivered(receiver, load.count - load.errors, 120)
            elapsed, cpu_after = time.time() - started, cpu_by_process()
            arrived = {key: at for at, _moment, key in receiver.unique_received().values()}
            to_persist, to_arrive = [], []
            for row in await st.db.pool.fetch(_SPLIT, started):
                at = arrived.get(f"{row['instance_id']}/{row['message_id']}")
                if at is not None:
                    to_persist.append(float(row["persisted_ms"] - row["captured_ms"]))
                    to_arrive.append(at - float(row["persisted_ms"]))
    finally:
        await receiver.stop()
    print(f"{rate}/s offered for {seconds:g} s; {len(to_arrive)} events; inject → answered p99 "
          f"{pct(load.latencies_ms, 99):.1f} ms")
    for name, values in (("capture → persisted", to_persist), ("persisted → arrived", to_arrive)):
        print(f"{name:22s} p50 {pct(values, 50):7.1f}  p90 {pct(values, 90):7.1f}  p99 {pct(values, 99):7.1f} ms")
    used = {k: v - cpu_before.get(k, 0.0) for k, v in cpu_after.items()}
    for key in sorted(used, key=lambda k: -used[k])[:8]:
        print(f"{100 * used[key] / elapsed:6.1f}% of a core  {key}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, float(sys.argv[2]) if len(sys.argv) > 2 else 8))
