"""Hand-built neonize protobuf events (the message types neonize's Go side emits), realistic enough to serialise."""

from __future__ import annotations

from typing import Any

from neonize.proto import Neonize_pb2 as N
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

ALICE = "5511988887777"
ME = "5511999990000"
GROUP = "120363019502650977"


def jid(user: str, server: str = "s.whatsapp.net", device: int = 0) -> Any:
    return N.JID(User=user, Server=server, RawAgent=0, Device=device, Integrator=0, IsEmpty=False)


EMPTY = N.JID(User="", Server="", RawAgent=0, Device=0, Integrator=0, IsEmpty=True)


def src(chat: Any, sender: Any, from_me: bool = False, sender_alt: Any = EMPTY) -> Any:
    return N.MessageSource(Chat=chat, Sender=sender, IsFromMe=from_me, IsGroup=chat.Server == "g.us",
                           AddressingMode=N.AddressingMode.PN, SenderAlt=sender_alt, RecipientAlt=EMPTY,
                           BroadcastListOwner=EMPTY)


def message_ev(content: Any, chat: Any = None, sender: Any = None, msg_id: str = "3EB0AABBCCDD",
               from_me: bool = False, ts: int = 1700000000000, sender_alt: Any = EMPTY, **flags: Any) -> Any:
    chat = chat or jid(ALICE)
    sender = sender or jid(ALICE)
    info = N.MessageInfo(MessageSource=src(chat, sender, from_me, sender_alt), ID=msg_id, ServerID=0, Type="text",
                         Pushname="Alice", Timestamp=ts, Category="", Multicast=False, MediaType="", Edit="")
    base = {"IsEphemeral": False, "IsViewOnce": False, "IsViewOnceV2": False, "IsViewOnceV2Extension": False,
            "IsDocumentWithCaption": False, "IsLottieSticker": False, "IsEdit": False, "UnavailableRequestID": "",
            "RetryCount": 0}
    base.update(flags)
    return N.Message(Info=info, Message=content, **base)


def media(**kw: Any) -> dict[str, Any]:
    base = {"mimetype": "application/octet-stream", "directPath": "/v/t62/x", "mediaKey": b"k" * 32,
            "fileSHA256": b"\x01" * 32, "fileEncSHA256": b"e" * 32, "fileLength": 1234}
    base.update(kw)
    return base


CTX = E.ContextInfo(stanzaID="3EB0QUOTED", participant=f"{ALICE}@s.whatsapp.net", isForwarded=True,
                    expiration=604800)

CONTENT: dict[str, Any] = {
    "text": E.Message(conversation="hello"),
    "extended_text": E.Message(extendedTextMessage=E.ExtendedTextMessage(
        text="see https://x.io", matchedText="https://x.io", title="X", description="desc", contextInfo=CTX)),
    "image": E.Message(imageMessage=E.ImageMessage(caption="pic", width=600, height=315, JPEGThumbnail=b"\xff\xd8",
                                                   **media(mimetype="image/jpeg"))),
    "audio": E.Message(audioMessage=E.AudioMessage(PTT=True, seconds=10,
                                                   **media(mimetype="audio/ogg; codecs=opus"))),
    "video": E.Message(videoMessage=E.VideoMessage(caption="vid", seconds=7, width=640, height=360,
                                                   gifPlayback=True, **media(mimetype="video/mp4"))),
    "ptv": E.Message(ptvMessage=E.VideoMessage(seconds=4, width=480, height=480, **media(mimetype="video/mp4"))),
    "document": E.Message(documentMessage=E.DocumentMessage(fileName="r.pdf", title="Report", caption="cap",
                                                            pageCount=3, **media(mimetype="application/pdf"))),
    "sticker": E.Message(stickerMessage=E.StickerMessage(width=512, height=512, isAnimated=True,
                                                         **media(mimetype="image/webp"))),
    "location": E.Message(locationMessage=E.LocationMessage(degreesLatitude=-23.5, degreesLongitude=-46.6,
                                                            name="Office", address="Av. Paulista", URL="https://m")),
    "live_location": E.Message(liveLocationMessage=E.LiveLocationMessage(
        degreesLatitude=-23.5, degreesLongitude=-46.6, caption="here", sequenceNumber=3)),
    "contact": E.Message(contactMessage=E.ContactMessage(
        displayName="Bob", vcard="BEGIN:VCARD\nFN:Bob\nTEL;waid=5511977776666:+55 11 97777-6666\nEND:VCARD")),
    "contacts": E.Message(contactsArrayMessage=E.ContactsArrayMessage(displayName="2 contacts", contacts=[
        E.ContactMessage(displayName="Bob", vcard="TEL;waid=5511977776666:+1"),
        E.ContactMessage(displayName="Carol", vcard="TEL;waid=5511966665555:+1")])),
    "reaction": E.Message(reactionMessage=E.ReactionMessage(
        key=MessageKey(remoteJID=f"{ALICE}@s.whatsapp.net", fromMe=True, ID="3EB0MINE"), text="👍",
        senderTimestampMS=1700000000123)),
    "poll": E.Message(pollCreationMessageV3=E.PollCreationMessage(
        name="Lunch?", options=[E.PollCreationMessage.Option(optionName="Yes"),
                                E.PollCreationMessage.Option(optionName="No")], selectableOptionsCount=1)),
    "poll_vote": E.Message(pollUpdateMessage=E.PollUpdateMessage(
        pollCreationMessageKey=MessageKey(remoteJID=f"{ALICE}@s.whatsapp.net", fromMe=True, ID="3EB0POLL"))),
    "buttons_response": E.Message(buttonsResponseMessage=E.ButtonsResponseMessage(
        selectedButtonID="b1", selectedDisplayText="Great")),
    "list_response": E.Message(listResponseMessage=E.ListResponseMessage(
        title="Plans", description="Gold", singleSelectReply=E.ListResponseMessage.SingleSelectReply(
            selectedRowID="row-1"))),
}
