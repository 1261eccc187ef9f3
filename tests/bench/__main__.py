"""``make bench`` / ``python -m tests.bench [--quick]``: run, take medians, write docs/benchmarks.{md,json}."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import time
from pathlib import Path
from typing import Any

from tests.bench.common import machine, median

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


def render(report: dict[str, Any], command: str) -> str:
    m = report["machine"]
    lines = ["# Benchmarks", "", f"Command: `{command}` — {report['runs']} runs per figure, median shown; "
             f"{'quick sizes' if report['quick'] else 'full sizes'}; took {report['seconds']} s.", "",
             f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']}, "
             f"commit `{m['commit']}`. Postgres, Redis and NATS run on the same machine.", "",
             "| figure | median | runs |", "|---|---|---|"]
    for key, value in report["median"].items():
        runs = ", ".join(f"{v:.1f}" for v in report["all"][key])
        lines.append(f"| `{key}` | {value:.2f} | {runs} |")
    lines += ["", "How each figure is measured, and what limits it: see `docs/benchmarks-method.md`.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    report = asyncio.run(main(args.quick, args.only))
    command = "make bench" + (" QUICK=1" if args.quick else "")
    if not args.only and not args.quick:
        (DOCS / "benchmarks.json").write_text(json.dumps(report, indent=2) + "\n")
        (DOCS / "benchmarks.md").write_text(render(report, command))
    print("\n" + render(report, command))
