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


# --- groups ------------------------------------------------------------------------------------------

BOB_LID = "99999999999999"
CAROL = "5511977776666"
PARENT = "120363186053925765"


def participant(j: Any, pn: Any = EMPTY, lid: Any = EMPTY, admin: bool = False, superadmin: bool = False,
                name: str = "", error: int = 0, code: str = "", expiration: float = 0.0) -> Any:
    """A ``GroupParticipant`` the way whatsmeow fills it: a PN JID is its own ``PhoneNumber``."""
    if pn is EMPTY and j.Server == "s.whatsapp.net":
        pn = j
    if lid is EMPTY and j.Server == "lid":
        lid = j
    p = N.GroupParticipant(JID=j, LID=lid, PhoneNumber=pn, IsAdmin=admin or superadmin, IsSuperAdmin=superadmin,
                           DisplayName=name, Error=error)
    if code:
        p.AddRequest.CopyFrom(N.GroupParticipantAddRequest(Code=code, Expiration=expiration))
    return p


def group_info_proto(group: str = GROUP, name: str = "Meu grupo", owner: Any = None, owner_pn: Any = None,
                     participants: list[Any] | None = None, created: float = 1588721491, topic: str = "descricao",
                     locked: bool = False, announce: bool = False, is_parent: bool = False, linked_parent: str = "",
                     default_sub: bool = False) -> Any:
    owner = owner if owner is not None else jid(ME)
    owner_pn = owner_pn if owner_pn is not None else (owner if owner.Server == "s.whatsapp.net" else EMPTY)
    if participants is None:
        participants = [participant(jid(ME), superadmin=True, name="Me"), participant(jid(ALICE), name="Alice"),
                        participant(jid(BOB_LID, "lid"), pn=jid(CAROL))]
    return N.GroupInfo(
        JID=jid(group, "g.us"), OwnerJID=owner, OwnerPN=owner_pn,
        GroupName=N.GroupName(Name=name, NameSetAt=1617805323, NameSetBy=owner),
        GroupTopic=N.GroupTopic(Topic=topic, TopicID="3EB0TOPIC", TopicSetAt=1617805323, TopicSetBy=owner,
                                TopicDeleted=False),
        GroupLocked=N.GroupLocked(isLocked=locked), GroupAnnounce=N.GroupAnnounce(IsAnnounce=announce,
                                                                                  AnnounceVersionID=""),
        GroupEphemeral=N.GroupEphemeral(IsEphemeral=False, DisappearingTimer=0),
        GroupIncognito=N.GroupIncognito(IsIncognito=False),
        GroupParent=N.GroupParent(IsParent=is_parent, DefaultMembershipApprovalMode=""),
        GroupLinkedParent=N.GroupLinkedParent(LinkedParentJID=jid(linked_parent, "g.us") if linked_parent else EMPTY),
        GroupIsDefaultSub=N.GroupIsDefaultSub(IsDefaultSubGroup=default_sub),
        GroupCreated=created, ParticipantVersionID="1700000000000000", Participants=participants)


def joined_ev(info: Any = None, reason: str = "", type_: str = "", create_key: str = "", sender: Any = None) -> Any:
    ev = N.JoinedGroup(Reason=reason, Type=type_, CreateKey=create_key,
                       GroupInfo=info if info is not None else group_info_proto())
    if sender is not None:
        ev.Sender.CopyFrom(sender)
    return ev


def group_ev(sender: Any = None, notify: str = "", ts: int = 1700000000, group: str = GROUP, **changes: Any) -> Any:
    """A ``GroupInfoEvent``; ``changes`` are its optional fields (Name=..., Join=[...], UnknownChanges=[...])."""
    base: dict[str, Any] = {"PrevParticipantsVersionID": "", "ParticipantVersionID": "", "JoinReason": ""}
    base.update(changes)
    ev = N.GroupInfoEvent(JID=jid(group, "g.us"), Notify=notify, Timestamp=ts, **base)
    if sender is not None:
        ev.Sender.CopyFrom(sender)
    return ev


def node(tag: str, attrs: dict[str, Any] | None = None, children: list[Any] | None = None, data: bytes = b"") -> Any:
    """A raw whatsmeow node as neonize encodes ``UnknownChanges`` (JID attributes as JIDs, others as text)."""
    encoded = []
    for name, value in (attrs or {}).items():
        if isinstance(value, str) and "@" in value:
            user, _, server = value.partition("@")
            encoded.append(N.NodeAttrs(name=name, jid=jid(user, server)))
        else:
            encoded.append(N.NodeAttrs(name=name, text=str(value)))
    out = N.Node(Tag=tag, Attrs=encoded, Nodes=children or [])
    if data:
        out.Bytes = data
    return out


def link_target(group: str, name: str, default_sub: bool = False) -> Any:
    """A ``GroupLinkTarget`` as ``get_sub_groups`` returns it (the default sub-group: the announcement group)."""
    return N.GroupLinkTarget(JID=jid(group, "g.us"), GroupName=N.GroupName(Name=name, NameSetAt=0, NameSetBy=EMPTY),
                             GroupIsDefaultSub=N.GroupIsDefaultSub(IsDefaultSubGroup=default_sub))
