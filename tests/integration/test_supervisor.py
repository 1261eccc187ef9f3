"""The supervisor restarts a child that dies and stops every child on close."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from gateway.ops.supervisor import ChildSpec, Supervisor


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split()[2] != "Z"


async def _wait_for(predicate, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_restart_and_stop() -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    sup = Supervisor([ChildSpec("a", sleeper), ChildSpec("b", sleeper)], stop_timeout_s=5)
    stop = asyncio.Event()
    runner = asyncio.create_task(sup.run(stop))
    await _wait_for(lambda: len(sup.pids()) == 2)
    first = sup.pids()
    os.kill(first["a"], signal.SIGKILL)
    await _wait_for(lambda: sup.pids().get("a") not in (None, first["a"]))
    assert sup.children["a"].restarts == 1 and sup.pids()["b"] == first["b"]
    assert "restarts=1" in repr(sup)
    pids = list(sup.pids().values())
    stop.set()
    await asyncio.wait_for(runner, 10)
    assert not any(_alive(p) for p in pids)


async def test_child_ignoring_sigterm_is_killed() -> None:
    stubborn = [sys.executable, "-c",
                "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"]
    sup = Supervisor([ChildSpec("s", stubborn)], stop_timeout_s=1)
    stop = asyncio.Event()
    runner = asyncio.create_task(sup.run(stop))
    await _wait_for(lambda: len(sup.pids()) == 1)
    await asyncio.sleep(0.3)
    pid = sup.pids()["s"]
    stop.set()
    await asyncio.wait_for(runner, 10)
    assert not _alive(pid)
