"""The outbound queue's rows in Postgres (the truth about each queued message)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from gateway.core.errors import QueueFull
from gateway.infra.db.database import Database

_COLS = ("zaap_id, instance_id, seq, kind, phone, payload, media, delay_message, delay_typing, status, "
         "message_id, attempts, error, fence, created_at, sent_at")


@dataclass(frozen=True, slots=True)
class OutboxRow:
    zaap_id: str
    instance_id: str
    seq: int
    kind: str
    phone: str
    payload: bytes
    media: bytes | None
    delay_message: float | None
    delay_typing: float
    status: str
    message_id: str | None
    attempts: int
    error: str | None
    fence: int | None
    created_at: datetime
    sent_at: datetime | None


# The statement's snapshot still shows ``zaap_id`` live and the next row QUEUED: the first is excluded by
# id, the second's claim is reported by ``claimed`` (its UPDATE re-checks the row, so a delete that
# committed meanwhile wins and the row comes back unclaimed).
_SENT_THEN_NEXT = f"""
WITH done AS (
    UPDATE outbox SET status = 'SENT', message_id = $2, sent_at = now(), media = NULL, error = NULL,
        attempts = attempts + 1
    WHERE zaap_id = $1),
nxt AS (
    SELECT zaap_id FROM outbox WHERE instance_id = $3 AND status IN ('QUEUED', 'SENDING') AND zaap_id <> $1
    ORDER BY seq LIMIT 1),
claimed AS (
    UPDATE outbox o SET status = 'SENDING', fence = $4 FROM nxt
    WHERE $4::bigint IS NOT NULL AND o.zaap_id = nxt.zaap_id AND o.status = 'QUEUED'
        AND o.delay_message IS NULL AND o.delay_typing = 0
    RETURNING o.zaap_id)
