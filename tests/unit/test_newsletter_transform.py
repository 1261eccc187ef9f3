"""Channel webhooks, as Z-API shows them: a post (``isNewsletter``, the channel's name as ``chatName``) and the
admin notifications (``NEWSLETTER_ADMIN_PROMOTE``/``_DEMOTE``); plain asserts on the pure transform."""

from __future__ import annotations

from dispatch.transform import Context, Hook, transform
from gateway.core import content as c
from gateway.core.events import Address, ChatNotified, Envelope, MessageReceived
from gateway.core.phones import phone_address

IID, ME, CHANNEL = "I1", "5544999999999", "120363166555745933@newsletter"
CTX = Context(IID, ME, notify_sent_by_me=False)


def _one(event: object) -> dict[str, object]:
    ((hook, payload),) = transform(Envelope(IID, 1, "e", 1, event), CTX)  # type: ignore[arg-type]
    assert hook is Hook.RECEIVED
    return payload


def test_a_channel_post() -> None:
    where = Address(jid=CHANNEL)
    payload = _one(MessageReceived(message_id="3EB0A1", chat=where, sender=where, from_me=False, is_group=False,
                                   timestamp_ms=1778710895000, content=c.Text("Promoção"), is_newsletter=True,
                                   chat_name="Minha Loja"))
    assert payload["isNewsletter"] is True and payload["isGroup"] is False and payload["phone"] == CHANNEL
    assert payload["chatName"] == "Minha Loja" and payload["senderName"] == ""
    assert payload["participantPhone"] is None and payload["text"] == {"message": "Promoção"}


def test_admin_promote_and_demote() -> None:
    for kind, role in (("NEWSLETTER_ADMIN_PROMOTE", "ADMIN"), ("NEWSLETTER_ADMIN_DEMOTE", "SUBSCRIBER")):
        payload = _one(ChatNotified(chat=Address(jid=CHANNEL), kind=kind, timestamp_ms=1682017970000,
                                    notification_id="0464201093", sender=phone_address(ME), sender_name="Canal",
                                    parameters=(ME, role)))
        assert payload == {
            "isStatusReply": False, "chatLid": None, "connectedPhone": ME, "waitingMessage": False,
            "isEdit": False, "isGroup": False, "isNewsletter": False, "instanceId": IID, "messageId": "0464201093",
            "phone": CHANNEL, "fromMe": False, "momment": 1682017970000, "expiresAt": None, "status": "RECEIVED",
            "chatName": "Canal", "senderPhoto": None, "senderName": "", "photo": None, "broadcast": False,
            "participantPhone": ME, "participantLid": None, "referenceMessageId": None, "externalAdReply": None,
            "forwarded": False, "type": "ReceivedCallback", "notification": kind,
            "notificationParameters": [ME, role], "callId": None, "code": None, "fromApi": False}
