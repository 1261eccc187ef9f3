"""The sandbox routes of the account world through the whole stack: ``sandbox/call``, ``sandbox/contact-event``,
``GET sandbox/phone``, and the new ``sandbox/inbound`` types."""

from __future__ import annotations

import re
from typing import Any

from tests.support.stack import Stack

ANA, NOT_ON_WA = "5511911110001", "5511911110404"


async def _post(stack: Stack, inst: dict[str, Any], action: str, body: dict[str, Any]) -> Any:
    return await stack.api.client.post(stack.api.path(inst, action), json=body, headers=stack.api.client_headers)


async def test_calls_contact_events_and_the_phones_records(stack: Stack) -> None:
    inst = await stack.paired()
    r = await _post(stack, inst, "sandbox/call", {"from": ANA, "video": True})
    assert r.status_code == 200, r.text
    call = r.json()
    assert re.fullmatch(r"[0-9A-F]{32}", call["callId"]) and len(call["notifications"]) == 2
    for body, field in (({"from": NOT_ON_WA}, "from"), ({"from": ANA, "outcome": "busy"}, "outcome"),
                        ({"from": "12"}, "from"), ({"from": ANA, "video": "yes"}, "video")):
        r = await _post(stack, inst, "sandbox/call", body)
        assert r.status_code == 400 and r.json()["field"] == field, (body, r.text)
    r = await _post(stack, inst, "sandbox/contact-event", {"type": "profile_name", "from": ANA, "name": "Ana P."})
    assert r.status_code == 200 and re.fullmatch(r"\d{10}", r.json()["notificationId"]), r.text
    r = await _post(stack, inst, "sandbox/contact-event", {"type": "nap", "from": ANA})
    assert r.status_code == 400 and r.json()["field"] == "type"
    r = await _post(stack, inst, "sandbox/inbound", {"from": ANA, "type": "ciphertext"})
    assert r.status_code == 200, r.text
    r = await _post(stack, inst, "sandbox/inbound", {"from": ANA, "type": "unknown", "kind": "orderMessage"})
    assert r.status_code == 200, r.text

    r = await stack.api.client.get(stack.api.path(inst, "sandbox/phone"), headers=stack.api.client_headers)
    assert r.status_code == 200, r.text
    phone = r.json()
    assert [(c["callId"], c["from"], c["video"], c["outcome"]) for c in phone["calls"]] == [
        (call["callId"], ANA, True, "missed")]
    assert phone["pushNames"] == {ANA: "Ana P."} and phone["privacy"]["readReceipts"] == "all"
    assert [(c["jid"], c["unread"]) for c in phone["chats"]] == [(f"{ANA}@s.whatsapp.net", 2)]
    assert {k for k in phone} >= {"edits", "deletes", "statuses", "statusReplies", "reads", "presences",
                                  "rejectedCalls", "blocked", "contacts", "profile"}


async def test_sender_photo_comes_from_pictures_the_session_learnt(stack: Stack) -> None:
    """As on the neonize engine: ``senderPhoto``/``photo`` are filled only with a picture the session looked up
    (``profile-picture``) or was told of (a picture change), never guessed; a removed picture is forgotten."""
    inst = await stack.paired()
    rec = stack.receiver

    async def inbound(text: str) -> dict[str, Any]:
        r = await _post(stack, inst, "sandbox/inbound", {"from": ANA, "type": "text", "message": text})
        assert r.status_code == 200, r.text
        mid = r.json()["messageId"]
        await rec.wait_for(lambda: any(x.json.get("messageId") == mid for x in rec.unique() if x.path == "/received"))
        return next(x.json for x in rec.unique() if x.path == "/received" and x.json.get("messageId") == mid)

    first = await inbound("before any look-up")
    assert (first["senderPhoto"], first["photo"]) == (None, None)
    r = await stack.api.client.get(stack.api.path(inst, f"profile-picture?phone={ANA}"),
                                   headers=stack.api.client_headers)
    link = r.json()[0]["link"]
    assert r.status_code == 200 and link.startswith("https://")
    second = await inbound("after the look-up")
    assert (second["senderPhoto"], second["photo"]) == (link, link)
    r = await _post(stack, inst, "sandbox/contact-event", {"type": "profile_picture", "from": ANA, "removed": True})
    assert r.status_code == 200, r.text
    third = await inbound("after the picture was removed")
    assert (third["senderPhoto"], third["photo"]) == (None, None)
