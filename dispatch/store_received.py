"""A batch of plain received messages stored in one statement.

Most of what dispatch stores is messages received: their events, their deliveries, their ``messages`` rows and
the chats they move. ``DispatchStore.persist_batch`` writes a batch in a transaction of several round trips
(BEGIN, events, deliveries, messages, chats, COMMIT); for a batch made only of plain received messages the same
rows are written here by one statement of data-modifying CTEs, one round trip, atomic like the transaction.

"Plain" (``plain``): a ``MessageReceived`` that is not a waiting (undecryptable) copy, not a media follow-up,
carries no poll, and whose chat change names its row directly (no LID to look up or move, see
``dispatch/chats.py``). Anything else in the batch, or poison, sends it down the general path.

Every CTE reads the snapshot taken before the statement, so each step is joined to what the step before it
*returned*: deliveries and messages only for the events inserted now (a redelivered event inserts nothing),
chats only for the messages inserted now (a repeated WhatsApp id counts once, for its first event). The chats
of a batch are folded per row before the upsert, which is what the general path's changes applied one after
another give for these changes (they only create or add: unread summed, newest time, last name given). A
decrypted copy whose waiting message came in an earlier batch updates that row, as in the general path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dispatch import chats, polls
from dispatch.records import Delivery, Persisted, PersistItem, delivery_of
from gateway.core.events import MessageReceived

_STATEMENT = """
WITH e AS (
    INSERT INTO events (event_id, instance_id, kind, seq, fence, at, body)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::timestamptz[],
                         $7::bytea[])
    ON CONFLICT (event_id) DO NOTHING RETURNING id, event_id),
fresh AS (
    SELECT t.n, e.id FROM unnest($1::text[]) WITH ORDINALITY AS t (event_id, n) JOIN e USING (event_id)),
d AS (
    INSERT INTO deliveries (event_row, instance_id, partition, hook, webhook_id, payload, held_until)
    SELECT fresh.id, t.i, t.p, t.h, t.w, t.b, CASE WHEN t.s > 0 THEN now() + t.s * interval '1 second' END
    FROM unnest($8::bigint[], $9::text[], $10::int[], $11::text[], $12::text[], $13::bytea[], $14::float8[])
         WITH ORDINALITY AS t (n, i, p, h, w, b, s, o)
    JOIN fresh ON fresh.n = t.n ORDER BY t.o
    ON CONFLICT (webhook_id) DO NOTHING
    RETURNING id, instance_id, partition, hook, webhook_id, payload, attempts, first_try_at, held_until),
said AS (
    SELECT t.*, t.n AS ord FROM unnest($2::text[], $15::text[], $16::text[], $17::boolean[], $18::text[],
                                       $6::timestamptz[], $19::text[])
         WITH ORDINALITY AS t (i, mid, chat, from_me, kind, at, sender, n)
    WHERE t.n IN (SELECT n FROM fresh)),
m AS (
    INSERT INTO messages (instance_id, message_id, chat, from_me, kind, status, at, sender)
    SELECT i, mid, chat, from_me, kind, CASE WHEN from_me THEN 'SENT' ELSE 'RECEIVED' END, at, sender
    FROM said ORDER BY ord
    ON CONFLICT DO NOTHING RETURNING instance_id, message_id),
decrypted AS (
    UPDATE messages SET kind = said.kind, sender = said.sender, updated_at = now() FROM said
    WHERE messages.instance_id = said.i AND messages.message_id = said.mid AND messages.kind = 'waiting'),
first_said AS (
    SELECT DISTINCT ON (i, mid) ord, i, mid FROM said ORDER BY i, mid, ord),
moved AS (
    SELECT c.*, f.i FROM unnest($20::bigint[], $21::text[], $22::text[], $23::boolean[], $24::int[], $25::bigint[])
         AS c (n, jid, name, is_group, unread_add, last_ms)
    JOIN first_said f ON f.ord = c.n JOIN m ON m.instance_id = f.i AND m.message_id = f.mid),
