"""Outbound: every send endpoint, validation, FIFO per instance, holding while disconnected, the cap,
queue listing and deletion (including a message the sender already fetched)."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from PIL import Image

from gateway.core import content as c
from gateway.core.config import Settings
from gateway.worker.engines.sandbox.engine import SandboxEngine
from tests.support.polling import eventually
from tests.support.stack import Stack, fast, open_stack


def _png() -> str:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


PNG = _png()
MP4 = "data:video/mp4;base64," + base64.b64encode(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32).decode()
OGG = "data:audio/ogg;base64," + base64.b64encode(b"OggS" + b"\x00" * 24 + b"OpusHead" + b"\x00" * 20).decode()
PDF = "data:application/pdf;base64," + base64.b64encode(b"%PDF-1.4\n%...").decode()
TO = "5511988887777"

# action, body (without phone), content type the engine must get, a check on its fields
SENDS: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    ("send-text", {"message": "hello"}, "Text", {"text": "hello"}),
    ("send-image", {"image": PNG, "caption": "pic"}, "Image", {"caption": "pic"}),
    ("send-audio", {"audio": OGG}, "Audio", {"ptt": True}),
    ("send-video", {"video": MP4, "caption": "v"}, "Video", {"caption": "v"}),
    ("send-ptv", {"ptv": MP4}, "Ptv", {}),
    ("send-gif", {"gif": MP4}, "Video", {"is_gif": True}),
    ("send-sticker", {"sticker": PNG}, "Sticker", {}),
    ("send-document/pdf", {"document": PDF, "fileName": "report"}, "Document", {"file_name": "report.pdf"}),
    ("send-link", {"message": "see https://z.io", "image": PNG, "linkUrl": "https://z.io",
                   "title": "Z", "linkDescription": "d"}, "Link", {"url": "https://z.io"}),
    ("send-location", {"title": "Office", "address": "Av", "latitude": "-23.5", "longitude": "-46.6"}, "Location",
     {"latitude": -23.5, "name": "Office"}),
    ("send-contact", {"contactName": "Bob", "contactPhone": "5511977776666"}, "Contact",
     {"display_name": "Bob", "phones": ["5511977776666"]}),
    ("send-contacts", {"contacts": [{"name": "A", "phones": ["5511977776666"]}, {"name": "B", "phones":
                                                                                ["5511966665555"]}]},
     "Contacts", {}),
    ("send-reaction", {"reaction": "👍", "messageId": "3EB0THEIRS"}, "Reaction",
     {"emoji": "👍", "message_id": "3EB0THEIRS"}),
    ("send-remove-reaction", {"messageId": "3EB0THEIRS"}, "Reaction", {"emoji": ""}),
    ("send-poll", {"message": "Lunch?", "poll": [{"name": "Yes"}, {"name": "No"}], "pollMaxOptions": 1}, "Poll",
     {"question": "Lunch?", "options": ["Yes", "No"], "max_options": 1}),
    ("send-poll-vote", {"pollMessageId": "3EB0POLL", "pollVote": [{"name": "Yes"}]}, "PollVote",
     {"poll_message_id": "3EB0POLL", "options": ["Yes"]}),
    ("send-option-list", {"message": "Pick", "optionList": {"title": "Plans", "buttonLabel": "Open",
                                                            "options": [{"title": "Gold", "description": "g"}]}},
     "OptionList", {"title": "Plans", "button_label": "Open"}),
    ("send-button-list", {"message": "Pick", "buttonList": {"buttons": [{"id": "1", "label": "Yes"}]}},
     "ButtonList", {"text": "Pick"}),
    ("send-button-actions", {"message": "Act", "buttonActions": [
        {"type": "URL", "url": "https://z.io", "label": "Site"}, {"type": "CALL", "phone": "5511977776666",
                                                                  "label": "Call"}]}, "ButtonList", {"text": "Act"}),
]

INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("send-text", {"message": "x"}, "phone"),
    ("send-text", {"phone": "+55 11 9999", "message": "x"}, "phone"),
    ("send-text", {"phone": "abc@example.com", "message": "x"}, "phone"),
    ("send-text", {"phone": TO}, "message"),
    ("send-text", {"phone": TO, "message": 5}, "message"),
    ("send-text", {"phone": TO, "message": "x", "delayMessage": 20}, "delayMessage"),
    ("send-text", {"phone": TO, "message": "x", "delayTyping": 0}, "delayTyping"),
    ("send-text", {"phone": TO, "message": "x", "mentioned": ["nope"]}, "mentioned"),
    ("send-image", {"phone": TO}, "image"),
    ("send-image", {"phone": TO, "image": "ftp://x/y.png"}, "image"),
    ("send-image", {"phone": TO, "image": PDF}, "image"),
    ("send-image", {"phone": TO, "image": "data:image/png;base64,@@@"}, "image"),
    ("send-gif", {"phone": TO, "gif": PNG}, "gif"),
    ("send-audio", {"phone": TO, "audio": PNG}, "audio"),
    ("send-link", {"phone": TO, "message": "no url", "image": PNG, "linkUrl": "https://z.io", "title": "t",
                   "linkDescription": "d"}, "message"),
    ("send-location", {"phone": TO, "title": "t", "address": "a", "latitude": 91, "longitude": 0}, "latitude"),
    ("send-contact", {"phone": TO, "contactName": "B", "contactPhone": "12"}, "contactPhone"),
    ("send-contacts", {"phone": TO, "contacts": []}, "contacts"),
    ("send-reaction", {"phone": TO, "messageId": "x"}, "reaction"),
    ("send-poll", {"phone": TO, "message": "q", "poll": [{"name": "only"}]}, "poll"),
    ("send-poll-vote", {"phone": TO, "pollMessageId": "p", "pollVote": [{"x": 1}]}, "pollVote"),
    ("send-option-list", {"phone": TO, "message": "m", "optionList": "x"}, "optionList"),
    ("send-button-actions", {"phone": TO, "message": "m", "buttonActions": [{"type": "URL", "url": "x",
                                                                              "label": "l"}]}, "buttonActions"),
    ("forward-message", {"phone": TO, "messageId": "x", "messagePhone": "bad"}, "messagePhone"),
    ("send-document/p.df", {"phone": TO, "document": PDF}, "extension"),
]


@pytest.fixture
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async for s in open_stack(fast(settings, send_gap_s="0")):
        yield s


async def _send(stack: Stack, inst: dict[str, Any], action: str, body: dict[str, Any]) -> Any:
    return await stack.api.client.post(stack.api.path(inst, action), json=body, headers=stack.api.client_headers)


async def test_every_send_endpoint(stack: Stack) -> None:
    inst = await stack.paired()
    engine = stack.engine(inst)
    zaaps = []
    for action, body, _kind, _fields in SENDS:
        r = await _send(stack, inst, action, {"phone": TO, **body})
        assert r.status_code == 200, (action, r.text)
        reply = r.json()
        assert set(reply) == {"zaapId", "messageId", "id"} and reply["messageId"] == reply["id"] == reply["zaapId"]
        zaaps.append(reply["zaapId"])
    await eventually(lambda: _count(engine, len(SENDS)), timeout_s=20)
    for out, (action, _body, kind, fields) in zip(engine.sent, SENDS, strict=True):
        assert type(out.content).__name__ == kind, action
        assert out.to == f"{TO}@s.whatsapp.net"
        for key, value in fields.items():
            got = getattr(out.content, key)
            assert (list(got) if isinstance(got, tuple) else got) == value, (action, key)
    assert [o.zaap_id for o in engine.sent] == zaaps
    # DeliveryCallback carries both ids; MessageStatusCallback uses the WhatsApp ids
    rec = stack.receiver
    await rec.wait_for(lambda: sum(1 for x in rec.unique() if x.path == "/delivery") == len(SENDS))
    deliveries = [x.json for x in rec.unique() if x.path == "/delivery"]
    assert [d["zaapId"] for d in deliveries] == zaaps
    assert all(d["messageId"].startswith("3EB0") and d["phone"] == TO for d in deliveries)
    await rec.wait_for(lambda: any(x.path == "/messageStatus" for x in rec.unique()))


async def test_forward_sends_the_content_the_gateway_saw(stack: Stack) -> None:
    inst = await stack.paired()
    engine = stack.engine(inst)
    source = "5511966665555"
    r = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"), headers=stack.api.client_headers,
                                    json={"from": source, "type": "text", "message": "pass it on",
                                          "messageId": "3EB0FWD"})
    assert r.status_code == 200, r.text
    db = stack.worker.deps.outbox.db

    async def stored() -> bool:
        return bool(await db.pool.fetchval("SELECT count(*) FROM events WHERE event_id = $1",
                                           f"{inst['id']}:msg:3EB0FWD:new"))

    await eventually(stored, timeout_s=10)
    unknown = await _send(stack, inst, "forward-message",
                          {"phone": TO, "messageId": "3EB0NEVER", "messagePhone": source})
    known = await _send(stack, inst, "forward-message",
                        {"phone": TO, "messageId": "3EB0FWD", "messagePhone": source})
    assert unknown.status_code == known.status_code == 200
    await eventually(lambda: _count(engine, 1), timeout_s=10)
    [out] = engine.sent
    assert isinstance(out.content, c.Forward) and out.content.message_id == "3EB0FWD"
    assert out.content.original == c.Text("pass it on")
    rec = stack.receiver
    await rec.wait_for(lambda: sum(1 for x in rec.unique() if x.path == "/delivery") == 2)
    by_zaap = {x.json["zaapId"]: x.json for x in rec.unique() if x.path == "/delivery"}
    assert "unknown to the gateway" in by_zaap[unknown.json()["zaapId"]]["error"]
    assert "error" not in by_zaap[known.json()["zaapId"]]


async def _count(engine: SandboxEngine, n: int) -> bool:
    return len(engine.sent) >= n


async def test_validation_errors_name_the_field(stack: Stack) -> None:
    inst = await stack.instance()
    for action, body, field in INVALID:
        r = await _send(stack, inst, action, body)
        assert r.status_code == 400, (action, field, r.text)
        assert r.json()["field"] == field, (action, r.json())
    r = await stack.api.client.post(stack.api.path(inst, "send-text"), content=b"[1]",
                                    headers={**stack.api.client_headers, "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["field"] == "body"
    r = await stack.api.client.delete(stack.api.path(inst, "messages") + "?phone=" + TO,
                                      headers=stack.api.client_headers)
    assert r.status_code == 400 and r.json()["field"] == "messageId"


async def test_reply_delete_read_and_ids_resolved(stack: Stack) -> None:
    inst = await stack.paired()
    engine = stack.engine(inst)
    first = (await _send(stack, inst, "send-text", {"phone": TO, "message": "one"})).json()
    reply = await _send(stack, inst, "send-text", {"phone": TO, "message": "two", "messageId": first["zaapId"],
                                                     "mentioned": ["5511977776666"]})
    assert reply.status_code == 200
    r = await stack.api.client.delete(stack.api.path(inst, "messages") + f"?messageId={first['zaapId']}&phone={TO}"
                                      "&owner=true", headers=stack.api.client_headers)
    assert r.status_code == 204
    await eventually(lambda: _count(engine, 3))
    real_first = engine.sent and (await stack.worker.deps.outbox.get(first["zaapId"])).message_id  # type: ignore[union-attr]
    assert engine.sent[1].quoted_id == real_first and engine.sent[1].mentions == ("5511977776666@s.whatsapp.net",)
    assert type(engine.sent[2].content).__name__ == "Revoke" and engine.sent[2].content.message_id == real_first  # type: ignore[union-attr]
    r = await stack.api.client.post(stack.api.path(inst, "read-message"), json={"phone": TO, "messageId": "3EB0X"},
                                    headers=stack.api.client_headers)
    assert r.status_code == 204 and engine.reads == [(f"{TO}@s.whatsapp.net", "3EB0X")]


async def test_fifo_1000_messages_across_20_instances(settings: Settings) -> None:
    async for stack in open_stack(fast(settings, send_gap_s="0", sandbox_send_delay_s=0.002)):
        instances = [await stack.paired(phone=f"55119555{i:05d}") for i in range(20)]
        sent: dict[str, list[str]] = {i["id"]: [] for i in instances}

        async def client(inst: dict[str, Any]) -> None:
            for n in range(50):
                r = await _send(stack, inst, "send-text", {"phone": TO, "message": f"{n}"})
                assert r.status_code == 200, r.text
                sent[inst["id"]].append(r.json()["zaapId"])

        await asyncio.gather(*(client(i) for i in instances))
        engines = {i["id"]: stack.engine(i) for i in instances}
        await eventually(lambda: _all_sent(engines, 50), timeout_s=120)
        for inst in instances:
            engine = engines[inst["id"]]
            assert [o.zaap_id for o in engine.sent] == sent[inst["id"]]
            assert [o.content.text for o in engine.sent] == [str(n) for n in range(50)]  # type: ignore[union-attr]
            assert engine.max_in_send == 1  # one at a time per instance
        assert sum(1 for e in engines.values() if e.sent) == 20


async def _all_sent(engines: dict[str, SandboxEngine], n: int) -> bool:
    return all(len(e.sent) >= n for e in engines.values())


async def test_held_while_disconnected_then_drained_and_cap(settings: Settings) -> None:
    async for stack in open_stack(fast(settings, send_gap_s="0", queue_cap=5)):
        inst = await stack.instance()  # not paired yet: disconnected
        zaaps = [(await _send(stack, inst, "send-text", {"phone": TO, "message": f"m{n}"})).json()["zaapId"]
                 for n in range(5)]
        over = await _send(stack, inst, "send-text", {"phone": TO, "message": "too many"})
        assert over.status_code == 429 and over.json()["error"] == "QUEUE_FULL" and over.headers["Retry-After"] == "5"
        count = await stack.api.client.get(stack.api.path(inst, "queue/count"), headers=stack.api.client_headers)
        assert count.json() == {"count": 5}
        await asyncio.sleep(0.5)
        assert stack.engine(inst).sent == []
        await stack.api.client.post(stack.api.path(inst, "sandbox/scan"), json={"phone": "5511999990000"},
                                    headers=stack.api.client_headers)
        engine = stack.engine(inst)
        await eventually(lambda: _count(engine, 5))
        assert [o.zaap_id for o in engine.sent] == zaaps
        # the engine holds a message before the sender marks its row sent: the count reaches 0 just after
        await eventually(lambda: _queue_empty(stack, inst))


async def _queue_empty(stack: Stack, inst: dict[str, Any]) -> bool:
    count = await stack.api.client.get(stack.api.path(inst, "queue/count"), headers=stack.api.client_headers)
    return bool(count.json() == {"count": 0})


async def test_queue_listing_and_deletion(stack: Stack) -> None:
    inst = await stack.instance()
    h = stack.api.client_headers
    zaaps = [(await _send(stack, inst, "send-text", {"phone": TO, "message": f"m{n}", "delayMessage": 2})).json()
             ["zaapId"] for n in range(7)]
    page1 = (await stack.api.client.post(stack.api.path(inst, "queue"), json={"pageSize": 3}, headers=h)).json()
    assert [m["ZaapId"] for m in page1["messages"]] == zaaps[:3] and page1["hasMore"] is True
    item = page1["messages"][0]
    assert set(item) >= {"_id", "DelayMessage", "Message", "InstanceId", "Phone", "ZaapId", "DelayTyping",
                         "MessageId", "Created", "CreatedAt", "Beta", "IsTrial"}
    assert (item["Message"], item["DelayMessage"], item["Phone"]) == ("m0", 2, TO)
    page2 = (await stack.api.client.post(stack.api.path(inst, "queue"),
                                         json={"pageSize": 3, "pagingState": page1["pagingState"]}, headers=h)).json()
    assert [m["ZaapId"] for m in page2["messages"]] == zaaps[3:6]
    page3 = (await stack.api.client.post(stack.api.path(inst, "queue"),
                                         json={"pageSize": 3, "pagingState": page2["pagingState"]}, headers=h)).json()
    assert [m["ZaapId"] for m in page3["messages"]] == zaaps[6:] and page3["hasMore"] is False
    bad = await stack.api.client.post(stack.api.path(inst, "queue"), json={"pageSize": 31}, headers=h)
    assert bad.status_code == 400 and bad.json()["field"] == "pageSize"
    old = (await stack.api.client.get(stack.api.path(inst, "queue?page=1&pageSize=100"), headers=h)).json()
    assert [m["ZaapId"] for m in old] == zaaps
    # pair: the sender fetches m0 and waits its 2 s delay; delete it meanwhile → never sent
    await stack.api.client.post(stack.api.path(inst, "sandbox/scan"), json={"phone": "5511999990000"}, headers=h)
    engine = stack.engine(inst)
    await asyncio.sleep(0.5)
    r = await stack.api.client.delete(stack.api.path(inst, f"queue/{zaaps[0]}"), headers=h)
    assert r.json() == {"value": True}
    await eventually(lambda: _count(engine, 1), timeout_s=10)
    assert engine.sent[0].zaap_id == zaaps[1]
    r = await stack.api.client.delete(stack.api.path(inst, "queue"), headers=h)
    assert r.json()["value"] is True and r.json()["deleted"] >= 4
    await asyncio.sleep(2.5)
    assert [o.zaap_id for o in engine.sent] == zaaps[1:2] or [o.zaap_id for o in engine.sent] == zaaps[1:3]
    r = await stack.api.client.delete(stack.api.path(inst, f"queue/{zaaps[0]}"), headers=h)
    assert r.status_code == 404
    assert (await stack.api.client.get(stack.api.path(inst, "queue/count"), headers=h)).json() == {"count": 0}


async def test_rate_limit(settings: Settings) -> None:
    async for stack in open_stack(fast(settings, send_gap_s="0", send_rate_per_s=1.0, send_burst=3)):
        inst = await stack.instance()
        codes = [(await _send(stack, inst, "send-text", {"phone": TO, "message": "x"})).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = await _send(stack, inst, "send-text", {"phone": TO, "message": "x"})
        assert r.json()["error"] == "RATE_LIMITED"
