"""``python -m tests.bench.split [RATE] [SECONDS] [--spy DIR]``: where the inbound latency goes at a fixed load.

Offers RATE events/s (default 500, open loop) for SECONDS (default 8) to the inbound benchmark's stack, then
splits each event's way with the timestamps Postgres keeps: *capture → persisted* (the engine's timestamp to the
start of the transaction that stored the event: the worker, JetStream and dispatch's fetch) and *persisted →
arrived* (to the receiver: dispatch's lanes, the POST included). Prints p50/p90/p99 of each and the share of a
core every busy process used during the load (the host's CPU is what both halves wait for), and a timeline: per
half second of capture time, the p50 and the worst of capture → arrived (a stall, or a queue that grows).

``--spy DIR``: py-spy samples dispatch and the worker during the load only (100 Hz), writes their folded stacks
to DIR and prints where their CPU went, as ``make profile`` does for the whole benchmark (at saturation).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import time
from pathlib import Path

from tests.bench.common import Receiver, pct, sample
from tests.bench.inbound import LANES, _wait_delivered, paired
from tests.bench.openloop import open_loop
from tests.bench.profile import render_role, summarize

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


SPIED = ("dispatch-0", "worker-0")


async def main(rate: int, seconds: float, spy: Path | None) -> None:
    receiver = Receiver()
    await receiver.start()
    try:
        async with paired(receiver) as (st, ids):
            await asyncio.gather(*(st.inject(ids[i % LANES], f"warm{i}") for i in range(200)))
            await _wait_delivered(receiver, 200, 60)
            receiver.rows.clear()
            samplers = [sample(st.procs[name].pid, str(spy / f"{name}.folded")) for name in SPIED] if spy else []
            started, cpu_before = time.time(), cpu_by_process()
            load = await open_loop(rate, int(rate * seconds), lambda i: st.inject(ids[i % LANES], f"s{i}"))
            await _wait_delivered(receiver, load.count - load.errors, 120)
            elapsed, cpu_after = time.time() - started, cpu_by_process()
            for proc in samplers:
                proc.send_signal(signal.SIGINT)  # py-spy writes what it sampled and exits
            for proc in samplers:
                proc.wait(30)
            arrived = {key: at for at, _moment, key in receiver.unique_received().values()}
            to_persist, to_arrive = [], []
            timeline: dict[int, list[float]] = {}  # half seconds of capture time -> capture → arrived
            for row in await st.db.pool.fetch(_SPLIT, started):
                at = arrived.get(f"{row['instance_id']}/{row['message_id']}")
                if at is not None:
                    to_persist.append(float(row["persisted_ms"] - row["captured_ms"]))
                    to_arrive.append(at - float(row["persisted_ms"]))
                    half = int((float(row["captured_ms"]) / 1000 - started) * 2)
                    timeline.setdefault(half, []).append(at - float(row["captured_ms"]))
    finally:
        await receiver.stop()
    print(f"{rate}/s offered for {seconds:g} s; {len(to_arrive)} events; inject → answered p99 "
          f"{pct(load.latencies_ms, 99):.1f} ms")
    for name, values in (("capture → persisted", to_persist), ("persisted → arrived", to_arrive)):
        print(f"{name:22s} p50 {pct(values, 50):7.1f}  p90 {pct(values, 90):7.1f}  p99 {pct(values, 99):7.1f} ms")
    print("capture → arrived per half second (p50/worst ms):",
          " ".join(f"{half / 2:g}s {pct(v, 50):.0f}/{max(v):.0f}" for half, v in sorted(timeline.items())))
    used = {k: v - cpu_before.get(k, 0.0) for k, v in cpu_after.items()}
    for key in sorted(used, key=lambda k: -used[k])[:8]:
        print(f"{100 * used[key] / elapsed:6.1f}% of a core  {key}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.bench.split")
    parser.add_argument("rate", type=int, nargs="?", default=500)
    parser.add_argument("seconds", type=float, nargs="?", default=8)
    parser.add_argument("--spy", type=Path, help="sample dispatch and the worker with py-spy; folded stacks here")
    args = parser.parse_args()
    if args.spy is not None:
        args.spy.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(args.rate, args.seconds, args.spy))
    for role in SPIED if args.spy is not None else ():
        profile = summarize((args.spy / f"{role}.folded").read_text())
        print("\n".join(render_role(f"{role} at {args.rate}/s", profile)))
