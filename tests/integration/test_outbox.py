"""Postgres is the queue's truth: sends are accepted with NATS away, retried safely with Idempotency-Key,
and the hot queries are served by indexes."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from gateway.infra.db.database import Database
from tests.support.api import open_api
from tests.support.polling import eventually
from tests.support.stack import Stack

TO = "5511988887777"


async def _send(stack: Stack, inst: dict[str, Any], text: str, key: str | None = None) -> Any:
    headers = {**stack.api.client_headers, **({"Idempotency-Key": key} if key is not None else {})}
    return await stack.api.client.post(stack.api.path(inst, "send-text"), json={"phone": TO, "message": text},
                                       headers=headers)


async def test_idempotency_key_answers_the_first_send_and_sends_once(stack: Stack) -> None:
    inst = await stack.paired()
    answers = await asyncio.gather(*(_send(stack, inst, "once", key="order-42") for _ in range(4)))
    assert {r.status_code for r in answers} == {200}
    assert len({r.json()["zaapId"] for r in answers}) == 1
    other = await _send(stack, inst, "twice", key="order-43")
    assert other.json()["zaapId"] != answers[0].json()["zaapId"]
    engine = stack.engine(inst)

    async def both_sent() -> bool:
        return len(engine.sent) == 2

    await eventually(both_sent)
    assert [o.content.text for o in engine.sent] == ["once", "twice"]  # type: ignore[attr-defined]
    db = stack.dispatcher.store.db
    await db.pool.execute("UPDATE outbox_keys SET created_at = now() - interval '25 hours'")  # the key expired
    again = await _send(stack, inst, "once more", key="order-42")
    assert again.json()["zaapId"] not in {r.json()["zaapId"] for r in answers}


@pytest.mark.parametrize("key", ["has space", "x" * 201, ""])
async def test_a_malformed_idempotency_key_is_refused(stack: Stack, key: str) -> None:
    inst = await stack.instance()
    r = await stack.api.client.post(stack.api.path(inst, "send-text"), json={"phone": TO, "message": "m"},
                                    headers={**stack.api.client_headers, "Idempotency-Key": key})
    assert r.status_code == 400 and r.json()["field"] == "Idempotency-Key", r.text


async def test_a_send_is_accepted_with_nats_away_and_sent_by_the_reconcile_loop(stack: Stack) -> None:
    inst = await stack.paired()
    no_nats = stack.settings.model_copy(update={"nats_url": "nats://127.0.0.1:1"})
    async for api in open_api(no_nats):
        r = await api.client.post(api.path(inst, "send-text"), json={"phone": TO, "message": "while away"},
                                  headers=api.client_headers)
        assert r.status_code == 200, r.text  # committed in Postgres; no bell could be rung
    engine = stack.engine(inst)

    async def sent() -> bool:
        return [o.zaap_id for o in engine.sent] == [r.json()["zaapId"]]

    await eventually(sent, timeout_s=15)


async def _plan(db: Database, sql: str, *args: Any) -> str:
    async with db.pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")  # can an index serve it at all?
        raw = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *args)
    return orjson.dumps(orjson.loads(raw) if isinstance(raw, str) else raw).decode()


@pytest.mark.parametrize(("sql", "index"), [
    ("SELECT count(*) FROM outbox WHERE instance_id = $1 AND status IN ('QUEUED', 'SENDING')", "outbox_live"),
    ("SELECT zaap_id FROM outbox WHERE instance_id = $1 AND status IN ('QUEUED', 'SENDING') ORDER BY seq LIMIT 1",
     "outbox_live"),
])
async def test_hot_outbox_queries_use_their_index(stack: Stack, sql: str, index: str) -> None:
    plan = await _plan(stack.dispatcher.store.db, sql, "I1")
    assert index in plan, plan


async def test_the_pending_delivery_scan_uses_its_index(stack: Stack) -> None:
    db = stack.dispatcher.store.db
    page = await _plan(db, "SELECT id FROM deliveries WHERE partition = $1 AND instance_id = $2 AND state = 'pending' "
                           "AND id > $3 ORDER BY id LIMIT $4", 3, "I1", 0, 1000)
    assert "deliveries_pending" in page, page
    lanes = await _plan(db, "SELECT DISTINCT instance_id FROM deliveries WHERE partition = $1 AND state = 'pending'", 3)
    assert "deliveries_pending" in lanes, lanes


async def test_deleting_an_instance_drops_its_queue(stack: Stack) -> None:
    inst = await stack.instance()  # not paired: sends stay queued
    zaaps = [(await _send(stack, inst, f"m{n}")).json()["zaapId"] for n in range(3)]
    r = await stack.api.client.delete(f"/instances/{inst['id']}", headers=stack.api.partner)
    assert r.status_code == 204
    db = stack.dispatcher.store.db
    statuses = [await db.pool.fetchval("SELECT status FROM outbox WHERE zaap_id = $1", z) for z in zaaps]
    assert statuses == ["DELETED"] * 3
    assert await db.pool.fetchval("SELECT count(*) FROM outbox WHERE instance_id = $1 AND status IN "
                                  "('QUEUED', 'SENDING')", inst["id"]) == 0
