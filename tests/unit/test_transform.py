"""Golden tests: our events → exact Z-API payloads (the shapes Z-API documents for its webhooks)."""

from __future__ import annotations

from typing import Any

from dispatch.transform import Context, Hook, transform
from gateway.core import content as c
from gateway.core.events import (
    Address,
    ChatPresenceChanged,
    Connected,
    Disconnected,
    Envelope,
    LoggedOut,
    MessageReceived,
    MessageSent,
    PresenceState,
    QrCodeChanged,
    ReceiptReceived,
    ReceiptStatus,
)

IID = "A20DA9C0183A2D35A260F53F5D2B9244"
CTX = Context(instance_id=IID, connected_phone="5521900000000", notify_sent_by_me=False)
ALICE = Address("5544999999999@s.whatsapp.net", "5544999999999", "81896604192873@lid")
GROUP = Address("120363019502650977@g.us")
MEDIA = c.MediaRef(mime_type="image/jpeg", file_length=10, sha256_hex="ab", url="https://m/x.jpg")


def env(ev: Any, at: int = 1757390000001) -> Envelope:
    return Envelope(instance_id=IID, seq=1, event_id="e1", at_ms=at, event=ev)


def msg(content: c.Content, **kw: Any) -> MessageReceived:
    base: dict[str, Any] = {"message_id": "3EB0XX01", "chat": ALICE, "sender": ALICE, "from_me": False,
                            "is_group": False, "timestamp_ms": 1757390000001, "content": content,
                            "push_name": "Alice"}
    base.update(kw)
    return MessageReceived(**base)


def one(ev: Any, ctx: Context = CTX) -> tuple[Hook, dict[str, Any]]:
    out = transform(env(ev), ctx)
    assert len(out) == 1
    return out[0]


def test_received_text_full_envelope() -> None:
    hook, payload = one(msg(c.Text("hello"), quoted_id="3A00REF", forwarded=True, ephemeral_s=86400))
    assert hook is Hook.RECEIVED
    assert payload == {
        "isStatusReply": False, "chatLid": "81896604192873@lid", "connectedPhone": "5521900000000",
        "waitingMessage": False, "isEdit": False, "isGroup": False, "isNewsletter": False, "instanceId": IID,
        "messageId": "3EB0XX01", "phone": "5544999999999", "fromMe": False, "momment": 1757390000001,
        "status": "RECEIVED", "chatName": "Alice", "senderPhoto": None, "senderName": "Alice",
        "participantPhone": None, "participantLid": "81896604192873@lid", "photo": None, "broadcast": False,
        "referenceMessageId": "3A00REF", "messageExpirationSeconds": 86400, "forwarded": True,
        "type": "ReceivedCallback", "fromApi": False, "text": {"message": "hello"},
    }


def test_group_message() -> None:
    _, p = one(msg(c.Text("hi all"), chat=GROUP, is_group=True))
    assert (p["phone"], p["isGroup"], p["participantPhone"], p["participantLid"], p["chatLid"], p["chatName"]) == (
        "120363019502650977-group", True, "5544999999999", "81896604192873@lid", None, None)


def test_lid_only_chat() -> None:
    lid = Address("81896604192873@lid", None, "81896604192873@lid")
    _, p = one(msg(c.Text("x"), chat=lid, sender=lid))
    assert p["phone"] == "81896604192873@lid" and p["chatLid"] == "81896604192873@lid"


