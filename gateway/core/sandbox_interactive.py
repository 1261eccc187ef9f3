"""``sandbox/inbound`` kinds for pins, events and interactive messages (pure; ``sandbox_spec.BUILDERS``).

Each ``type`` takes the fields of Z-API's content object of the same name (``on-message-received``):

- ``pinMessage``: ``referencedMessageId`` (required), ``action`` pin/unpin (default pin), ``pinDurationInSecs``
  (default 7 days), ``referencedFromMe`` (default true), ``referencedParticipant`` (a phone, in a group);
- ``event``: ``name`` (required), ``description``, ``scheduleTime`` (epoch s), ``location`` ``{name, address}``,
  ``joinLink``, ``canceled``;
- ``eventResponse``: ``referencedMessageId`` (the event, required), ``response`` GOING/NOT_GOING/MAYBE (required),
  ``referencedFromMe`` (default true: an answer to the phone's event);
- ``pixKeyMessage``: ``key``, ``keyType`` (required), ``merchantName``, ``currency``, ``referenceId``;
- ``buttonsMessage``: ``message``, ``buttons`` ``[{buttonId, label}]`` (required), ``header`` image/video;
- ``hydratedTemplate``: ``message`` (required), ``title``, ``footer``, ``templateId``, ``header``
  image/video/document, ``buttons`` ``[{type: REPLY|URL|CALL|COPY, label, id, url, phone, code}]``;
- ``carouselMessage``: ``message``, ``cards`` ``[{text, video?: true, buttons}]`` (required).
A ``text`` with ``externalAdReply`` (Z-API's fields) came from an ad; with ``statusImage`` (``caption``, ``width``,
``height``) it answers one of the phone's image statuses (send it with ``isStatusReply: true``).
Files are the sandbox's own (a hash of the message id), as for the other kinds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from gateway.core import content as c
from gateway.core import content_interactive as ci
from gateway.core.errors import InvalidInput
from gateway.core.phones import group_address, phone_address, validate_phone

Spec = dict[str, Any]
MEDIA_MIME = {"image": "image/jpeg", "video": "video/mp4", "document": "application/pdf"}


def _str(s: Spec, key: str, default: str = "", required: bool = False) -> str:
    value = s.get(key)
    if value is None:
        if required:
            raise InvalidInput("is required", field=key)
        return default
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidInput("must be a non-empty string" if required else "must be a string", field=key)
    return value


def _int(s: Spec, key: str, default: int) -> int:
    value = s.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        raise InvalidInput("must be a whole number", field=key)
    return value


def _flag(s: Spec, key: str, default: bool) -> bool:
    value = s.get(key, default)
    if not isinstance(value, bool):
        raise InvalidInput("must be true or false", field=key)
    return value


def _items(s: Spec, key: str, most: int = 10) -> list[Spec]:
    value = s.get(key)
    if not isinstance(value, list) or not value or len(value) > most or not all(isinstance(x, dict) for x in value):
        raise InvalidInput(f"must be a list of 1 to {most} objects", field=key)
    return value


def _media(kind: str, seed: str) -> c.MediaRef:
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return c.MediaRef(mime_type=MEDIA_MIME[kind], file_length=1024, sha256_hex=digest,
                      direct_path=f"/sandbox/{digest[:16]}")


def _header(s: Spec, allowed: tuple[str, ...]) -> str:
    kind = _str(s, "header")
    if kind and kind not in allowed:
        raise InvalidInput(f"must be one of {', '.join(allowed)}", field="header")
    return kind


def _chat(s: Spec) -> str:
    group = s.get("group")
    return group_address(group).jid if isinstance(group, str) else f"{s.get('from')}@s.whatsapp.net"


def _participant(s: Spec) -> str | None:
    value = s.get("referencedParticipant")
    return None if value is None else phone_address(validate_phone(value, "referencedParticipant")).jid


def _pin(s: Spec, _id: str) -> c.Content:
    action = _str(s, "action", "pin")
    if action not in ("pin", "unpin"):
        raise InvalidInput("must be pin or unpin", field="action")
    return ci.Pin(_str(s, "referencedMessageId", required=True), pin=action == "pin",
                  duration_s=_int(s, "pinDurationInSecs", ci.PIN_DURATIONS_S["7_days"]) if action == "pin" else 0,
                  from_me=_flag(s, "referencedFromMe", True), chat=_chat(s), participant=_participant(s))


def _event(s: Spec, _id: str) -> c.Content:
    where = s.get("location")
    if where is not None and not isinstance(where, dict):
        raise InvalidInput("must be an object", field="location")
    place = ci.Place(name=_str(where, "name"), address=_str(where, "address")) if where else None
    link = _str(s, "joinLink")
    call = next((k for k in ci.CALL_TYPES if f"/{k}/" in link), "")
    return ci.Event(_str(s, "name", required=True), description=_str(s, "description"),
                    start_s=_int(s, "scheduleTime", 0), place=place, call_type=call, join_link=link,
                    canceled=_flag(s, "canceled", False))


def _event_response(s: Spec, _id: str) -> c.Content:
    answer = _str(s, "response", required=True)
    if answer not in ci.EVENT_ANSWERS:
        raise InvalidInput(f"must be one of {', '.join(ci.EVENT_ANSWERS)}", field="response")
    return ci.EventResponse(answer, _str(s, "referencedMessageId", required=True),
                            from_me=_flag(s, "referencedFromMe", True), chat=_chat(s), participant=_participant(s))


def _pix(s: Spec, mid: str) -> c.Content:
    kind = _str(s, "keyType", required=True)
    if kind not in ci.PIX_KEY_TYPES:
        raise InvalidInput(f"must be one of {', '.join(ci.PIX_KEY_TYPES)}", field="keyType")
    return ci.PixKey(_str(s, "key", required=True), kind, merchant_name=_str(s, "merchantName", ci.PIX_LABEL),
                     currency=_str(s, "currency", "BRL"), reference_id=_str(s, "referenceId", mid[-11:].upper()))


def _actions(items: list[Spec], field: str) -> tuple[ci.Action, ...]:
    out = []
    for i, item in enumerate(items):
        kind = _str(item, "type", "REPLY")
        if kind not in ("REPLY", "URL", "CALL", "COPY"):
            raise InvalidInput("type must be REPLY, URL, CALL or COPY", field=field)
        out.append(ci.Action(id=_str(item, "id", _str(item, "buttonId", str(i + 1))),
                             label=_str(item, "label", required=True), type=kind, url=_str(item, "url"),
                             phone=_str(item, "phone"), code=_str(item, "code")))
    return tuple(out)


def _buttons(s: Spec, mid: str) -> c.Content:
    kind = _header(s, ("image", "video"))
    buttons = tuple(c.Button(id=a.id, label=a.label, type=a.type if a.type != "COPY" else "REPLY", url=a.url,
                             phone=a.phone) for a in _actions(_items(s, "buttons", 3), "buttons"))
    media = _media(kind, mid) if kind else None
    return c.ButtonList(text=_str(s, "message"), buttons=buttons, title=_str(s, "title"), footer=_str(s, "footer"),
                        image=media if kind == "image" else None, video=media if kind == "video" else None)


def _template(s: Spec, mid: str) -> c.Content:
    kind = _header(s, ("image", "video", "document"))
    buttons = _actions(_items(s, "buttons", 10), "buttons") if s.get("buttons") is not None else ()
    return ci.Template(_str(s, "message", required=True), title=_str(s, "title"), footer=_str(s, "footer"),
                       template_id=_str(s, "templateId"), buttons=buttons, media=_media(kind, mid) if kind else None,
                       media_kind=kind)


def _carousel(s: Spec, mid: str) -> c.Content:
    cards = []
    for i, card in enumerate(_items(s, "cards")):
        video = _flag(card, "video", False)
        buttons = _actions(_items(card, "buttons", 3), "cards.buttons") if card.get("buttons") is not None else ()
        cards.append(ci.Card(_str(card, "text", required=True), media=_media("video" if video else "image",
                                                                             f"{mid}:{i}"),
                             video=video, buttons=buttons, title=_str(card, "title"), footer=_str(card, "footer")))
    return ci.Carousel(_str(s, "message"), tuple(cards))


def text_extras(s: Spec, mid: str) -> c.Content | None:
    """A text from an ad or answering a status (None: a plain text)."""
    text = _str(s, "message", required=True)
    ad = s.get("externalAdReply")
    if isinstance(ad, dict):
        media_type = ad.get("mediaType", 1)
        if isinstance(media_type, bool) or not isinstance(media_type, int):
            raise InvalidInput("must be a whole number", field="externalAdReply.mediaType")
        reply = ci.AdReply(title=_str(ad, "title"), body=_str(ad, "body"), media_type=media_type,
                           thumbnail_url=_str(ad, "thumbnailUrl"), source_type=_str(ad, "sourceType", "ad"),
                           source_id=_str(ad, "sourceId"), source_url=_str(ad, "sourceUrl"),
                           ctwa_clid=_str(ad, "ctwaClid"), contains_auto_reply=_flag(ad, "containsAutoReply", False),
                           render_larger_thumbnail=_flag(ad, "renderLargerThumbnail", True),
                           show_ad_attribution=_flag(ad, "showAdAttribution", True))
        return ci.TextFromAd(text, reply, title=reply.title, description=reply.body, url=reply.source_url)
    if ad is not None:
        raise InvalidInput("must be an object", field="externalAdReply")
    status = s.get("statusImage")
    if isinstance(status, dict):
        return ci.StatusReply(text, media=_media("image", mid), caption=_str(status, "caption"),
                              width=_int(status, "width", 1080), height=_int(status, "height", 1920))
    if status is not None:
        raise InvalidInput("must be an object", field="statusImage")
    return None


BUILDERS: dict[str, Callable[[Spec, str], c.Content]] = {
    "pinMessage": _pin, "event": _event, "eventResponse": _event_response, "pixKeyMessage": _pix,
    "buttonsMessage": _buttons, "hydratedTemplate": _template, "carouselMessage": _carousel,
}
