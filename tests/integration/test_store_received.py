"""The one-statement persist of plain received messages (``dispatch/store_received.py``) against real Postgres:
the same batches stored through it and through the general transaction leave the same rows and answer the same
``Persisted``; anything not plain takes the general path."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from dispatch import store_received
from dispatch.records import NewDelivery, Persisted, PersistItem
from dispatch.store import DispatchStore
from gateway.core import content as c
from gateway.core.events import Address, EngineEvent, Envelope, MessageReceived, ReceiptReceived, ReceiptStatus, encode
from gateway.infra.db.database import Database

ONE = "A20DA9C0183A2D35A260F53F5D2B9244"  # stored through the one statement
GENERAL = "B30DA9C0183A2D35A260F53F5D2B9245"  # the same events, through the general transaction
OTHER = "C40DA9C0183A2D35A260F53F5D2B9246"
ALICE = Address("5544999999999@s.whatsapp.net", "5544999999999")
BOB = Address("5544988887777@s.whatsapp.net", "5544988887777")
GROUP = Address("120363019502650977@g.us")
STATUS = Address("status@broadcast")
LID = Address("81896604192873@lid", "5544977776666", "81896604192873@lid")
_seq = itertools.count(1)


def _msg(mid: str, chat: Address = ALICE, content: c.Content | None = None, **kw: Any) -> MessageReceived:
    base: dict[str, Any] = {"message_id": mid, "chat": chat, "sender": kw.pop("sender", chat), "from_me": False,
                            "is_group": chat.jid.endswith("@g.us"), "timestamp_ms": 1000,
                            "content": content or c.Text("hi"), "push_name": "Alice"}
    base.update(kw)
    return MessageReceived(**base)


Event = tuple[str, EngineEvent, int, float]  # (event name, event, hooks, hold_s)


def _items(instance_id: str, events: list[Event]) -> list[PersistItem]:
    out = []
    for name, ev, hooks, hold in events:
        env = Envelope(instance_id=instance_id, seq=next(_seq), event_id=f"{instance_id}:{name}", at_ms=2000,
                       event=ev)
        deliveries = [NewDelivery(f"h{k}", f"wh-{env.event_id}-{k}", f"{name}/{k}".encode()) for k in range(hooks)]
        out.append(PersistItem(envelope=env, body=encode(env), partition=3, deliveries=deliveries, hold_s=hold))
    return out


def _general(monkeypatch: pytest.MonkeyPatch, store: DispatchStore) -> Callable[[list[PersistItem]], Any]:
    async def persist(items: list[PersistItem]) -> Persisted:
        with monkeypatch.context() as m:
            m.setattr(store_received, "plain", lambda _: False)
            return await store.persist_batch(items)
    return persist


async def _rows(db: Database, instance_id: str) -> dict[str, Any]:
    """Everything stored for an instance, with the instance's own id taken out of it."""
    strip = len(instance_id) + 1
    events = await db.pool.fetch("SELECT substr(event_id, $2) AS e, kind, fence FROM events WHERE instance_id = $1 "
                                 "ORDER BY id", instance_id, strip)
    deliveries = await db.pool.fetch(
        "SELECT substr(webhook_id, $2 + 4) AS w, hook, partition, payload, held_until IS NOT NULL AS held, state "
        "FROM deliveries WHERE instance_id = $1 ORDER BY id", instance_id, strip)
    messages = await db.pool.fetch("SELECT message_id, chat, from_me, kind, status, sender FROM messages "
                                   "WHERE instance_id = $1 ORDER BY message_id", instance_id)
    chats = await db.pool.fetch(
        "SELECT jid, name, is_group, unread, last_message_ms, archived, pinned, muted_until_ms, marked_unread, "
        "expiration_s, lid FROM chats WHERE instance_id = $1 ORDER BY jid", instance_id)
    return {name: [tuple(r) for r in rows] for name, rows in
            (("events", events), ("deliveries", deliveries), ("messages", messages), ("chats", chats))}


def _answer(p: Persisted, instance_id: str) -> tuple[list[str], bool]:
    return [d.webhook_id.removeprefix(f"wh-{instance_id}:") for d in p.created], instance_id in p.seen_before