GOLDEN: list[tuple[c.Content, str, dict[str, Any]]] = [
    (c.Text("see", title="T", description="D", url="https://x"), "text",
     {"message": "see", "title": "T", "description": "D", "url": "https://x"}),
    (c.Image(MEDIA, caption="pic", width=600, height=315), "image",
     {"imageUrl": "https://m/x.jpg", "thumbnailUrl": None, "caption": "pic", "mimeType": "image/jpeg",
      "width": 600, "height": 315, "viewOnce": False}),
    (c.Audio(c.MediaRef(mime_type="audio/ogg; codecs=opus", url="https://m/a.ogg"), ptt=True, seconds=10), "audio",
     {"ptt": True, "seconds": 10, "audioUrl": "https://m/a.ogg", "mimeType": "audio/ogg; codecs=opus",
      "viewOnce": False}),
    (c.Video(c.MediaRef(mime_type="video/mp4", url="https://m/v.mp4"), caption="v", width=640, height=360,
             seconds=7, is_gif=True), "video",
     {"videoUrl": "https://m/v.mp4", "caption": "v", "mimeType": "video/mp4", "width": 640, "height": 360,
      "seconds": 7, "viewOnce": False, "isGif": True}),
    (c.Ptv(c.MediaRef(mime_type="video/mp4", url="https://m/p.mp4"), width=480, height=480, seconds=4), "ptv",
     {"ptvUrl": "https://m/p.mp4", "caption": "", "mimeType": "video/mp4", "width": 480, "height": 480,
      "seconds": 4}),
    (c.Document(c.MediaRef(mime_type="application/pdf", url="https://m/d.pdf"), file_name="d.pdf", title="D",
                page_count=2), "document",
     {"documentUrl": "https://m/d.pdf", "mimeType": "application/pdf", "title": "D", "pageCount": 2,
      "fileName": "d.pdf", "caption": "", "thumbnailUrl": None}),
    (c.Sticker(c.MediaRef(mime_type="image/webp", url="https://m/s.webp"), width=512, height=512), "sticker",
     {"stickerUrl": "https://m/s.webp", "mimeType": "image/webp", "width": 512, "height": 512,
      "isAnimated": False}),
    (c.Location(-23.5, -46.6, name="Office", address="Av", url="https://maps"), "location",
     {"longitude": -46.6, "latitude": -23.5, "address": "Av", "url": "https://maps", "name": "Office",
      "thumbnailUrl": None}),
    (c.LiveLocation(-23.5, -46.6, caption="here", sequence=3), "liveLocation",
     {"longitude": -46.6, "latitude": -23.5, "sequence": 3, "caption": "here"}),
    (c.Contact("Bob", "BEGIN:VCARD", ("5511977776666",)), "contact",
     {"displayName": "Bob", "vCard": "BEGIN:VCARD", "phones": ["5511977776666"]}),
    (c.Reaction("❤️", "3EB0MINE", from_me=True, chat="5544999999999@s.whatsapp.net", time_ms=1651878681150),
     "reaction",
     {"value": "❤️", "time": 1651878681150, "reactionBy": "5544999999999",
      "referencedMessage": {"messageId": "3EB0MINE", "fromMe": True, "phone": "5544999999999",
                            "participant": None}}),
    (c.Poll("Lunch?", ("Yes", "No"), max_options=1), "poll",
     {"question": "Lunch?", "pollMaxOptions": 1, "options": [{"name": "Yes"}, {"name": "No"}]}),
    (c.PollVote("3EB0POLL", ("Yes",)), "pollVote", {"pollMessageId": "3EB0POLL", "options": [{"name": "Yes"}]}),
    (c.ButtonsResponse("1", "Great"), "buttonsResponseMessage", {"buttonId": "1", "message": "Great"}),
    (c.ListResponse("row-1", "Z-API", "Asas"), "listResponseMessage",
     {"message": "Asas", "title": "Z-API", "selectedRowId": "row-1"}),
]


def test_every_content_type_golden() -> None:
    for content, key, expected in GOLDEN:
        _, payload = one(msg(content))
        assert payload[key] == expected, key
        others = {k for k, _c, _e in GOLDEN} - {key}
        assert not others & set(payload), key


def test_contacts_array_edit_view_once_revoke() -> None:
    _, p = one(msg(c.Contacts("2", (c.Contact("A", "v1", ("1",)), c.Contact("B", "v2", ("2",))))))
    assert p["contact"]["displayName"] == "A" and len(p["contact"]["contacts"]) == 2
    _, p = one(msg(c.Text("fixed"), is_edit=True, edited_id="3EB0ORIG"))
    assert p["isEdit"] is True and p["editMessageId"] == "3EB0ORIG"
    _, p = one(msg(c.Image(MEDIA), view_once=True))
    assert p["image"]["viewOnce"] is True
    _, p = one(msg(c.Unsupported("revoke", {"messageId": "x"})))
    assert p["notification"] == "REVOKE" and p["notificationParameters"] == []
    assert one(msg(c.Unsupported("other")))[1]["unknownMessage"] == {"type": "other"}


