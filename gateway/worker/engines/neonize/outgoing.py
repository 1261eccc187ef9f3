"""Our outgoing content → neonize's ``waE2E.Message`` (pure protobuf building, no FFI call)."""

from __future__ import annotations

import time
from typing import Any

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.errors import EngineError

MEDIA_TYPES = (c.Image, c.Audio, c.Video, c.Ptv, c.Document, c.Sticker)


def _media_fields(media: c.MediaRef, upload: Any) -> dict[str, Any]:
    return {"URL": upload.url, "directPath": upload.DirectPath, "mediaKey": upload.MediaKey,
            "fileEncSHA256": upload.FileEncSHA256, "fileSHA256": upload.FileSHA256,
            "fileLength": upload.FileLength, "mimetype": media.mime_type}


def build_media_message(body: c.Content, upload: Any, context: Any) -> Any:
    """An uploaded file → the matching ``waE2E`` media message."""
    from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

    media = c.media_of(body)
    assert media is not None
    fields = _media_fields(media, upload)
    if isinstance(body, c.Image):
        return E.Message(imageMessage=E.ImageMessage(caption=body.caption, contextInfo=context, **fields))
    if isinstance(body, c.Sticker):
        return E.Message(stickerMessage=E.StickerMessage(contextInfo=context, **fields))
    if isinstance(body, c.Audio):
        fields["mimetype"] = "audio/ogg; codecs=opus"
        return E.Message(audioMessage=E.AudioMessage(PTT=body.ptt, seconds=body.seconds, contextInfo=context,
                                                     **fields))
    if isinstance(body, c.Video | c.Ptv):
        video = E.VideoMessage(caption=body.caption, seconds=body.seconds, contextInfo=context,
                               gifPlayback=isinstance(body, c.Video) and body.is_gif, **fields)
        return E.Message(ptvMessage=video) if isinstance(body, c.Ptv) else E.Message(videoMessage=video)
    assert isinstance(body, c.Document)
    return E.Message(documentMessage=E.DocumentMessage(fileName=body.file_name, title=body.title,
                                                       caption=body.caption, contextInfo=context, **fields))


def build_message(out: Outgoing, upload: Any = None) -> Any:
    """Our outgoing content → ``waE2E.Message`` (text, media, location, contact, reaction)."""
    from neonize.proto.waCommon.WACommon_pb2 import MessageKey
    from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

    body = out.content
    context = None
    if out.quoted_id or out.mentions:
        context = E.ContextInfo(stanzaID=out.quoted_id or None, mentionedJID=list(out.mentions))
    if upload is not None and isinstance(body, MEDIA_TYPES):
        return build_media_message(body, upload, context)
    if isinstance(body, c.Text):
        if context is None:
            return E.Message(conversation=body.text)
        return E.Message(extendedTextMessage=E.ExtendedTextMessage(text=body.text, contextInfo=context))
    if isinstance(body, c.Location):
        return E.Message(locationMessage=E.LocationMessage(degreesLatitude=body.latitude,
                                                           degreesLongitude=body.longitude, name=body.name,
                                                           address=body.address, contextInfo=context))
    if isinstance(body, c.Contact):
        return E.Message(contactMessage=E.ContactMessage(displayName=body.display_name, vcard=body.vcard,
                                                         contextInfo=context))
    if isinstance(body, c.Reaction):
        key = MessageKey(remoteJID=out.to, fromMe=body.from_me, ID=body.message_id)
        return E.Message(reactionMessage=E.ReactionMessage(key=key, text=body.emoji,
                                                           senderTimestampMS=int(time.time() * 1000)))
    raise EngineError(f"{type(body).__name__} messages are not supported by the neonize engine yet",
                      transient=False)
