"""Pins, events, PIX keys, copy-code buttons and carousels → ``waE2E.Message`` (pure protobuf building).

- Pin → ``pinInChatMessage`` (``PIN_FOR_ALL``/``UNPIN_FOR_ALL``) with the pinned message's key (whatsmeow's
  ``BuildMessageKey``: ``participant`` = its author in a group when it is not ours) and, to pin,
  ``messageContextInfo.messageAddOnDurationInSecs`` with ``messageAddOnExpiryType`` STATIC: the shape of
  neonize's own ``PinMessage`` (goneonize ``main.go``), built here so the key is right for private chats and
  unpinning works (neonize's call always pins and always names a participant).
- Event → ``eventMessage`` (name, description, ``startTime`` in seconds, ``location``, ``isCanceled``) with a fresh
  32-byte ``messageContextInfo.messageSecret``: WhatsApp encrypts the answers (and edits) with it; whatsmeow
  stores the secret of what it sends. Its edit and the answers are refused before this (``engine_gaps``).
- PixKey → ``interactiveMessage.nativeFlowMessage`` with one ``payment_info`` button whose parameters carry a
  ``pix_static_code`` (``merchant_name``, ``key``, ``key_type``) and an order of value 0, as WhatsApp's own PIX
  key messages do. neonize's ``SendMessage`` adds the ``<biz native_flow_name="payment_info">`` node itself
  (goneonize ``GenerateWABinary``; the 0.5.2 library carries ``main.GenerateWABinary``).
- CopyCode → ``interactiveMessage`` with the text as body, the image (uploaded) as header, and one native flow
  ``cta_copy`` button (``display_text``, ``copy_code``); neonize adds ``<biz><interactive type="native_flow">``.
- Carousel → ``interactiveMessage.carouselMessage``: one card (an ``interactiveMessage``) per card, its image or
  video uploaded as header (``hasMediaAttachment``), its text as body, its buttons as native flow buttons
  (``quick_reply`` with the id, ``cta_url``, ``cta_call``): the shape of neonize 0.5.2's own ``CarouselMessage``
  builder (``neonize/ext/interactive_message``).

Whether a recipient's phone renders these (UNVERIFIED here, no live account): native flow messages from
non-official clients are shown on some clients only, and WhatsApp filters them from time to time (see
outgoing_interactive.py); PIX keys were reported refused on personal (non-Business) accounts.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content as c
from gateway.core import content_interactive as ci
from gateway.core.commands import Outgoing
from gateway.core.engine_gaps import NeonizeGap, gap_error
from gateway.core.errors import EngineError

SECRET_BYTES = 32
IM = E.InteractiveMessage
BUILT = (ci.Pin, ci.Event, ci.EventEdit, ci.EventResponse, ci.PixKey, ci.CopyCode, ci.Carousel)


def _key(chat: str, message_id: str, *, from_me: bool, participant: str | None) -> Any:
    """whatsmeow's ``BuildMessageKey`` (as ``outgoing.message_key``, which imports this module)."""
    key = MessageKey(remoteJID=chat, fromMe=from_me, ID=message_id)
    if participant and not from_me and chat.partition("@")[2] not in ("s.whatsapp.net", "lid"):
        user, _, server = participant.partition("@")
        key.participant = f"{user.partition(':')[0]}@{server}"
    return key


def _pin(body: ci.Pin, out: Outgoing) -> Any:
    key = _key(body.chat or out.to, body.message_id, from_me=body.from_me, participant=body.participant)
    pin = E.PinInChatMessage(key=key, senderTimestampMS=int(time.time() * 1000),
                             type=E.PinInChatMessage.PIN_FOR_ALL if body.pin else E.PinInChatMessage.UNPIN_FOR_ALL)
    if not body.pin:
        return E.Message(pinInChatMessage=pin)
    info = E.MessageContextInfo(messageAddOnDurationInSecs=body.duration_s,
                                messageAddOnExpiryType=E.MessageContextInfo.STATIC)
    return E.Message(pinInChatMessage=pin, messageContextInfo=info)


def _event(body: ci.Event, context: Any) -> Any:
    if body.call_type:
        raise gap_error(NeonizeGap.EVENT_CALL_LINK)
    fields: dict[str, Any] = {"name": body.name, "description": body.description, "startTime": body.start_s,
                              "isCanceled": body.canceled, "extraGuestsAllowed": False, "contextInfo": context}
    if body.end_s:
        fields["endTime"] = body.end_s
    if body.place is not None:
        p = body.place
        fields["location"] = E.LocationMessage(name=p.name, address=p.address, degreesLatitude=p.latitude or 0.0,
                                               degreesLongitude=p.longitude or 0.0)
    return E.Message(eventMessage=E.EventMessage(**fields),
                     messageContextInfo=E.MessageContextInfo(messageSecret=os.urandom(SECRET_BYTES)))


