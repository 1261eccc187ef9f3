"""Our outgoing content → neonize's ``waE2E.Message`` (pure protobuf building, no FFI call).

What each content becomes (what needs the network or the device store, the engine prepared before, in ``Extras``):

- Text: ``conversation``; ``extendedTextMessage`` when it quotes, mentions, is forwarded or carries a link's
  title. To ``status@broadcast``: an ``extendedTextMessage`` with a background colour, text colour and font.
- Image, Audio, Video, Ptv, Document, Sticker: the media message from the upload, or, for a forward of a
  message WhatsApp gave us, from its own media fields (direct path, media key, hashes: nothing uploaded again).
- Location, Contact, Contacts (``contactsArrayMessage``); a forwarded live location goes as a location.
- Reaction: ``reactionMessage`` with the key whatsmeow's ``BuildMessageKey`` would make (``fromMe`` unless the
  reacted message's author is someone else; ``participant`` = that author in groups).
- Poll: ``pollCreationMessage`` with a fresh 32-byte ``messageContextInfo.messageSecret`` (whatsmeow's
  ``BuildPollCreation``; whatsmeow stores the secret when it sends, so votes on it can be decrypted).
- PollVote: the ``pollUpdateMessage`` whatsmeow encrypted with the poll's secret (built by the engine through
  the FFI, see sending.py), passed in ``Extras.poll_vote``.
- Link: ``extendedTextMessage`` with ``matchedText`` = the URL, title, description and our JPEG thumbnail.
- OptionList, ButtonList: outgoing_interactive.py.
- CatalogLink (and the products and orders neonize 0.5.2 cannot send): outgoing_commerce.py.
- Pin, Event, PixKey, CopyCode, Carousel (and the event edits and answers it cannot send): outgoing_events.py.
- Forward: the original content built again, ``contextInfo.isForwarded`` and ``forwardingScore`` = 1.
- Revoke: ``protocolMessage`` REVOKE with the deleted message's key (``participant`` = its author when an admin
  deletes someone else's group message); built here, never with neonize's ``build_revoke`` (it calls
  ``get_me()``, which aborts the process on an unregistered session).
- Edit (``Outgoing.edit_id``): whatsmeow's ``BuildEdit`` shape, ``editedMessage{protocolMessage{MESSAGE_EDIT,
  key{remoteJID, fromMe, ID}, editedMessage, timestampMS}}``.

Context of a reply: ``stanzaID`` = the quoted id, ``participant`` = its author when known (groups, statuses),
``remoteJID`` = the quoted message's chat when it is not the destination (``status@broadcast`` for a status
reply), ``mentionedJID``.
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import dataclass, replace
from typing import Any

from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.content_commerce import COMMERCE_TYPES
from gateway.core.errors import EngineError
from gateway.core.phones import STATUS_BROADCAST
from gateway.worker.engines.neonize.outgoing_commerce import build_commerce
from gateway.worker.engines.neonize.outgoing_events import BUILT, build_interactive
from gateway.worker.engines.neonize.outgoing_interactive import build_button_list, build_option_list

MEDIA_TYPES = (c.Image, c.Audio, c.Video, c.Ptv, c.Document, c.Sticker)
MEDIA_KINDS: dict[type, str] = {c.Image: "MediaImage", c.Sticker: "MediaImage", c.Audio: "MediaAudio",
                                c.Video: "MediaVideo", c.Ptv: "MediaVideo", c.Document: "MediaDocument"}
FORWARDABLE = (c.Text, *MEDIA_TYPES, c.Location, c.LiveLocation, c.Contact, c.Contacts, c.Poll, c.Link)
DIRECT_SERVERS = ("s.whatsapp.net", "lid")  # private chats: a message key never names a participant there
STATUS_BACKGROUND_ARGB = 0xFF128C7E  # a text status's background (WhatsApp's teal), opaque
STATUS_TEXT_ARGB = 0xFFFFFFFF
SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class LinkThumbnail:
    """A link preview's image: the inline JPEG, and for large previews the same image uploaded in higher quality."""

    jpeg: bytes
    width: int
    height: int
    upload: Any = None  # UploadResponse of the larger JPEG (``MediaLinkThumbnail``), or None
    upload_width: int = 0
    upload_height: int = 0