def test_from_me_needs_notify_sent_by_me() -> None:
    mine = msg(c.Text("from phone"), from_me=True)
    assert transform(env(mine), CTX) == []
    notify = Context(IID, "5521900000000", True)
    hook, p = one(mine, notify)
    assert hook is Hook.RECEIVED and p["fromMe"] is True and p["chatName"] is None


def test_message_status_single_and_group() -> None:
    hook, p = one(ReceiptReceived(chat=ALICE, message_ids=("A", "B"), status=ReceiptStatus.READ,
                                  timestamp_ms=1632234645000))
    assert hook is Hook.MESSAGE_STATUS
    assert p == {"instanceId": IID, "status": "READ", "ids": ["A", "B"], "momment": 1632234645000,
                 "phoneDevice": 0, "phone": "5544999999999", "type": "MessageStatusCallback", "isGroup": False}
    _, g = one(ReceiptReceived(chat=GROUP, message_ids=("A",), status=ReceiptStatus.PLAYED, timestamp_ms=1,
                               is_group=True, participant=Address("557500000000@s.whatsapp.net", "557500000000"),
                               device=88))
    assert g == {"instanceId": IID, "status": "PLAYED", "ids": ["A"], "momment": 1, "participant": "557500000000",
                 "participantDevice": 88, "phone": "120363019502650977-group", "type": "MessageStatusCallback",
                 "isGroup": True}


def test_delivery_and_sent_by_me() -> None:
    sent = MessageSent(zaap_id="Z1", message_id="3EB0S", chat=ALICE, message=msg(c.Text("hi"), from_me=True,
                                                                                  message_id="3EB0S"))
    out = transform(env(sent), Context(IID, "5521900000000", True))
    assert out[0] == (Hook.DELIVERY, {"phone": "5544999999999", "zaapId": "Z1", "messageId": "3EB0S",
                                      "type": "DeliveryCallback", "instanceId": IID})
    assert out[1][0] is Hook.RECEIVED and out[1][1]["fromApi"] is True and out[1][1]["status"] == "SENT"
    failed = MessageSent(zaap_id="Z2", message_id="", chat=ALICE, error="not connected")
    _hook, p = one(failed)
    assert p["error"] == "not connected" and p["messageId"] is None


def test_lifecycle_and_presence() -> None:
    assert one(Connected(phone="5521900000000", is_business=True))[1] == {
        "type": "ConnectedCallback", "connected": True, "momment": 1757390000001, "instanceId": IID,
        "phone": "5521900000000", "isBusiness": True}
    assert one(LoggedOut(reason="x"))[1] == {"momment": 1757390000001, "error": "Device has been disconnected",
                                             "disconnected": True, "type": "DisconnectedCallback",
                                             "instanceId": IID}
    hook, p = one(Disconnected(reason="connection closed", will_reconnect=True))
    assert hook is Hook.DISCONNECTED and p["error"] == "connection closed"
    assert one(ChatPresenceChanged(chat=ALICE, state=PresenceState.COMPOSING))[1] == {
        "type": "PresenceChatCallback", "phone": "5544999999999", "status": "COMPOSING", "lastSeen": None,
        "instanceId": IID}
    assert transform(env(QrCodeChanged(code="2@x", expires_at_ms=1)), CTX) == []


def test_pictures_the_engine_knows_fill_sender_photo_and_photo() -> None:
    _, p = one(msg(c.Text("hi"), sender_photo="https://pps.whatsapp.net/a.jpg",
                   chat_photo="https://pps.whatsapp.net/g.jpg"))
    assert (p["senderPhoto"], p["photo"]) == ("https://pps.whatsapp.net/a.jpg", "https://pps.whatsapp.net/g.jpg")
    _, p = one(msg(c.Text("hi")))
    assert (p["senderPhoto"], p["photo"]) == (None, None)