def pix_params(body: ci.PixKey) -> dict[str, Any]:
    """The ``payment_info`` button's parameters: a static PIX code and an empty order (value 0)."""
    zero = {"value": 0, "offset": 100}
    return {"currency": body.currency, "total_amount": zero, "reference_id": body.reference_id or os.urandom(6).hex(),
            "type": "physical-goods",
            "order": {"status": "pending", "subtotal": zero, "order_type": "ORDER",
                      "items": [{"name": "", "amount": zero, "quantity": 0, "sale_amount": zero}]},
            "payment_settings": [{"type": "pix_static_code", "pix_static_code": {
                "merchant_name": body.merchant_name, "key": body.key, "key_type": body.key_type}}],
            "share_payment_status": False}


def _flow_button(name: str, params: dict[str, Any]) -> Any:
    return IM.NativeFlowMessage.NativeFlowButton(name=name, buttonParamsJSON=json.dumps(params, ensure_ascii=False))


def _action(button: ci.Action) -> Any:
    if button.type == "URL":
        return _flow_button("cta_url", {"display_text": button.label, "url": button.url, "merchant_url": button.url})
    if button.type == "CALL":
        return _flow_button("cta_call", {"display_text": button.label, "phone_number": f"+{button.phone}",
                                         "id": button.id})
    if button.type == "COPY":
        return _flow_button("cta_copy", {"display_text": button.label, "copy_code": button.code, "id": button.id})
    return _flow_button("quick_reply", {"display_text": button.label, "id": button.id})


def _uploaded(media: c.MediaRef, upload: Any, *, video: bool) -> dict[str, Any]:
    if upload is None:
        raise EngineError("the media was not uploaded", transient=False)
    fields = {"URL": upload.url, "directPath": upload.DirectPath, "mediaKey": upload.MediaKey,
              "fileEncSHA256": upload.FileEncSHA256, "fileSHA256": upload.FileSHA256,
              "fileLength": upload.FileLength, "mimetype": media.mime_type}
    return {"videoMessage": E.VideoMessage(**fields)} if video else {"imageMessage": E.ImageMessage(**fields)}


def _copy_code(body: ci.CopyCode, upload: Any, context: Any) -> Any:
    header = IM.Header(hasMediaAttachment=False)
    if body.media is not None:
        header = IM.Header(hasMediaAttachment=True, **_uploaded(body.media, upload, video=False))
    copy = ci.Action(id="copy", label=body.label, type="COPY", code=body.code)
    return E.Message(interactiveMessage=IM(header=header, body=IM.Body(text=body.text), contextInfo=context,
                                           nativeFlowMessage=IM.NativeFlowMessage(buttons=[_action(copy)])))


def _carousel(body: ci.Carousel, uploads: tuple[Any, ...], context: Any) -> Any:
    if len(uploads) != len(body.cards):
        raise EngineError("the carousel's media were not uploaded", transient=False)
    cards = []
    for card, upload in zip(body.cards, uploads, strict=True):
        assert card.media is not None, "the api stores every card's file"
        header = IM.Header(title=card.title, hasMediaAttachment=True, **_uploaded(card.media, upload, video=card.video))
        cards.append(IM(header=header, body=IM.Body(text=card.text), footer=IM.Footer(text=card.footer),
                        nativeFlowMessage=IM.NativeFlowMessage(buttons=[_action(b) for b in card.buttons])))
    carousel = IM.CarouselMessage(cards=cards, messageVersion=1)
    return E.Message(interactiveMessage=IM(header=IM.Header(hasMediaAttachment=False), body=IM.Body(text=body.text),
                                           carouselMessage=carousel, contextInfo=context))


def build_interactive(body: c.Content, out: Outgoing, upload: Any, uploads: tuple[Any, ...], context: Any) -> Any:
    """One of ``BUILT`` → its ``waE2E.Message``."""
    if isinstance(body, ci.Pin):
        return _pin(body, out)
    if isinstance(body, ci.Event):
        return _event(body, context)
    if isinstance(body, ci.EventEdit):
        raise gap_error(NeonizeGap.EVENT_EDIT)
    if isinstance(body, ci.EventResponse):
        raise gap_error(NeonizeGap.EVENT_RESPONSE)
    if isinstance(body, ci.PixKey):
        flow = IM.NativeFlowMessage(buttons=[_flow_button("payment_info", pix_params(body))])
        return E.Message(interactiveMessage=IM(nativeFlowMessage=flow, contextInfo=context))
    if isinstance(body, ci.CopyCode):
        return _copy_code(body, upload, context)
    if isinstance(body, ci.Carousel):
        return _carousel(body, uploads, context)
    raise EngineError(f"{type(body).__name__} messages cannot be sent", transient=False)
