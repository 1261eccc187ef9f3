"""Pin, event, PIX, copy-code and carousel send bodies → ``SendRequest`` (pure). Every rule broken is a 400.

What the bodies mean (Z-API's pages ``message/send-pin-message``, ``send-event``, ``send-edit-event``,
``send-event-response``, ``send-button-pix``, ``send-button-otp``, ``send-message-carousel``) and the rules
added here, where Z-API says nothing:

- events live in groups only (Z-API's page says so): ``phone`` must be a group for the three event sends;
- ``dateTime`` is an ISO 8601 date and time; with ``timeZone`` (``UTC-3``, ``UTC+05:30``, ``UTC``) its clock
  time is read in that zone (an offset written in ``dateTime`` is then ignored: Z-API's example sends
  ``...Z`` beside ``UTC-3``), without ``timeZone`` its own offset counts (none: UTC);
- ``eventResponse`` is GOING or NOT_GOING (Z-API's list) or MAYBE (WhatsApp's third answer);
- a PIX key is checked against its ``type``: CPF 11 digits, CNPJ 14 (dots, dashes and slashes allowed), PHONE
  10-15 digits with an optional ``+``, EMAIL an address, EVP a random key (a UUID);
- a carousel has 1 to 10 cards (WhatsApp's limit), each a text with an ``image`` or a ``video`` and at most
  3 buttons (REPLY, URL or CALL, as ``send-button-actions``).
Carousel files are parsed here and stored by the route (one per card); the copy-code image is the request's
one ``media``, as other sends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from gateway.api.sendspec import Body, SendRequest, _buttons
from gateway.core import content_interactive as ci
from gateway.core.commands import Outgoing
from gateway.core.content import Content
from gateway.core.errors import InvalidInput
from gateway.core.phones import phone_to_jid
from gateway.media.input import MediaInput

MAX_CARDS = 10
MAX_EVENT_NAME = 256
MAX_EVENT_DESCRIPTION = 2048
_ZONE = re.compile(r"(?:UTC|GMT)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?", re.ASCII)
_PIX_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "CPF": (re.compile(r"\d{3}\.?\d{3}\.?\d{3}-?\d{2}", re.ASCII), "a CPF (11 digits)"),
    "CNPJ": (re.compile(r"\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}", re.ASCII), "a CNPJ (14 digits)"),
    "PHONE": (re.compile(r"\+?\d{10,15}", re.ASCII), "a phone (10-15 digits, optional +)"),
    "EMAIL": (re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}"), "an e-mail address"),
    "EVP": (re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII),
            "a random key (a UUID)"),
}


@dataclass(frozen=True, slots=True)
class CardFile:
    """A carousel card's file, to store before the card can be queued."""

    index: int
    media: MediaInput
    kind: str  # image | video
    field: str


@dataclass(frozen=True, slots=True)
class InteractiveRequest:
    request: SendRequest
    card_files: tuple[CardFile, ...] = ()


def _group(raw: dict[str, Any]) -> str:
    to = phone_to_jid(raw.get("phone"))
    if not to.endswith("@g.us"):
        raise InvalidInput("events exist in groups only: must be a group id like 120363019502650977-group",
                           field="phone")
    return to


