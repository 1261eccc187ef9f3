"""`zapgate up`'s provisioning path when nothing answers: servers started from the system binaries with
their data under the project's data dir, usable, then stopped."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from gateway.core.config import Settings
from gateway.infra.bus import probe_jetstream
from gateway.infra.db.database import PgProbe
from gateway.infra.db.database import probe as pg_probe
from gateway.infra.kv.state import probe as redis_probe
from gateway.ops import provision
from tests.e2e.helpers import alive, free_port


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
    finally:
        stopped = provision.stop_started(settings)
        shutil.rmtree(base, ignore_errors=True)
    assert set(stopped) == {r.name for r in started}
    for r in started:
        if r.pid and r.name != "postgres":
            assert not alive(r.pid) or await _gone(r.pid)
    assert not await redis_probe(settings.redis_url)


async def _gone(pid: int) -> bool:
    import asyncio

    for _ in range(100):
        if not alive(pid):
            return True
        await asyncio.sleep(0.05)
    return False
