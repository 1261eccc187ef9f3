"""neonize protobufs → our pin, event and interactive contents (plain protobuf reading, no FFI call).

- ``pinInChatMessage`` → ``Pin`` (the duration is the message's ``messageAddOnDurationInSecs``);
- ``eventMessage`` → ``Event`` (a ``/voice/`` or ``/video/`` join link gives its call type);
- ``encEventResponseMessage`` → ``EventResponse`` naming the event, ``response`` "": the answer is encrypted with
  the event's secret and neonize 0.5.2 exports no call to decrypt it (only poll votes);
- ``interactiveMessage``: a carousel → ``Carousel``; a native flow ``payment_info`` with a ``pix_static_code`` →
  ``PixKey``; a ``cta_copy`` → ``CopyCode``; ``quick_reply``/``cta_url``/``cta_call`` buttons → ``Template``.
  Other native flows (orders, catalogs) are left to translate_commerce.py;
- ``templateMessage`` (hydrated) → ``Template``; ``buttonsMessage`` → ``ButtonList``;
- an ``extendedTextMessage`` whose context carries an ``externalAdReply`` → ``TextFromAd``; one quoting our
  image status (``remoteJID`` ``status@broadcast``) → ``StatusReply`` with that image.
Media of cards and headers keep WhatsApp's references (``MediaRef`` with direct path and key); only the one file
``c.media_of`` names is downloaded (a template's header, the status image), not a carousel's.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content as c
from gateway.core import content_interactive as ci

STATUS_BROADCAST = "status@broadcast"
TEMPLATE_FLOWS = frozenset({"quick_reply", "cta_url", "cta_call", "cta_copy"})
Found = tuple[c.Content, Any]


def _media(m: Any) -> c.MediaRef:
    """A media sub-message → its WhatsApp reference (as translate.py reads the plain media messages)."""
    thumb = getattr(m, "JPEGThumbnail", b"")
    return c.MediaRef(mime_type=m.mimetype, file_length=int(m.fileLength), sha256_hex=m.fileSHA256.hex(),
                      direct_path=m.directPath, thumbnail_b64=base64.b64encode(thumb).decode() if thumb else None,
                      media_key_b64=base64.b64encode(m.mediaKey).decode(), enc_sha256_hex=m.fileEncSHA256.hex())


def _header_media(h: Any) -> tuple[c.MediaRef | None, str]:
    for kind in ("image", "video", "document"):
        if h.HasField(f"{kind}Message"):
            return _media(getattr(h, f"{kind}Message")), kind
    return None, ""


def _json(text: str) -> dict[str, Any]:
    """A button's JSON parameters ({} when they are not a JSON object)."""
    try:
        params = json.loads(text or "{}")
    except ValueError:
        return {}
    return params if isinstance(params, dict) else {}


def _params(button: Any) -> dict[str, Any]:
    return _json(button.buttonParamsJSON)


def _action(button: Any, index: int) -> ci.Action:
    p = _params(button)
    label, ident = str(p.get("display_text", "")), str(p.get("id", index + 1))
    if button.name == "cta_url":
        return ci.Action(ident, label, "URL", url=str(p.get("url", "")))
    if button.name == "cta_call":
        return ci.Action(ident, label, "CALL", phone=str(p.get("phone_number", "")).lstrip("+"))
    if button.name == "cta_copy":
        return ci.Action(ident, label, "COPY", code=str(p.get("copy_code", "")))
    return ci.Action(ident, label)


def _pix(button: Any) -> ci.PixKey | None:
    p = _params(button)
    settings = p.get("payment_settings")
    for s in settings if isinstance(settings, list) else []:
        code = s.get("pix_static_code") if isinstance(s, dict) else None
        if isinstance(code, dict):
            return ci.PixKey(key=str(code.get("key", "")), key_type=str(code.get("key_type", "")),
                             merchant_name=str(code.get("merchant_name", "")), currency=str(p.get("currency", "BRL")),
                             reference_id=str(p.get("reference_id", "")))
    return None


def _card(card: Any) -> ci.Card:
    media, kind = _header_media(card.header)
    return ci.Card(text=card.body.text, media=media, video=kind == "video", title=card.header.title,
                   footer=card.footer.text,
                   buttons=tuple(_action(b, i) for i, b in enumerate(card.nativeFlowMessage.buttons)))


def _interactive(m: Any) -> c.Content | None:
    if m.HasField("carouselMessage"):
        return ci.Carousel(m.body.text, tuple(_card(x) for x in m.carouselMessage.cards))
    buttons = list(m.nativeFlowMessage.buttons)
    if not buttons:
        return None
    if buttons[0].name == "payment_info":
        return _pix(buttons[0])
    if not all(b.name in TEMPLATE_FLOWS for b in buttons):
        return None
    actions = tuple(_action(b, i) for i, b in enumerate(buttons))
    media, kind = _header_media(m.header)
    if len(actions) == 1 and actions[0].type == "COPY":
        return ci.CopyCode(m.body.text, actions[0].code, label=actions[0].label,
                           media=media if kind == "image" else None)
    return ci.Template(m.body.text, title=m.header.title, footer=m.footer.text, buttons=actions, media=media,
                       media_kind=kind)