@dataclass(frozen=True, slots=True)
class Extras:
    """What the engine prepared for one message (uploads, thumbnails, the encrypted vote): plain data."""

    upload: Any = None  # UploadResponse of the content's file (a button list's header, a re-uploaded forward)
    thumbnail: LinkThumbnail | None = None
    poll_vote: Any = None  # the ``waE2E.Message`` whatsmeow built for a poll vote
    uploads: tuple[Any, ...] = ()  # a carousel's files, one UploadResponse per card
    own_users: frozenset[str] = frozenset()  # the user part of our phone JID and of our LID


def user_of(jid: str) -> str:
    """``5511...:7@s.whatsapp.net`` → ``5511...``."""
    return jid.partition("@")[0].partition(":")[0]


def non_ad(jid: str) -> str:
    """A JID without its device part (message keys name users, not devices)."""
    user, _, server = jid.partition("@")
    return f"{user.partition(':')[0]}@{server}" if server else user.partition(":")[0]


def is_direct(jid: str) -> bool:
    return jid.partition("@")[2] in DIRECT_SERVERS


def message_key(chat: str, message_id: str, *, from_me: bool, participant: str | None = None) -> Any:
    """whatsmeow's ``BuildMessageKey``: ``participant`` only for someone else's message outside private chats."""
    key = MessageKey(remoteJID=chat, fromMe=from_me, ID=message_id)
    if participant and not from_me and not is_direct(chat):
        key.participant = non_ad(participant)
    return key


def context_info(out: Outgoing) -> Any:
    fields: dict[str, Any] = {}
    if out.quoted_id:
        fields["stanzaID"] = out.quoted_id
        if out.quoted_participant:
            fields["participant"] = non_ad(out.quoted_participant)
        if out.quoted_chat and out.quoted_chat != out.to:
            fields["remoteJID"] = out.quoted_chat
    if out.mentions:
        fields["mentionedJID"] = list(out.mentions)
    return E.ContextInfo(**fields) if fields else None


def whatsapp_media(media: c.MediaRef) -> bool:
    """The file is on WhatsApp's servers already (a message WhatsApp gave us): it can be sent again as is."""
    return bool(media.direct_path and media.media_key_b64 and media.enc_sha256_hex and media.sha256_hex)


def _media_fields(media: c.MediaRef, upload: Any) -> dict[str, Any]:
    if upload is not None:
        return {"URL": upload.url, "directPath": upload.DirectPath, "mediaKey": upload.MediaKey,
                "fileEncSHA256": upload.FileEncSHA256, "fileSHA256": upload.FileSHA256,
                "fileLength": upload.FileLength, "mimetype": media.mime_type}
    if not whatsapp_media(media):
        raise EngineError("the media was not uploaded", transient=False)
    return {"directPath": media.direct_path, "mediaKey": base64.b64decode(media.media_key_b64),
            "fileEncSHA256": bytes.fromhex(media.enc_sha256_hex), "fileSHA256": bytes.fromhex(media.sha256_hex),
            "fileLength": media.file_length, "mimetype": media.mime_type}


def build_media_message(body: c.Content, upload: Any, context: Any) -> Any:
    """A file (uploaded now, or already on WhatsApp's servers) → the matching ``waE2E`` media message."""
    media = c.media_of(body)
    assert media is not None
    fields = _media_fields(media, upload)
    if media.thumbnail_b64:
        fields["JPEGThumbnail"] = base64.b64decode(media.thumbnail_b64)
    if isinstance(body, c.Image):
        return E.Message(imageMessage=E.ImageMessage(caption=body.caption, width=body.width, height=body.height,
                                                     contextInfo=context, **fields))
    if isinstance(body, c.Sticker):
        fields.pop("JPEGThumbnail", None)
        return E.Message(stickerMessage=E.StickerMessage(width=body.width, height=body.height,
                                                         isAnimated=body.is_animated, contextInfo=context, **fields))
    if isinstance(body, c.Audio):
        fields.pop("JPEGThumbnail", None)
        if upload is not None or not fields["mimetype"]:
            fields["mimetype"] = "audio/ogg; codecs=opus"  # what the api converted it to
        return E.Message(audioMessage=E.AudioMessage(PTT=body.ptt, seconds=body.seconds, contextInfo=context,
                                                     **fields))
    if isinstance(body, c.Video | c.Ptv):
        video = E.VideoMessage(caption=body.caption, seconds=body.seconds, width=body.width, height=body.height,
                               contextInfo=context, gifPlayback=isinstance(body, c.Video) and body.is_gif, **fields)
        return E.Message(ptvMessage=video) if isinstance(body, c.Ptv) else E.Message(videoMessage=video)
    assert isinstance(body, c.Document)
    return E.Message(documentMessage=E.DocumentMessage(fileName=body.file_name, title=body.title,
                                                       caption=body.caption, pageCount=body.page_count,
                                                       contextInfo=context, **fields))


def _text(body: c.Text, out: Outgoing, context: Any) -> Any:
    if out.to == STATUS_BROADCAST:
        return E.Message(extendedTextMessage=E.ExtendedTextMessage(
            text=body.text, backgroundArgb=STATUS_BACKGROUND_ARGB, textArgb=STATUS_TEXT_ARGB,
            font=E.ExtendedTextMessage.FontType.SYSTEM, previewType=E.ExtendedTextMessage.PreviewType.NONE))
    link = {k: v for k, v in (("matchedText", body.url), ("title", body.title), ("description", body.description))
            if v}
    if context is None and not link:
        return E.Message(conversation=body.text)
    return E.Message(extendedTextMessage=E.ExtendedTextMessage(text=body.text, contextInfo=context, **link))


def _link(body: c.Link, context: Any, thumb: LinkThumbnail | None) -> Any:
    ext = E.ExtendedTextMessage(text=body.text, matchedText=body.url, title=body.title, description=body.description,
                                previewType=E.ExtendedTextMessage.PreviewType.NONE, contextInfo=context)
    if thumb is not None:
        ext.JPEGThumbnail = thumb.jpeg
        ext.thumbnailWidth, ext.thumbnailHeight = thumb.width, thumb.height
        if thumb.upload is not None:
            up = thumb.upload
            ext.thumbnailDirectPath, ext.thumbnailSHA256, ext.thumbnailEncSHA256 = (
                up.DirectPath, up.FileSHA256, up.FileEncSHA256)
            ext.mediaKey, ext.mediaKeyTimestamp = up.MediaKey, int(time.time())
            ext.thumbnailWidth, ext.thumbnailHeight = thumb.upload_width, thumb.upload_height
    return E.Message(extendedTextMessage=ext)


def _poll(body: c.Poll, context: Any) -> Any:
    count = body.max_options if 0 <= body.max_options <= len(body.options) else 0  # 0 = any number
    poll = E.PollCreationMessage(name=body.question, selectableOptionsCount=count, contextInfo=context,
                                 options=[E.PollCreationMessage.Option(optionName=o) for o in body.options])
    return E.Message(pollCreationMessage=poll,
                     messageContextInfo=E.MessageContextInfo(messageSecret=os.urandom(SECRET_BYTES)))


def _reaction(body: c.Reaction, out: Outgoing, own: frozenset[str]) -> Any:
    author = body.participant or out.quoted_participant
    from_me = user_of(author) in own if author else body.from_me
    key = message_key(body.chat or out.to, body.message_id, from_me=from_me, participant=author)
    return E.Message(reactionMessage=E.ReactionMessage(key=key, text=body.emoji,
                                                       senderTimestampMS=int(time.time() * 1000)))


def _revoke(body: c.Revoke, out: Outgoing, own: frozenset[str]) -> Any:
    from_me = user_of(body.sender) in own if body.sender else body.from_me
    if not from_me and is_direct(out.to):
        raise EngineError("only your own messages can be deleted for everyone in a private chat", transient=False)
    if not from_me and not body.sender:
        raise EngineError("deleting someone else's group message needs its sender", transient=False)
    key = message_key(out.to, body.message_id, from_me=from_me, participant=body.sender or None)
    return E.Message(protocolMessage=E.ProtocolMessage(type=E.ProtocolMessage.REVOKE, key=key))


def _edit(out: Outgoing, edit_id: str, new: Any) -> Any:
    protocol = E.ProtocolMessage(type=E.ProtocolMessage.MESSAGE_EDIT, editedMessage=new,
                                 key=MessageKey(remoteJID=out.to, fromMe=True, ID=edit_id),
                                 timestampMS=int(time.time() * 1000))
    return E.Message(editedMessage=E.FutureProofMessage(message=E.Message(protocolMessage=protocol)))


def build_content(body: c.Content, out: Outgoing, extras: Extras, context: Any) -> Any:
    """One content → its ``waE2E.Message`` (no edit or forward wrapping)."""
    if isinstance(body, c.Text):
        return _text(body, out, context)
    if isinstance(body, MEDIA_TYPES):
        return build_media_message(body, extras.upload, context)
    if isinstance(body, c.Location | c.LiveLocation):
        url, name, address = (body.url, body.name, body.address) if isinstance(body, c.Location) else ("", "", "")
        return E.Message(locationMessage=E.LocationMessage(
            degreesLatitude=body.latitude, degreesLongitude=body.longitude, name=name, address=address, URL=url,
            contextInfo=context))
    if isinstance(body, c.Contact):
        return E.Message(contactMessage=E.ContactMessage(displayName=body.display_name, vcard=body.vcard,
                                                         contextInfo=context))
    if isinstance(body, c.Contacts):
        contacts = [E.ContactMessage(displayName=x.display_name, vcard=x.vcard) for x in body.contacts]
        return E.Message(contactsArrayMessage=E.ContactsArrayMessage(displayName=body.display_name,
                                                                     contacts=contacts, contextInfo=context))
    if isinstance(body, c.Reaction):
        return _reaction(body, out, extras.own_users)
    if isinstance(body, c.Poll):
        return _poll(body, context)
    if isinstance(body, c.PollVote):
        if extras.poll_vote is None:
            raise EngineError("the poll vote was not encrypted", transient=False)
        return extras.poll_vote
    if isinstance(body, c.Link):
        return _link(body, context, extras.thumbnail)
    if isinstance(body, c.OptionList):
        return build_option_list(body, context)
    if isinstance(body, c.ButtonList):
        return build_button_list(body, context, extras.upload)
    if isinstance(body, c.Revoke):
        return _revoke(body, out, extras.own_users)
    if isinstance(body, COMMERCE_TYPES):
        return build_commerce(body, context)
    if isinstance(body, BUILT):
        return build_interactive(body, out, extras.upload, extras.uploads, context)
    raise EngineError(f"{type(body).__name__} messages cannot be sent", transient=False)


def forwarded(body: c.Forward) -> c.Content:
    """The content a forward sends again (``EngineError`` when the gateway never saw it or it cannot go again)."""
    if body.original is None:
        raise EngineError(f"message {body.message_id} is unknown to the gateway: it cannot be forwarded",
                          transient=False)
    if not isinstance(body.original, FORWARDABLE):
        raise EngineError(f"{type(body.original).__name__} messages cannot be forwarded", transient=False)
    return body.original


def build_message(out: Outgoing, upload: Any = None, *, extras: Extras | None = None) -> Any:
    """Our outgoing message → ``waE2E.Message`` (every content the api can queue)."""
    extras = extras or Extras()
    if upload is not None:
        extras = replace(extras, upload=upload)
    body = out.content
    if out.edit_id:
        if not isinstance(body, c.Text):
            raise EngineError("only text messages can be edited", transient=False)
        return _edit(out, out.edit_id, build_content(body, out, extras, context_info(out)))
    if isinstance(body, c.Forward):
        original = forwarded(body)
        return build_content(original, out, extras, E.ContextInfo(isForwarded=True, forwardingScore=1))
    return build_content(body, out, extras, context_info(out))