def _when(text: str, zone: str | None, field: str) -> int:
    """ISO 8601 date and time → epoch seconds (see the module's rule for ``timeZone``)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError as exc:
        raise InvalidInput("must be an ISO 8601 date and time like 2024-04-29T09:30:00", field=field) from exc
    if zone is not None:
        moment = moment.replace(tzinfo=_zone(zone))
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not 1970 < moment.year < 9999:
        raise InvalidInput("must be a date between the years 1971 and 9998", field=field)
    return int(moment.timestamp())


def _zone(text: str) -> timezone:
    match = _ZONE.fullmatch(text.strip().upper())
    if match is None:
        raise InvalidInput("must be a UTC offset like UTC-3 or UTC+05:30", field="event.timeZone")
    sign, hours, minutes = match.groups()
    if sign is None:
        return UTC
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if offset > timedelta(hours=14) or int(minutes or 0) > 59:
        raise InvalidInput("must be between UTC-14 and UTC+14", field="event.timeZone")
    return timezone(-offset if sign == "-" else offset)


def _place(b: Body) -> ci.Place | None:
    if b.raw.get("location") is None:
        return None
    loc = b.obj("location")
    lat = loc.num("latitude", low=-90, high=90)
    lng = loc.num("longitude", low=-180, high=180)
    if (lat is None) != (lng is None):
        raise InvalidInput("needs both latitude and longitude, or neither", field="event.location")
    name = loc.str_("name", max_len=256)
    address = loc.str_("address", max_len=1024)
    if not (name.strip() or address.strip() or lat is not None):
        raise InvalidInput("needs a name, an address or coordinates", field="event.location")
    return ci.Place(name=name, address=address, latitude=lat, longitude=lng)


def _event(raw: dict[str, Any]) -> ci.Event:
    b = Body(raw, 0).obj("event")
    try:
        name = b.str_("name", required=True, max_len=MAX_EVENT_NAME)
        zone = b.str_("timeZone", max_len=16) or None
        start = _when(b.str_("dateTime", required=True, max_len=64), zone, "event.dateTime")
        call = b.str_("callLinkType", max_len=8)
        if call and call not in ci.CALL_TYPES:
            raise InvalidInput("must be voice or video", field="callLinkType")
        return ci.Event(name=name, description=b.str_("description", max_len=MAX_EVENT_DESCRIPTION), start_s=start,
                        place=_place(b), call_type=call,
                        canceled=b.raw.get("canceled") is not None and b.bool_("canceled"))
    except InvalidInput as exc:
        if exc.field and not exc.field.startswith("event."):
            exc.field = f"event.{exc.field}"
        raise


def _pin(raw: dict[str, Any]) -> Content:
    b = Body(raw, 0)
    message_id = b.str_("messageId", required=True, max_len=128)
    action = b.str_("messageAction", required=True, max_len=8)
    if action not in ("pin", "unpin"):
        raise InvalidInput("must be pin or unpin", field="messageAction")
    if action == "unpin":
        return ci.Pin(message_id, pin=False)
    duration = b.str_("pinMessageDuration", required=True, max_len=16)
    if duration not in ci.PIN_DURATIONS_S:
        raise InvalidInput(f"must be one of {', '.join(ci.PIN_DURATIONS_S)}", field="pinMessageDuration")
    return ci.Pin(message_id, pin=True, duration_s=ci.PIN_DURATIONS_S[duration])


def _event_response(raw: dict[str, Any]) -> Content:
    b = Body(raw, 0)
    answer = b.str_("eventResponse", required=True, max_len=16)
    if answer not in ci.EVENT_ANSWERS:
        raise InvalidInput(f"must be one of {', '.join(ci.EVENT_ANSWERS)}", field="eventResponse")
    return ci.EventResponse(answer, b.str_("eventMessageId", required=True, max_len=128))


def _pix(raw: dict[str, Any]) -> Content:
    b = Body(raw, 0)
    key = b.str_("pixKey", required=True, max_len=256).strip()
    kind = b.str_("type", required=True, max_len=8)
    if kind not in _PIX_FORMATS:
        raise InvalidInput(f"must be one of {', '.join(ci.PIX_KEY_TYPES)}", field="type")
    pattern, what = _PIX_FORMATS[kind]
    if not pattern.fullmatch(key):
        raise InvalidInput(f"must be {what} for type {kind}", field="pixKey")
    return ci.PixKey(key=key, key_type=kind, merchant_name=b.str_("merchantName", max_len=256).strip() or ci.PIX_LABEL)


def _copy_code(b: Body) -> tuple[Content, MediaInput | None]:
    image = b.media("image", "image") if b.raw.get("image") is not None else None
    body = ci.CopyCode(text=b.str_("message", required=True, max_len=4096), code=b.str_("code", required=True,
                                                                                         max_len=256),
                       label=b.str_("buttonText", max_len=64).strip() or ci.COPY_LABEL)
    return body, image


def _cards(b: Body) -> tuple[ci.Carousel, tuple[CardFile, ...]]:
    cards: list[ci.Card] = []
    files: list[CardFile] = []
    for i, item in enumerate(b.list_("carousel", max_items=MAX_CARDS)):
        where = f"carousel[{i}]"
        if not isinstance(item, dict):
            raise InvalidInput("must be an object", field=where)
        cb = Body(item, b.max_media)
        kinds = [k for k in ("image", "video") if cb.raw.get(k) is not None]
        if len(kinds) != 1:
            raise InvalidInput("needs an image or a video (one of them)", field=where)
        kind = kinds[0]
        files.append(CardFile(i, cb.media(kind, kind), kind, f"{where}.{kind}"))
        buttons = (_buttons(cb.list_("buttons", max_items=3), f"{where}.buttons", actions=True)
                   if cb.raw.get("buttons") is not None else ())
        try:
            text = cb.str_("text", required=True, max_len=4096)
        except InvalidInput as exc:
            exc.field = f"{where}.text"
            raise
        cards.append(ci.Card(text=text, video=kind == "video",
                             buttons=tuple(ci.Action(x.id, x.label, x.type, x.url, x.phone) for x in buttons)))
    return ci.Carousel(text=b.str_("message", required=True, max_len=4096), cards=tuple(cards)), tuple(files)


def parse_interactive(action: str, raw: dict[str, Any], *, max_media_bytes: int) -> InteractiveRequest:
    """One body → its queued request (files not stored yet)."""
    b = Body(raw, max_media_bytes)
    media: MediaInput | None = None
    files: tuple[CardFile, ...] = ()
    content: Content
    if action in ("send-event", "send-edit-event", "send-event-response"):
        to = _group(raw)
        if action == "send-event":
            content = _event(raw)
        elif action == "send-edit-event":
            content = ci.EventEdit(b.str_("eventMessageId", required=True, max_len=128), _event(raw))
        else:
            content = _event_response(raw)
    else:
        to = phone_to_jid(raw.get("phone"))
        if action == "send-button-otp":
            content, media = _copy_code(b)
        elif action == "send-carousel":
            content, files = _cards(b)
        else:
            content = SIMPLE[action](raw)
    delay = b.num("delayMessage", low=1, high=15)
    typing = b.num("delayTyping", low=1, high=15) or 0.0
    request = SendRequest(kind=action, phone=str(raw["phone"]), outgoing=Outgoing(to=to, content=content),
                          delay_message_s=delay, delay_typing_s=typing, media=media,
                          media_kind="image" if media is not None else "", media_field="image" if media else "")
    return InteractiveRequest(request, files)


SIMPLE: dict[str, Callable[[dict[str, Any]], Content]] = {"pin-message": _pin, "send-button-pix": _pix}
ACTIONS = ("pin-message", "send-event", "send-edit-event", "send-event-response", "send-button-pix",
           "send-button-otp", "send-carousel")
