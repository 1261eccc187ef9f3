"""Pins, events and interactive messages → their Z-API content objects (pure; ``transform.content_object``).

Shapes: Z-API's webhook page (``webhooks/on-message-received``: "fixar mensagem", "evento", "resposta de
evento", "botão de chave pix", "botão com imagem/video", "template", "template de botão OTP", "carrosel",
"texto vindos de anúncio", "resposta de status"). Choices where the page says nothing:

- ``referencedMessage.phone`` (pin, event answer) is the chat of the named message, as for reactions;
  ``participant`` its author in a group when it is not ours (``chat_id`` form), else ``null``;
- ``event.location`` is ``{}`` without a place, else ``{name, address, latitude, longitude}``; ``scheduleTime``
  and ``endTime`` in epoch seconds (``endTime`` ours: ``null`` when the event has none); ``callLinkType`` ours;
- ``eventResponse.response`` is ``null`` when WhatsApp's encrypted answer could not be read (neonize);
- a copy-code message (``send-button-otp``) shows as the ``hydratedTemplate`` Z-API's page gives it: one
  ``urlButton`` to ``https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=<code>``;
- ``buttonsMessage`` buttons: ``type`` 1 for a reply button, 2 for a URL or call button (WhatsApp's
  ``NATIVE_FLOW``), with ``url``/``phoneNumber`` beside ``buttonText``;
- hydrated buttons: ``quickReplyButton {displayText, id}``, ``urlButton {displayText, url}``, ``callButton
  {displayText, phoneNumber}``, in order, ``index`` from 0;
- a media header without a stored copy (a carousel card received: only one file per message is downloaded)
  shows ``imageUrl``/``videoUrl`` ``null`` with its ``mimeType``.
"""

from __future__ import annotations

from typing import Any

from gateway.core import content as c
from gateway.core import content_interactive as ci


def _chat(jid: str) -> str | None:
    """A JID as Z-API's ``phone`` (the private chat's number, ``<id>-group``...)."""
    if not jid:
        return None
    user, _, server = jid.partition("@")
    if server == "g.us":
        return f"{user}-group"
    return jid if server in ("lid", "newsletter") else user


def _referenced(message_id: str, from_me: bool, chat: str, participant: str | None) -> dict[str, Any]:
    return {"messageId": message_id, "fromMe": from_me, "phone": _chat(chat),
            "participant": _chat(participant) if participant else None}


def pin_message(body: ci.Pin) -> dict[str, Any]:
    return {"action": "pin" if body.pin else "unpin", "pinDurationInSecs": body.duration_s if body.pin else 0,
            "referencedMessage": _referenced(body.message_id, body.from_me, body.chat, body.participant)}


def event(body: ci.Event | ci.EventEdit) -> dict[str, Any]:
    e = body.event if isinstance(body, ci.EventEdit) else body
    place = e.place
    location: dict[str, Any] = ({"name": place.name, "address": place.address, "latitude": place.latitude,
                                 "longitude": place.longitude} if place is not None else {})
    return {"name": e.name, "description": e.description, "canceled": e.canceled, "joinLink": e.join_link or None,
            "scheduleTime": e.start_s, "endTime": e.end_s or None, "location": location,
            "callLinkType": e.call_type or None}


def event_response(body: ci.EventResponse, responder: str) -> dict[str, Any]:
    return {"response": body.response or None, "responseFrom": responder, "time": body.time_ms,
            "referencedMessage": _referenced(body.message_id, body.from_me, body.chat, body.participant)}


def pix_key(body: ci.PixKey) -> dict[str, Any]:
    return {"currency": body.currency, "referenceId": body.reference_id, "key": body.key, "keyType": body.key_type,
            "merchantName": body.merchant_name}


def _media(m: c.MediaRef | None, kind: str, view_once: bool = False) -> dict[str, Any]:
    media = m or c.MediaRef()
    shown: dict[str, Any] = {f"{kind}Url": media.url, "thumbnailUrl": media.thumbnail_url, "caption": "",
                             "mimeType": media.mime_type}
    if kind == "image":
        shown.update({"viewOnce": view_once, "width": 0, "height": 0})
    return shown


