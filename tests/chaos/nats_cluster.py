"""A private 3-node JetStream cluster for the fault suite, from the ``nats-server`` binary: each node on its own
client and route ports, with its own store, so one node can be killed and brought back."""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from nats.aio.client import Client

from tests.support.processes import free_port

NODES = 3


async def _quiet(_exc: Exception) -> None:
    """The probes' own clients: a node going away is the experiment, not news."""


@dataclass
class NatsCluster:
    root: Path
    client_ports: list[int] = field(default_factory=lambda: [free_port() for _ in range(NODES)])
    route_ports: list[int] = field(default_factory=lambda: [free_port() for _ in range(NODES)])
    procs: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """``ZAPGATE_NATS_URL`` naming every node."""
        return ",".join(f"nats://127.0.0.1:{port}" for port in self.client_ports)

    def name(self, node: int) -> str:
        return f"zg-chaos-{node}"

    def start(self, node: int) -> None:
        store = self.root / f"nats-{node}"
        store.mkdir(parents=True, exist_ok=True)
        routes = ",".join(f"nats://127.0.0.1:{p}" for i, p in enumerate(self.route_ports) if i != node)
        binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
        self.procs[node] = subprocess.Popen(
            [binary, "-a", "127.0.0.1", "-p", str(self.client_ports[node]), "-n", self.name(node), "-js", "-sd",
             str(store), "--cluster_name", "zg-chaos", "--cluster", f"nats://127.0.0.1:{self.route_ports[node]}",
             "--routes", routes], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def up(self, timeout_s: float = 60) -> None:
        """Start every node and wait until the cluster can create a replicated stream (a meta leader exists)."""
        for node in range(NODES):
            self.start(node)
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                await self._replicated_stream_works()
                return
            except Exception as exc:
                if time.monotonic() > deadline:
                    self.close()  # no nats-server left behind
                    raise RuntimeError(f"the NATS cluster did not form: {exc!r}") from exc
                await asyncio.sleep(0.5)

    async def _replicated_stream_works(self) -> None:
        nc = Client()
        await nc.connect(self.url.split(","), connect_timeout=2, allow_reconnect=False, error_cb=_quiet)
        try:
            js = nc.jetstream(timeout=5)
            await js.add_stream(name="ZG_CHAOS_PROBE", subjects=["zg-chaos-probe"], num_replicas=NODES)
            await js.delete_stream("ZG_CHAOS_PROBE")
        finally:
            await nc.close()

    async def leader_of(self, stream: str) -> int:
        """The node leading ``stream`` (its writes go through that node)."""
        nc = Client()
        await nc.connect(self.url.split(","), connect_timeout=2, allow_reconnect=False, error_cb=_quiet)
        try:
            info = await nc.jetstream(timeout=5).stream_info(stream)
        finally:
            await nc.close()
        leader = info.cluster.leader if info.cluster is not None else None
        return next(n for n in range(NODES) if self.name(n) == leader)

    def kill(self, node: int) -> None:
        proc = self.procs[node]
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def close(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
