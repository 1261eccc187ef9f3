"""``make bench`` / ``python -m tests.bench [--quick]``: run, take medians, write docs/benchmarks.{md,json}.

Only a full run of every suite is published (it overwrites the two files); the figures it replaces are kept in
it as ``previous`` so the page shows each figure against the previous published run.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import math
import time
from pathlib import Path
from typing import Any

from tests.bench.common import machine, median
from tests.bench.goals import GOALS, verdict

SUITES = ["inbound", "send", "scale", "failover"]
DOCS = Path(__file__).resolve().parents[2] / "docs"


async def main(quick: bool, only: list[str]) -> dict[str, Any]:
    runs = 1 if quick else 3  # QUICK=1 is a smoke run (about a minute); published figures are medians of 3
    results: dict[str, list[float]] = {}
    started = time.monotonic()
    for name in only or SUITES:
        module = importlib.import_module(f"tests.bench.{name}")
        for n in range(runs):
            print(f"bench {name}: run {n + 1}/{runs}", flush=True)
            for key, value in (await module.run(quick)).items():
                results.setdefault(key, []).append(float(value))
    return {"machine": machine(), "quick": quick, "runs": runs, "seconds": round(time.monotonic() - started, 1),
            "median": {k: median(v) for k, v in results.items()}, "all": results}


def previous_of(published: dict[str, Any] | None, commit: str) -> dict[str, Any] | None:
    """What the page compares with: the published run, or its own previous one when it measured this commit."""
    if not published:
        return None
    if published.get("machine", {}).get("commit") == commit and published.get("previous"):
        return dict(published["previous"])
    return {"commit": published.get("machine", {}).get("commit", "unknown"), "median": published.get("median", {})}


def _fmt(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}" if abs(value) < 1 else f"{value:,.1f}"


def render(report: dict[str, Any], command: str) -> str:
    m, medians = report["machine"], report["median"]
    prev = report.get("previous") or {"commit": None, "median": {}}
    before: dict[str, float] = prev["median"]
    against = f"previous published run, commit `{prev['commit']}`" if prev["commit"] else "no previous run"
    dirty = " (with uncommitted changes)" if m.get("dirty") else ""
    lines = ["# Benchmarks", "", f"Command: `{command}` — {report['runs']} runs per figure, median shown; "
             f"{'quick sizes' if report['quick'] else 'full sizes'}; took {report['seconds']} s.", "",
             f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']}, "
             f"commit `{m['commit']}`{dirty}. Postgres, Redis and NATS run on the same machine. "
             f"Compared with: {against}.", "",
             "## Against the goals (issue 15)", "",
             "| figure | goal | now | verdict | previous |", "|---|---|---|---|---|"]
    for key, goal in GOALS.items():
        lines.append(f"| `{key}` | {goal.text} | {_fmt(medians.get(key))} | {verdict(key, medians)} "
                     f"| {_fmt(before.get(key))} |")
    lines += ["", "## Every figure", "", "| figure | median | previous | runs |", "|---|---|---|---|"]
    for key, value in medians.items():
        runs = ", ".join(_fmt(v) for v in report["all"][key])
        lines.append(f"| `{key}` | {_fmt(value)} | {_fmt(before.get(key))} | {runs} |")
    gone = [k for k in before if k not in medians]
    if gone:
        lines += ["", "Published before, not measured now (replaced, see the method): "
                  + ", ".join(f"`{k}`" for k in gone) + "."]
    lines += ["", "How each figure is measured, and what limits it: see `docs/benchmarks-method.md`.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    published_path = DOCS / "benchmarks.json"
    published = json.loads(published_path.read_text()) if published_path.exists() else None
    report = asyncio.run(main(args.quick, args.only))
    report["previous"] = previous_of(published, report["machine"]["commit"])
    command = "make bench" + (" QUICK=1" if args.quick else "")
    if not args.only and not args.quick:
        published_path.write_text(json.dumps(report, indent=2) + "\n")
        (DOCS / "benchmarks.md").write_text(render(report, command))
    print("\n" + render(report, command))
