"""``python -m tests.bench.ab BASE [--pairs N] [--only SUITE]``: a quick benchmark suite of commit BASE against
the working tree, in pairs, each pair in the other order than the one before (ABBA), with a pause before every
run (the role zapgate connects as may not ``CHECKPOINT``).

Why the order alternates: in eight pairs of the quick inbound bench run back to back, the side that ran first
had the higher delivered/s in every pair, whichever side it was (four pairs each way;
``docs/benchmarks-method.md``). What a run leaves behind (Postgres's dirty pages and autovacuum, JetStream's
files, most likely) costs the run after it.
BASE is checked out in a temporary worktree and removed at the end. Prints every run's figures, then per figure
the medians of both sides and in how many pairs the working tree did better.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAUSE_S = 10.0
_RUN = ("import asyncio, importlib, json; "
        "print(json.dumps(asyncio.run(importlib.import_module('tests.bench.{}').run(True))))")


def order(pairs: int) -> list[str]:
    """Which side runs when: 'base' and 'tree' in ABBA order."""
    sides: list[str] = []
    for n in range(pairs):
        sides += ["base", "tree"] if n % 2 == 0 else ["tree", "base"]
    return sides


def higher_is_better(key: str) -> bool:
    return key.endswith("_per_s") or "ratio" in key or "_per_s_at_" in key


def compare(runs: list[tuple[str, dict[str, float]]]) -> dict[str, tuple[float, float, int, int]]:
    """Per figure: (base median, tree median, pairs the tree did better in, pairs)."""
    out: dict[str, tuple[float, float, int, int]] = {}
    pairs = [dict(runs[i:i + 2]) for i in range(0, len(runs) - 1, 2)]
    for key in runs[0][1]:
        base = [p["base"][key] for p in pairs if key in p["base"] and key in p["tree"]]
        tree = [p["tree"][key] for p in pairs if key in p["base"] and key in p["tree"]]
        wins = sum((t > b) if higher_is_better(key) else (t < b) for b, t in zip(base, tree, strict=True))
        if base:
            out[key] = (statistics.median(base), statistics.median(tree), wins, len(base))
    return out


def run_suite(tree: Path, suite: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _RUN.format(suite)], cwd=tree, capture_output=True, text=True,
                          check=True)
    return {k: float(v) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def main(base: str, pairs: int, suite: str) -> None:
    with tempfile.TemporaryDirectory(prefix="zg-ab-") as tmp:
        worktree = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(worktree), base], cwd=ROOT, check=True)
        try:
            runs = []
            for side in order(pairs):
                time.sleep(PAUSE_S)
                figures = run_suite(worktree if side == "base" else ROOT, suite)
                print(side, " ".join(f"{k}={v:.4g}" for k, v in figures.items()), flush=True)
                runs.append((side, figures))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False)
    print(f"\n{suite}: {base} (base) against the working tree, {pairs} pairs in ABBA order")
    for key, (b, t, wins, n) in compare(runs).items():
        print(f"  {key:48s} base {b:10.4g}  tree {t:10.4g}  tree better in {wins}/{n}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--only", default="inbound", choices=["inbound", "send"])
    args = parser.parse_args()
    main(args.base, args.pairs, args.only)
