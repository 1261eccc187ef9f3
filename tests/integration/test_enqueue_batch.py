"""Accepted sends committed by group commit (``EnqueueBatcher``, migration 0021) against real Postgres: rows that
arrive together share a statement and keep everything one-by-one writes promise — request order in ``seq``, the
exact queue cap, Idempotency-Key answers — a row the batch cannot take fails alone, and two apis batching the
same instances in opposite orders do not deadlock."""

from __future__ import annotations

import asyncio
import itertools

import asyncpg

from gateway.core.errors import QueueFull
from gateway.infra.db.database import Database
from gateway.infra.db.outbox_batch import EnqueueBatcher, QueuedSend
from tests.support.api import Api

_n = itertools.count(1)


def _send(instance_id: str, key: str | None = None) -> QueuedSend:
    n = next(_n)
    return QueuedSend(zaap_id=f"Z{n:08d}", instance_id=instance_id, kind="send-text", phone="5511988887777",
                      payload=b"{}", delay_message=None, delay_typing=0.0, idempotency_key=key)


async def _outcomes(batcher: EnqueueBatcher, sends: list[QueuedSend]) -> list[tuple[str, bool] | BaseException]:
    return await asyncio.gather(*(batcher.enqueue(s) for s in sends), return_exceptions=True)


async def _seq_order(db: Database, instance_id: str) -> list[str]:
    rows = await db.pool.fetch("SELECT zaap_id FROM outbox WHERE instance_id = $1 ORDER BY seq", instance_id)
    return [r["zaap_id"] for r in rows]


async def test_sends_arriving_together_share_statements_and_keep_request_order(api: Api, db: Database) -> None:
    ids = [(await api.create_instance())["id"] for _ in range(3)]
    batcher = EnqueueBatcher(db, cap=1000, key_ttl_s=60, in_flight=1)
    sends = [_send(ids[i % 3]) for i in range(60)]
    outcomes = await _outcomes(batcher, sends)

    assert outcomes == [(s.zaap_id, True) for s in sends]
    assert batcher.statements < 10  # one at once: the first alone, the other 59 behind it in a few statements
    for iid in ids:
        assert await _seq_order(db, iid) == [s.zaap_id for s in sends if s.instance_id == iid]


async def test_the_cap_is_exact_and_a_repeated_key_answers_the_first_send_within_one_batch(
        api: Api, db: Database) -> None:
    iid = (await api.create_instance())["id"]
    batcher = EnqueueBatcher(db, cap=5, key_ttl_s=60, in_flight=1)
    first, again = _send(iid, key="order-1"), _send(iid, key="order-1")
    sends = [first, again] + [_send(iid) for _ in range(6)]
    outcomes = await _outcomes(batcher, sends)

    assert outcomes[0] == (first.zaap_id, True)
    assert outcomes[1] == (first.zaap_id, False)  # the key was seen: the first send's id, nothing queued
    assert outcomes[2:6] == [(s.zaap_id, True) for s in sends[2:6]]  # 5 rows now: the cap
    assert all(isinstance(o, QueueFull) for o in outcomes[6:])
    assert await _seq_order(db, iid) == [s.zaap_id for s in [first, *sends[2:6]]]


async def test_a_row_the_batch_cannot_take_fails_alone(api: Api, db: Database) -> None:
    iid = (await api.create_instance())["id"]
    batcher = EnqueueBatcher(db, cap=100, key_ttl_s=60, in_flight=1)
    sends = [_send(iid), _send(iid), _send("0" * 32), _send(iid)]  # the third names no instance
    outcomes = await _outcomes(batcher, sends)

    assert isinstance(outcomes[2], asyncpg.ForeignKeyViolationError)
    assert [outcomes[i] for i in (0, 1, 3)] == [(sends[i].zaap_id, True) for i in (0, 1, 3)]
    assert await _seq_order(db, iid) == [sends[i].zaap_id for i in (0, 1, 3)]


async def test_two_apis_batching_the_same_instances_in_opposite_orders_do_not_deadlock(
        api: Api, db: Database) -> None:
    ids = [(await api.create_instance())["id"] for _ in range(4)]
    one, other = (EnqueueBatcher(db, cap=10_000, key_ttl_s=60, in_flight=1) for _ in range(2))
    forward = [_send(ids[i % 4]) for i in range(80)]
    backward = [_send(ids[3 - i % 4]) for i in range(80)]
    outcomes = await asyncio.gather(_outcomes(one, forward), _outcomes(other, backward))

    assert outcomes == [[(s.zaap_id, True) for s in forward], [(s.zaap_id, True) for s in backward]]
    # the 80 rows of each api in one statement: a deadlock would have failed it and sent them one by one
    assert (one.statements, other.statements) == (1, 1)
