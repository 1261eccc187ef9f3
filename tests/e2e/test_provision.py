"""`zapgate up`'s provisioning path when nothing answers: servers started from the system binaries with
their data under the project's data dir, usable, then stopped."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from gateway.core.config import Settings
from gateway.infra.bus import probe_jetstream
from gateway.infra.db.database import PgProbe
from gateway.infra.db.database import probe as pg_probe
from gateway.infra.kv.state import probe as redis_probe
from gateway.ops import provision
from tests.support.processes import alive, free_port


@pytest.mark.timeout(120)
async def test_start_redis_nats_postgres_from_binaries() -> None:
    base = Path(tempfile.mkdtemp(prefix="zapgate-provision-"))
    os.chmod(base, 0o755)  # noqa: S103 - like a project checkout: the postgres user must reach its data dir
    data = base / "zg"
    data.mkdir()
    settings = Settings(data_dir=data, redis_url=f"redis://127.0.0.1:{free_port()}/0",
                        nats_url=f"nats://127.0.0.1:{free_port()}",
                        database_url=f"postgresql://zapgate:zapgate@127.0.0.1:{free_port()}/zapgate")
    started: list[provision.ServiceResult] = []
    try:
        started.append(await provision.ensure_redis(settings, allow_install=False))
        started.append(await provision.ensure_nats(settings, allow_install=False))
        if provision._pg_bindir() is not None:
            started.append(await provision.ensure_postgres(settings, allow_install=False))
        assert [r.how for r in started] == ["started"] * len(started)
        assert await redis_probe(settings.redis_url)
        assert await probe_jetstream(settings.nats_url) == "ok"
        assert (data / "redis").is_dir() and (data / "nats").is_dir()
        if len(started) == 3:
            assert await pg_probe(settings.database_url) is PgProbe.OK
            assert (data / "postgres" / "PG_VERSION").exists()
        # a second run reuses what answers
        assert (await provision.ensure_redis(settings, allow_install=False)).how == "reused"
        if len(started) == 3 and os.geteuid() == 0:
            assert provision.pg_layout(settings).data == data / "postgres"  # reachable: stays in the checkout
    finally:
        stopped = provision.stop_started(settings)
        shutil.rmtree(base, ignore_errors=True)
    assert set(stopped) == {r.name for r in started}
    for r in started:
        if r.pid and r.name != "postgres":
            assert not alive(r.pid) or await _gone(r.pid)
    assert not await redis_probe(settings.redis_url)


def _secrets_on_command_lines(pids: list[int], data: Path) -> list[str]:
    found = [f"pid {pid}" for pid in pids
             if any(s in Path(f"/proc/{pid}/cmdline").read_bytes() for s in (b"r3dis", b"ts-pass", b"s3cr3t"))]
    return found + [f"{conf} readable by others" for conf in ("redis.conf", "nats.conf")
                    if (data / "run" / conf).stat().st_mode & 0o777 != 0o600]


async def _gone(pid: int) -> bool:
    import asyncio

    for _ in range(100):
        if not alive(pid):
            return True
        await asyncio.sleep(0.05)
    return False


def _postgres_can(test_flag: str, path: Path) -> bool:
    return subprocess.run(["runuser", "-u", provision.PG_USER, "--", "test", test_flag, str(path)],
                          capture_output=True, check=False).returncode == 0


@pytest.mark.timeout(120)
async def test_postgres_data_leaves_a_checkout_the_postgres_user_cannot_reach(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As root, with the checkout in a 0700 home: the cluster goes to /var/lib/zapgate/<hash>, every run."""
    if os.geteuid() != 0:
        pytest.skip("only root runs postgres as another user (the postgres user)")
    bindir = provision._pg_bindir()
    if shutil.which("runuser") is None or bindir is None or not (bindir / "initdb").exists():
        pytest.skip("needs runuser and the postgres binaries (initdb, pg_ctl)")
    try:
        pwd.getpwnam(provision.PG_USER)
    except KeyError:
        pytest.skip(f"no {provision.PG_USER} user")
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o700)  # like /root: the postgres user cannot search it
    os.chown(home, 0, 0)
    data = home / "zapgate" / ".zapgate"
    settings = Settings(data_dir=data, database_url=f"postgresql://zapgate:zapgate@127.0.0.1:{free_port()}/zapgate")
    shared_root_existed = provision.SHARED_PG_ROOT.exists()
    layout = provision.pg_layout(settings)
    try:
        first = await provision.ensure_postgres(settings, allow_install=False)
        assert first.how == "started" and first.pid
        assert provision.pg_layout(settings) == layout
        assert layout.moved and layout.data.parent.parent == provision.SHARED_PG_ROOT
        for path in (layout.data, layout.sock, layout.log):
            assert not path.is_relative_to(home) and not path.is_relative_to(tmp_path)
        assert (layout.data / "PG_VERSION").exists() and not (data / "postgres").exists()
        assert _postgres_can("-w", layout.data) and _postgres_can("-w", layout.sock)
        assert (layout.data.parent / "data_dir").read_text().strip() == str(data.resolve())
        out = capsys.readouterr().out
        assert f"cannot reach {data.resolve()}" in out and f"using {layout.data.parent}" in out
        assert f"initdb {layout.data}" in out
        assert await pg_probe(settings.database_url) is PgProbe.OK

        assert provision.stop_started(settings) == ["postgres"]
        assert await pg_probe(settings.database_url) is PgProbe.DOWN
        assert await _gone(first.pid)
        assert not (data / "run" / "postgres.pid").exists()

        # a second run finds the same cluster (no new initdb) and starts it again
        version = (layout.data / "PG_VERSION").stat()
        second = await provision.ensure_postgres(settings, allow_install=False)
        assert second.how == "started"
        assert provision.pg_layout(settings) == layout
        out = capsys.readouterr().out
        assert "initdb" not in out and f"(data {layout.data})" in out
        assert (layout.data / "PG_VERSION").stat().st_ino == version.st_ino
        assert await pg_probe(settings.database_url) is PgProbe.OK
        assert provision.stop_started(settings) == ["postgres"]
        assert await pg_probe(settings.database_url) is PgProbe.DOWN
    finally:
        provision.stop_started(settings)
        if layout.moved and layout.data.parent.parent == provision.SHARED_PG_ROOT:
            shutil.rmtree(layout.data.parent, ignore_errors=True)
        if not shared_root_existed:
            with contextlib.suppress(OSError):  # another run is using it
                provision.SHARED_PG_ROOT.rmdir()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("nats_auth", ["zapgate:n4ts-pass_1", "s3cr3t-token"])
