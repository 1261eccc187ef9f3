"""Private Postgres, Redis and NATS for the fault suite: on free ports, stoppable without touching anyone else."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from gateway.core.config import Settings
from gateway.ops import provision
from tests.support.processes import free_port


@dataclass
class Services:
    """Started by ``start()``; ``stop(name)`` / ``resume(name)`` inject an outage of one of them."""

    root: Path
    pg_port: int
    redis_port: int
    nats_port: int
    redis: subprocess.Popen[bytes] | None = None
    nats: subprocess.Popen[bytes] | None = None

    @classmethod
    def on_free_ports(cls, root: Path) -> Services:
        return cls(root, free_port(), free_port(), free_port())

    def settings(self) -> Settings:
        return Settings(data_dir=self.root / "pg", database_url=f"postgresql://zapgate:zapgate@127.0.0.1:{self.pg_port}/zapgate",
                        redis_url=f"redis://127.0.0.1:{self.redis_port}/0", nats_url=f"nats://127.0.0.1:{self.nats_port}")

    async def start(self) -> None:
        await provision.ensure_postgres(self.settings(), allow_install=False)
        self.resume("redis")
        self.resume("nats")
        deadline = time.monotonic() + 20
        while not (await provision.bus.probe_jetstream(self.settings().nats_url) == "ok"
                   and await provision.state.probe(self.settings().redis_url)):
            assert time.monotonic() < deadline, "redis or nats did not start"
            time.sleep(0.1)

    def stop(self, name: str) -> None:
        if name == "postgres":
            layout = provision.pg_layout(self.settings())
            subprocess.run(_pg_user([str(_pg_bin("pg_ctl")), "-D", str(layout.data), "-m", "immediate", "-w",
                                     "stop"]), check=True, capture_output=True)
        else:
            proc = self.redis if name == "redis" else self.nats
            assert proc is not None
            proc.send_signal(signal.SIGKILL)
            proc.wait()

    def pids(self, name: str) -> list[int]:
        """The service's processes (Postgres: the postmaster and every backend and helper it started)."""
        if name != "postgres":
            proc = self.redis if name == "redis" else self.nats
            assert proc is not None
            return [proc.pid]
        postmaster = provision.postmaster_pid(provision.pg_layout(self.settings()).data)
        children = subprocess.run(["pgrep", "-P", str(postmaster)], check=False, capture_output=True,
                                  text=True).stdout.split()
        return [postmaster, *(int(c) for c in children)]

    def hang(self, name: str) -> list[int]:
        """SIGSTOP: the service keeps its connections open and answers nothing (a hang, not a refusal)."""
        pids = self.pids(name)
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        return pids

    @staticmethod
    def unhang(pids: list[int]) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def resume(self, name: str) -> None:
        if name == "postgres":
            layout = provision.pg_layout(self.settings())
            opts = f"-p {self.pg_port} -k {layout.sock} -c listen_addresses=127.0.0.1"
            subprocess.run(_pg_user([str(_pg_bin("pg_ctl")), "-D", str(layout.data), "-o", opts, "-l",
                                     str(layout.log), "-w", "-t", "60", "start"]), check=True, capture_output=True)
        elif name == "redis":
            self.redis = subprocess.Popen(  # keeps nothing on disk, like the machines' Redis
                ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"], stdout=subprocess.DEVNULL)
        else:
            store = self.root / "nats"
            store.mkdir(parents=True, exist_ok=True)
            binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
            self.nats = subprocess.Popen([binary, "-a", "127.0.0.1", "-p", str(self.nats_port), "-js", "-sd",
                                          str(store)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def close(self) -> None:
        for proc in (self.redis, self.nats):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
        provision.stop_started(self.settings())
        layout = provision.pg_layout(self.settings())
        if layout.moved:
            shutil.rmtree(layout.data.parent, ignore_errors=True)
        shutil.rmtree(self.root, ignore_errors=True)


def _pg_bin(name: str) -> Path:
    bindir = provision._pg_bindir()
    assert bindir is not None, "postgres binaries not found"
    return bindir / name


def _pg_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd
