"""neonize protobufs → our events, at the boundary. No FFI calls here: plain protobuf reading.

A message whose content we do not parse still becomes a ``MessageReceived`` with ``c.Unsupported(kind)``,
``kind`` being the ``waE2E.Message`` field that is set (``"unknown"`` when no field we know of is: a type
newer than neonize's protobufs). Protocol noise stays ``None``: the fields in ``NOISE_FIELDS`` alone, and
every ``protocolMessage`` but REVOKE and MESSAGE_EDIT (history-sync notifications, app-state key shares and
requests, ephemeral settings (a ``ChatChanged`` of their own, see notices.py), peer-data operations, LID
migration syncs, welcome-message requests, bot feedback, ...: device housekeeping, never a user's message).
"""

from __future__ import annotations

import base64
from typing import Any

from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content as c
from gateway.core.events import (
    Address,
    ChatPresenceChanged,
    Disconnected,
    LoggedOut,
    MessageReceived,
    PairSucceeded,
    PresenceState,
    ReceiptReceived,
    ReceiptStatus,
    TemporaryBan,
)
from gateway.worker.engines.neonize.translate_commerce import commerce_of
from gateway.worker.engines.neonize.translate_interactive import interactive_of

PHONE_SERVER = "s.whatsapp.net"
LID_SERVER = "lid"
GROUP_SERVER = "g.us"
NEWSLETTER_SERVER = "newsletter"
BROADCAST_SERVER = "broadcast"

_RECEIPTS = {
    N.Receipt.DELIVERED: ReceiptStatus.RECEIVED,
    N.Receipt.READ: ReceiptStatus.READ,
    N.Receipt.READ_SELF: ReceiptStatus.READ_BY_ME,
    N.Receipt.PLAYED: ReceiptStatus.PLAYED,
}


def jid_string(jid: Any) -> str:
    return f"{jid.User}@{jid.Server}" if jid.User else ""


def address(jid: Any, alt: Any = None) -> Address:
    user, server = jid.User, jid.Server
    alt_user = alt.User if alt is not None and alt.User else None
    alt_server = alt.Server if alt is not None else ""
    if server == LID_SERVER:
        return Address(jid=f"{user}@lid", phone=alt_user if alt_server == PHONE_SERVER else None, lid=f"{user}@lid")
    if server == PHONE_SERVER:
        return Address(jid=f"{user}@{server}", phone=user,
                       lid=f"{alt_user}@lid" if alt_server == LID_SERVER and alt_user else None)
    return Address(jid=f"{user}@{server}" if user else "")


def timestamp_ms(ts: int) -> int:
    return int(ts if ts > 100_000_000_000 else ts * 1000)


def _media(m: Any) -> c.MediaRef:
    thumb = getattr(m, "JPEGThumbnail", b"")
    return c.MediaRef(mime_type=m.mimetype, file_length=int(m.fileLength), sha256_hex=m.fileSHA256.hex(),
                      direct_path=m.directPath, thumbnail_b64=base64.b64encode(thumb).decode() if thumb else None,
                      media_key_b64=base64.b64encode(m.mediaKey).decode(), enc_sha256_hex=m.fileEncSHA256.hex())


# carried beside (or instead of) content, never shown to a user: group crypto keys and key shares, the
# metadata of the message beside it, a sticker re-upload request between our own devices
NOISE_FIELDS = frozenset({"senderKeyDistributionMessage", "fastRatchetKeySenderKeyDistributionMessage",
                          "messageContextInfo", "groupRootKeyShare", "rootSecretDistributeMessage",
                          "stickerSyncRmrMessage"})
SHOWN_PROTOCOL = (E.ProtocolMessage.REVOKE, E.ProtocolMessage.MESSAGE_EDIT)


def _unparsed(msg: Any) -> c.Unsupported | None:
    """A message none of our types covers: ``Unsupported`` named by its field, or ``None`` for noise."""
    set_fields = [f.name for f, _value in msg.ListFields()]
    shown = [name for name in set_fields if name not in NOISE_FIELDS
             and not (name == "protocolMessage" and msg.protocolMessage.type not in SHOWN_PROTOCOL)]
    if shown:
        return c.Unsupported(shown[0], {})
    return None if set_fields else c.Unsupported("unknown", {})


def _poll(p: Any) -> c.Poll:
    return c.Poll(question=p.name, options=tuple(o.optionName for o in p.options),
                  max_options=int(p.selectableOptionsCount))


def content_of(msg: Any) -> tuple[c.Content | None, Any]:
    """The content of a ``waE2E.Message`` and the sub-message holding its ``contextInfo``.

    Fields are tested in a fixed priority (never "first field set": a group message often carries a
    ``senderKeyDistributionMessage`` beside the real content). ``None`` means protocol noise.
    """
    has = msg.HasField
    if has("reactionMessage"):
        r = msg.reactionMessage
        return c.Reaction(emoji=r.text, message_id=r.key.ID, from_me=r.key.fromMe, chat=r.key.remoteJID,
                          participant=r.key.participant or None, time_ms=int(r.senderTimestampMS)), None
    if has("pollUpdateMessage"):
        return c.PollVote(poll_message_id=msg.pollUpdateMessage.pollCreationMessageKey.ID), None
    for poll_field in ("pollCreationMessage", "pollCreationMessageV2", "pollCreationMessageV3",
                       "pollCreationMessageV4", "pollCreationMessageV5", "pollCreationMessageV6"):
        if poll_field in E.Message.DESCRIPTOR.fields_by_name and has(poll_field):
            p = getattr(msg, poll_field)
            return _poll(p), p
    if has("buttonsResponseMessage"):
        b = msg.buttonsResponseMessage
        return c.ButtonsResponse(button_id=b.selectedButtonID, text=b.selectedDisplayText), b
    if has("templateButtonReplyMessage"):
        t = msg.templateButtonReplyMessage
        return c.ButtonsResponse(button_id=t.selectedID, text=t.selectedDisplayText), t
    if has("listResponseMessage"):
        lr = msg.listResponseMessage
        return c.ListResponse(selected_row_id=lr.singleSelectReply.selectedRowID, title=lr.title,
                              text=lr.description or lr.title), lr
    if has("imageMessage"):
        m = msg.imageMessage
        return c.Image(_media(m), caption=m.caption, width=m.width, height=m.height), m
    if has("ptvMessage"):
        m = msg.ptvMessage
        return c.Ptv(_media(m), caption=m.caption, width=m.width, height=m.height, seconds=m.seconds), m
    if has("videoMessage"):
        m = msg.videoMessage
        return c.Video(_media(m), caption=m.caption, width=m.width, height=m.height, seconds=m.seconds,
                       is_gif=m.gifPlayback), m
    if has("audioMessage"):
        m = msg.audioMessage
        return c.Audio(_media(m), ptt=m.PTT, seconds=m.seconds), m
    if has("documentMessage"):
        m = msg.documentMessage
        return c.Document(_media(m), file_name=m.fileName, title=m.title, caption=m.caption,
                          page_count=m.pageCount), m
    if has("stickerMessage"):
        m = msg.stickerMessage
        return c.Sticker(_media(m), width=m.width, height=m.height, is_animated=m.isAnimated), m
    if has("locationMessage"):
        m = msg.locationMessage
        return c.Location(m.degreesLatitude, m.degreesLongitude, name=m.name, address=m.address, url=m.URL), m
    if has("liveLocationMessage"):
        m = msg.liveLocationMessage
        return c.LiveLocation(m.degreesLatitude, m.degreesLongitude, caption=m.caption,
                              sequence=int(m.sequenceNumber)), m
    if has("contactMessage"):
        m = msg.contactMessage
        return _contact(m), m
    if has("contactsArrayMessage"):
        m = msg.contactsArrayMessage
        return c.Contacts(display_name=m.displayName, contacts=tuple(_contact(x) for x in m.contacts)), m
    if (interactive := interactive_of(msg)) is not None:  # pins, events, buttons, ads (translate_interactive.py)
        return interactive
    if has("extendedTextMessage"):
        m = msg.extendedTextMessage
        return c.Text(m.text, title=m.title or None, description=m.description or None,
                      url=m.matchedText or None, mentions=tuple(m.contextInfo.mentionedJID)), m
    if msg.conversation:
        return c.Text(msg.conversation), None
    if has("protocolMessage") and msg.protocolMessage.type == E.ProtocolMessage.REVOKE:
        return c.Unsupported("revoke", {"messageId": msg.protocolMessage.key.ID}), None
    if (commerce := commerce_of(msg)) is not None:  # products, carts, payments (translate_commerce.py)
        return commerce
    return _unparsed(msg), None


def _contact(m: Any) -> c.Contact:
    phones = tuple(part.split(":")[0] for part in m.vcard.split("waid=")[1:])
    return c.Contact(display_name=m.displayName, vcard=m.vcard, phones=phones)


def message(ev: Any) -> MessageReceived | None:
    """``Neonize_pb2.Message`` → ``MessageReceived`` (``None`` for protocol noise)."""
    info, src = ev.Info, ev.Info.MessageSource
    msg = ev.Message
    edited_id = None
    is_edit = bool(ev.IsEdit)
    if msg.HasField("protocolMessage") and msg.protocolMessage.type == E.ProtocolMessage.MESSAGE_EDIT:
        edited_id = msg.protocolMessage.key.ID
        msg = msg.protocolMessage.editedMessage
        is_edit = True
        if not msg.ListFields():
            return None  # an edit carrying nothing
    body, holder = content_of(msg)
    if body is None:
        return None
    ctx = holder.contextInfo if holder is not None and holder.HasField("contextInfo") else None
    chat, sender = addresses(src)
    view_once = bool(ev.IsViewOnce or ev.IsViewOnceV2 or getattr(holder, "viewOnce", False))
    return MessageReceived(
        message_id=info.ID,
        chat=chat,
        sender=sender,
        from_me=bool(src.IsFromMe),
        is_group=bool(src.IsGroup),
        timestamp_ms=timestamp_ms(info.Timestamp),
        content=body,
        push_name=info.Pushname,
        quoted_id=(ctx.stanzaID or None) if ctx is not None else None,
        forwarded=bool(ctx.isForwarded) if ctx is not None else False,
        ephemeral_s=int(ctx.expiration) if ctx is not None else 0,
        is_edit=is_edit,
        edited_id=edited_id or (info.Edit or None if is_edit else None),
        view_once=view_once,
        is_newsletter=src.Chat.Server == NEWSLETTER_SERVER,
        is_broadcast=src.Chat.Server == BROADCAST_SERVER and src.Chat.User != "status",
        is_status_reply=bool(ctx is not None and ctx.remoteJID == "status@broadcast"),
    )


def addresses(src: Any) -> tuple[Address, Address]:
    """A ``MessageSource`` → (chat, sender), each with its other form (phone or LID) when neonize gave it."""
    sender = address(src.Sender, src.SenderAlt)
    if src.IsGroup or src.Chat.Server != src.Sender.Server or src.IsFromMe:
        chat_alt = src.RecipientAlt if src.IsFromMe else None
        return address(src.Chat, chat_alt), sender
    return (sender if src.Chat.User == src.Sender.User else address(src.Chat)), sender


def receipt(ev: Any) -> ReceiptReceived | None:
    status = _RECEIPTS.get(ev.Type)
    if status is None:
        return None
    src = ev.MessageSource
    return ReceiptReceived(
        chat=address(src.Chat), message_ids=tuple(ev.MessageIDs), status=status,
        timestamp_ms=timestamp_ms(ev.Timestamp), is_group=bool(src.IsGroup),
        participant=address(src.Sender, src.SenderAlt) if src.IsGroup else None, device=int(src.Sender.Device),
    )


def chat_presence(ev: Any) -> ChatPresenceChanged:
    src = ev.MessageSource
    if ev.State == N.ChatPresence.COMPOSING:
        state = PresenceState.RECORDING if ev.Media == N.ChatPresence.AUDIO else PresenceState.COMPOSING
    else:
        state = PresenceState.PAUSED
    return ChatPresenceChanged(chat=address(src.Chat, src.SenderAlt), state=state, is_group=bool(src.IsGroup),
                               participant=address(src.Sender, src.SenderAlt) if src.IsGroup else None)


def presence(ev: Any) -> ChatPresenceChanged:
    state = PresenceState.UNAVAILABLE if ev.Unavailable else PresenceState.AVAILABLE
    return ChatPresenceChanged(chat=address(ev.From), state=state,
                               last_seen_ms=timestamp_ms(ev.LastSeen) if ev.LastSeen else None)


def pair_status(ev: Any) -> PairSucceeded | None:
    if ev.Status != N.PairStatus.SUCCESS:
        return None
    jid = ev.ID
    return PairSucceeded(phone=jid.User, device_jid=f"{jid.User}:{jid.Device}@{jid.Server}",
                         business_name=ev.BusinessName)


def logged_out(ev: Any) -> LoggedOut:
    reason = N.ConnectFailureReason.Name(ev.Reason) if ev.Reason else "LOGGED_OUT"
    return LoggedOut(reason=reason + (" (on connect)" if ev.OnConnect else ""))


def temporary_ban(ev: Any) -> TemporaryBan:
    return TemporaryBan(code=N.TemporaryBan.TempBanReason.Name(ev.Code) if ev.Code else "UNKNOWN",
                        expires_s=int(ev.Expire))


def disconnected(_ev: Any) -> Disconnected:
    return Disconnected(reason="connection lost", will_reconnect=True)


def device_jid_proto(device_jid: str) -> Any:
    """``"5511...:7@s.whatsapp.net"`` → ``JID`` for restoring a paired session."""
    user_dev, _, server = device_jid.partition("@")
    user, _, device = user_dev.partition(":")
    return N.JID(User=user, Server=server or PHONE_SERVER, Device=int(device or 0), RawAgent=0, Integrator=0,
                 IsEmpty=False)
