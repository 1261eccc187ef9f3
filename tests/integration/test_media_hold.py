"""Inbound media off the capture lane (``gateway/worker/inbound_media.py``): a message with media is captured
before its download, dispatch holds its webhooks (and the instance's later ones) until the media follow-up,
and a follow-up that never comes (the worker died mid-download) releases them at the hold's deadline."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest

from dispatch.records import NewDelivery, PersistItem
from dispatch.store import DispatchStore
from gateway.core import content as c
from gateway.core.config import Settings
from gateway.core.events import Address, Envelope, MessageReceived, encode, event_id_for
from gateway.infra.db.database import Database
from tests.support.polling import eventually
from tests.support.stack import Stack, fast, open_stack

TO = "5511988887777"


@pytest.fixture
async def stack(settings: Settings, tmp_path: Any) -> AsyncIterator[Stack]:
    async for s in open_stack(fast(settings, media_dir=tmp_path / "media", media_download_timeout_s=30.0,
                                   media_hold_s=31.0)):
        yield s


def _received(stack: Stack) -> list[dict[str, Any]]:
    return [x.json for x in stack.receiver.unique() if x.path == "/received"]


async def _held_rows(db: Database, instance_id: str) -> list[Any]:
    return list(await db.pool.fetch(
        "SELECT d.held_until, e.event_id FROM deliveries d JOIN events e ON e.id = d.event_row "
        "WHERE d.instance_id = $1 AND d.hook = 'received' ORDER BY d.id", instance_id))


async def test_capture_does_not_wait_for_the_download_and_the_partner_sees_order(stack: Stack, db: Database) -> None:
    inst = await stack.paired()
    engine = stack.engine(inst)
    gate = asyncio.Event()
    real = engine.download

    async def slow(message: MessageReceived) -> bytes:
        await gate.wait()
        return await real(message)

    engine.download = slow  # type: ignore[method-assign]
    image_id = await engine.inject_message({"from": TO, "type": "image", "caption": "pic"})
    text_id = await engine.inject_message({"from": TO, "type": "text", "message": "after the picture"})
    # both were answered (durable in JetStream) while the download is still blocked, and dispatch stored both:
    # the picture's webhook held, the text's waiting behind it
    rows: list[Any] = []

    async def stored() -> bool:
        rows[:] = await _held_rows(db, inst["id"])
        return len(rows) == 2

    await eventually(stored)
    assert rows[0]["held_until"] is not None and rows[1]["held_until"] is None
    assert _received(stack) == []
    gate.set()
    await stack.receiver.wait_for(lambda: len(_received(stack)) == 2)
    first, second = _received(stack)
    assert first["messageId"] == image_id and first["image"]["imageUrl"] and "downloadError" not in first["image"]
    assert second["messageId"] == text_id
    assert len(engine.downloads) == 1


async def test_a_download_that_never_ends_is_delivered_at_the_deadline(settings: Settings, tmp_path: Any,
                                                                       db: Database) -> None:
    """The worker's download task dies (as in a kill -9): no follow-up ever comes. The held webhook goes at
    ``media_hold_s`` with downloadError, then the instance's later messages, in order."""
    async for stack in open_stack(fast(settings, media_dir=tmp_path / "media", media_download_timeout_s=30.0,
                                       media_hold_s=31.0)):
        # only dispatch's hold is short: the worker's own download timeout (30 s) cannot release the message
        # first, however slow the machine (a 2 s one did once, on a loaded CI run)
        stack.dispatcher.settings = stack.settings.model_copy(update={"media_hold_s": 2.5})
        inst = await stack.paired()
        engine = stack.engine(inst)
        hang = asyncio.Event()

        async def stuck(message: MessageReceived) -> bytes:
            await hang.wait()
            raise AssertionError("never")

        engine.download = stuck  # type: ignore[method-assign]
        session = stack.worker.sessions[inst["id"]]
        media = session.inbound_media
        assert media is not None
        image_id = await engine.inject_message({"from": TO, "type": "image"})
        text_id = await engine.inject_message({"from": TO, "type": "text", "message": "next"})
        await media._first.cancel_all()  # the download dies before it could say anything
        await stack.receiver.wait_for(lambda: len(_received(stack)) == 2)
        first, second = _received(stack)
        assert first["messageId"] == image_id and first["image"]["downloadError"] is True
        assert first["image"]["imageUrl"] is None
        assert second["messageId"] == text_id
        follow_ups = await db.pool.fetchval("SELECT count(*) FROM events WHERE instance_id = $1 AND event_id "
                                            "LIKE '%-ready'", inst["id"])
        assert follow_ups == 0  # released by the deadline, not by a follow-up