def _hydrated(buttons: tuple[ci.Action, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, b in enumerate(buttons):
        if b.type == "URL":
            out.append({"index": i, "urlButton": {"displayText": b.label, "url": b.url}})
        elif b.type == "CALL":
            out.append({"index": i, "callButton": {"displayText": b.label, "phoneNumber": b.phone}})
        elif b.type == "COPY":
            out.append({"index": i, "urlButton": {"displayText": b.label, "url": ci.OTP_URL + b.code}})
        else:
            out.append({"index": i, "quickReplyButton": {"displayText": b.label, "id": b.id}})
    return out


def carousel(body: ci.Carousel) -> dict[str, Any]:
    return {"text": body.text, "cards": [
        {"header": {"video" if card.video else "image": _media(card.media, "video" if card.video else "image")},
         "message": card.text, "footer": card.footer, "title": card.title, "hydratedButtons": _hydrated(card.buttons)}
        for card in body.cards]}


def buttons_message(body: c.ButtonList) -> dict[str, Any]:
    buttons: list[dict[str, Any]] = []
    for b in body.buttons:
        shown: dict[str, Any] = {"buttonId": b.id, "type": 1 if b.type == "REPLY" else 2,
                                 "buttonText": {"displayText": b.label}}
        if b.type == "URL":
            shown["url"] = b.url
        elif b.type == "CALL":
            shown["phoneNumber"] = b.phone
        buttons.append(shown)
    return {"imageUrl": body.image.url if body.image else None, "videoUrl": body.video.url if body.video else None,
            "message": body.text, "title": body.title, "footer": body.footer, "buttons": buttons}


def hydrated_template(body: ci.Template | ci.CopyCode) -> dict[str, Any]:
    if isinstance(body, ci.CopyCode):
        header = {"image": _media(body.media, "image")} if body.media is not None else {}
        copy = ci.Action(id="", label=body.label, type="COPY", code=body.code)
        return {"header": header, "message": body.text, "footer": "", "title": "", "templateId": "",
                "hydratedButtons": _hydrated((copy,))}
    shown: dict[str, Any] = {}
    if body.media_kind and body.media is not None:
        shown = {body.media_kind: _media(body.media, body.media_kind)}
    elif body.place is not None:
        shown = {"location": {"name": body.place.name, "address": body.place.address,
                              "latitude": body.place.latitude, "longitude": body.place.longitude}}
    return {"header": shown, "message": body.text, "footer": body.footer, "title": body.title,
            "templateId": body.template_id, "hydratedButtons": _hydrated(body.buttons)}


def ad_text(body: ci.TextFromAd) -> dict[str, Any]:
    return {"message": body.text, "description": body.description or body.ad.body, "title": body.title or body.ad.title,
            "url": body.url or body.ad.source_url, "thumbnailUrl": body.ad.thumbnail_url or None}


def status_image(body: ci.StatusReply) -> dict[str, Any]:
    media = body.media or c.MediaRef()
    return {"imageUrl": media.url, "thumbnailUrl": media.thumbnail_url, "caption": body.caption,
            "mimetype": media.mime_type, "viewOnce": False, "width": body.width, "height": body.height}


def beside(body: c.Content) -> dict[str, Any]:
    """Keys a content shows beside its content object: the text of a status reply, an ad's context."""
    if isinstance(body, ci.StatusReply):
        return {"text": {"message": body.text}}
    if isinstance(body, ci.TextFromAd):
        ad = body.ad
        return {"externalAdReply": {
            "title": ad.title, "body": ad.body, "mediaType": ad.media_type, "thumbnailUrl": ad.thumbnail_url or None,
            "sourceType": ad.source_type, "sourceId": ad.source_id, "ctwaClid": ad.ctwa_clid,
            "sourceUrl": ad.source_url, "containsAutoReply": ad.contains_auto_reply,
            "renderLargerThumbnail": ad.render_larger_thumbnail, "showAdAttribution": ad.show_ad_attribution}}
    return {}

