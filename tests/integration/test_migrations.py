"""Migrations: applied in order, recorded, idempotent, serialised across concurrent runners."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gateway.infra.db.database import Database
from gateway.infra.db.migrate import MigrationError, load_migrations, migrate
from tests.support.api import cleanup, make_settings


async def _snapshot(db: Database) -> list[tuple[str, str, str]]:
    rows = await db.pool.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = $1 ORDER BY 1, 2", db.schema)
    return [(r[0], r[1], r[2]) for r in rows]


async def test_migrations_apply_twice_without_change() -> None:
    s = make_settings()
    try:
        first = await migrate(s)
        assert first == [m.version for m in load_migrations()]
        db = await Database.connect(s, max_size=1)
        before = await _snapshot(db)
        assert await migrate(s) == []
        assert await _snapshot(db) == before
        versions = [r["version"] for r in await db.pool.fetch("SELECT version FROM schema_migrations")]
        assert versions == first
        await db.close()
    finally:
        await cleanup(s)


async def test_concurrent_migrators_apply_each_migration_once() -> None:
    s = make_settings()
    try:
        results = await asyncio.gather(*(migrate(s) for _ in range(4)))
        applied = sorted(v for r in results for v in r)
        assert applied == [m.version for m in load_migrations()]
    finally:
        await cleanup(s)


async def test_failing_migration_rolls_back(tmp_path: Path) -> None:
    (tmp_path / "0001_ok.sql").write_text("CREATE TABLE a (x int);")
    (tmp_path / "0002_bad.sql").write_text("CREATE TABLE b (x int); SELECT * FROM missing_table;")
    s = make_settings()
    try:
        with pytest.raises(Exception, match="missing_table"):
            await migrate(s, tmp_path)
        db = await Database.connect(s, max_size=1)
        tables = {r[0] for r in await db.pool.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", s.db_schema)}
        await db.close()
        assert "a" in tables and "b" not in tables
    finally:
        await cleanup(s)


def test_bad_file_names_refused(tmp_path: Path) -> None:
    (tmp_path / "1_x.sql").write_text("")
    with pytest.raises(MigrationError):
        load_migrations(tmp_path)