async def test_services_it_starts_require_the_credentials_of_their_urls(nats_auth: str) -> None:
    """``redis://:password@`` and ``nats://user:password@`` (or ``nats://token@``): what zapgate starts
    requires them; the secrets are in 0600 files, never on a command line."""
    data = Path(tempfile.mkdtemp(prefix="zapgate-auth-"))
    redis_port, nats_port = free_port(), free_port()
    settings = Settings(data_dir=data, redis_url=f"redis://:r3dis%2Bpass@127.0.0.1:{redis_port}/0",
                        nats_url=f"nats://{nats_auth}@127.0.0.1:{nats_port}")
    started: list[provision.ServiceResult] = []
    try:
        started.append(await provision.ensure_redis(settings, allow_install=False))
        started.append(await provision.ensure_nats(settings, allow_install=False))
        assert await redis_probe(settings.redis_url)
        assert await probe_jetstream(settings.nats_url) == "ok"
        assert not await redis_probe(f"redis://127.0.0.1:{redis_port}/0")
        assert not await redis_probe(f"redis://:wrong@127.0.0.1:{redis_port}/0")
        assert await probe_jetstream(f"nats://127.0.0.1:{nats_port}") != "ok"
        assert await probe_jetstream(f"nats://wrong:wrong@127.0.0.1:{nats_port}") != "ok"
        assert all(r.pid is not None for r in started)
        assert not _secrets_on_command_lines([r.pid for r in started if r.pid], data)
    finally:
        provision.stop_started(settings)
        shutil.rmtree(data, ignore_errors=True)
