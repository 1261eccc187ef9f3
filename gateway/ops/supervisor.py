"""Run the roles as child processes, restart a child that dies, stop them all on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


def _child_preexec() -> None:  # pragma: no cover - runs in the child between fork and exec
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass(slots=True)
class ChildSpec:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)  # on top of the supervisor's environment


@dataclass(slots=True)
class Child:
    spec: ChildSpec
    proc: asyncio.subprocess.Process | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff_s: float = 0.5
    history: list[int] = field(default_factory=list)


class Supervisor:
    """Owns the role processes: ``run()`` until stopped, ``close()`` stops every child."""

    def __init__(self, specs: list[ChildSpec], env: dict[str, str] | None = None,
                 stop_timeout_s: float = 15.0) -> None:
        self.children = {s.name: Child(s) for s in specs}
        self.env = env
        self.stop_timeout_s = stop_timeout_s
        self._stopping = asyncio.Event()

    def __repr__(self) -> str:
        alive = sum(1 for c in self.children.values() if c.proc and c.proc.returncode is None)
        restarts = sum(c.restarts for c in self.children.values())
        return f"<Supervisor children={len(self.children)} alive={alive} restarts={restarts}>"

    def pids(self) -> dict[str, int]:
        return {n: c.proc.pid for n, c in self.children.items() if c.proc and c.proc.returncode is None}

    async def _start(self, child: Child) -> None:
        env = {**(os.environ if self.env is None else self.env), **child.spec.env} if child.spec.env else self.env
        child.proc = await asyncio.create_subprocess_exec(
            *child.spec.argv, env=env, stdin=asyncio.subprocess.DEVNULL,
            preexec_fn=_child_preexec,
        )
        child.started_at = time.monotonic()
        log.info("started %s (pid %s)", child.spec.name, child.proc.pid)

    async def _watch(self, child: Child) -> None:
        while not self._stopping.is_set():
            await self._start(child)
            assert child.proc is not None
            code = await child.proc.wait()
            child.history.append(code)
            if self._stopping.is_set():
                return
            ran_s = time.monotonic() - child.started_at
            child.backoff_s = 0.5 if ran_s > 30 else min(child.backoff_s * 2, 30.0)
            child.restarts += 1
            log.warning("%s exited with %s after %.1fs; restarting in %.1fs",
                        child.spec.name, code, ran_s, child.backoff_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=child.backoff_s)

    async def run(self, stop: asyncio.Event) -> None:
        watchers = [asyncio.create_task(self._watch(c), name=f"watch-{n}") for n, c in self.children.items()]
        try:
            await stop.wait()
        finally:
            self._stopping.set()
            await self.close()
            for w in watchers:
                w.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)

    async def close(self) -> None:
        self._stopping.set()
        live = [c.proc for c in self.children.values() if c.proc and c.proc.returncode is None]
        for proc in live:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        if not live:
            return
        _done, pending = await asyncio.wait([asyncio.create_task(p.wait()) for p in live],
                                            timeout=self.stop_timeout_s)
        if pending:
            for proc in live:
                if proc.returncode is None:
                    log.warning("pid %s did not stop in %.0fs; killing its group", proc.pid,
                                self.stop_timeout_s)
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
            await asyncio.gather(*(p.wait() for p in live))


@dataclass(frozen=True, slots=True)
class MetricsPorts:
    """Where `zapgate up`'s children serve Prometheus metrics: dispatch, and each worker on its own port."""

    dispatch: int
    workers: tuple[int, ...]


def metrics_ports(http_port: int, worker_port: int, dispatch_port: int, workers: int) -> MetricsPorts:
    """A port setting of 0 (the default) follows the api's: dispatch at http_port + 1, worker i at
    http_port + 1 + i. A set ZAPGATE_WORKER_METRICS_PORT is worker 1's; the others count up from it."""
    dispatch = dispatch_port or http_port + 1
    first = worker_port or http_port + 2
    ports = tuple(first + i for i in range(workers))
    taken = [http_port, dispatch, *ports]
    if len(set(taken)) != len(taken) or max(taken) > 65535:
        raise ValueError(f"metrics ports collide or overflow: api {http_port}, dispatch {dispatch}, "
                         f"workers {ports[0]}..{ports[-1]} (set ZAPGATE_WORKER_METRICS_PORT and "
                         "ZAPGATE_DISPATCH_METRICS_PORT apart)")
    return MetricsPorts(dispatch, ports)


def role_specs(workers: int, metrics: MetricsPorts | None = None) -> list[ChildSpec]:
    py = sys.executable
    specs = [ChildSpec("api", [py, "-m", "gateway", "api"])]
    specs += [ChildSpec(f"worker-{i}", [py, "-m", "gateway", "worker"],
                        {"ZAPGATE_WORKER_METRICS_PORT": str(metrics.workers[i - 1])} if metrics else {})
              for i in range(1, workers + 1)]
    specs.append(ChildSpec("dispatch", [py, "-m", "dispatch"],
                           {"ZAPGATE_DISPATCH_METRICS_PORT": str(metrics.dispatch)} if metrics else {}))
    return specs