c AS (
    INSERT INTO chats (instance_id, jid, name, is_group, unread, last_message_ms, archived, pinned,
                       muted_until_ms, marked_unread, expiration_s, lid)
    SELECT moved.i, moved.jid, (array_agg(moved.name ORDER BY moved.n DESC) FILTER (WHERE moved.name IS NOT NULL))[1],
           bool_or(moved.is_group), sum(moved.unread_add), max(moved.last_ms), false, false, 0, false, 0, NULL
    FROM moved GROUP BY moved.i, moved.jid
    ON CONFLICT (instance_id, jid) DO UPDATE SET name = coalesce(EXCLUDED.name, chats.name),
        is_group = chats.is_group OR EXCLUDED.is_group, unread = chats.unread + EXCLUDED.unread,
        last_message_ms = greatest(chats.last_message_ms, EXCLUDED.last_message_ms), updated_at = now())
SELECT x.fresh_ids, d.* FROM (SELECT array_agg(event_id) AS fresh_ids FROM e) AS x LEFT JOIN d ON true
"""


def plain(items: list[PersistItem]) -> bool:
    """True when every event of the batch is a plain received message (see the module's docstring)."""
    for item in items:
        ev = item.envelope.event
        if not isinstance(ev, MessageReceived) or ev.waiting or ev.media_ready or polls.poll_of(ev) is not None:
            return False
        ch = chats.change(ev, new_message=True, at_ms=item.envelope.at_ms)
        if ch is not None and not chats.simple(ch):
            return False
    return True


def _at(item: PersistItem) -> datetime:
    return datetime.fromtimestamp(item.envelope.at_ms / 1000).astimezone()


def _arguments(items: list[PersistItem]) -> list[Any]:
    envs = [i.envelope for i in items]
    received = [e.event for e in envs]
    assert all(isinstance(ev, MessageReceived) for ev in received)
    msgs: list[MessageReceived] = received  # type: ignore[assignment]
    planned = [(n, item, d) for n, item in enumerate(items, 1) for d in item.deliveries]
    moves = [(n, ch) for n, item in enumerate(items, 1)
             if (ch := chats.change(item.envelope.event, new_message=True, at_ms=item.envelope.at_ms)) is not None]
    return [
        [e.event_id for e in envs], [e.instance_id for e in envs], [type(e.event).__name__ for e in envs],
        [e.seq for e in envs], [e.fence for e in envs], [_at(i) for i in items], [i.body for i in items],
        [n for n, _, _ in planned], [i.envelope.instance_id for _, i, _ in planned],
        [i.partition for _, i, _ in planned], [d.hook for _, _, d in planned], [d.webhook_id for _, _, d in planned],
        [d.payload for _, _, d in planned], [i.hold_s for _, i, _ in planned],
        [m.message_id for m in msgs], [m.chat.jid for m in msgs], [m.from_me for m in msgs],
        [type(m.content).__name__ for m in msgs], [m.sender.jid or None for m in msgs],
        [n for n, _ in moves], [ch.jid for _, ch in moves], [ch.name for _, ch in moves],
        [ch.is_group for _, ch in moves], [ch.unread_add for _, ch in moves], [ch.last_message_ms for _, ch in moves],
    ]


async def persist_plain(pool: Any, items: list[PersistItem]) -> Persisted:
    """Store a ``plain`` batch; what ``DispatchStore.persist_batch`` returns for it."""
    rows = await pool.fetch(_STATEMENT, *_arguments(items))
    inserted = set(rows[0]["fresh_ids"] or ()) if rows else set()
    created: list[Delivery] = sorted((delivery_of(r) for r in rows if r["id"] is not None), key=lambda d: d.id)
    seen_before = {i.envelope.instance_id for i in items if i.envelope.event_id not in inserted and i.deliveries}
    return Persisted(created, seen_before)