def _template(t: Any) -> ci.Template:
    h = t.hydratedTemplate if t.HasField("hydratedTemplate") else t.hydratedFourRowTemplate
    media, kind = _header_media(h)
    place = (ci.Place(name=h.locationMessage.name, address=h.locationMessage.address,
                      latitude=h.locationMessage.degreesLatitude, longitude=h.locationMessage.degreesLongitude)
             if h.HasField("locationMessage") else None)
    buttons = []
    for i, b in enumerate(h.hydratedButtons):
        if b.HasField("urlButton"):
            buttons.append(ci.Action(str(i + 1), b.urlButton.displayText, "URL", url=b.urlButton.URL))
        elif b.HasField("callButton"):
            buttons.append(ci.Action(str(i + 1), b.callButton.displayText, "CALL",
                                     phone=b.callButton.phoneNumber.lstrip("+")))
        else:
            buttons.append(ci.Action(b.quickReplyButton.ID, b.quickReplyButton.displayText))
    return ci.Template(h.hydratedContentText, title=h.hydratedTitleText, footer=h.hydratedFooterText,
                       template_id=h.templateID or t.templateID, buttons=tuple(buttons), media=media,
                       media_kind=kind, place=place)


def _buttons(m: Any) -> c.ButtonList:
    H, T = E.ButtonsMessage.HeaderType, E.ButtonsMessage.Button.Type
    buttons = []
    for b in m.buttons:
        kind, url, phone = "REPLY", "", ""
        if b.type == T.NATIVE_FLOW:
            p = _json(b.nativeFlowInfo.paramsJSON)
            kind = "CALL" if b.nativeFlowInfo.name == "cta_call" else "URL"
            url, phone = str(p.get("url", "")), str(p.get("phone_number", "")).lstrip("+")
        buttons.append(c.Button(id=b.buttonID, label=b.buttonText.displayText, type=kind, url=url, phone=phone))
    return c.ButtonList(text=m.contentText, buttons=tuple(buttons), footer=m.footerText,
                        title=m.text if m.headerType == H.TEXT else "",
                        image=_media(m.imageMessage) if m.HasField("imageMessage") else None,
                        video=_media(m.videoMessage) if m.HasField("videoMessage") else None)


def _ad(a: Any) -> ci.AdReply:
    return ci.AdReply(title=a.title, body=a.body, media_type=int(a.mediaType), thumbnail_url=a.thumbnailURL,
                      source_type=a.sourceType, source_id=a.sourceID, source_url=a.sourceURL, ctwa_clid=a.ctwaClid,
                      contains_auto_reply=a.containsAutoReply, render_larger_thumbnail=a.renderLargerThumbnail,
                      show_ad_attribution=a.showAdAttribution)


def _text(m: Any) -> c.Content | None:
    if not m.HasField("contextInfo"):
        return None
    ctx = m.contextInfo
    if ctx.HasField("externalAdReply"):
        return ci.TextFromAd(m.text, _ad(ctx.externalAdReply), title=m.title, description=m.description,
                             url=m.matchedText)
    if ctx.remoteJID == STATUS_BROADCAST and ctx.quotedMessage.HasField("imageMessage"):
        img = ctx.quotedMessage.imageMessage
        return ci.StatusReply(m.text, media=_media(img), caption=img.caption, width=img.width, height=img.height)
    return None


def interactive_of(msg: Any) -> Found | None:
    """The content of a pin, event or interactive message and the sub-message holding its ``contextInfo``."""
    has = msg.HasField
    if has("pinInChatMessage"):
        p, key = msg.pinInChatMessage, msg.pinInChatMessage.key
        return ci.Pin(key.ID, pin=p.type == E.PinInChatMessage.PIN_FOR_ALL,
                      duration_s=int(msg.messageContextInfo.messageAddOnDurationInSecs), from_me=key.fromMe,
                      chat=key.remoteJID, participant=key.participant or None,
                      time_ms=int(p.senderTimestampMS)), None
    if has("eventMessage"):
        e = msg.eventMessage
        place = (ci.Place(name=e.location.name, address=e.location.address, latitude=e.location.degreesLatitude,
                          longitude=e.location.degreesLongitude) if e.HasField("location") else None)
        call = next((k for k in ci.CALL_TYPES if f"/{k}/" in e.joinLink), "")
        return ci.Event(e.name, description=e.description, start_s=int(e.startTime), end_s=int(e.endTime),
                        place=place, call_type=call, join_link=e.joinLink, canceled=e.isCanceled), e
    if has("encEventResponseMessage"):
        key = msg.encEventResponseMessage.eventCreationMessageKey
        return ci.EventResponse("", key.ID, from_me=key.fromMe, chat=key.remoteJID,
                                participant=key.participant or None), None
    found: c.Content | None = None
    holder: Any = None
    if has("interactiveMessage"):
        found, holder = _interactive(msg.interactiveMessage), msg.interactiveMessage
    elif has("templateMessage") and (msg.templateMessage.HasField("hydratedTemplate")
                                     or msg.templateMessage.HasField("hydratedFourRowTemplate")):
        found, holder = _template(msg.templateMessage), msg.templateMessage
    elif has("buttonsMessage"):
        found, holder = _buttons(msg.buttonsMessage), msg.buttonsMessage
    elif has("extendedTextMessage"):
        found, holder = _text(msg.extendedTextMessage), msg.extendedTextMessage
    return (found, holder) if found is not None else None
