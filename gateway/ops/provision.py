"""Make Postgres, Redis and NATS (JetStream) available: reuse, start from system binaries, or install.

For each service: use the one at the configured URL if it answers; else start one from the system
binaries with its data under ``<data_dir>/``; else, when root, ``apt-get install`` the Debian
package and try again. Services this module starts are recorded in ``<data_dir>/run/*.pid``.

As root, Postgres runs as the ``postgres`` user. When that user cannot reach ``<data_dir>`` (the
checkout sits in a private home such as ``/root``), its data, socket and log go to
``/var/lib/zapgate/<hash of data_dir>/`` instead; see :func:`pg_layout`.
"""

from __future__ import annotations

import asyncio
import glob
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from gateway.core.config import Settings
from gateway.core.errors import ProvisionError
from gateway.infra import bus
from gateway.infra.db import database as pg
from gateway.infra.kv import state

log = logging.getLogger(__name__)

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
APT_PACKAGES = {"postgres": "postgresql", "redis": "redis-server", "nats": "nats-server"}
CHROMIUM = ("chromium", "chromium-browser")  # Debian's and Ubuntu's names; the dashboard's browser tests drive it
PG_USER = "postgres"
SHARED_PG_ROOT = Path("/var/lib/zapgate")  # used when PG_USER cannot reach <data_dir>


@dataclass(slots=True)
class ServiceResult:
    name: str
    how: str  # reused | started | installed
    pid: int | None = None


@dataclass(frozen=True, slots=True)
class PgLayout:
    """Where a Postgres started by zapgate keeps its cluster, its unix socket and its log."""

    data: Path
    sock: Path
    log: Path
    moved: bool = False  # True: outside <data_dir>, because PG_USER cannot reach it


def _say(msg: str) -> None:
    print(f"zapgate: {msg}", flush=True)


def _is_root() -> bool:
    return os.geteuid() == 0


def apt_install(package: str, *, update: bool = True) -> None:
    if not _is_root() or shutil.which("apt-get") is None:
        raise ProvisionError(f"{package} is missing; install it (apt-get install {package}) or run as root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if update:
        _say("apt-get update")
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    _say(f"apt-get install {package}")
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package], check=True,
                   env=env, stdout=subprocess.DEVNULL)


def chromium_path() -> str | None:
    """The system's Chromium, or None."""
    return next((found for name in CHROMIUM if (found := shutil.which(name))), None)


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
    return ["runuser", "-u", PG_USER, "--", *cmd] if _is_root() else cmd


def _user_can_enter(user: str, path: Path) -> bool:
    """Whether ``user`` can search ``path`` (or its nearest existing ancestor) and every parent of it.

    Asked of the kernel as that user (``test -x`` is access(2), which needs search permission on each
    parent), so modes, ownership, groups and ACLs all count. Without runuser it cannot tell: True.
    """
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if shutil.which("runuser") is None:
        return True
    return subprocess.run(["runuser", "-u", user, "--", "test", "-x", str(existing)],
                          capture_output=True, check=False).returncode == 0


def postmaster_pid(data: Path) -> int:
    """The pid of the postmaster running on ``data`` (its ``postmaster.pid`` file's first line)."""
    return int((data / "postmaster.pid").read_text().split()[0])


def pg_layout(settings: Settings) -> PgLayout:
    """Where zapgate's own Postgres lives for these settings; the same answer on every run.

    Default: ``<data_dir>/postgres``, socket and log under ``<data_dir>/run``. As root (Postgres then
    runs as PG_USER) it is ``/var/lib/zapgate/<hash of data_dir>/`` when a cluster is already there,
    or when PG_USER cannot search ``<data_dir>/run`` (or a parent of it, e.g. a 0700 ``/root``).
    """
    base = settings.data_dir.resolve()
    default = PgLayout(base / "postgres", base / "run" / "pgsock", base / "run" / "postgres.log")
    if not _is_root():
        return default
    shared = SHARED_PG_ROOT / hashlib.sha256(str(base).encode()).hexdigest()[:12]
    moved = PgLayout(shared / "postgres", shared / "pgsock", shared / "postgres.log", moved=True)
    if (moved.data / "PG_VERSION").exists() or not _user_can_enter(PG_USER, base / "run"):
        return moved
    return default


def _prepare_shared_dir(shared: Path, source: Path) -> None:
    """Create ``/var/lib/zapgate/<hash>`` (root-owned, 0755) and note which data dir it belongs to."""
    for path in (shared.parent, shared):
        path.mkdir(exist_ok=True)
        path.chmod(0o755)
    (shared / "data_dir").write_text(f"{source}\n")


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


def _private_file(path: Path, text: str) -> Path:
    """A config file only its owner reads: credentials stay off command lines (``ps`` shows those)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.chmod(path, 0o600)  # an older file keeps its mode through O_TRUNC
    return path


def _redis_auth(parts: SplitResult) -> str:
    """redis.conf lines requiring the URL's credentials (``redis://[user]:password@host``), if any."""
    if not parts.password:
        return ""
    password = unquote(parts.password)
    user = unquote(parts.username or "") or "default"
    if user == "default":
        return f"requirepass {json.dumps(password)}\n"
    return f"user default off\nuser {user} on {json.dumps('>' + password)} ~* &* +@all\n"


