"""Benchmark plumbing: an isolated stack in real processes, a lean receiver, percentiles, machine facts."""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from gateway.api.control import ControlClient
from gateway.core.commands import Action
from gateway.core.config import Settings
from gateway.core.ids import hash_token, instance_token, new_instance_id
from gateway.core.models import CallbackKind, EngineKind
from gateway.core.names import Names
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.db.migrate import migrate
from gateway.infra.kv.state import connect_redis
from gateway.ops.bootstrap import PartnerTokens, bootstrap_partner
from tests.support.api import CLIENT_TOKEN, PARTNER_TOKEN, cleanup, make_settings
from tests.support.processes import free_port, settings_env
from tests.support.receiver import serve


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    mem_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "unknown")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            check=False).stdout.strip() or "unknown"
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                             text=True, check=False).stdout.strip()
    return {"cores": os.cpu_count(), "ram_gib": round(mem_kb / 1024 / 1024, 1), "cpu": model,
            "python": sys.version.split()[0], "commit": commit, "dirty": bool(changed)}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def sample(pid: int, out: str) -> subprocess.Popen[bytes]:
    """py-spy records the process's on-CPU stacks (100 samples/s) into ``out``, folded, until the process exits."""
    py_spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen([str(py_spy), "record", "--pid", str(pid), "--rate", "100", "--format", "raw",
                             "--output", out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Receiver:
    """Records (arrival ms, momment, instance, messageId, webhook-id); optionally fails on purpose."""

    port: int = 0
    rows: list[tuple[float, int, str, str, str]] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        body = orjson.loads(await request.read())
        self.rows.append((time.time() * 1000, int(body.get("momment") or 0), body.get("instanceId", ""),
                          body.get("messageId", ""), request.headers.get("webhook-id", "")))
        return web.Response(text="ok")

    async def start(self) -> None:
        self._runner, self.port = await serve("POST", self._handle)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def unique_received(self) -> dict[str, tuple[float, int, str]]:
        out: dict[str, tuple[float, int, str]] = {}
        for arrived, moment, instance, message_id, wid in self.rows:
            out.setdefault(wid, (arrived, moment, f"{instance}/{message_id}"))
        return out


@dataclass
class Stack:
    settings: Settings
    names: Names
    db: Database
    bus: Bus
    redis: Any
    control: ControlClient
    procs: dict[str, subprocess.Popen[bytes]]
    env: dict[str, str]

    metrics_ports: dict[str, int] = field(default_factory=dict)  # process name -> its /metrics port
    profilers: list[subprocess.Popen[bytes]] = field(default_factory=list)  # py-spy, with BENCH_PROFILE_TO

    def spawn(self, name: str, argv: list[str], **env: str) -> subprocess.Popen[bytes]:
        """Start a role; its log goes to ``$BENCH_LOG_DIR/<name>.log`` when that is set (else nowhere)."""
        log_dir = os.environ.get("BENCH_LOG_DIR")
        log = open(f"{log_dir}/{name}.log", "ab") if log_dir else subprocess.DEVNULL  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, *argv], env={**self.env, **env}, stdout=log, stderr=log)
        if not isinstance(log, int):
            log.close()  # the child has its own copy
        self.procs[name] = proc
        if profile_to := os.environ.get("BENCH_PROFILE_TO"):  # `make profile`: sample the role until it exits
            self.profilers.append(sample(proc.pid, f"{profile_to}-{name}.folded"))
        return proc

    def cpu(self) -> dict[str, float]:
        """CPU seconds (user + system) each running role has used so far."""
        return {name: cpu_s(proc.pid) for name, proc in self.procs.items() if proc.poll() is None}

    async def instances(self, count: int, hook_url: str | None, concurrency: int = 8) -> list[str]:
        store = InstanceStore(self.db)
        partner = await store.partner_by_token_hash(hash_token(PARTNER_TOKEN))
        assert partner is not None
        callbacks: dict[CallbackKind, str | None] = {CallbackKind.RECEIVED: hook_url} if hook_url else {}
        secret = self.settings.secret_key.get_secret_value()
        sem = asyncio.Semaphore(concurrency)

        async def create() -> str:
            iid = new_instance_id()
            async with sem:
                inst = await store.create(instance_id=iid, partner_id=partner.id, name="bench",
                                          engine=EngineKind.SANDBOX,
                                          token_hash=hash_token(instance_token(secret, iid, 1)),
                                          callbacks=callbacks, notify_sent_by_me=False)
            return inst.id

        ids = list(await asyncio.gather(*(create() for _ in range(count))))
        await self.bus.publish(self.names.placement_subject, b"bench")
        return ids

    async def pair(self, ids: list[str], timeout_s: float = 120, concurrency: int = 32) -> None:
        """The simulated phone scans each instance's QR (retried until its worker answers)."""
        deadline = time.monotonic() + timeout_s
        sem = asyncio.Semaphore(concurrency)

        async def scan(i: int, instance_id: str) -> None:
            while True:
                async with sem:
                    try:
                        await self.control.call(instance_id, Action.SANDBOX_SCAN, phone=f"5511{i:09d}")
                        return
                    except Exception:
                        assert time.monotonic() < deadline, f"{instance_id} not paired in time"
                await asyncio.sleep(0.2)

        await asyncio.gather(*(scan(i, instance_id) for i, instance_id in enumerate(ids)))

    async def inject(self, instance_id: str, text: str) -> str:
        """A text message arrives at the instance (answered once durable); returns its message id."""
        reply = await self.control.call(instance_id, Action.SANDBOX_INBOUND,
                                        **{"from": "5511988887777", "type": "text", "message": text})
        return str(reply.get("messageId", ""))


