"""A batch whose persist fails is persisted again before anything fetched after it: the pump keeps it and retries
it in place. JetStream hands unacknowledged events back only after ``ack_wait``; a pump that fetched on meanwhile
would store, and deliver, the events captured after the failed batch first. An event Postgres refuses for its data
is kept as poison instead, and the partition goes on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from dispatch.records import Persisted, PersistItem, Poison
from gateway.core.config import Settings
from tests.support.polling import eventually
from tests.support.stack import Stack, fast, open_stack

Before = Callable[[list[PersistItem]], Awaitable[None]]  # runs before each real persist; may raise


def _persisting_through(stack: Stack, monkeypatch: pytest.MonkeyPatch, before: Before) -> None:
    store = stack.dispatcher.store
    real = store.persist_batch

    async def persist_batch(items: list[PersistItem], poison: list[Poison] | None = None) -> Persisted:
        await before(items)
        return await real(items, poison)

    monkeypatch.setattr(store, "persist_batch", persist_batch)


async def _inject(stack: Stack, inst: dict[str, Any], text: str) -> None:
    r = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"), headers=stack.api.client_headers,
                                    json={"from": "5511988887777", "type": "text", "message": text})
    assert r.status_code == 200, r.text


def _said(stack: Stack) -> list[str]:
    return [m for h in stack.receiver.hits if (m := h.json.get("text", {}).get("message"))]


def _carries(items: list[PersistItem], text: str) -> bool:
    return any(f'"{text}"'.encode() in i.body for i in items)


async def test_a_failed_persist_is_retried_before_later_events(settings: Settings,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    async for stack in open_stack(fast(settings, dispatch_ack_wait_s=2.0)):
        inst = await stack.paired()
        failed: list[int] = []

        async def once(items: list[PersistItem]) -> None:
            if not failed and _carries(items, "first"):
                failed.append(len(items))
                raise ConnectionResetError("Postgres went away mid-transaction")

        _persisting_through(stack, monkeypatch, once)
        await _inject(stack, inst, "first")

        async def refused() -> bool:
            return bool(failed)

        await eventually(refused)
        await _inject(stack, inst, "second")

        async def both() -> bool:
            return {"first", "second"} <= set(_said(stack))

        await eventually(both, timeout_s=20)
        assert _said(stack) == ["first", "second"]


async def test_an_event_postgres_refuses_is_kept_as_poison_and_the_partition_goes_on(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    async for stack in open_stack(fast(settings, dispatch_ack_wait_s=2.0)):
        inst = await stack.paired()
        store = stack.dispatcher.store
        calls: list[int] = []

        async def refuse(items: list[PersistItem]) -> None:
            if _carries(items, "refuse-me"):
                calls.append(len(items))
                await store.db.pool.execute("SELECT $1::text", "a\x00b")  # Postgres refuses a NUL in text

        _persisting_through(stack, monkeypatch, refuse)
        for text in ("before", "refuse-me", "after"):
            await _inject(stack, inst, text)

        async def after() -> bool:
            return "after" in _said(stack)

        await eventually(after, timeout_s=20)
        assert _said(stack) == ["before", "after"]
        rows = await store.db.pool.fetch("SELECT reason, body FROM poison_events")
        assert len(rows) == 1
        assert rows[0]["reason"].startswith("refused by Postgres: CharacterNotInRepertoireError")
        assert b'"refuse-me"' in bytes(rows[0]["body"])
        consumer = stack.dispatcher.consumers[stack.dispatcher.names.partition_of(inst["id"])]

        async def acked() -> bool:
            return await consumer.ack_pending() == 0

        await eventually(acked)
        assert calls[-1] == 1  # stored alone once refused in its batch; not retried since
