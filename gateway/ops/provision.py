"""Make Postgres, Redis and NATS (JetStream) available: reuse, start from system binaries, or install.

For each service: use the one at the configured URL if it answers; else start one from the system
binaries with its data under ``<data_dir>/``; else, when root, ``apt-get install`` the Debian
package and try again. Services this module starts are recorded in ``<data_dir>/run/*.pid``.
"""

from __future__ import annotations

import asyncio
import glob
import logging
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from gateway.core.config import Settings
from gateway.infra import bus
from gateway.infra.db import database as pg
from gateway.infra.kv import state

log = logging.getLogger(__name__)

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_DAEMONS: list[subprocess.Popen[bytes]] = []
APT_PACKAGES = {"postgres": "postgresql", "redis": "redis-server", "nats": "nats-server"}


class ProvisionError(Exception):
    pass


@dataclass(slots=True)
class ServiceResult:
    name: str
    how: str  # reused | started | installed
    pid: int | None = None


def _say(msg: str) -> None:
    print(f"zapgate: {msg}", flush=True)


def _is_root() -> bool:
    return os.geteuid() == 0


_apt_updated = False


def apt_install(package: str) -> None:
    global _apt_updated
    if not _is_root() or shutil.which("apt-get") is None:
        raise ProvisionError(f"{package} is missing; install it (apt-get install {package}) or run as root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        _say("apt-get update")
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
        _apt_updated = True
    _say(f"apt-get install {package}")
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package], check=True,
                   env=env, stdout=subprocess.DEVNULL)


def _run_dir(settings: Settings) -> Path:
    path = settings.data_dir.resolve() / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path


async def _poll(probe_once: Callable[[], Awaitable[bool]], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await probe_once():
            return True
        await asyncio.sleep(0.25)
    return False


# --- Postgres ---------------------------------------------------------------------------------

def _pg_target(url: str) -> pg.PgTarget:
    parts = urlsplit(url)
    return pg.PgTarget(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
        database=(parts.path or "/postgres").lstrip("/") or "postgres",
    )


def _pg_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def _as_postgres_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if _is_root() else cmd


def _role_sql(t: pg.PgTarget) -> list[str]:
    password = t.password.replace("'", "''")
    return [
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{r}') THEN "
        "CREATE ROLE \"{r}\" LOGIN CREATEDB PASSWORD '{p}'; ELSE ALTER ROLE \"{r}\" LOGIN PASSWORD '{p}'; "
        "END IF; END $$".format(r=t.user.replace("'", "''"), p=password),
    ]


def _db_sql(t: pg.PgTarget) -> str:
    return f'CREATE DATABASE "{t.database}" OWNER "{t.user}"'


async def _pg_fix_role_and_db(t: pg.PgTarget, socket_dir: str | None) -> bool:
    """Create the role and database of the URL as an admin; True when it worked."""
    statements = _role_sql(t)
    if await pg.admin_execute(t, "postgres", statements):
        await pg.admin_execute(t, "postgres", [_db_sql(t)])
        return True
    if _is_root() and shutil.which("runuser") and shutil.which("psql"):
        base = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-p", str(t.port), "-d", "postgres"]
        if socket_dir:
            base += ["-h", socket_dir]
        ok = subprocess.run(_as_postgres_user([*base, "-c", statements[0]]),
                            capture_output=True, check=False).returncode == 0
        subprocess.run(_as_postgres_user([*base, "-c", _db_sql(t)]), capture_output=True, check=False)
        return ok
    return False


async def ensure_postgres(settings: Settings, *, allow_install: bool = True) -> ServiceResult:
    url = settings.database_url
    target = _pg_target(url)
    status = await pg.probe(url)
    if status is pg.PgProbe.OK:
        return ServiceResult("postgres", "reused")
    if status in (pg.PgProbe.AUTH, pg.PgProbe.NO_DATABASE):
        _say(f"postgres answers at {target.host}:{target.port}; creating role/database '{target.database}'")
        if await _pg_fix_role_and_db(target, "/var/run/postgresql") and await pg.probe(url) is pg.PgProbe.OK:
            return ServiceResult("postgres", "reused")
        raise ProvisionError(f"postgres at {target.host}:{target.port} refuses role '{target.user}' "
                             "and zapgate could not create it; create it or fix ZAPGATE_DATABASE_URL")
    if target.host not in LOCAL_HOSTS:
        raise ProvisionError(f"postgres at {target.host}:{target.port} does not answer")
    how = "started"
    bindir = _pg_bindir()
    if bindir is None and allow_install:
        apt_install(APT_PACKAGES["postgres"])
        how = "installed"
        if await pg.probe(url) is not pg.PgProbe.DOWN:
            return await ensure_postgres(settings, allow_install=False)
        bindir = _pg_bindir()
    if bindir is None:
        raise ProvisionError("postgres binaries (pg_ctl, initdb) not found")
    pid = await _start_own_postgres(settings, bindir, target)
    return ServiceResult("postgres", how, pid)


async def _start_own_postgres(settings: Settings, bindir: Path, t: pg.PgTarget) -> int:
    data = settings.data_dir.resolve() / "postgres"
    sock = settings.data_dir.resolve() / "run" / "pgsock"
    sock.mkdir(parents=True, exist_ok=True)
    logfile = _run_dir(settings) / "postgres.log"
    if _is_root():
        subprocess.run(["chown", "-R", "postgres:postgres", str(sock)], check=True)
        logfile.touch()
        subprocess.run(["chown", "postgres:postgres", str(logfile)], check=True)
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        if _is_root():
            subprocess.run(["chown", "-R", "postgres:postgres", str(data)], check=True)
        _say(f"initdb {data}")
        initdb = subprocess.run(_as_postgres_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                                                   "--auth=trust", "-E", "UTF8"]), check=False,
                                capture_output=True, text=True)
        if initdb.returncode != 0:
            hint = " (the postgres user must be able to reach it: check the parent directories' permissions)" \
                if _is_root() else ""
            raise ProvisionError(f"initdb {data} failed{hint}: {initdb.stderr.strip()[-300:]}")
    _say(f"starting postgres on {t.host}:{t.port} (data {data})")
    opts = f"-p {t.port} -k {sock} -c listen_addresses={t.host if t.host != 'localhost' else '127.0.0.1'}"
    subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                                      str(logfile), "-w", "-t", "60", "start"]),
                   check=True, stdout=subprocess.DEVNULL)
    pid = int((data / "postmaster.pid").read_text().split()[0])
    (_run_dir(settings) / "postgres.pid").write_text(str(pid))
    await _pg_fix_role_and_db(t, str(sock))
    if await pg.probe(settings.database_url) is not pg.PgProbe.OK:
        raise ProvisionError("started postgres but cannot connect with ZAPGATE_DATABASE_URL")
    return pid


