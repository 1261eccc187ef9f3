"""Partners and instances in Postgres."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.core.ids import InstanceId, PartnerId
from gateway.core.models import CallbackKind, EngineKind, Instance, Partner
from gateway.core.proxy import ProxyConfig
from gateway.core.sealing import Sealer, Unsealable
from gateway.infra.db.database import Database

_CALLBACK_COLUMNS = ", ".join(k.column for k in CallbackKind)
_COLUMNS = (
    "id, partner_id, name, engine, token_hash, token_version, webhook_secret_version, "
    f"{_CALLBACK_COLUMNS}, notify_sent_by_me, desired_state, created_at, updated_at, "
    "device_jid, phone, auto_read_message, auto_read_status, call_reject_auto, call_reject_message, "
    "proxy_scheme, proxy_host, proxy_port, proxy_username, proxy_password, proxy_password_sealed"
)
PROXY_COLUMNS = ("proxy_scheme", "proxy_host", "proxy_port", "proxy_username", "proxy_password",
                 "proxy_password_sealed")


def _proxy(row: Any) -> ProxyConfig | None:
    """The stored proxy, its password still sealed (or in clear, as an older zapgate stored it)."""
    if row["proxy_scheme"] is None:
        return None
    sealed = row["proxy_password_sealed"]
    return ProxyConfig(row["proxy_scheme"], row["proxy_host"], row["proxy_port"], row["proxy_username"],
                       row["proxy_password"], bytes(sealed) if sealed is not None else None)


def proxy_fields(proxy: ProxyConfig | None, sealer: Sealer, instance_id: str) -> dict[str, Any]:
    """``update_fields`` keywords storing ``proxy`` (``None``: no proxy), its password sealed for the instance."""
    if proxy is None:
        return {"proxy_scheme": None, "proxy_host": None, "proxy_port": None, "proxy_username": "",
                "proxy_password": "", "proxy_password_sealed": None}
    sealed = sealer.seal(instance_id, proxy.password) if proxy.password else None
    return {"proxy_scheme": proxy.scheme, "proxy_host": proxy.host, "proxy_port": proxy.port,
            "proxy_username": proxy.username, "proxy_password": "", "proxy_password_sealed": sealed}


def _instance(row: Any) -> Instance:
    return Instance(
        id=InstanceId(row["id"]),
        partner_id=PartnerId(row["partner_id"]),
        name=row["name"],
        engine=EngineKind(row["engine"]),
        token_hash=row["token_hash"],
        token_version=row["token_version"],
        webhook_secret_version=row["webhook_secret_version"],
        callbacks={k: row[k.column] for k in CallbackKind},
        notify_sent_by_me=row["notify_sent_by_me"],
        desired_state=row["desired_state"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        device_jid=row["device_jid"],
        phone=row["phone"],
        auto_read_message=row["auto_read_message"],
        auto_read_status=row["auto_read_status"],
        call_reject_auto=row["call_reject_auto"],
        call_reject_message=row["call_reject_message"],
        proxy=_proxy(row),
    )


class InstanceStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # partners
    async def upsert_partner(self, name: str, token_hash: str, client_token_hash: str) -> PartnerId:
        pid = await self.db.pool.fetchval(
            "INSERT INTO partners (name, token_hash, client_token_hash) VALUES ($1, $2, $3) "
            "ON CONFLICT (name) DO UPDATE SET token_hash = EXCLUDED.token_hash, "
            "client_token_hash = EXCLUDED.client_token_hash, updated_at = now() RETURNING id",
            name, token_hash, client_token_hash,
        )
        return PartnerId(pid)

    async def partner_by_token_hash(self, token_hash: str) -> Partner | None:
        row = await self.db.pool.fetchrow(
            "SELECT id, name, token_hash, client_token_hash FROM partners WHERE token_hash = $1", token_hash
        )
        return None if row is None else Partner(PartnerId(row["id"]), row["name"], row["client_token_hash"])

    async def partner(self, partner_id: PartnerId) -> Partner | None:
        row = await self.db.pool.fetchrow(
            "SELECT id, name, client_token_hash FROM partners WHERE id = $1", partner_id
        )
        return None if row is None else Partner(PartnerId(row["id"]), row["name"], row["client_token_hash"])

    # instances
    async def create(
        self,
        *,
        instance_id: InstanceId,
        partner_id: PartnerId,
        name: str,
        engine: EngineKind,
        token_hash: str,
        callbacks: dict[CallbackKind, str | None],
        notify_sent_by_me: bool,
    ) -> Instance:
        cols = [k.column for k in CallbackKind]
        placeholders = ", ".join(f"${i}" for i in range(7, 7 + len(cols)))
        row = await self.db.pool.fetchrow(
            f"INSERT INTO instances (id, partner_id, name, engine, token_hash, notify_sent_by_me, "
            f"{', '.join(cols)}) VALUES ($1, $2, $3, $4, $5, $6, {placeholders}) RETURNING {_COLUMNS}",
            instance_id, partner_id, name, engine.value, token_hash, notify_sent_by_me,
            *[callbacks.get(k) for k in CallbackKind],
        )
        return _instance(row)

    async def with_partner(self, instance_id: str) -> tuple[Instance, Partner] | None:
        """A live instance and its partner, in one round trip (the instance routes' authentication)."""
        columns = ", ".join(f"i.{c.strip()}" for c in _COLUMNS.split(","))
        row = await self.db.pool.fetchrow(
            f"SELECT {columns}, p.name AS partner_name, p.client_token_hash FROM instances i "
            "JOIN partners p ON p.id = i.partner_id WHERE i.id = $1 AND i.deleted_at IS NULL", instance_id)
        if row is None:
            return None
        return _instance(row), Partner(PartnerId(row["partner_id"]), row["partner_name"], row["client_token_hash"])

    async def get(self, instance_id: str) -> Instance | None:
        row = await self.db.pool.fetchrow(
            f"SELECT {_COLUMNS} FROM instances WHERE id = $1 AND deleted_at IS NULL", instance_id
        )
        return None if row is None else _instance(row)

    async def page(
        self, partner_id: PartnerId, page: int, page_size: int, query: str | None
    ) -> tuple[int, list[Instance]]:
        if query and "\0" in query:  # Postgres text cannot hold NUL, so no name or id contains it
            return 0, []
        where = "partner_id = $1 AND deleted_at IS NULL"
        args: list[Any] = [partner_id]
        if query:
            escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args.append(f"%{escaped}%")
            where += f" AND (name ILIKE ${len(args)} OR id ILIKE ${len(args)})"
        total = await self.db.pool.fetchval(f"SELECT count(*) FROM instances WHERE {where}", *args)
        rows = await self.db.pool.fetch(
            f"SELECT {_COLUMNS} FROM instances WHERE {where} ORDER BY created_at, id "
            f"LIMIT {int(page_size)} OFFSET {int((page - 1) * page_size)}",
            *args,
        )
        return int(total), [_instance(r) for r in rows]

    async def soft_delete(self, instance_id: str, partner_id: PartnerId) -> bool:
        """Mark the instance deleted and drop its queued sends, in one transaction (history stays)."""
        async with self.db.pool.acquire() as conn, conn.transaction():
            status = await conn.execute(
                "UPDATE instances SET deleted_at = now(), desired_state = 'stopped', updated_at = now() "
                "WHERE id = $1 AND partner_id = $2 AND deleted_at IS NULL",
                instance_id, partner_id,
            )
            if not status.endswith(" 1"):
                return False
            await conn.execute("UPDATE outbox SET status = 'DELETED', media = NULL WHERE instance_id = $1 "
                               "AND status = 'QUEUED'", instance_id)
        return True

    async def rotate_token(self, instance_id: str, partner_id: PartnerId, version: int, token_hash: str) -> bool:
        """Move the instance from token ``version`` to ``version + 1`` (whose hash is given); False when
        it is gone or another rotation got there first. The old token is refused from the commit on."""
        status = await self.db.pool.execute(
            "UPDATE instances SET token_version = $3 + 1, token_hash = $4, updated_at = now() "
            "WHERE id = $1 AND partner_id = $2 AND token_version = $3 AND deleted_at IS NULL",
            instance_id, partner_id, version, token_hash,
        )
        return str(status).endswith(" 1")

    async def rehash_tokens(self, token_hash_of: Callable[[str, int], str]) -> int:
        """Store every live instance's token hash again (after ``ZAPGATE_SECRET_KEY`` changed)."""
        async with self.db.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch("SELECT id, token_version FROM instances WHERE deleted_at IS NULL FOR UPDATE")
            await conn.executemany("UPDATE instances SET token_hash = $2, updated_at = now() WHERE id = $1",
                                   [(r["id"], token_hash_of(r["id"], r["token_version"])) for r in rows])
        return len(rows)

    async def update_fields(self, instance_id: str, **fields: Any) -> None:
        allowed = {k.column for k in CallbackKind} | {
            "name", "notify_sent_by_me", "desired_state", "webhook_secret_version", "device_jid", "phone",
            "auto_read_message", "auto_read_status", "call_reject_auto", "call_reject_message", *PROXY_COLUMNS}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"not updatable: {sorted(bad)}")
        sets = ", ".join(f"{col} = ${i}" for i, col in enumerate(fields, start=2))
        await self.db.pool.execute(
            f"UPDATE instances SET {sets}, updated_at = now() WHERE id = $1 AND deleted_at IS NULL",
            instance_id, *fields.values(),
        )

    async def seal_clear_proxy_passwords(self, sealer: Sealer) -> int:
        """Seal the proxy passwords an older zapgate stored in clear; returns how many rows it sealed. A row
        changed meanwhile (its clear password is no longer the one read) is left to its own update."""
        rows = await self.db.pool.fetch("SELECT id, proxy_password FROM instances WHERE proxy_password <> ''")
        sealed = 0
        for row in rows:
            done = await self.db.pool.fetchval(
                "UPDATE instances SET proxy_password = '', proxy_password_sealed = $2 WHERE id = $1 "
                "AND proxy_password = $3 RETURNING true",
                row["id"], sealer.seal(row["id"], row["proxy_password"]), row["proxy_password"])
            sealed += bool(done)
        return sealed

    async def reseal_proxy_passwords(self, old: Sealer, new: Sealer) -> tuple[int, int]:
        """Seal the proxy passwords again under a new secret key (its rotation): (sealed again, not opened by the
        old key, left as they are)."""
        async with self.db.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch("SELECT id, proxy_password_sealed FROM instances "
                                    "WHERE proxy_password_sealed IS NOT NULL FOR UPDATE")
            again, unopened = [], 0
            for row in rows:
                try:
                    secret = old.open(row["id"], bytes(row["proxy_password_sealed"]))
                except Unsealable:
                    unopened += 1
                    continue
                again.append((row["id"], new.seal(row["id"], secret)))
            await conn.executemany("UPDATE instances SET proxy_password_sealed = $2 WHERE id = $1", again)
        return len(again), unopened

    async def get_any(self, instance_id: str) -> tuple[Instance, bool] | None:
        """The instance even when deleted, with ``deleted`` (the worker must log deleted ones out)."""
        row = await self.db.pool.fetchrow(
            f"SELECT {_COLUMNS}, deleted_at IS NOT NULL AS deleted FROM instances WHERE id = $1", instance_id)
        return None if row is None else (_instance(row), bool(row["deleted"]))

    async def get_live_many(self, instance_ids: list[str]) -> dict[str, Instance]:
        """Instances not deleted, read now (one query): what a batch of events is decided against."""
        rows = await self.db.pool.fetch(
            f"SELECT {_COLUMNS} FROM instances WHERE id = ANY($1::text[]) AND deleted_at IS NULL", instance_ids)
        return {r["id"]: _instance(r) for r in rows}

    async def record_status(self, instance_id: str, status: str, *, phone: str | None, error: str | None,
                            worker_id: str, fence: int) -> None:
        await self.db.pool.execute(
            "INSERT INTO instance_status_history (instance_id, status, phone, error, worker_id, fence) "
            "VALUES ($1, $2, $3, $4, $5, $6)", instance_id, status, phone, error, worker_id, fence)

    async def status_history(self, instance_id: str, limit: int = 100) -> list[tuple[str, str | None]]:
        rows = await self.db.pool.fetch(
            "SELECT status, error FROM instance_status_history WHERE instance_id = $1 ORDER BY id LIMIT $2",
            instance_id, limit)
        return [(r["status"], r["error"]) for r in rows]

    async def live_ids(self) -> list[InstanceId]:
        rows = await self.db.pool.fetch(
            "SELECT id FROM instances WHERE deleted_at IS NULL AND desired_state = 'running' ORDER BY id"
        )
        return [InstanceId(r["id"]) for r in rows]
