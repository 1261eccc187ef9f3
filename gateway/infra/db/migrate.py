"""Apply ``migrations/NNNN_name.sql`` in order, each in a transaction, under an advisory lock."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from gateway.core.config import Settings
from gateway.core.errors import MigrationError

log = logging.getLogger(__name__)
_FILE_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_NS = 0x5A6761  # "Zga"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


REPO_MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def load_migrations(directory: Path | None = None) -> list[Migration]:
    """The migrations in ``directory`` (default: the repository's ``migrations/``), in version order."""
    directory = directory or REPO_MIGRATIONS
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_RE.match(path.name)
        if not match:
            raise MigrationError(f"bad migration file name: {path.name} (want NNNN_name.sql)")
        found.append(Migration(int(match.group(1)), match.group(2), path.read_text()))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migrations share a version number")
    return found


async def migrate(settings: Settings, directory: Path | None = None) -> list[int]:
    """Apply pending migrations; returns the versions applied by this call."""
    migrations = load_migrations(directory or settings.migrations_dir)
    conn = await asyncpg.connect(settings.database_url, timeout=10)
    applied_now: list[int] = []
    schema = settings.db_schema
    try:
        lock_key = int.from_bytes(hashlib.sha256(schema.encode()).digest()[:4], "big", signed=True)
        await conn.execute("SELECT pg_advisory_lock($1, $2)", _LOCK_NS, lock_key)
        try:
            await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            await conn.execute(f'SET search_path TO "{schema}"')
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                "name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {r["version"]: r["checksum"] for r in
                    await conn.fetch("SELECT version, checksum FROM schema_migrations")}
            for mig in migrations:
                if mig.version in done:
                    if done[mig.version] != mig.checksum:
                        log.warning("migration %04d_%s changed after it was applied", mig.version, mig.name)
                    continue
                async with conn.transaction():
                    await conn.execute(mig.sql)
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        mig.version, mig.name, mig.checksum,
                    )
                log.info("applied migration %04d_%s", mig.version, mig.name)
                applied_now.append(mig.version)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1, $2)", _LOCK_NS, lock_key)
    finally:
        await conn.close()
    return applied_now
