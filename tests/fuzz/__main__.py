"""The long fuzz run for releases: ``make fuzz`` (``python -m tests.fuzz [--minutes N] [--examples N]``).

Same setup as ``tests/integration/test_fuzz_api.py`` (a whole stack in this process, the api served over
HTTP, a real paired sandbox instance behind auth), but schemathesis keeps fuzzing until the time is spent.
The result goes to ``docs/security.md`` between the fuzz markers; the exit code is 1 when anything failed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shlex
import subprocess
import sys
from pathlib import Path

from gateway.infra.db.migrate import migrate
from gateway.ops.bootstrap import PartnerTokens, bootstrap_partner
from tests.bench.common import machine
from tests.fuzz.run import FuzzResult, fuzz_stack
from tests.support.api import CLIENT_TOKEN, PARTNER_TOKEN, cleanup, make_settings
from tests.support.stack import fast, open_stack

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
BEGIN, END = "<!-- fuzz:begin -->", "<!-- fuzz:end -->"
SHOWN_FAILURES = 20


def _commit() -> str:
    """HEAD, and whether the tree the run used had changes on top of it."""
    commit = str(machine()["commit"])
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True, check=False, cwd=ROOT).stdout.strip()
    return f"{commit} (with uncommitted changes)" if dirty else commit


def render(result: FuzzResult, command: str) -> str:
    facts = machine()
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(result.statuses.items()))
    phases = ", ".join(f"{phase} {n}" for phase, n in sorted(result.by_phase.items()))
    lines = [
        BEGIN, "",
        f"Command: `{command}`; commit {_commit()}; {facts['cores']} cores, {facts['ram_gib']} GiB, "
        f"{facts['cpu']}, Python {facts['python']}; schemathesis seed {result.seed}.", "",
        "| duration | operations | examples | failures | server errors |",
        "|---:|---:|---:|---:|---:|",
        f"| {result.duration_s:.0f} s | {len(result.operations)} of {len(result.documented)} | {result.examples} "
        f"| {len(result.failures)} | {result.server_errors} |", "",
        f"Answers by status: {statuses}. Examples by phase: {phases}. Checks: not_a_server_error, "
        "status_code_conformance, content_type_conformance, response_schema_conformance.",
    ]
    if result.failures:
        lines += ["", "Failures (first ones):", "", *(f"- `{f[:300]}`" for f in result.failures[:SHOWN_FAILURES])]
    return "\n".join([*lines, "", END])


def publish(result: FuzzResult, command: str) -> None:
    """Replace the block between the fuzz markers (appended, with a heading, when missing)."""
    text = DOC.read_text()
    block = render(result, command)
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## Fuzzing results\n\n" + block + "\n"
    DOC.write_text(text)


async def main_async(args: argparse.Namespace) -> FuzzResult:
    settings = make_settings()
    await migrate(settings)
    await bootstrap_partner(settings, PartnerTokens(PARTNER_TOKEN, CLIENT_TOKEN, False))
    try:
        async for stack in open_stack(fast(settings)):
            return await fuzz_stack(stack, seed=args.seed, max_examples=args.examples,
                                    max_time_s=max(1, round(args.minutes * 60)))
        raise RuntimeError("the stack did not start")
    finally:
        await cleanup(settings)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="time budget of the run (default 5)")
    parser.add_argument("--examples", type=int, default=100, help="examples per operation and round (default 100)")
    parser.add_argument("--seed", type=int, default=20240612)
    parser.add_argument("--no-publish", action="store_true", help="do not write docs/security.md")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    result = asyncio.run(main_async(args))
    print(f"fuzz: {result.summary()}")
    for failure in result.failures[:SHOWN_FAILURES]:
        print(f"  {failure}")
    if not args.no_publish:
        publish(result, shlex.join(["python", "-m", "tests.fuzz", *sys.argv[1:]]))
    return 1 if result.failures or result.server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
