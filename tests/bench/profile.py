"""``make profile``: where each role spends its CPU under the inbound and send benchmarks (py-spy).

Every role the benchmark stack starts is sampled by py-spy (100 on-CPU samples a second) from its start to its
stop. Writes ``docs/profiles/<suite>-<role>.folded`` (folded stacks, the input of a flame graph: speedscope or
``flamegraph.pl`` draw it) and ``docs/profiles.md``: for each role, the functions most often on the stack
(inclusive) and at its top (self). py-spy attaches to running processes, so it needs root or
``kernel.yama.ptrace_scope = 0``.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.bench.common import machine

SUITES = ["inbound", "send"]
OUT = Path(__file__).resolve().parents[2] / "docs"
TOP_INCLUSIVE = 15
TOP_SELF = 12
_FRAME = re.compile(r"(?P<fn>.*?) \((?P<path>.*?):\d+\)$")
_STARTUP = "_find_and_load "  # importing modules (the api builds its routes at import)
_OWN = ("gateway/", "dispatch/")
_PATHS = [(re.compile(r".*/site-packages/"), ""), (re.compile(r".*/lib/python3\.\d+/"), "std/"),
          (re.compile(r"^" + re.escape(str(OUT.parent)) + "/"), "")]


@dataclass
class Profile:
    samples: int  # the role at work: startup (imports, building the app) is left out and counted apart
    inclusive: Counter[str]
    self_: Counter[str]
    startup: int = 0


def frame_name(frame: str) -> str:
    """``fn (path:line)`` → ``fn (short path)``: one entry per function, whatever the line."""
    m = _FRAME.match(frame)
    if m is None:
        return frame
    path = m["path"]
    for pattern, repl in _PATHS:
        path = pattern.sub(repl, path)
    return f"{m['fn']} ({path})"


def summarize(folded: str) -> Profile:
    """Count samples per function: on the stack at all (inclusive, once per sample) and at its top (self)."""
    inclusive: Counter[str] = Counter()
    self_: Counter[str] = Counter()
    total = startup = 0
    for line in folded.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        names = [frame_name(f) for f in stack.split(";")]
        if any(name.startswith(_STARTUP) for name in names):
            startup += n
            continue
        total += n
        for name in set(names):
            inclusive[name] += n
        self_[names[-1]] += n
    return Profile(total, inclusive, self_, startup)


def render_role(title: str, profile: Profile) -> list[str]:
    def pct(n: int) -> str:
        return f"{100 * n / profile.samples:.1f}%"

    # zapgate's own functions, but not the entry points on (nearly) every stack; the top of the stack, anyone's
    inner = [(k, n) for k, n in profile.inclusive.most_common()
             if n < 0.9 * profile.samples and k.partition(" (")[2].startswith(_OWN)][:TOP_INCLUSIVE]
    lines = [f"### {title}", "", f"{profile.samples:,} samples at work (about {profile.samples / 100:.1f} s of CPU; "
             f"startup, {profile.startup / 100:.1f} s, left out).", "",
             "| zapgate's code on the stack (inclusive) | share | | at the top of the stack (self) | share |",
             "|---|---|---|---|---|"]
    tops = profile.self_.most_common(TOP_SELF)
    for i in range(max(len(inner), len(tops))):
        left = f"`{inner[i][0]}` | {pct(inner[i][1])}" if i < len(inner) else " | "
        right = f"`{tops[i][0]}` | {pct(tops[i][1])}" if i < len(tops) else " | "
        lines.append(f"| {left} | | {right} |")
    return [*lines, ""]


async def main() -> None:
    m = machine()  # before the run: the folded stacks it writes are tracked files, and would read as changes
    target = OUT / "profiles"
    target.mkdir(exist_ok=True)
    for old in target.glob("*.folded"):
        old.unlink()
    started = time.monotonic()
    for suite in SUITES:
        print(f"profile {suite}", flush=True)
        os.environ["BENCH_PROFILE_TO"] = str(target / suite)
        try:
            await importlib.import_module(f"tests.bench.{suite}").run(False)  # full sizes: the load dominates
        finally:
            del os.environ["BENCH_PROFILE_TO"]
    lines = ["# Where the CPU goes (py-spy)", "",
             f"Command: `make profile` (`python -m tests.bench.profile`), one run of the inbound and send benchmarks "
             f"with every role sampled by py-spy at 100 Hz; took {time.monotonic() - started:.0f} s. Machine: "
             f"{m['cores']} cores ({m['cpu']}), Python {m['python']}, commit `{m['commit']}`"
             f"{' (with uncommitted changes)' if m['dirty'] else ''}.", "",
             "Only on-CPU samples count (a role waiting for I/O is not sampled), over the role's whole life (pairing",
             "and warm-up included, module imports left out). The folded stacks are in `docs/profiles/`: speedscope or",
             "`flamegraph.pl` draw the flame graphs. What the figures explain: `docs/benchmarks-method.md`.", ""]
    for path in sorted(target.glob("*.folded")):
        suite, _, role = path.stem.partition("-")
        lines += render_role(f"{role} under the {suite} benchmark", summarize(path.read_text()))
    (OUT / "profiles.md").write_text("\n".join(lines))
    print(f"wrote {OUT / 'profiles.md'}")


if __name__ == "__main__":
    asyncio.run(main())