def _nats_auth(parts: SplitResult) -> str:
    """nats-server configuration requiring the URL's credentials: ``user:password@`` or a ``token@``.

    Taken as written, like nats-py does (it does not percent-decode them)."""
    if parts.username and parts.password:
        user, password = json.dumps(parts.username), json.dumps(parts.password)
        return f"authorization {{ user: {user}, password: {password} }}\n"
    if parts.username:
        return f"authorization {{ token: {json.dumps(parts.username)} }}\n"
    return ""


async def _nats_ok(url: str) -> bool:
    return await bus.probe_jetstream(url) == "ok"


def _nats_binary() -> str | None:
    return shutil.which("nats-server") or next(
        (p for p in ("/usr/sbin/nats-server", "/usr/bin/nats-server") if os.path.exists(p)), None)


# --- the provisioner --------------------------------------------------------------------------

class Provisioner:
    """Provisions the services of one ``Settings``; holds what one run remembers (apt-get update)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._apt_updated = False

    def _apt_install(self, package: str) -> None:
        apt_install(package, update=not self._apt_updated)
        self._apt_updated = True

    async def ensure_all(self) -> list[ServiceResult]:
        results = [await self.ensure_postgres(), await self.ensure_redis(), await self.ensure_nats()]
        browser = self.ensure_chromium()
        if browser is not None:
            results.append(browser)
        for r in results:
            _say(f"{r.name}: {r.how}" + (f" (pid {r.pid})" if r.pid else ""))
        return results

    def ensure_chromium(self) -> ServiceResult | None:
        """Chromium for the dashboard's browser tests: reused, or apt-installed when root. Not a service the
        gateway needs, so a machine that cannot install it gets a warning, not a failure."""
        if chromium_path() is not None:
            return ServiceResult("chromium", "reused")
        try:
            self._apt_install(CHROMIUM[0])
        except (ProvisionError, subprocess.CalledProcessError) as exc:
            log.warning("chromium not installed (%s): the dashboard's browser tests need it", exc)
            return None
        return ServiceResult("chromium", "installed") if chromium_path() else None

    async def ensure_postgres(self, *, allow_install: bool = True) -> ServiceResult:
        url = self.settings.database_url
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
            self._apt_install(APT_PACKAGES["postgres"])
            how = "installed"
            if await pg.probe(url) is not pg.PgProbe.DOWN:
                return await self.ensure_postgres(allow_install=False)
            bindir = _pg_bindir()
        if bindir is None:
            raise ProvisionError("postgres binaries (pg_ctl, initdb) not found")
        pid = await self._start_own_postgres(bindir, target)
        return ServiceResult("postgres", how, pid)

    async def _start_own_postgres(self, bindir: Path, t: pg.PgTarget) -> int:
        run = _run_dir(self.settings)
        lay = pg_layout(self.settings)
        data, sock, logfile = lay.data, lay.sock, lay.log
        if lay.moved:
            _say(f"the {PG_USER} user cannot reach {self.settings.data_dir.resolve()} (a parent directory "
                 f"is not searchable by it); using {data.parent} for postgres data, socket and log")
            _prepare_shared_dir(data.parent, self.settings.data_dir.resolve())
        sock.mkdir(parents=True, exist_ok=True)
        if _is_root():
            subprocess.run(["chown", "-R", f"{PG_USER}:{PG_USER}", str(sock)], check=True)
            logfile.touch()
            subprocess.run(["chown", f"{PG_USER}:{PG_USER}", str(logfile)], check=True)
        if not (data / "PG_VERSION").exists():
            data.mkdir(parents=True, exist_ok=True)
            if _is_root():
                subprocess.run(["chown", "-R", f"{PG_USER}:{PG_USER}", str(data)], check=True)
            _say(f"initdb {data}")
            initdb = subprocess.run(_as_postgres_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                                                       "--auth=trust", "-E", "UTF8"]), check=False,
                                    capture_output=True, text=True)
            if initdb.returncode != 0:
                hint = (f" (the {PG_USER} user must be able to reach it: check the parent directories' "
                        "permissions)") if _is_root() else ""
                raise ProvisionError(f"initdb {data} failed{hint}: {initdb.stderr.strip()[-300:]}")
        _say(f"starting postgres on {t.host}:{t.port} (data {data})")
        opts = f"-p {t.port} -k {sock} -c listen_addresses={t.host if t.host != 'localhost' else '127.0.0.1'}"
        subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                                          str(logfile), "-w", "-t", "60", "start"]),
                       check=True, stdout=subprocess.DEVNULL)
        pid = postmaster_pid(data)
        (run / "postgres.pid").write_text(str(pid))
        await _pg_fix_role_and_db(t, str(sock))
        if await pg.probe(self.settings.database_url) is not pg.PgProbe.OK:
            raise ProvisionError("started postgres but cannot connect with ZAPGATE_DATABASE_URL")
        return pid

    async def ensure_redis(self, *, allow_install: bool = True) -> ServiceResult:
        url = self.settings.redis_url
        if await state.probe(url):
            return ServiceResult("redis", "reused")
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 6379
        if host not in LOCAL_HOSTS:
            raise ProvisionError(f"redis at {host}:{port} does not answer")
        how = "started"
        if shutil.which("redis-server") is None and allow_install:
            self._apt_install(APT_PACKAGES["redis"])
            how = "installed"
            if await state.probe(url):
                return ServiceResult("redis", how)
        binary = shutil.which("redis-server")
        if binary is None:
            raise ProvisionError("redis-server not found")
        data = self.settings.data_dir.resolve() / "redis"
        data.mkdir(parents=True, exist_ok=True)
        run = _run_dir(self.settings)
        pidfile = run / "redis.pid"
        _say(f"starting redis on {host}:{port} (data {data})")
        conf = _private_file(run / "redis.conf", _redis_auth(parts))
        subprocess.run([binary, str(conf), "--port", str(port), "--bind", "127.0.0.1" if host != "::1" else "::1",
                        "--dir", str(data), "--appendonly", "yes", "--save", "", "--daemonize", "yes",
                        "--pidfile", str(pidfile), "--logfile", str(run / "redis.log")],
                       check=True)
        if not await _poll(lambda: state.probe(url), 15):
            raise ProvisionError("started redis but it does not answer")
        return ServiceResult("redis", how, int(pidfile.read_text().strip()) if pidfile.exists() else None)

    async def ensure_nats(self, *, allow_install: bool = True) -> ServiceResult:
        url = self.settings.nats_url
        status = await bus.probe_jetstream(url)
        if status == "ok":
            return ServiceResult("nats", "reused")
        parts = urlsplit(bus.servers(url)[0])  # a cluster's list: the first server is the one to start here
        host, port = parts.hostname or "127.0.0.1", parts.port or 4222
        if status == "no_jetstream":
            raise ProvisionError(f"NATS at {host}:{port} answers but JetStream is off (start it with -js)")
        if host not in LOCAL_HOSTS:
            raise ProvisionError(f"NATS at {host}:{port} does not answer")
        how = "started"
        if _nats_binary() is None and allow_install:
            self._apt_install(APT_PACKAGES["nats"])
            how = "installed"
            if await bus.probe_jetstream(url) == "ok":
                return ServiceResult("nats", how)
        binary = _nats_binary()
        if binary is None:
            raise ProvisionError("nats-server not found")
        data = self.settings.data_dir.resolve() / "nats"
        data.mkdir(parents=True, exist_ok=True)
        run = _run_dir(self.settings)
        pidfile = run / "nats.pid"
        pidfile.unlink(missing_ok=True)
        _say(f"starting nats-server (JetStream) on {host}:{port} (data {data})")
        # nats-server cannot daemonize itself: a throw-away sh starts it in the background and exits, so
        # the daemon is not our child (no handle to keep, no zombie once stopped); its pid is in pidfile.
        conf = _private_file(run / "nats.conf", _nats_auth(parts))
        subprocess.run(["sh", "-c", '"$@" &', "sh", binary, "-c", str(conf), "-a", host, "-p", str(port), "-js",
                        "-sd", str(data), "-P", str(pidfile), "-l", str(run / "nats.log")],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       start_new_session=True, check=True)
        if not await _poll(lambda: _nats_ok(url), 15):
            raise ProvisionError("started nats-server but JetStream does not answer")
        return ServiceResult("nats", how, int(pidfile.read_text().strip()) if pidfile.exists() else None)

    def stop_started(self) -> list[str]:
        """Stop the services this project started (pid files under ``<data_dir>/run``)."""
        stopped = []
        run = self.settings.data_dir.resolve() / "run"
        if (run / "postgres.pid").exists() and (bindir := _pg_bindir()) is not None:
            pg_data = pg_layout(self.settings).data
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


# --- module-level entry points (gateway/cli.py, tests): one Provisioner per call --------------

async def ensure_all(settings: Settings) -> list[ServiceResult]:
    return await Provisioner(settings).ensure_all()


async def ensure_postgres(settings: Settings, *, allow_install: bool = True) -> ServiceResult:
    return await Provisioner(settings).ensure_postgres(allow_install=allow_install)


async def ensure_redis(settings: Settings, *, allow_install: bool = True) -> ServiceResult:
    return await Provisioner(settings).ensure_redis(allow_install=allow_install)


async def ensure_nats(settings: Settings, *, allow_install: bool = True) -> ServiceResult:
    return await Provisioner(settings).ensure_nats(allow_install=allow_install)


def stop_started(settings: Settings) -> list[str]:
    """Stop the services this project started (pid files under ``<data_dir>/run``)."""
    return Provisioner(settings).stop_started()
