"""Send endpoint bodies → ``SendRequest`` (pure). Every rule broken is a 400 naming the field."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.errors import InvalidInput
from gateway.core.phones import is_phone, phone_to_jid
from gateway.media.input import MediaInput, parse_media

MAX_TEXT = 65_536


@dataclass(frozen=True, slots=True)
class SendRequest:
    kind: str
    phone: str
    outgoing: Outgoing
    delay_message_s: float | None = None
    delay_typing_s: float = 0.0
    media: MediaInput | None = None
    media_kind: str = ""
    media_field: str = ""
    media_max_bytes: int | None = None  # a tighter limit than the instance-wide one (a status video: 10 MB)


class Body:
    """Typed reads from a JSON object, each failure naming its field."""

    def __init__(self, raw: dict[str, Any], max_media: int) -> None:
        self.raw = raw
        self.max_media = max_media

    def str_(self, key: str, *, required: bool = False, default: str = "", max_len: int = 4096,
             allow_empty: bool = False) -> str:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise InvalidInput("is required", field=key)
            return default
        if not isinstance(value, str):
            raise InvalidInput("must be a string", field=key)
        if required and not allow_empty and not value.strip():
            raise InvalidInput("must not be empty", field=key)
        if len(value) > max_len:
            raise InvalidInput(f"must be at most {max_len} characters", field=key)
        return value

    def num(self, key: str, *, required: bool = False, low: float | None = None, high: float | None = None
            ) -> float | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise InvalidInput("is required", field=key)
            return None
        if isinstance(value, bool):
            raise InvalidInput("must be a number", field=key)
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: an integer beyond float's range
            raise InvalidInput("must be a number", field=key) from exc
        if not math.isfinite(number):  # float("nan") passes every comparison below
            raise InvalidInput("must be a number", field=key)
        if (low is not None and number < low) or (high is not None and number > high):
            raise InvalidInput(f"must be between {low:g} and {high:g}", field=key)
        return number

    def bool_(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise InvalidInput("must be true or false", field=key)
        return value

    def list_(self, key: str, *, required: bool = True, max_items: int = 100) -> list[Any]:
        value = self.raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not value:
            raise InvalidInput("must be a non-empty list", field=key)
        if len(value) > max_items:
            raise InvalidInput(f"must have at most {max_items} items", field=key)
        return value

    def obj(self, key: str) -> Body:
        value = self.raw.get(key)
        if not isinstance(value, dict):
            raise InvalidInput("must be an object", field=key)
        return Body(value, self.max_media)

    def media(self, key: str, kind: str) -> MediaInput:
        if key not in self.raw:
            raise InvalidInput("is required", field=key)
        return parse_media(self.raw[key], key, kind, self.max_media)


def contact_jid(value: object, field: str = "phone") -> str:
    """A contact: digits with the country code, or ``<n>@lid`` (no group, no channel)."""
    jid = phone_to_jid(value, field) if isinstance(value, str) else None
    if jid is None or not jid.endswith(("@s.whatsapp.net", "@lid")):
        raise InvalidInput("must be digits with country code (8-15 digits) or <n>@lid", field=field)
    return jid


def _names(items: list[Any], field: str) -> tuple[str, ...]:
    out = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput('items must be {"name": "<text>"}', field=field)
        out.append(name)
    return tuple(out)


def _ref(m: MediaInput) -> c.MediaRef:
    return c.MediaRef(mime_type=m.mime_type, file_length=len(m.data or b""), sha256_hex=m.sha256_hex, url=m.url)


Parsed = tuple[c.Content, MediaInput | None]
MEDIA_KIND = {"send-image": ("image", "image"), "send-audio": ("audio", "audio"), "send-video": ("video", "video"),
              "send-ptv": ("ptv", "ptv"), "send-gif": ("gif", "gif"), "send-sticker": ("sticker", "sticker"),
              "send-document": ("document", "document"), "send-link": ("image", "image")}


def _text(b: Body) -> Parsed:
    return c.Text(b.str_("message", required=True, max_len=MAX_TEXT)), None


def _media_kind(kind: str, key: str) -> Callable[[Body], Parsed]:
    def parse(b: Body) -> Parsed:
        m = b.media(key, kind)
        ref = _ref(m)
        caption = b.str_("caption", max_len=4096)
        content: c.Content
        if kind == "image":
            content = c.Image(ref, caption=caption)
        elif kind == "audio":
            content = c.Audio(ref, ptt=True)
        elif kind == "video":
            content = c.Video(ref, caption=caption)
        elif kind == "gif":
            content = c.Video(ref, caption=caption, is_gif=True)
        elif kind == "ptv":
            content = c.Ptv(ref)
        else:
            content = c.Sticker(ref)
        return content, m
    return parse


def _document(b: Body, extension: str) -> Parsed:
    m = b.media("document", "document")
    name = b.str_("fileName", default=f"document.{extension}", max_len=255)
    if "." not in name:
        name = f"{name}.{extension}"
    return c.Document(_ref(m), file_name=name, title=name, caption=b.str_("caption", max_len=4096)), m


def _link(b: Body) -> Parsed:
    text = b.str_("message", required=True, max_len=MAX_TEXT)
    url = b.str_("linkUrl", required=True, max_len=2048)
    if url not in text:
        raise InvalidInput("must contain the linkUrl", field="message")
    image = b.media("image", "image")
    size = b.str_("linkType", default="SMALL")
    if size not in ("SMALL", "MEDIUM", "LARGE"):
        raise InvalidInput("must be SMALL, MEDIUM or LARGE", field="linkType")
    return c.Link(text=text, url=url, title=b.str_("title", required=True), image=_ref(image), size=size,
                  description=b.str_("linkDescription", required=True)), image


def _location(b: Body) -> Parsed:
    lat = b.num("latitude", required=True, low=-90, high=90)
    lng = b.num("longitude", required=True, low=-180, high=180)
    assert lat is not None and lng is not None
    return c.Location(lat, lng, name=b.str_("title", required=True), address=b.str_("address", required=True)), None


def _vcard(name: str, phone: str, business: str = "") -> str:
    note = f"NOTE:{business}\n" if business else ""
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{name}\n{note}TEL;type=CELL;waid={phone}:+{phone}\nEND:VCARD"


def _contact(b: Body) -> Parsed:
    name = b.str_("contactName", required=True, max_len=256)
    phone = b.str_("contactPhone", required=True)
    if not is_phone(phone):
        raise InvalidInput("must be digits with country code", field="contactPhone")
    return c.Contact(name, _vcard(name, phone, b.str_("contactBusinessDescription")), (phone,)), None


def _contacts(b: Body) -> Parsed:
    out = []
    for item in b.list_("contacts", max_items=50):
        if not isinstance(item, dict):
            raise InvalidInput('items must be {"name", "phones"}', field="contacts")
        ib = Body(item, 0)
        name = ib.str_("name", required=True)
        phones = tuple(p for p in ib.list_("phones") if isinstance(p, str) and is_phone(p))
        if not phones:
            raise InvalidInput("each contact needs phones with digits and country code", field="contacts")
        out.append(c.Contact(name, _vcard(name, phones[0], ib.str_("businessDescription")), phones))
    return c.Contacts(f"{len(out)} contacts", tuple(out)), None


def _reaction(b: Body, remove: bool) -> Parsed:
    emoji = "" if remove else b.str_("reaction", required=True, max_len=16)
    return c.Reaction(emoji=emoji, message_id=b.str_("messageId", required=True, max_len=128)), None


def _poll(b: Body) -> Parsed:
    options = _names(b.list_("poll", max_items=12), "poll")
    if len(options) < 2:
        raise InvalidInput("needs at least 2 options", field="poll")
    most = b.num("pollMaxOptions", low=0, high=len(options))
    return c.Poll(b.str_("message", required=True), options, max_options=int(most or 0)), None


def _poll_vote(b: Body) -> Parsed:
    poll_id = b.str_("pollMessageId", required=True, max_len=128)
    return c.PollVote(poll_id, _names(b.list_("pollVote"), "pollVote")), None


def _option_list(b: Body) -> Parsed:
    ol = b.obj("optionList")
    options = []
    for i, item in enumerate(ol.list_("options", max_items=10)):
        if not isinstance(item, dict):
            raise InvalidInput('items must be {"title", "description"}', field="optionList.options")
        ib = Body(item, 0)
        options.append(c.ListOption(id=ib.str_("id", default=str(i + 1)), title=ib.str_("title", required=True),
                                    description=ib.str_("description")))
    return c.OptionList(text=b.str_("message", required=True), title=ol.str_("title", required=True),
                        button_label=ol.str_("buttonLabel", required=True), options=tuple(options)), None


def _buttons(items: list[Any], field: str, actions: bool) -> tuple[c.Button, ...]:
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidInput("items must be objects", field=field)
        ib = Body(item, 0)
        kind = ib.str_("type", default="REPLY") if actions else "REPLY"
        if kind not in ("REPLY", "URL", "CALL"):
            raise InvalidInput("type must be REPLY, URL or CALL", field=field)
        url = ib.str_("url") if kind == "URL" else ""
        if kind == "URL" and not url.startswith(("http://", "https://")):
            raise InvalidInput("URL buttons need an http(s) url", field=field)
        phone = ib.str_("phone") if kind == "CALL" else ""
        if kind == "CALL" and not is_phone(phone):
            raise InvalidInput("CALL buttons need a phone with country code", field=field)
        out.append(c.Button(id=ib.str_("id", default=str(i + 1)), label=ib.str_("label", required=True), type=kind,
                            url=url, phone=phone))
    return tuple(out)


def _button_list(b: Body) -> Parsed:
    bl = b.obj("buttonList")
    buttons = _buttons(bl.list_("buttons", max_items=3), "buttonList.buttons", actions=False)
    image = bl.media("image", "image") if "image" in bl.raw else None
    video = bl.media("video", "video") if "video" in bl.raw else None
    return c.ButtonList(text=b.str_("message", required=True), buttons=buttons,
                        image=_ref(image) if image else None, video=_ref(video) if video else None), image or video


def _button_actions(b: Body) -> Parsed:
    buttons = _buttons(b.list_("buttonActions", max_items=3), "buttonActions", actions=True)
    return c.ButtonList(text=b.str_("message", required=True), buttons=buttons, title=b.str_("title"),
                        footer=b.str_("footer")), None


def _forward(b: Body) -> Parsed:
    source = phone_to_jid(b.raw.get("messagePhone"), "messagePhone")
    return c.Forward(message_id=b.str_("messageId", required=True, max_len=128), source_chat=source), None


PARSERS: dict[str, Callable[[Body], Parsed]] = {
    "send-text": _text,
    "send-image": _media_kind("image", "image"),
    "send-audio": _media_kind("audio", "audio"),
    "send-video": _media_kind("video", "video"),
    "send-ptv": _media_kind("ptv", "ptv"),
    "send-gif": _media_kind("gif", "gif"),
    "send-sticker": _media_kind("sticker", "sticker"),
    "send-link": _link,
    "send-location": _location,
    "send-contact": _contact,
    "send-contacts": _contacts,
    "send-reaction": lambda b: _reaction(b, remove=False),
    "send-remove-reaction": lambda b: _reaction(b, remove=True),
    "send-poll": _poll,
    "send-poll-vote": _poll_vote,
    "send-option-list": _option_list,
    "send-button-list": _button_list,
    "send-button-actions": _button_actions,
    "forward-message": _forward,
}
NO_REPLY = {"send-reaction", "send-remove-reaction", "forward-message", "send-poll-vote"}


def parse_send(action: str, raw: dict[str, Any], *, max_media_bytes: int, extension: str | None = None
               ) -> SendRequest:
    if not isinstance(raw, dict):
        raise InvalidInput("request body must be a JSON object", field="body")
    b = Body(raw, max_media_bytes)
    to = phone_to_jid(raw.get("phone"))
    if action == "send-document":
        if not extension or not re.fullmatch(r"[A-Za-z0-9]{1,10}", extension):
            raise InvalidInput("must be a file extension like pdf", field="extension")
        content, media = _document(b, extension.lower())
    else:
        content, media = PARSERS[action](b)
    delay = b.num("delayMessage", low=1, high=15)
    typing = b.num("delayTyping", low=1, high=15) or 0.0
    quoted = None if action in NO_REPLY else (b.str_("messageId", max_len=128) or None)
    mentions: tuple[str, ...] = ()
    if action == "send-text" and "mentioned" in raw:
        mentions = tuple(phone_to_jid(p, "mentioned") for p in b.list_("mentioned", max_items=256))
    edit = (b.str_("editMessageId", max_len=128) or None) if action == "send-text" else None
    if isinstance(content, c.Reaction):
        content = c.Reaction(content.emoji, content.message_id, from_me=True, chat=to)
    outgoing = Outgoing(to=to, content=content, quoted_id=quoted, mentions=mentions, edit_id=edit)
    kind, field = MEDIA_KIND.get(action, ("", ""))
    if action == "send-button-list" and media is not None:
        kind, field = ("image", "buttonList.image") if "image" in raw["buttonList"] else ("video", "buttonList.video")
    return SendRequest(kind=action, phone=str(raw["phone"]), outgoing=outgoing, delay_message_s=delay,
                       delay_typing_s=typing, media=media, media_kind=kind, media_field=field)