# --- Redis ------------------------------------------------------------------------------------

async def ensure_redis(settings: Settings, *, allow_install: bool = True) -> ServiceResult:
    url = settings.redis_url
    if await state.probe(url):
        return ServiceResult("redis", "reused")
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if host not in LOCAL_HOSTS:
        raise ProvisionError(f"redis at {host}:{port} does not answer")
    how = "started"
    if shutil.which("redis-server") is None and allow_install:
        apt_install(APT_PACKAGES["redis"])
        how = "installed"
        if await state.probe(url):
            return ServiceResult("redis", how)
    binary = shutil.which("redis-server")
    if binary is None:
        raise ProvisionError("redis-server not found")
    data = settings.data_dir.resolve() / "redis"
    data.mkdir(parents=True, exist_ok=True)
    pidfile = _run_dir(settings) / "redis.pid"
    _say(f"starting redis on {host}:{port} (data {data})")
    subprocess.run([binary, "--port", str(port), "--bind", "127.0.0.1" if host != "::1" else "::1",
                    "--dir", str(data), "--appendonly", "yes", "--save", "", "--daemonize", "yes",
                    "--pidfile", str(pidfile), "--logfile", str(_run_dir(settings) / "redis.log")],
                   check=True)
    if not await _poll(lambda: state.probe(url), 15):
        raise ProvisionError("started redis but it does not answer")
    return ServiceResult("redis", how, int(pidfile.read_text().strip()) if pidfile.exists() else None)


# --- NATS -------------------------------------------------------------------------------------

def _nats_binary() -> str | None:
    return shutil.which("nats-server") or next(
        (p for p in ("/usr/sbin/nats-server", "/usr/bin/nats-server") if os.path.exists(p)), None)


async def ensure_nats(settings: Settings, *, allow_install: bool = True) -> ServiceResult:
    url = settings.nats_url
    status = await bus.probe_jetstream(url)
    if status == "ok":
        return ServiceResult("nats", "reused")
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 4222
    if status == "no_jetstream":
        raise ProvisionError(f"NATS at {host}:{port} answers but JetStream is off (start it with -js)")
    if host not in LOCAL_HOSTS:
        raise ProvisionError(f"NATS at {host}:{port} does not answer")
    how = "started"
    if _nats_binary() is None and allow_install:
        apt_install(APT_PACKAGES["nats"])
        how = "installed"
        if await bus.probe_jetstream(url) == "ok":
            return ServiceResult("nats", how)
    binary = _nats_binary()
    if binary is None:
        raise ProvisionError("nats-server not found")
    data = settings.data_dir.resolve() / "nats"
    data.mkdir(parents=True, exist_ok=True)
    pidfile = _run_dir(settings) / "nats.pid"
    _say(f"starting nats-server (JetStream) on {host}:{port} (data {data})")
    proc = subprocess.Popen(  # noqa: ASYNC220 - detached daemon, never awaited
        [binary, "-a", host, "-p", str(port), "-js", "-sd", str(data), "-P", str(pidfile),
         "-l", str(_run_dir(settings) / "nats.log")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _DAEMONS.append(proc)  # detached on purpose; keep the handle so it is not reaped as an orphan object
    if not await _poll(lambda: _nats_ok(url), 15):
        raise ProvisionError("started nats-server but JetStream does not answer")
    return ServiceResult("nats", how, proc.pid)


async def _nats_ok(url: str) -> bool:
    return await bus.probe_jetstream(url) == "ok"


# --- all --------------------------------------------------------------------------------------

async def ensure_all(settings: Settings) -> list[ServiceResult]:
    results = [await ensure_postgres(settings), await ensure_redis(settings), await ensure_nats(settings)]
    for r in results:
        _say(f"{r.name}: {r.how}" + (f" (pid {r.pid})" if r.pid else ""))
    return results


def stop_started(settings: Settings) -> list[str]:
    """Stop the services this project started (pid files under ``<data_dir>/run``)."""
    stopped = []
    run = settings.data_dir.resolve() / "run"
    pg_data = settings.data_dir.resolve() / "postgres"
    if (run / "postgres.pid").exists() and (bindir := _pg_bindir()) is not None:
        subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(pg_data), "-m", "fast", "-w",
                                          "stop"]), check=False, capture_output=True)
        (run / "postgres.pid").unlink(missing_ok=True)
        stopped.append("postgres")
    for name in ("redis", "nats"):
        pidfile = run / f"{name}.pid"
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
                stopped.append(name)
            except (ProcessLookupError, ValueError):
                pass
            pidfile.unlink(missing_ok=True)
    return stopped
