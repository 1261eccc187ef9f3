"""Delivery attempts written by group commit (``AttemptBook``) against real Postgres: lanes waiting together share
one statement, each delivery ends in the state its attempt says, a dead one gets its dead letter, and a failed
write reaches every waiter so each retries its own record."""

from __future__ import annotations

import asyncio
import itertools

from dispatch.attempts import AttemptBook
from dispatch.records import Attempt, Delivery, NewDelivery, PersistItem
from dispatch.store import DispatchStore
from gateway.core import content as c
from gateway.core.events import Address, Envelope, MessageReceived, encode, event_id_for
from gateway.infra.db.database import Database

IID = "B30DA9C0183A2D35A260F53F5D2B9244"
ALICE = Address("5544999999999@s.whatsapp.net", "5544999999999")
_seq = itertools.count(1)


async def _deliveries(store: DispatchStore, count: int) -> list[Delivery]:
    items = []
    for _ in range(count):
        seq = next(_seq)
        event = MessageReceived(message_id=f"M{seq}", chat=ALICE, sender=ALICE, from_me=False, is_group=False,
                                timestamp_ms=1000, content=c.Text("hi"), push_name="Alice")
        env = Envelope(instance_id=IID, seq=seq, event_id=event_id_for(IID, event, seq, "ab"), at_ms=2000,
                       event=event)
        items.append(PersistItem(envelope=env, body=encode(env), partition=0,
                                 deliveries=[NewDelivery("received", f"wh-ab-{seq}", b'{"x":1}')]))
    return await store.persist(items)


def _attempt(d: Delivery, outcome: str | None, status: int | None = 200, error: str | None = None) -> Attempt:
    return Attempt(d, "https://hooks.example/received", status, 12, error, outcome)


async def test_waiting_lanes_share_one_statement_and_each_delivery_gets_its_outcome(db: Database) -> None:
    store = DispatchStore(db)
    ds = await _deliveries(store, 6)
    book = AttemptBook(store)
    outcomes: list[tuple[str | None, int | None, str | None]] = [
        ("delivered", 200, None), ("delivered", 204, None), (None, 503, "HTTP 503"), (None, None, "timeout"),
        ("dead", 410, "HTTP 410"), ("delivered", 200, None)]
    await asyncio.gather(*(book.record(_attempt(d, o, s, e)) for d, (o, s, e) in zip(ds, outcomes, strict=True)))
    assert book.batches == 1  # six lanes waiting at once: one statement, not six

    rows = {r["id"]: r for r in await db.pool.fetch(
        "SELECT id, state, attempts, last_status, last_error, first_try_at, delivered_at FROM deliveries "
        "WHERE id = ANY($1)", [d.id for d in ds])}
    states = [rows[d.id]["state"] for d in ds]
    assert states == ["delivered", "delivered", "pending", "pending", "dead", "delivered"]
    assert [rows[d.id]["last_status"] for d in ds] == [200, 204, 503, None, 410, 200]
    assert all(rows[d.id]["attempts"] == 1 and rows[d.id]["first_try_at"] is not None for d in ds)
    assert [rows[d.id]["delivered_at"] is not None for d in ds] == [True, True, False, False, False, True]
    logged = await db.pool.fetch("SELECT delivery_id, status, error FROM delivery_attempts WHERE delivery_id = ANY($1) "
                                 "ORDER BY delivery_id", [d.id for d in ds])
    assert [(r["delivery_id"], r["status"], r["error"]) for r in logged] == [
        (d.id, s, e) for d, (_, s, e) in zip(ds, outcomes, strict=True)]
    dead = await db.pool.fetch("SELECT delivery_id, instance_id, hook, reason FROM dead_letters "
                               "WHERE delivery_id = ANY($1)", [d.id for d in ds])
    assert [(r["delivery_id"], r["instance_id"], r["hook"], r["reason"]) for r in dead] == [
        (ds[4].id, IID, "received", "HTTP 410")]

    # a second attempt of a retried delivery adds to its count and closes it
    await book.record(_attempt(ds[2], "delivered"))
    assert await db.pool.fetchval("SELECT attempts FROM deliveries WHERE id = $1", ds[2].id) == 2
    await book.close()


async def test_a_failed_write_reaches_every_waiter_and_the_retry_lands(db: Database) -> None:
    store = DispatchStore(db)
    ds = await _deliveries(store, 3)
    book = AttemptBook(store)
    await db.pool.execute("ALTER TABLE delivery_attempts RENAME TO delivery_attempts_away")
    try:
        results = await asyncio.gather(*(book.record(_attempt(d, "delivered")) for d in ds), return_exceptions=True)
        assert all(isinstance(r, Exception) for r in results), results
        assert await db.pool.fetchval("SELECT count(*) FROM deliveries WHERE id = ANY($1) AND state = 'pending'",
                                      [d.id for d in ds]) == 3  # all or nothing: no state without its log
    finally:
        await db.pool.execute("ALTER TABLE delivery_attempts_away RENAME TO delivery_attempts")
    await asyncio.gather(*(book.record(_attempt(d, "delivered")) for d in ds))
    assert await db.pool.fetchval("SELECT count(*) FROM deliveries WHERE id = ANY($1) AND state = 'delivered' "
                                  "AND attempts = 1", [d.id for d in ds]) == 3
    await book.close()


async def test_records_written_behind_wait_for_each_other(db: Database) -> None:
    store = DispatchStore(db)
    ds = await _deliveries(store, 4)
    book, plain = AttemptBook(store), AttemptBook(store)
    lingering, at_once = [], []
    for d in ds:  # one outcome every 10 ms, as lanes finish their POSTs
        lingering.append(book.submit(_attempt(d, None, 503, "HTTP 503"), linger_s=0.1))
        at_once.append(plain.submit(_attempt(d, None, 503, "HTTP 503")))
        await asyncio.sleep(0.01)
    await asyncio.gather(*lingering, *at_once)
    assert book.batches == 1  # the first waited 100 ms: the three after it joined its statement
    assert plain.batches >= 3  # without it, each found the previous statement done and went alone
    assert await db.pool.fetchval("SELECT count(*) FROM delivery_attempts WHERE delivery_id = ANY($1)",
                                  [d.id for d in ds]) == 8
    await asyncio.gather(book.close(), plain.close())