BATCHES: list[list[Event]] = [
    [  # not plain (a waiting copy): both sides take the general path
        ("w1", _msg("W1", content=c.Unsupported("ciphertext"), waiting=True), 1, 0.0),
        ("a0", _msg("A0", timestamp_ms=500), 1, 0.0),
    ],
    [
        ("a1", _msg("A1", timestamp_ms=1000), 2, 0.0),
        ("a2", _msg("A2", timestamp_ms=3000, push_name=""), 1, 0.0),
        ("a3", _msg("A3", timestamp_ms=2000), 1, 0.0),
        ("a4", _msg("A4", from_me=True, timestamp_ms=2500, push_name="Me"), 1, 0.0),
        ("a1-again", _msg("A1", timestamp_ms=9000), 1, 0.0),  # the same WhatsApp id: counts once
        ("g1", _msg("G1", GROUP, sender=BOB, chat_name="Suporte", push_name="Bob", timestamp_ms=500), 1, 0.0),
        ("g2", _msg("G2", GROUP, sender=ALICE, chat_name="", timestamp_ms=700), 0, 0.0),
        ("s1", _msg("S1", STATUS, sender=BOB, timestamp_ms=4000), 1, 0.0),
        ("r1", _msg("R1", content=c.Reaction("👍", "A1"), timestamp_ms=9500), 1, 0.0),
        ("w1-decrypted", _msg("W1", timestamp_ms=800), 1, 0.0),  # the waiting message of the batch before
        ("b1", _msg("B1", BOB, push_name="Bob", timestamp_ms=600,
                    content=c.Image(c.MediaRef(url="https://m/x"))), 2, 30.0),  # held for its media
        ("e1", _msg("A3", is_edit=True, content=c.Text("edited"), timestamp_ms=9900), 1, 0.0),
    ],
    [  # half of it redelivered, half new
        ("a3", _msg("A3", timestamp_ms=2000), 1, 0.0),
        ("a4", _msg("A4", from_me=True, timestamp_ms=2500, push_name="Me"), 1, 0.0),
        ("a5", _msg("A5", timestamp_ms=2200, push_name="Alice B."), 1, 0.0),
        ("b2", _msg("B2", BOB, push_name="", timestamp_ms=6000), 0, 0.0),
    ],
    [  # all of it redelivered
        ("a5", _msg("A5", timestamp_ms=2200, push_name="Alice B."), 1, 0.0),
    ],
]


async def test_plain_batches_leave_the_same_rows_as_the_general_path(db: Database,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    store = DispatchStore(db)
    general = _general(monkeypatch, store)
    taken: list[int] = []
    real = store_received.persist_plain

    async def spy(pool: Any, items: list[PersistItem]) -> Persisted:
        taken.append(len(items))
        return await real(pool, items)

    monkeypatch.setattr(store_received, "persist_plain", spy)
    for batch in BATCHES:
        one = await store.persist_batch(_items(ONE, batch))
        other = await general(_items(GENERAL, batch))
        assert _answer(one, ONE) == _answer(other, GENERAL)
    assert taken == [len(b) for b in BATCHES[1:]]  # the first batch was not plain
    one_rows, general_rows = await _rows(db, ONE), await _rows(db, GENERAL)
    assert one_rows == general_rows
    # and what those rows say, so that both paths being wrong the same way fails too
    chats = {r[0]: r for r in one_rows["chats"]}
    assert set(chats) == {ALICE.jid, BOB.jid, GROUP.jid}
    assert chats[ALICE.jid][1:5] == ("Alice B.", False, 6, 3000)  # W1 A0 A1 A2 A3 A5 (A4 is from_me)
    assert chats[GROUP.jid][1:5] == ("Suporte", True, 2, 700)
    assert chats[BOB.jid][1:5] == ("Bob", False, 2, 6000)
    assert ("W1", ALICE.jid, False, "Text", "RECEIVED", ALICE.jid) in one_rows["messages"]
    held = [r for r in one_rows["deliveries"] if r[4]]
    assert [r[0] for r in held] == ["b1-0", "b1-1"]
    assert [r[0] for r in one_rows["deliveries"]][:6] == ["w1-0", "a0-0", "a1-0", "a1-1", "a2-0", "a3-0"]


async def test_a_batch_of_several_instances_is_one_statement(db: Database) -> None:
    store = DispatchStore(db)
    items = [*_items(ONE, [("x1", _msg("X1"), 1, 0.0)]), *_items(OTHER, [("x1", _msg("X1"), 1, 0.0)]),
             *_items(ONE, [("x2", _msg("X2", timestamp_ms=4000), 1, 0.0)])]
    assert store_received.plain(items)
    stored = await store.persist_batch(items)
    assert [d.webhook_id for d in stored.created] == [f"wh-{ONE}:x1-0", f"wh-{OTHER}:x1-0", f"wh-{ONE}:x2-0"]
    assert [d.id for d in stored.created] == sorted(d.id for d in stored.created)
    again = await store.persist_batch(items)
    assert again.created == [] and again.seen_before == {ONE, OTHER}
    unread = dict(await db.pool.fetch("SELECT instance_id, unread FROM chats WHERE jid = $1", ALICE.jid))
    assert unread == {ONE: 2, OTHER: 1}


@pytest.mark.parametrize("event", [
    _msg("W", content=c.Unsupported("ciphertext"), waiting=True),
    _msg("M", media_ready=True),
    _msg("P", content=c.Poll("Lunch?", ("yes", "no"))),
    _msg("L", LID),  # its chat is found by LID: the general path looks it up
    ReceiptReceived(ALICE, ("A1",), ReceiptStatus.READ, 1000),
])
def test_what_is_not_plain(event: EngineEvent) -> None:
    assert store_received.plain(_items(ONE, [("x", _msg("X"), 1, 0.0)]))
    assert not store_received.plain(_items(ONE, [("x", _msg("X"), 1, 0.0), ("y", event, 1, 0.0)]))
