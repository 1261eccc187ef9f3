"""Inbound pipeline end to end: sandbox engine → capture → JetStream → dispatch → a real HTTP receiver."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.stack import Stack

INBOUND: list[tuple[dict[str, Any], str]] = [
    ({"type": "text", "message": "hello"}, "text"),
    ({"type": "image", "caption": "pic"}, "image"),
    ({"type": "audio", "ptt": True, "seconds": 4}, "audio"),
    ({"type": "video", "caption": "vid"}, "video"),
    ({"type": "ptv"}, "ptv"),
    ({"type": "document", "fileName": "a.pdf"}, "document"),
    ({"type": "sticker"}, "sticker"),
    ({"type": "location", "latitude": -23.5, "longitude": -46.6, "name": "Office"}, "location"),
    ({"type": "liveLocation", "latitude": -23.5, "longitude": -46.6}, "liveLocation"),
    ({"type": "contact", "displayName": "Bob", "contactPhone": "5511977776666"}, "contact"),
    ({"type": "reaction", "emoji": "👍", "referencedMessageId": "3EB0MINE0001"}, "reaction"),
    ({"type": "poll", "question": "Lunch?", "options": ["Yes", "No"]}, "poll"),
    ({"type": "pollVote", "pollMessageId": "3EB0POLL0001", "options": ["Yes"]}, "pollVote"),
    ({"type": "buttonsResponse", "buttonId": "b1", "message": "Great"}, "buttonsResponseMessage"),
    ({"type": "listResponse", "selectedRowId": "r1", "title": "Plans"}, "listResponseMessage"),
]


async def test_every_inbound_type_reaches_the_receiver(stack: Stack) -> None:
    inst = await stack.paired()
    h = stack.api.client_headers
    ids = []
    for spec, _key in INBOUND:
        r = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"),
                                        json={"from": "5511988887777", **spec}, headers=h)
        assert r.status_code == 200, r.text
        ids.append(r.json()["messageId"])
    await stack.api.client.post(stack.api.path(inst, "sandbox/presence"),
                                json={"from": "5511988887777", "status": "COMPOSING"}, headers=h)
    group = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"), headers=h, json={
        "from": "5511988887777", "type": "text", "message": "in group", "group": "120363019502650977-group"})
    await stack.api.client.post(stack.api.path(inst, "sandbox/disconnect"), headers=h)
    rec = stack.receiver
    await rec.wait_for(lambda: sum(1 for x in rec.unique() if x.path == "/connected") >= 2
                       and any(x.path == "/disconnected" for x in rec.unique()))
    await rec.wait_for(lambda: sum(1 for x in rec.unique() if x.path == "/received") == len(INBOUND) + 1)
    received = [x.json for x in rec.unique() if x.path == "/received"]
    assert [p["messageId"] for p in received[:-1]] == ids
    for payload, (_spec, key) in zip(received, INBOUND, strict=False):
        assert payload["type"] == "ReceivedCallback" and key in payload, key
        assert payload["phone"] == "5511988887777" and payload["connectedPhone"] == "5511999990000"
        assert payload["instanceId"] == inst["id"] and payload["fromMe"] is False
    assert received[-1]["messageId"] == group.json()["messageId"] and received[-1]["isGroup"] is True
    assert received[-1]["phone"] == "120363019502650977-group"
    assert received[-1]["participantPhone"] == "5511988887777"
    presence = [x.json for x in rec.unique() if x.path == "/presenceChat"]
    assert presence == [{"type": "PresenceChatCallback", "phone": "5511988887777", "status": "COMPOSING",
                         "lastSeen": None, "instanceId": inst["id"]}]
    connected = next(x.json for x in rec.unique() if x.path == "/connected")
    assert connected["type"] == "ConnectedCallback" and connected["phone"] == "5511999990000"
    hit = rec.unique()[0]
    assert hit.headers["z-api-token"] == inst["token"]
    secret = (await stack.api.client.get(f"/instances/{inst['id']}/webhook-secret",
                                         headers=stack.api.partner)).json()["secret"]
    assert all(rec.verified(x, secret) for x in rec.unique())
    log = (await stack.api.client.get(f"/instances/{inst['id']}/deliveries?status=delivered&limit=500",
                                      headers=stack.api.partner)).json()["deliveries"]
    assert len(log) == len(rec.unique()) and all(d["attemptsLog"][0]["status"] == 200 for d in log)


async def test_order_per_instance_over_thousands_of_events(stack: Stack) -> None:
    instances = [await stack.paired(phone=f"55119999{i:05d}") for i in range(8)]
    per = 400

    async def inject(inst: dict[str, Any]) -> list[str]:
        engine = stack.engine(inst)
        out = []
        for n in range(per):
            out.append(await engine.inject_message({"from": "5511988887777", "type": "text", "message": f"m{n}"}))
            if n % 50 == 0:
                await asyncio.sleep(0)
        return out

    sent = await asyncio.gather(*(inject(i) for i in instances))
    rec = stack.receiver
    total = per * len(instances)
    await rec.wait_for(lambda: sum(1 for x in rec.unique() if x.path == "/received") == total, timeout_s=120)
    for inst, ids in zip(instances, sent, strict=True):
        got = [x.json["messageId"] for x in rec.unique() if x.path == "/received"
               and x.json["instanceId"] == inst["id"]]
        assert got == ids


async def test_retry_on_500_keeps_order_and_400_dead_letters_then_replay(stack: Stack) -> None:
    inst = await stack.paired()
    engine = stack.engine(inst)
    fails: dict[str, int] = {}

    def decide(path: str, payload: Any, nth: int) -> int:
        text = payload.get("text", {}).get("message", "")
        if text == "flaky" and nth <= 3:
            fails["flaky"] = nth
            return 503
        if text == "poison":
            return 400 if not decide.healed else 200  # type: ignore[attr-defined]
        return 200

    decide.healed = False  # type: ignore[attr-defined]
    stack.receiver.decide = decide
    ids = [await engine.inject_message({"from": "5511988887777", "type": "text", "message": m})
           for m in ("a", "flaky", "b", "poison", "c")]
    rec = stack.receiver
    await rec.wait_for(lambda: [x.json.get("messageId") for x in rec.unique() if x.path == "/received"]
                       == [ids[0], ids[1], ids[2], ids[4]])
    assert fails["flaky"] == 3  # three 503s, then delivered, and "b" waited behind it
    dead = (await stack.api.client.get(f"/instances/{inst['id']}/dead-letters", headers=stack.api.partner)).json()
    assert [d["payload"]["messageId"] for d in dead["deadLetters"]] == [ids[3]]
    assert dead["deadLetters"][0]["reason"] == "HTTP 400"
    decide.healed = True  # type: ignore[attr-defined]
    r = await stack.api.client.post(f"/instances/{inst['id']}/dead-letters/replay", json={},
                                    headers=stack.api.partner)
    assert r.json() == {"replayed": 1}
    await rec.wait_for(lambda: ids[3] in [x.json.get("messageId") for x in rec.unique()])
    assert (await stack.api.client.get(f"/instances/{inst['id']}/dead-letters",
                                       headers=stack.api.partner)).json()["deadLetters"] == []


async def test_webhook_configuration_endpoints(stack: Stack) -> None:
    inst = await stack.instance()
    h, path = stack.api.client_headers, stack.api.path
    r = await stack.api.client.put(path(inst, "update-webhook-received"), json={"value": "ftp://x"}, headers=h)
    assert r.status_code == 400 and r.json()["field"] == "value"
    for action in ("update-webhook-received", "update-webhook-delivery", "update-webhook-message-status",
                   "update-webhook-connected", "update-webhook-disconnected", "update-webhook-chat-presence",
                   "update-webhook-received-delivery", "update-every-webhooks"):
        r = await stack.api.client.put(path(inst, action), json={"value": f"{stack.receiver.url}/{action}"},
                                       headers=h)
        assert r.json() == {"value": True}, action
    me = (await stack.api.client.get(path(inst, "me"), headers=h)).json()
    assert me["receivedCallbackUrl"].endswith("/update-every-webhooks") and me["receiveCallbackSentByMe"] is True
    r = await stack.api.client.put(path(inst, "update-notify-sent-by-me"), json={"notifySentByMe": False}, headers=h)
    assert r.json() == {"value": True}
    assert (await stack.api.client.get(path(inst, "me"), headers=h)).json()["receiveCallbackSentByMe"] is False
    rotated = (await stack.api.client.post(f"/instances/{inst['id']}/webhook-secret/rotate",
                                           headers=stack.api.partner)).json()
    assert rotated["version"] == 2 and rotated["secret"].startswith("whsec_")