async def test_the_next_connection_downloads_what_a_dead_download_left_held(stack: Stack, db: Database) -> None:
    """The download dies (as with a kill -9 of its worker); the instance's next connection (here a reconnect;
    after a failover, the new owner's) finds the held message in Postgres and downloads it: the partner gets the
    message with its links, before the hold's deadline, then the messages after it."""
    inst = await stack.paired()
    engine = stack.engine(inst)
    real = engine.download
    hang = asyncio.Event()

    async def stuck(message: MessageReceived) -> bytes:
        await hang.wait()
        raise AssertionError("never")

    engine.download = stuck  # type: ignore[method-assign]
    media = stack.worker.sessions[inst["id"]].inbound_media
    assert media is not None
    image_id = await engine.inject_message({"from": TO, "type": "image"})
    text_id = await engine.inject_message({"from": TO, "type": "text", "message": "next"})
    await eventually(lambda: _count_held(db, inst["id"]))
    await media._first.cancel_all()  # the download dies
    engine.download = real  # type: ignore[method-assign]
    r = await stack.api.client.post(stack.api.path(inst, "sandbox/disconnect"), headers=stack.api.client_headers)
    assert r.status_code == 200, r.text
    await stack.receiver.wait_for(lambda: len(_received(stack)) == 2)
    first, second = _received(stack)
    assert first["messageId"] == image_id and first["image"]["imageUrl"] and "downloadError" not in first["image"]
    assert second["messageId"] == text_id


async def _count_held(db: Database, instance_id: str) -> bool:
    return bool(await db.pool.fetchval("SELECT count(*) FROM deliveries WHERE instance_id = $1 AND held_until IS NOT "
                                       "NULL", instance_id))


# --- the store: releasing held deliveries ----------------------------------------------------------------------

IID = "B30DA9C0183A2D35A260F53F5D2B9244"
ALICE = Address("5544999999999@s.whatsapp.net", "5544999999999")
_seq = itertools.count(1)


def _image(mid: str, url: str | None, **kw: Any) -> MessageReceived:
    media = c.MediaRef(url=url, download_error=url is None)
    return MessageReceived(message_id=mid, chat=ALICE, sender=ALICE, from_me=False, is_group=False,
                           timestamp_ms=1000, content=c.Image(media), **kw)


def _item(event: MessageReceived, hold_s: float = 0.0) -> PersistItem:
    seq = next(_seq)
    env = Envelope(instance_id=IID, seq=seq, event_id=event_id_for(IID, event, seq, "ep"), at_ms=2000, event=event)
    payload = encode(env)
    hook = NewDelivery("received", f"wh-{env.event_id}", payload)
    return PersistItem(envelope=env, body=payload, partition=0, deliveries=[hook], hold_s=hold_s)


async def test_follow_ups_release_held_deliveries_in_any_batch(db: Database) -> None:
    store = DispatchStore(db)
    # a follow-up in a later batch releases the held delivery with its payload: no new delivery
    pending = _item(_image("M1", None, media_pending=True), hold_s=60)
    [held] = await store.persist([pending])
    assert held.held_until is not None
    ready = _item(_image("M1", "https://m/1", media_ready=True))
    [released] = await store.persist([ready])
    assert (released.id, released.held_until, released.payload) == (held.id, None, ready.deliveries[0].payload)
    # in the same batch, the follow-up's payload goes into the pending message's delivery, unheld
    both = await store.persist([_item(_image("M2", None, media_pending=True), hold_s=60),
                                ready2 := _item(_image("M2", "https://m/2", media_ready=True))])
    assert [(d.held_until, d.payload) for d in both] == [(None, ready2.deliveries[0].payload)]
    # a follow-up after the lane gave up waiting (unhold) is delivered itself, a second time with the links
    [late] = await store.persist([_item(_image("M3", None, media_pending=True), hold_s=60)])
    gone = await store.unhold(late.id)
    assert gone is not None and gone.held_until is None and gone.payload == late.payload
    [again] = await store.persist([ready3 := _item(_image("M3", "https://m/3", media_ready=True))])
    assert again.id != late.id and again.payload == ready3.deliveries[0].payload
    count = await db.pool.fetchval("SELECT count(*) FROM deliveries WHERE instance_id = $1", IID)
    assert count == 4  # M1, M2, M3 and M3's late follow-up
