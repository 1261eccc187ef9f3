"""What the sandbox phone refuses to send and records of what left (edits, deletes, statuses, forwards,
read receipts), calls and contact events, and the inbound kinds the gateway does not parse."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.config import Settings
from gateway.core.errors import EngineError, InvalidInput, NotGroupAdmin
from gateway.core.events import ChatNotified, MessageReceived
from gateway.core.phones import STATUS_BROADCAST
from gateway.worker.engines.sandbox import numbers
from tests.integration.test_sandbox_account import ANA, BIA, HIDDEN, ME, NOT_ON_WA, Rig, jid, open_rig


@pytest.fixture
async def rig(settings: Settings) -> AsyncIterator[Rig]:
    async for r in open_rig(settings):
        yield r


MEDIA = c.MediaRef(mime_type="image/jpeg", file_length=10, sha256_hex="00", direct_path="/x")


def out(to: str, body: c.Content, **extra: object) -> Outgoing:
    return Outgoing(to=to, content=body, zaap_id="Z", **extra)  # type: ignore[arg-type]


async def _refused(send: object) -> EngineError:
    with pytest.raises(EngineError) as err:
        await send  # type: ignore[misc]
    assert not err.value.transient
    return err.value


async def test_edits_only_of_the_phones_own_recent_texts(rig: Rig) -> None:
    engine = await rig.engine()
    first = await engine.send(out(jid(ANA), c.Text("helo")))
    edit = await engine.send(out(jid(ANA), c.Text("hello"), edit_id=first))
    assert edit != first  # WhatsApp sends an edit as a new message
    assert await rig.receipts(edit) == ["SENT", "RECEIVED", "READ"]
    [record] = engine.phone_records()["edits"]
    assert (record["id"], record["chat"], record["editedId"], record["text"], record["previous"]) == (
        edit, jid(ANA), first, "hello", "helo")
    theirs = await engine.inject_message({"from": ANA, "message": "mine"})
    assert "only its own" in (await _refused(engine.send(out(jid(ANA), c.Text("x"), edit_id=theirs)))).message
    await _refused(engine.send(out(jid(BIA), c.Text("x"), edit_id=first)))  # another chat
    place = await engine.send(out(jid(ANA), c.Location(1.0, 2.0)))
    assert "Location" in (await _refused(engine.send(out(jid(ANA), c.Text("x"), edit_id=place)))).message
    picture = await engine.send(out(jid(ANA), c.Image(MEDIA, caption="old caption")))
    await engine.send(out(jid(ANA), c.Text("new caption"), edit_id=picture))
    assert engine.phone_records()["edits"][-1]["previous"] == "old caption"
    chat = engine.account.chats[jid(ANA)]
    chat.sent[0].at_ms -= 16 * 60 * 1000  # sent 16 minutes ago
    assert "15 minutes" in (await _refused(engine.send(out(jid(ANA), c.Text("late"), edit_id=first)))).message


async def test_deletes_statuses_replies_and_forwards_are_recorded(rig: Rig) -> None:
    engine = await rig.engine()
    sent = await engine.send(out(jid(ANA), c.Text("oops")))
    delete = await engine.send(out(jid(ANA), c.Revoke(sent)))
    assert await rig.receipts(delete) == ["SENT"]
    [deleted] = engine.phone_records()["deletes"]
    assert (deleted["id"], deleted["chat"], deleted["messageId"], deleted["fromMe"]) == (delete, jid(ANA), sent, True)
    await _refused(engine.send(out(jid(ANA), c.Revoke("3EB0THEIRS", from_me=False, sender=jid(ANA)))))
    group = (await engine.create_group("Admins", [ANA])).group.jid
    await engine.send(out(group, c.Revoke("3EB0THEIRS", from_me=False, sender=jid(ANA))))  # the phone is admin
    assert engine.phone_records()["deletes"][-1]["sender"] == jid(ANA)
    await engine.inject_group_event({"type": "addedUs", "by": BIA, "subject": "Not mine"})
    theirs = next(j for j in engine.groups.groups if j != group)
    with pytest.raises(NotGroupAdmin):
        await engine.send(out(theirs, c.Revoke("3EB0THEIRS", from_me=False, sender=jid(BIA))))

    story = await engine.send(out(STATUS_BROADCAST, c.Text("bom dia")))
    assert await rig.receipts(story) == ["SENT"]
    await engine.send(out(STATUS_BROADCAST, c.Image(MEDIA, caption="foto")))
    assert [(s["id"], s["type"], s["text"]) for s in engine.phone_records()["statuses"]] == [
        (story, "Text", "bom dia"), (engine.phone_records()["statuses"][1]["id"], "Image", "foto")]
    assert "status" in (await _refused(engine.send(out(STATUS_BROADCAST, c.Location(1.0, 2.0))))).message
    reply = await engine.send(out(jid(ANA), c.Text("lindo!"), quoted_id="3EB0STATUS", quoted_chat=STATUS_BROADCAST,
                                  quoted_participant=jid(ANA)))
    [replied] = engine.phone_records()["statusReplies"]
    assert (replied["id"], replied["to"], replied["statusId"], replied["author"]) == (
        reply, jid(ANA), "3EB0STATUS", jid(ANA))

    assert "unknown" in (await _refused(engine.send(out(jid(BIA), c.Forward("3EB0X", jid(ANA)))))).message
    forward = await engine.send(out(jid(BIA), c.Forward(sent, jid(ANA), c.Text("oops"))))
    [forwarded] = engine.phone_records()["forwards"]
    assert (forwarded["id"], forwarded["messageId"], forwarded["type"]) == (forward, sent, "Text")


async def test_calls_and_what_the_call_reject_policy_does(rig: Rig) -> None:
    engine = await rig.engine()
    missed = await engine.inject_call({"from": ANA})
    told = rig.told(ChatNotified)
    assert [(n.kind, n.call_id, n.chat.phone, n.from_me) for n in told] == [
        ("CALL_VOICE", missed["callId"], ANA, False), ("CALL_MISSED_VOICE", missed["callId"], ANA, False)]
    assert missed["notifications"] == [n.notification_id for n in told] and len(set(missed["notifications"])) == 2
    assert told[0].sender is not None and told[0].sender.phone == ANA and told[0].sender_name
    answered = await engine.inject_call({"from": BIA, "video": True, "outcome": "answered"})
    assert [n.kind for n in rig.told(ChatNotified)] == ["CALL_VIDEO"]
    await engine.reject_call(jid(BIA), answered["callId"])
    await engine.reject_call(jid(BIA), answered["callId"])  # the offer seen twice: rejected once
    assert [r["callId"] for r in engine.phone_records()["rejectedCalls"]] == [answered["callId"]]
    await _refused(engine.reject_call(jid(BIA), "F" * 32))
    await _refused(engine.reject_call(jid(ANA), answered["callId"]))  # not that caller's call
    await engine.inject_call({"from": ANA, "outcome": "rejected"})  # on the handset: nothing more is told
    assert [n.kind for n in rig.told(ChatNotified)] == ["CALL_VOICE"]
    assert [(x["from"], x["video"], x["outcome"]) for x in engine.phone_records()["calls"]] == [
        (ANA, False, "missed"), (BIA, True, "answered"), (ANA, False, "rejected")]
    for bad, field in (({"from": NOT_ON_WA}, "from"), ({"from": ME}, "from"), ({"from": ANA, "outcome": "busy"},
                                                                                "outcome"),
                       ({"from": ANA, "video": "yes"}, "video")):
        with pytest.raises(InvalidInput) as err:
            await engine.inject_call(bad)
        assert err.value.field == field


async def test_contact_events(rig: Rig) -> None:
    engine = await rig.engine()
    renamed = await engine.inject_contact_event({"type": "profile_name", "from": ANA, "name": "Ana Paula"})
    [name] = rig.told(ChatNotified)
    assert (name.kind, name.profile_name, name.notification_id) == ("PROFILE_NAME_UPDATED", "Ana Paula",
                                                                    renamed["notificationId"])
    assert (await engine.contact_info(jid(ANA))).notify == "Ana Paula"
    before = await engine.profile_picture(jid(BIA))
    await engine.inject_contact_event({"type": "profile_picture", "from": BIA})
    [picture] = rig.told(ChatNotified)
    assert picture.kind == "PROFILE_PICTURE_UPDATED" and picture.updated_photo not in (None, before)
    assert await engine.profile_picture(jid(BIA)) == picture.updated_photo
    await engine.inject_contact_event({"type": "profile_picture", "from": BIA, "removed": True})
    assert rig.told(ChatNotified)[0].updated_photo is None and await engine.profile_picture(jid(BIA)) is None
    await engine.inject_contact_event({"type": "profile_picture", "from": HIDDEN})
    assert rig.told(ChatNotified)[0].updated_photo is None  # its privacy hides it
    await engine.inject_contact_event({"type": "label", "from": ANA, "label": "3"})
    await engine.inject_contact_event({"type": "label", "from": ANA, "label": "3", "assigned": False})
    labels = rig.told(ChatNotified)
    assert [(n.kind, n.from_me, [(x.chat.phone, x.label, x.assigned) for x in n.labels]) for n in labels] == [
        ("CHAT_LABEL_ASSOCIATION", True, [(ANA, "3", True)]), ("CHAT_LABEL_ASSOCIATION", True, [(ANA, "3", False)])]
    for bad, field in (({"type": "mood", "from": ANA}, "type"), ({"type": "profile_name", "from": ANA}, "name"),
                       ({"type": "label", "from": ANA, "label": ""}, "label")):
        with pytest.raises(InvalidInput) as err:
            await engine.inject_contact_event(bad)
        assert err.value.field == field


async def test_inbound_the_gateway_cannot_parse_and_what_the_phone_reads(rig: Rig) -> None:
    engine = await rig.engine()
    await engine.inject_message({"from": ANA, "type": "unknown", "kind": "paymentInviteMessage"})
    await engine.inject_message({"from": ANA, "type": "ciphertext"})
    original = await engine.inject_message({"from": ANA, "message": "typo"})
    await engine.inject_message({"from": ANA, "message": "fixed", "editMessageId": original})
    await engine.inject_message({"from": ANA, "type": "revoke", "referenceMessageId": original})
    status = await engine.inject_message({"from": BIA, "message": "my day", "status": True})
    unknown, waiting, _, edit, revoke, story = rig.told(MessageReceived)
    assert unknown.content == c.Unsupported("paymentInviteMessage") and not unknown.waiting
    assert waiting.waiting and waiting.content == c.Unsupported("ciphertext")
    assert edit.is_edit and edit.edited_id == original
    assert revoke.content == c.Unsupported("revoke", {"messageId": original})
    assert story.chat.jid == STATUS_BROADCAST and story.push_name == numbers.push_name_of(BIA)
    chats = {ch["jid"]: ch for ch in engine.phone_records()["chats"]}
    assert chats[jid(ANA)]["unread"] == 3 and STATUS_BROADCAST not in chats  # not the edit, nor the delete
    with pytest.raises(InvalidInput) as err:
        await engine.inject_message({"from": NOT_ON_WA, "message": "?"})
    assert err.value.field == "from"
    await engine.mark_read(STATUS_BROADCAST, status, jid(BIA))  # auto-read of a status names its author
    assert engine.phone_records()["reads"][-1] == {**engine.phone_records()["reads"][-1], "chat": STATUS_BROADCAST,
                                                   "messageIds": [status], "sender": jid(BIA)}
