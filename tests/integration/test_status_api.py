"""Statuses (stories) end to end on the sandbox: queued sends to ``status@broadcast``, and replies that quote a
status of its author, each answered once durable and reported by a DeliveryCallback."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

from gateway.core.commands import Outgoing
from gateway.core.events import loads
from gateway.core.phones import STATUS_BROADCAST
from gateway.infra.db.database import Database
from gateway.infra.db.outbox import OutboxStore
from tests.integration.test_account_api import ANA, US, Client
from tests.support.stack import Stack

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (250, 200, 0)).save(out, "JPEG")
    return out.getvalue()


def _webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (512, 512), (0, 200, 0, 255)).save(out, "WEBP")
    return out.getvalue()


async def _delivered(stack: Stack, zaap_id: str) -> dict[str, Any]:
    def hit() -> dict[str, Any] | None:
        return next((x.json for x in stack.receiver.unique()
                     if x.path == "/delivery" and x.json.get("zaapId") == zaap_id), None)

    await stack.receiver.wait_for(lambda: hit() is not None)
    found = hit()
    assert found is not None
    return found


async def _queued(db: Database, zaap_id: str) -> Outgoing:
    row = await OutboxStore(db).get(zaap_id)
    assert row is not None
    return loads(Outgoing, bytes(row.payload))


async def test_statuses_are_sent_to_status_broadcast(stack: Stack, settings: Any) -> None:
    c = Client(stack, await stack.paired(US))
    sent = [await c.call("POST", "send-text-status", {"message": "Promoção de hoje"}),
            await c.call("POST", "send-image-status", {"image": _data_uri("image/jpeg", _jpeg()), "caption": "Foto"}),
            await c.call("POST", "send-video-status", {"video": _data_uri("video/mp4", MP4), "caption": "Vídeo"})]
    for answer in sent:
        assert set(answer) == {"zaapId", "messageId", "id"} and answer["zaapId"] == answer["messageId"]
        delivery = await _delivered(stack, answer["zaapId"])
        assert "error" not in delivery and delivery["messageId"], delivery
        assert delivery["phone"] == "status@broadcast"
    db = await Database.connect(settings)
    try:
        kinds = [type((await _queued(db, s["zaapId"])).content).__name__ for s in sent]
        assert kinds == ["Text", "Image", "Video"]
        assert {(await _queued(db, s["zaapId"])).to for s in sent} == {STATUS_BROADCAST}
    finally:
        await db.close()
    statuses = stack.engine(c.inst).phone_records()["statuses"]
    assert [(x["type"], x["text"]) for x in statuses] == [("Text", "Promoção de hoje"), ("Image", "Foto"),
                                                          ("Video", "Vídeo")]


async def test_replies_quote_the_status_of_its_author(stack: Stack, settings: Any) -> None:
    c = Client(stack, await stack.paired(US))
    replies = [
        await c.call("POST", "reply-status-text", {"phone": ANA, "message": "Quero!", "statusMessageId": "3EB0AA11"}),
        await c.call("POST", "reply-status-gif", {"phone": ANA, "gif": _data_uri("video/mp4", MP4),
                                                  "statusMessageId": "3EB0AA12"}),
        await c.call("POST", "reply-status-sticker", {"phone": ANA, "sticker": _data_uri("image/webp", _webp()),
                                                      "statusMessageId": "3EB0AA13"})]
    db = await Database.connect(settings)
    try:
        for answer, status_id in zip(replies, ("3EB0AA11", "3EB0AA12", "3EB0AA13"), strict=True):
            delivery = await _delivered(stack, answer["zaapId"])
            assert "error" not in delivery and delivery["phone"] == ANA, delivery
            queued = await _queued(db, answer["zaapId"])
            assert queued.to == f"{ANA}@s.whatsapp.net" and queued.quoted_id == status_id
            assert queued.quoted_chat == STATUS_BROADCAST and queued.quoted_participant == f"{ANA}@s.whatsapp.net"
    finally:
        await db.close()
    replied = stack.engine(c.inst).phone_records()["statusReplies"]
    assert [(x["statusId"], x["author"], x["type"]) for x in replied] == [
        ("3EB0AA11", f"{ANA}@s.whatsapp.net", "Text"), ("3EB0AA12", f"{ANA}@s.whatsapp.net", "Video"),
        ("3EB0AA13", f"{ANA}@s.whatsapp.net", "Sticker")]


async def test_status_input_is_validated(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    refused = [("send-text-status", {}, "message"), ("send-text-status", {"message": "  "}, "message"),
               ("send-image-status", {"image": "ftp://x"}, "image"),
               ("send-image-status", {"image": _data_uri("video/mp4", MP4)}, "image"),
               ("send-video-status", {"video": _data_uri("video/mp4", MP4 + b"\x00" * (10 * 1024 * 1024))}, "video"),
               ("reply-status-text", {"phone": ANA, "message": "oi"}, "statusMessageId"),
               ("reply-status-text", {"phone": "120363019502650977-group", "message": "oi", "statusMessageId": "X1"},
                "phone"),
               ("reply-status-gif", {"phone": ANA, "gif": _data_uri("image/jpeg", _jpeg()), "statusMessageId": "X1"},
                "gif"),
               ("send-text-status", {"message": "oi", "delayMessage": 99}, "delayMessage"),
               ("send-text-status", ["oi"], "body")]
    for action, body, field in refused:
        assert (await c.call("POST", action, body, status=400))["field"] == field, (action, field)
