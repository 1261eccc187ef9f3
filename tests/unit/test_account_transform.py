"""Golden payloads of the webhooks issue 14 added: calls, profile changes, labels, undecryptable and unknown
messages, deletes and edits, each the full ``ReceivedCallback`` a partner receives."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.transform import Context, Hook, transform
from gateway.core import content as c
from gateway.core.events import (
    Address,
    ChatChanged,
    ChatNotified,
    Envelope,
    LabelChange,
    MessageReceived,
    decode,
    encode,
)

IID = "A20DA9C0183A2D35A260F53F5D2B9244"
ME = "554499999999"
CTX = Context(instance_id=IID, connected_phone=ME, notify_sent_by_me=False)
ALICE = Address("5544999999999@s.whatsapp.net", "5544999999999", "81896604192873@lid")
SELF = Address(f"{ME}@s.whatsapp.net", ME)
GROUP = Address("120363019502650977@g.us")


def _payloads(ev: Any, ctx: Context = CTX) -> list[tuple[Hook, dict[str, Any]]]:
    env = decode(encode(Envelope(instance_id=IID, seq=1, event_id="e", at_ms=1, event=ev)))  # as dispatch reads it
    return transform(env, ctx)


def _one(ev: Any, ctx: Context = CTX) -> dict[str, Any]:
    (hook, payload), = _payloads(ev, ctx)
    assert hook is Hook.RECEIVED
    return payload


def _note(**kw: Any) -> dict[str, Any]:
    """Everything a 1:1 notification from Alice carries; ``kw`` overrides."""
    base: dict[str, Any] = {
        "isStatusReply": False, "chatLid": "81896604192873@lid", "connectedPhone": ME, "waitingMessage": False,
        "isEdit": False, "isGroup": False, "isNewsletter": False, "instanceId": IID, "messageId": "1679655074-84",
        "phone": "5544999999999", "fromMe": False, "momment": 1679661190000, "expiresAt": None,
        "status": "RECEIVED", "chatName": "Alice", "senderPhoto": None, "senderName": "Alice", "photo": None,
        "broadcast": False, "participantPhone": None, "participantLid": "81896604192873@lid",
        "referenceMessageId": None, "externalAdReply": None, "forwarded": False, "type": "ReceivedCallback",
        "notification": "CALL_VOICE", "notificationParameters": [], "callId": None, "code": None, "fromApi": False,
    }
    base.update(kw)
    return base


@pytest.mark.parametrize("kind", ["CALL_VOICE", "CALL_VIDEO", "CALL_MISSED_VOICE", "CALL_MISSED_VIDEO"])
def test_calls(kind: str) -> None:
    ev = ChatNotified(chat=ALICE, kind=kind, timestamp_ms=1679661190000, notification_id="1679655074-84",
                      sender=ALICE, sender_name="Alice", call_id="F44E0E2011E7C784BB9A4AC11749C436")
    assert _one(ev) == _note(notification=kind, callId="F44E0E2011E7C784BB9A4AC11749C436")


def test_a_call_in_a_group_names_the_caller() -> None:
    caller = Address("182200000000000@lid", lid="182200000000000@lid")
    ev = ChatNotified(chat=GROUP, kind="CALL_MISSED_VIDEO", timestamp_ms=5, notification_id="n1", sender=caller,
                      sender_name="Bia", is_group=True, call_id="AB")
    assert _one(ev) == _note(notification="CALL_MISSED_VIDEO", callId="AB", chatLid=None, isGroup=True,
                             phone="120363019502650977-group", chatName=None, senderName="Bia",
                             participantPhone="182200000000000", participantLid="182200000000000@lid",
                             momment=5, messageId="n1")


def test_profile_name_updated() -> None:
    ev = ChatNotified(chat=SELF, kind="PROFILE_NAME_UPDATED", timestamp_ms=1736797729000, notification_id="n2",
                      sender=SELF, sender_name="nome", from_me=True, profile_name="nome atualizado")
    assert _one(ev) == _note(notification="PROFILE_NAME_UPDATED", profileName="nome atualizado", phone=ME,
                             chatLid=None, fromMe=True, chatName=None, senderName="nome", participantLid=None,
                             momment=1736797729000, messageId="n2")


def test_profile_picture_updated_and_removed() -> None:
    ev = ChatNotified(chat=ALICE, kind="PROFILE_PICTURE_UPDATED", timestamp_ms=7, notification_id="n3",
                      sender=ALICE, sender_name="Alice", updated_photo="https://pps.whatsapp.net/v/x.jpg")
    url = "https://pps.whatsapp.net/v/x.jpg"
    assert _one(ev) == _note(notification="PROFILE_PICTURE_UPDATED", updatedPhoto=url, senderPhoto=url, photo=url,
                             momment=7, messageId="n3")
    removed = ChatNotified(chat=ALICE, kind="PROFILE_PICTURE_UPDATED", timestamp_ms=7, notification_id="n4",
                           sender=ALICE, sender_name="Alice")
    assert _one(removed) == _note(notification="PROFILE_PICTURE_UPDATED", updatedPhoto=None, momment=7,
                                  messageId="n4")


def test_chat_label_association() -> None:
    ev = ChatNotified(chat=SELF, kind="CHAT_LABEL_ASSOCIATION", timestamp_ms=1736797729000, notification_id="n5",
                      sender=SELF, sender_name="name", from_me=True,
                      labels=(LabelChange(Address("5544977777777@s.whatsapp.net", "5544977777777"), "1", True),
                              LabelChange(Address("120363019502650977@g.us"), "2", False)))
    assert _one(ev) == _note(notification="CHAT_LABEL_ASSOCIATION", phone=ME, chatLid=None, fromMe=True,
                             chatName=None, senderName="name", participantLid=None, momment=1736797729000,
                             messageId="n5", notificationParameters=[
                                 {"phone": "5544977777777", "label": "1", "assigned": True},
                                 {"phone": "120363019502650977-group", "label": "2", "assigned": False}])


def test_a_chat_change_sends_nothing() -> None:
    assert _payloads(ChatChanged(chat=ALICE, timestamp_ms=1, archived=True, read=True)) == []


def _msg(content: c.Content, **kw: Any) -> MessageReceived:
    base: dict[str, Any] = {"message_id": "3EB0XX01", "chat": ALICE, "sender": ALICE, "from_me": False,
                            "is_group": False, "timestamp_ms": 1757390000001, "content": content,
                            "push_name": "Alice"}
    base.update(kw)
    return MessageReceived(**base)


def _message(**kw: Any) -> dict[str, Any]:
    """The envelope of a 1:1 message from Alice; ``kw`` overrides and adds."""
    base: dict[str, Any] = {
        "isStatusReply": False, "chatLid": "81896604192873@lid", "connectedPhone": ME, "waitingMessage": False,
        "isEdit": False, "isGroup": False, "isNewsletter": False, "instanceId": IID, "messageId": "3EB0XX01",
        "phone": "5544999999999", "fromMe": False, "momment": 1757390000001, "status": "RECEIVED",
        "chatName": "Alice", "senderPhoto": None, "senderName": "Alice", "participantPhone": None,
        "participantLid": "81896604192873@lid", "photo": None, "broadcast": False, "referenceMessageId": None,
        "messageExpirationSeconds": 0, "forwarded": False, "type": "ReceivedCallback", "fromApi": False,
    }
    base.update(kw)
    return base


_NOTE: dict[str, Any] = {"notificationParameters": [], "callId": None, "code": None, "expiresAt": None,
                         "externalAdReply": None}


def test_undecryptable_is_a_waiting_message() -> None:
    assert _one(_msg(c.Unsupported("ciphertext"), waiting=True)) == _message(
        waitingMessage=True, viewOnce=False, notification="CIPHERTEXT", **_NOTE)
    # the kind alone says it too
    assert _one(_msg(c.Unsupported("ciphertext")))["notification"] == "CIPHERTEXT"


def test_an_unknown_type_is_sent_with_what_it_was() -> None:
    payload = _one(_msg(c.Unsupported("pinInChatMessage", {"detail": "x", "type": "ignored"})))
    assert payload == _message(notification=None, unknownMessage={"type": "pinInChatMessage", "detail": "x"})


def test_a_sent_by_me_unknown_follows_notify_sent_by_me() -> None:
    mine = _msg(c.Unsupported("eventMessage"), from_me=True)
    assert _payloads(mine) == []
    assert _one(mine, Context(IID, ME, True))["unknownMessage"] == {"type": "eventMessage"}


def test_revoke() -> None:
    assert _one(_msg(c.Unsupported("revoke", {"messageId": "3EB0GONE"}), message_id="3EB0REVOKE")) == _message(
        messageId="3EB0REVOKE", notification="REVOKE", **_NOTE)


def test_edit() -> None:
    assert _one(_msg(c.Text("fixed"), message_id="3EB0EDIT", is_edit=True, edited_id="3EB0ORIG")) == _message(
        messageId="3EB0EDIT", isEdit=True, editMessageId="3EB0ORIG", text={"message": "fixed"})
