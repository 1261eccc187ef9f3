"""The pumps' batches committed together (``PersistBook``) against real Postgres: batches waiting at once share one
transaction and each pump gets back only its own deliveries and redeliveries; a batch that cannot be stored fails
alone, the others waiting with it are committed."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from dispatch.persist_book import PersistBook
from dispatch.records import NewDelivery, Persisted, PersistItem
from dispatch.store import DispatchStore
from gateway.core import content as c
from gateway.core.events import Address, Envelope, MessageReceived, encode, event_id_for
from gateway.infra.db.database import Database

BOB = Address("5511988887777@s.whatsapp.net", "5511988887777")


def _batch(instance_id: str, partition: int, first: int, count: int) -> list[PersistItem]:
    """``count`` inbound messages of one instance, each with its 'received' webhook."""
    items = []
    for seq in range(first, first + count):
        event = MessageReceived(message_id=f"PB{seq}", chat=BOB, sender=BOB, from_me=False, is_group=False,
                                timestamp_ms=1000 + seq, content=c.Text(f"n{seq}"), push_name="Bob")
        env = Envelope(instance_id=instance_id, seq=seq, event_id=event_id_for(instance_id, event, seq, "pb"),
                       at_ms=5000 + seq, event=event)
        items.append(PersistItem(envelope=env, body=encode(env), partition=partition,
                                 deliveries=[NewDelivery("received", f"wh-pb-{instance_id}-{seq}", b"{}")]))
    return items


async def test_batches_waiting_together_share_a_transaction_and_each_gets_its_own(db: Database) -> None:
    store, book = DispatchStore(db), PersistBook(DispatchStore(db))
    a, b, c3 = (f"{letter}{n:031d}" for n, letter in enumerate("ABC", 1))
    first = [book.submit(_batch(inst, p, 1, n), []) for inst, p, n in ((a, 1, 3), (b, 2, 2), (c3, 3, 1))]
    got = await asyncio.gather(*first)
    assert book.transactions == 1  # three pumps waiting at once: one transaction, not three
    assert [[d.instance_id for d in p.created] for p in got] == [[a] * 3, [b] * 2, [c3]]
    assert all(p.seen_before == set() for p in got)
    ids = [d.id for p in got for d in p.created]
    assert ids == sorted(ids)  # each batch's deliveries in capture order

    # a redelivered batch of b (already stored) and a fresh batch of a: b is named as seen before, a is not
    again = await asyncio.gather(book.submit(_batch(b, 2, 1, 2), []), book.submit(_batch(a, 1, 4, 1), []))
    assert again[0].created == [] and again[0].seen_before == {b}
    assert [d.instance_id for d in again[1].created] == [a] and again[1].seen_before == set()
    assert await store.db.pool.fetchval("SELECT count(*) FROM deliveries WHERE webhook_id LIKE 'wh-pb-%'") == 7
    await book.close()


async def test_a_batch_that_cannot_be_stored_fails_alone(db: Database) -> None:
    book = PersistBook(DispatchStore(db))
    good1, good2 = "D0000000000000000000000000000004", "E0000000000000000000000000000005"
    waiting = [book.submit(_batch(good1, 4, 1, 1), []),
               book.submit(_batch("F\x00BAD", 5, 1, 1), []),  # Postgres refuses a NUL in text
               book.submit(_batch(good2, 6, 1, 2), [])]
    first, bad, last = await asyncio.gather(*waiting, return_exceptions=True)
    assert isinstance(bad, asyncpg.PostgresError), bad
    assert isinstance(first, Persisted) and isinstance(last, Persisted)
    assert [d.instance_id for d in first.created] == [good1] and [d.instance_id for d in last.created] == [good2] * 2
    assert book.transactions == 2  # the shared one rolled back; each good batch was then committed on its own
    assert await db.pool.fetchval("SELECT count(*) FROM events WHERE instance_id = ANY($1)", [good1, good2]) == 3

    with pytest.raises(asyncpg.PostgresError):  # alone, it fails as before
        await book.submit(_batch("F\x00BAD", 5, 2, 1), [])
    await book.close()


async def test_a_writer_cancelled_leaves_no_pump_waiting(db: Database) -> None:
    book = PersistBook(DispatchStore(db))
    waiting = [book.submit(_batch(f"G{n:031d}", 7 + n, 1, 1), []) for n in range(3)]
    await asyncio.sleep(0)  # the writer has started its transaction
    assert book._writer is not None
    book._writer.cancel()
    results = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 5)
    assert all(isinstance(r, asyncio.CancelledError) for r in results), results