SELECT {_COLS}, EXISTS (SELECT 1 FROM claimed) AS claimed FROM outbox WHERE zaap_id = (SELECT zaap_id FROM nxt)
"""


def _row(r: Any) -> OutboxRow:
    return OutboxRow(zaap_id=r["zaap_id"], instance_id=r["instance_id"], seq=r["seq"], kind=r["kind"],
                     phone=r["phone"], payload=bytes(r["payload"]), media=bytes(r["media"]) if r["media"] else None,
                     delay_message=r["delay_message"], delay_typing=r["delay_typing"], status=r["status"],
                     message_id=r["message_id"], attempts=r["attempts"], error=r["error"], fence=r["fence"],
                     created_at=r["created_at"], sent_at=r["sent_at"])


def queue_full(cap: int) -> QueueFull:
    return QueueFull(f"the queue of this instance is full ({cap} messages); wait for it to drain or delete "
                     "queued messages", cap=cap, retry_after_s=5)


class OutboxStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def enqueue(self, *, zaap_id: str, instance_id: str, kind: str, phone: str, payload: bytes,
                      media: bytes | None, delay_message: float | None, delay_typing: float, cap: int,
                      idempotency_key: str | None = None, key_ttl_s: float = 86400.0) -> tuple[str, bool]:
        """Commit the row (the queue's truth) under a per-instance lock, so the cap is exact and ``seq`` is
        the request order: one statement, one round trip (``zapgate_enqueue``, migration 0015). No network
        call happens inside: the bell is rung after the commit.

        With ``idempotency_key``: a key seen within ``key_ttl_s`` answers the first send's zaapId and queues
        nothing. Returns (zaap_id, queued now).
        """
        row = await self.db.pool.fetchrow(
            "SELECT zaap_id, queued FROM zapgate_enqueue($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            zaap_id, instance_id, kind, phone, payload, media, delay_message, delay_typing, cap, idempotency_key,
            key_ttl_s)
        if row is None or row["zaap_id"] is None:
            raise queue_full(cap)
        return str(row["zaap_id"]), bool(row["queued"])

    async def next_live(self, instance_id: str) -> OutboxRow | None:
        """The oldest row still to send (SENDING first: a send cut short), or None when the queue is empty."""
        r = await self.db.pool.fetchrow(
            f"SELECT {_COLS} FROM outbox WHERE instance_id = $1 AND status IN ('QUEUED', 'SENDING') "
            "ORDER BY seq LIMIT 1", instance_id)
        return None if r is None else _row(r)

    async def with_work(self, instance_ids: list[str]) -> list[str]:
        """Which of these instances have something to send (the worker's reconcile loop, one query)."""
        rows = await self.db.pool.fetch(
            "SELECT DISTINCT instance_id FROM outbox WHERE instance_id = ANY($1::text[]) "
            "AND status IN ('QUEUED', 'SENDING')", instance_ids)
        return [str(r["instance_id"]) for r in rows]

    async def get(self, zaap_id: str) -> OutboxRow | None:
        r = await self.db.pool.fetchrow(f"SELECT {_COLS} FROM outbox WHERE zaap_id = $1", zaap_id)
        return None if r is None else _row(r)

    async def claim(self, zaap_id: str, fence: int) -> bool:
        """QUEUED → SENDING for this fence; False when it was deleted (or sent) meanwhile."""
        status = await self.db.pool.execute(
            "UPDATE outbox SET status = 'SENDING', fence = $2 WHERE zaap_id = $1 AND status = 'QUEUED'",
            zaap_id, fence)
        return bool(status.endswith(" 1"))

    async def sent(self, zaap_id: str, message_id: str) -> None:
        await self.db.pool.execute(
            "UPDATE outbox SET status = 'SENT', message_id = $2, sent_at = now(), media = NULL, error = NULL, "
            "attempts = attempts + 1 WHERE zaap_id = $1", zaap_id, message_id)

    async def sent_then_next(self, zaap_id: str, message_id: str, instance_id: str,
                             claim_fence: int | None) -> tuple[OutboxRow | None, bool]:
        """Record ``zaap_id`` SENT and read the instance's next live row in the same statement (one round trip
        per message instead of two). With ``claim_fence`` (the caller checked its lease just before and has
        no pacing to wait for) the next row is also claimed for that fence when it is QUEUED with no delay
        of its own. Returns (the next row or None, claimed)."""
        r = await self.db.pool.fetchrow(_SENT_THEN_NEXT, zaap_id, message_id, instance_id, claim_fence)
        if r is None:
            return None, False
        row = _row(r)
        if r["claimed"]:
            return replace(row, status="SENDING", fence=claim_fence), True
        return row, False

    async def release(self, zaap_id: str, error: str | None, count_attempt: bool) -> int:
        """SENDING → QUEUED again (transient failure or not connected); returns the attempts so far."""
        attempts: int = await self.db.pool.fetchval(
            "UPDATE outbox SET status = 'QUEUED', error = $2, attempts = attempts + $3::int WHERE zaap_id = $1 "
            "RETURNING attempts", zaap_id, error, 1 if count_attempt else 0)
        return attempts

    async def failed(self, zaap_id: str, error: str) -> None:
        await self.db.pool.execute(
            "UPDATE outbox SET status = 'FAILED', error = $2, media = NULL, attempts = attempts + 1 "
            "WHERE zaap_id = $1", zaap_id, error)

    async def delete_one(self, instance_id: str, zaap_id: str) -> bool:
        status = await self.db.pool.execute(
            "UPDATE outbox SET status = 'DELETED', media = NULL WHERE instance_id = $1 AND zaap_id = $2 "
            "AND status = 'QUEUED'", instance_id, zaap_id)
        return bool(status.endswith(" 1"))

    async def delete_all(self, instance_id: str) -> int:
        status = await self.db.pool.execute(
            "UPDATE outbox SET status = 'DELETED', media = NULL WHERE instance_id = $1 AND status = 'QUEUED'",
            instance_id)
        return int(status.split()[-1])

    async def count(self, instance_id: str) -> int:
        n: int = await self.db.pool.fetchval(
            "SELECT count(*) FROM outbox WHERE instance_id = $1 AND status IN ('QUEUED', 'SENDING')", instance_id)
        return n

    async def page(self, instance_id: str, after_seq: int, size: int) -> list[OutboxRow]:
        rows = await self.db.pool.fetch(
            f"SELECT {_COLS} FROM outbox WHERE instance_id = $1 AND status IN ('QUEUED', 'SENDING') AND seq > $2 "
            "ORDER BY seq LIMIT $3", instance_id, after_seq, size)
        return [_row(r) for r in rows]

    async def resolve(self, instance_id: str, message_id: str) -> str:
        """A zaapId of a sent message → its WhatsApp id; anything else is taken as a WhatsApp id."""
        found = await self.db.pool.fetchval(
            "SELECT message_id FROM outbox WHERE zaap_id = $1 AND instance_id = $2 AND message_id IS NOT NULL",
            message_id, instance_id)
        return str(found) if found else message_id