@asynccontextmanager
async def stack(workers: int = 1, dispatchers: int = 1, metrics: bool = False,
                **overrides: Any) -> AsyncIterator[Stack]:
    """An isolated stack (own schema/prefixes) with workers and dispatchers as real processes.

    ``metrics``: each worker serves Prometheus ``/metrics`` on a port of its own (``Stack.metrics_ports``).
    """
    base: dict[str, Any] = {"send_gap_s": "0", "sandbox_receipt_delay_s": 0.0, "sandbox_reconnect_delay_s": 0.0,
                            "placement_interval_s": 0.3, "log_level": "WARNING", "webhook_retry_initial_s": 0.05,
                            "webhook_retry_max_s": 0.5}
    base.update(overrides)
    s = make_settings(**base)
    await migrate(s)
    await bootstrap_partner(s, PartnerTokens(PARTNER_TOKEN, CLIENT_TOKEN, False))
    db = await Database.connect(s)
    bus = await Bus.connect(s.nats_url)
    extra = {"ZAPGATE_LOG_LEVEL": "WARNING", "ZAPGATE_PLACEMENT_INTERVAL_S": str(s.placement_interval_s),
             "ZAPGATE_WEBHOOK_RETRY_INITIAL_S": "0.05", "ZAPGATE_WEBHOOK_RETRY_MAX_S": "0.5"}
    env = settings_env(s, **{**extra, **{f"ZAPGATE_{k.upper()}": str(v) for k, v in overrides.items()}})
    st = Stack(s, Names.from_settings(s), db, bus, connect_redis(s.redis_url),
               ControlClient(bus, Names.from_settings(s), 10.0), {}, env)
    try:
        for i in range(workers):
            env = {}
            if metrics:
                st.metrics_ports[f"worker-{i}"] = port = free_port()
                env["ZAPGATE_WORKER_METRICS_PORT"] = str(port)
            st.spawn(f"worker-{i}", ["-m", "gateway", "worker", "--worker-id", f"bench-w{i}"], **env)
        for i in range(dispatchers):
            st.spawn(f"dispatch-{i}", ["-m", "dispatch"])
        yield st
    finally:
        for proc in st.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in st.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        for profiler in st.profilers:  # each writes its file once its role has exited
            profiler.wait(timeout=60)
        await st.redis.aclose()
        await bus.close()
        await db.close()
        await cleanup(s)
