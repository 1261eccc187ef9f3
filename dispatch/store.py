"""Postgres for dispatch: events (idempotent), deliveries, attempts, dead letters, messages, chats, polls."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Any

from dispatch import chats, polls, store_received
from dispatch.polls import PollKey
from dispatch.records import Attempt, Delivery, NewDelivery, Persisted, PersistItem, Poison, delivery_of
from gateway.core.events import MessageReceived, MessageSent, ReceiptReceived, held_event_id
from gateway.infra.db.database import Database

_DELIVERY_COLS = "id, instance_id, partition, hook, webhook_id, payload, attempts, first_try_at, held_until"
_D_COLS = ", ".join(f"d.{col}" for col in _DELIVERY_COLS.split(", "))
# the deliveries of a pending message, released with the payload its media follow-up brought (earlier batches)
_RELEASE = (
    "UPDATE deliveries d SET payload = r.payload, held_until = NULL FROM unnest($1::text[], $2::text[], "
    "$3::bytea[]) AS r (event_id, hook, payload) JOIN events e ON e.event_id = r.event_id "
    "WHERE d.event_row = e.id AND d.hook = r.hook AND d.state = 'pending' AND d.held_until IS NOT NULL "
    f"RETURNING {_D_COLS}, r.event_id AS held_event")
_INSERT_DELIVERIES = (
    "INSERT INTO deliveries (event_row, instance_id, partition, hook, webhook_id, payload, held_until) "
    "SELECT e, i, p, h, w, b, CASE WHEN s > 0 THEN now() + s * interval '1 second' END FROM unnest($1::bigint[], "
    "$2::text[], $3::int[], $4::text[], $5::text[], $6::bytea[], $7::float8[]) AS t (e, i, p, h, w, b, s) "
    f"ON CONFLICT (webhook_id) DO NOTHING RETURNING {_DELIVERY_COLS}")
_INSERT_RECEIVED = (
    "INSERT INTO messages (instance_id, message_id, chat, from_me, kind, status, at, sender) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING instance_id, message_id")


def _at(item: PersistItem) -> datetime:
    return datetime.fromtimestamp(item.envelope.at_ms / 1000).astimezone()


def _message_kind(item: PersistItem) -> str:
    ev = item.envelope.event
    if isinstance(ev, MessageReceived):
        return "received"
    if isinstance(ev, MessageSent) and ev.message_id:
        return "sent"
    return "other"


def _plan_deliveries(fresh: list[PersistItem]) -> tuple[list[tuple[PersistItem, NewDelivery, float]],
                                                       list[tuple[PersistItem, NewDelivery, str]]]:
    """The deliveries to insert, in event order, with their hold; and the media follow-ups whose pending message
    came in an earlier batch (released in Postgres). A follow-up in the same batch as its message just gives that
    message's deliveries its payload, unheld."""
    planned: list[tuple[PersistItem, NewDelivery, float]] = []
    held_here: dict[str, dict[str, int]] = {}  # pending event id -> hook -> index in planned
    follow_ups: list[tuple[PersistItem, NewDelivery, str]] = []
    for item in fresh:
        ev = item.envelope.event
        if isinstance(ev, MessageReceived) and ev.media_ready:
            held = held_event_id(item.envelope.instance_id, ev)
            here = held_here.get(held, {})
            for d in item.deliveries:
                if d.hook in here:
                    pending, old, _ = planned[here[d.hook]]
                    planned[here[d.hook]] = (pending, replace(old, payload=d.payload), 0.0)
                else:
                    follow_ups.append((item, d, held))
            continue
        for d in item.deliveries:
            if item.hold_s > 0:
                held_here.setdefault(item.envelope.event_id, {})[d.hook] = len(planned)
            planned.append((item, d, item.hold_s))
    return planned, follow_ups


class DispatchStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def persist(self, items: list[PersistItem], poison: list[Poison] | None = None) -> list[Delivery]:
        """Insert a batch (and its poison events) in one transaction; returns the new events' deliveries."""
        return (await self.persist_batch(items, poison)).created

    async def persist_batch(self, items: list[PersistItem], poison: list[Poison] | None = None) -> Persisted:
        """``persist``, also naming the instances with a webhook event stored before (a redelivery)."""
        created: list[Delivery] = []
        if not items and not poison:
            return Persisted(created, set())
        if not poison and store_received.plain(items):
            return await store_received.persist_plain(self.db.pool, items)
        async with self.db.pool.acquire() as conn, conn.transaction():
            if poison:
                await conn.executemany(
                    "INSERT INTO poison_events (body_sha256, partition, stream_seq, instance_id, event_id, reason, "
                    "body) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (body_sha256) DO NOTHING",
                    [(hashlib.sha256(p.body).hexdigest(), p.partition, p.stream_seq, p.instance_id, p.event_id,
                      p.reason[:1000], p.body) for p in poison])
            if not items:
                return Persisted(created, set())
            rows = await conn.fetch(
                "INSERT INTO events (event_id, instance_id, kind, seq, fence, at, body) "
                "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], "
                "$6::timestamptz[], $7::bytea[]) ON CONFLICT (event_id) DO NOTHING RETURNING id, event_id",
                [i.envelope.event_id for i in items], [i.envelope.instance_id for i in items],
                [type(i.envelope.event).__name__ for i in items], [i.envelope.seq for i in items],
                [i.envelope.fence for i in items],
                [datetime.fromtimestamp(i.envelope.at_ms / 1000).astimezone() for i in items],
                [i.body for i in items])
            inserted = {r["event_id"]: r["id"] for r in rows}
            fresh = [i for i in items if i.envelope.event_id in inserted]
            seen_before = {i.envelope.instance_id for i in items
                           if i.envelope.event_id not in inserted and i.deliveries}
            planned, follow_ups = _plan_deliveries(fresh)
            created = await self._insert_deliveries(conn, inserted, planned)
            if follow_ups:
                created += await self._release(conn, inserted, follow_ups)
            # messages first, then chats, each in capture order: neither reads the other's table, so this is
            # the order of events as they happened, in a few pipelined round trips instead of two per event
            new_messages = await self._messages(conn, fresh)
            changes = [(i.envelope.instance_id, ch) for i, new in zip(fresh, new_messages, strict=True)
                       if (ch := chats.change(i.envelope.event, new_message=new, at_ms=i.envelope.at_ms))]
            await chats.apply_all(conn, changes)
            found = [(i.envelope.instance_id, *p) for i in fresh if (p := polls.poll_of(i.envelope.event))]
            if found:
                await conn.executemany(
                    "INSERT INTO polls (instance_id, message_id, options) VALUES ($1, $2, $3::text[]) "
                    "ON CONFLICT DO NOTHING", [(iid, mid, list(options)) for iid, mid, options in found])
        return Persisted(created, seen_before)

    @staticmethod
    async def _insert_deliveries(conn: Any, inserted: dict[str, int],
                                 planned: list[tuple[PersistItem, NewDelivery, float]]) -> list[Delivery]:
        if not planned:
            return []
        rows = await conn.fetch(_INSERT_DELIVERIES, [inserted[i.envelope.event_id] for i, _, _ in planned],
                                [i.envelope.instance_id for i, _, _ in planned], [i.partition for i, _, _ in planned],
                                [d.hook for _, d, _ in planned], [d.webhook_id for _, d, _ in planned],
                                [d.payload for _, d, _ in planned], [hold for _, _, hold in planned])
        return sorted((delivery_of(r) for r in rows), key=lambda d: d.id)

    async def _release(self, conn: Any, inserted: dict[str, int],
                       follow_ups: list[tuple[PersistItem, NewDelivery, str]]) -> list[Delivery]:
        """Release the held deliveries of earlier batches with their follow-up's payload; a follow-up that finds
        none held (released at its deadline already, or the message had no such webhook) is delivered itself,
        like a later media retry: the same message again, with its links."""
        rows = await conn.fetch(_RELEASE, [held for _, _, held in follow_ups], [d.hook for _, d, _ in follow_ups],
                                [d.payload for _, d, _ in follow_ups])
        done = {(r["held_event"], r["hook"]) for r in rows}
        released = [delivery_of(r) for r in rows]
        rest = [(item, d, 0.0) for item, d, held in follow_ups if (held, d.hook) not in done]
        return released + await self._insert_deliveries(conn, inserted, rest)

    async def unhold(self, delivery_id: int) -> Delivery | None:
        """Stop holding a delivery whose deadline passed (its follow-up never came): it goes as it is. None: it
        is no longer pending. A follow-up committed first has already released it with its payload."""
        row = await self.db.pool.fetchrow(
            f"UPDATE deliveries SET held_until = NULL WHERE id = $1 AND state = 'pending' RETURNING {_DELIVERY_COLS}",
            delivery_id)
        return delivery_of(row) if row is not None else None

    async def _messages(self, conn: Any, items: list[PersistItem]) -> list[bool]:
        """Record what each event says about a message, in order; True for an event whose message id was not
        seen before. A run of received (or of sent) messages is one pipelined round trip."""
        found: list[bool] = []
        start = 0
        while start < len(items):
            kind = _message_kind(items[start])
            end = start + 1
            while end < len(items) and kind in ("received", "sent") and _message_kind(items[end]) == kind:
                end += 1
            run = items[start:end]
            if kind == "received":
                found += await self._received(conn, run)
            elif kind == "sent":
                found += await self._sent(conn, run)
            else:
                found += [await self._message(conn, item) for item in run]
            start = end
        return found

    @staticmethod
    async def _received(conn: Any, run: list[PersistItem]) -> list[bool]:
        rows = []
        for item in run:
            ev = item.envelope.event
            assert isinstance(ev, MessageReceived)
            rows.append((item.envelope.instance_id, ev.message_id, ev.chat.jid, ev.from_me,
                         "waiting" if ev.waiting else type(ev.content).__name__, "SENT" if ev.from_me else "RECEIVED",
                         _at(item), ev.sender.jid or None))
        inserted = {(r["instance_id"], r["message_id"]) for r in await conn.fetchmany(_INSERT_RECEIVED, rows)}
        new: list[bool] = []
        decrypted = []
        for row in rows:
            key = (row[0], row[1])
            new.append(key in inserted)
            inserted.discard(key)  # a repeat of the id later in the run did not insert it
            if not new[-1] and row[4] != "waiting":  # the decrypted copy of a waiting message
                decrypted.append((row[0], row[1], row[4], row[7]))
        if decrypted:
            await conn.executemany(
                "UPDATE messages SET kind = $3, sender = $4, updated_at = now() WHERE instance_id = $1 "
                "AND message_id = $2 AND kind = 'waiting'", decrypted)
        return new

    @staticmethod
    async def _sent(conn: Any, run: list[PersistItem]) -> list[bool]:
        rows = []
        for item in run:
            ev = item.envelope.event
            assert isinstance(ev, MessageSent)
            rows.append((item.envelope.instance_id, ev.message_id, ev.chat.jid, _at(item)))
        answers = await conn.fetchmany(
            "INSERT INTO messages (instance_id, message_id, chat, from_me, kind, status, at) "
            "VALUES ($1, $2, $3, true, 'api', 'SENT', $4) ON CONFLICT (instance_id, message_id) "
            "DO UPDATE SET status = 'SENT', updated_at = now() RETURNING xmax = 0 AS fresh", rows)
        return [bool(a["fresh"]) for a in answers]  # an upsert answers one row per execution, in order

    async def _message(self, conn: Any, item: PersistItem) -> bool:
        """Record what any other event says about messages (receipts); False: it is no new message."""
        ev, iid = item.envelope.event, item.envelope.instance_id
        at = _at(item)
        if isinstance(ev, ReceiptReceived):
            await conn.executemany(
                "INSERT INTO message_status_history (instance_id, message_id, status, at) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                [(iid, mid, ev.status.value, at) for mid in ev.message_ids])
            await conn.execute(
                "UPDATE messages SET status = $3, updated_at = now() WHERE instance_id = $1 "
                "AND message_id = ANY($2::text[])", iid, list(ev.message_ids), ev.status.value)
        return False

    async def poll_options(self, keys: list[PollKey]) -> dict[PollKey, tuple[str, ...]]:
        """The options of the polls stored under these (instance, message id) keys."""
        rows = await self.db.pool.fetch(
            "SELECT p.instance_id, p.message_id, p.options FROM polls p JOIN unnest($1::text[], $2::text[]) "
            "AS k (instance_id, message_id) USING (instance_id, message_id)",
            [k[0] for k in keys], [k[1] for k in keys])
        return {(r["instance_id"], r["message_id"]): tuple(r["options"]) for r in rows}

    async def newest_fences(self, instance_ids: list[str]) -> dict[str, int]:
        """The highest lease fence stored per instance (0 for an instance with no event yet)."""
        rows = await self.db.pool.fetch(
            "SELECT instance_id, max(fence) AS fence FROM events WHERE instance_id = ANY($1::text[]) "
            "GROUP BY instance_id", instance_ids)
        found = {r["instance_id"]: int(r["fence"]) for r in rows}
        return {i: found.get(i, 0) for i in instance_ids}

    async def poison(self, instance_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        rows = await self.db.pool.fetch(
            "SELECT partition, stream_seq, instance_id, event_id, reason, created_at FROM poison_events "
            "WHERE $1::text IS NULL OR instance_id = $1 ORDER BY id DESC LIMIT $2", instance_id, limit)
        return [dict(r) for r in rows]

    async def pending_instances(self, partition: int) -> list[str]:
        """Instances of the partition with deliveries still pending (their lanes page them in)."""
        rows = await self.db.pool.fetch(
            "SELECT DISTINCT instance_id FROM deliveries WHERE partition = $1 AND state = 'pending'", partition)
        return [str(r["instance_id"]) for r in rows]

    async def pending_of(self, partition: int, instance_id: str, after_id: int, limit: int) -> list[Delivery]:
        """One page of an instance's pending deliveries, in id (= capture) order."""
        rows = await self.db.pool.fetch(
            f"SELECT {_DELIVERY_COLS} FROM deliveries WHERE partition = $1 AND instance_id = $2 "
            "AND state = 'pending' AND id > $3 ORDER BY id LIMIT $4", partition, instance_id, after_id, limit)
        return [delivery_of(r) for r in rows]

    # One statement for a batch (at most one attempt per delivery: a lane has one POST in flight): the attempts'
    # log, the dead letters of those that died and the deliveries' state, all or nothing.
    _ATTEMPTS = (
        "WITH a AS (SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int[], "
        "$7::text[], $8::text[]) AS t(id, status, error, outcome, url, latency_ms, instance_id, hook)), "
        "logged AS (INSERT INTO delivery_attempts (delivery_id, url, status, latency_ms, error) "
        "SELECT id, url, status, latency_ms, error FROM a), "
        "dead AS (INSERT INTO dead_letters (delivery_id, instance_id, hook, reason) "
        "SELECT id, instance_id, hook, coalesce(error, 'HTTP ' || status) FROM a WHERE outcome = 'dead' "
        "ON CONFLICT (delivery_id) DO UPDATE SET reason = EXCLUDED.reason, replayed_at = NULL, created_at = now()) "
        "UPDATE deliveries d SET attempts = d.attempts + 1, last_status = a.status, last_error = a.error, "
        "first_try_at = coalesce(d.first_try_at, now()), state = coalesce(a.outcome, d.state), "
        "delivered_at = CASE WHEN a.outcome = 'delivered' THEN now() ELSE d.delivered_at END "
        "FROM a WHERE d.id = a.id")

    async def attempts(self, batch: list[Attempt]) -> None:
        """Record attempts (``AttemptBook`` batches them); an outcome 'delivered' or 'dead' closes its delivery, a
        dead one gets its dead letter in the same statement."""
        await self.db.pool.execute(
            self._ATTEMPTS, [a.delivery.id for a in batch], [a.status for a in batch], [a.error for a in batch],
            [a.outcome for a in batch], [a.url for a in batch], [a.latency_ms for a in batch],
            [a.delivery.instance_id for a in batch], [a.delivery.hook for a in batch])

    async def skip(self, d: Delivery, reason: str) -> None:
        await self.db.pool.execute("UPDATE deliveries SET state = 'skipped', last_error = $2 WHERE id = $1",
                                   d.id, reason)
