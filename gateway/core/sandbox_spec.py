"""Build the simulated phone's inbound messages from the ``sandbox/inbound`` body (pure).

Besides the content types, ``type`` may be ``revoke`` (the sender deleted ``referenceMessageId`` for everyone:
Z-API's ``REVOKE``), ``unknown`` (a type the gateway does not parse, named by ``kind``, default
``unknownMessage``) or ``ciphertext`` (a message the phone could not decrypt: ``waitingMessage`` true).
``editMessageId`` makes a text (or a caption of an image, video, document) the new version of that message
(``isEdit``); ``status: true`` posts a text, image or video as a status (chat ``status@broadcast``);
``isStatusReply: true`` marks a reply to one of the phone's statuses.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from gateway.core import content as c
from gateway.core.errors import InvalidInput
from gateway.core.events import Address, MessageReceived, PresenceState
from gateway.core.phones import STATUS_BROADCAST, group_address, phone_address, validate_phone
from gateway.core.sandbox_commerce import BUILDERS as COMMERCE_BUILDERS
from gateway.core.sandbox_interactive import BUILDERS as INTERACTIVE_BUILDERS
from gateway.core.sandbox_interactive import text_extras

_GROUP = re.compile(r"\d{5,30}(-\d+)?(-group)?", re.ASCII)
DEFAULT_PUSH_NAME = "Sandbox Contact"  # the engine puts the number's own push name in its place


def _str(spec: dict[str, Any], key: str, default: str = "", required: bool = False) -> str:
    value = spec.get(key)
    if value is None:
        if required:
            raise InvalidInput("is required", field=key)
        return default
    if not isinstance(value, str):
        raise InvalidInput("must be a string", field=key)
    return value


def _num(spec: dict[str, Any], key: str, default: float = 0, required: bool = False) -> float:
    value = spec.get(key)
    if value is None:
        if required:
            raise InvalidInput("is required", field=key)
        return default
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput("must be a number", field=key)
    try:
        number = float(value)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput("must be a number", field=key) from exc
    if not math.isfinite(number):
        raise InvalidInput("must be a finite number", field=key)
    return number


def _media(mime: str, seed: str) -> c.MediaRef:
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return c.MediaRef(mime_type=mime, file_length=1024, sha256_hex=digest, direct_path=f"/sandbox/{digest[:16]}")


def _declared_length(spec: dict[str, Any], body: c.Content) -> c.Content:
    """``fileLength``: the size the message declares for its file, like WhatsApp's (the sender's word)."""
    raw = spec.get("fileLength")
    media = c.media_of(body)
    if raw is None or media is None:
        return body
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw < 2**63:
        raise InvalidInput("must be a whole number of bytes", field="fileLength")
    return c.with_media(body, replace(media, file_length=raw))


def _options(spec: dict[str, Any], key: str) -> tuple[str, ...]:
    raw = spec.get(key)
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("must be a non-empty list", field=key)
    out = []
    for item in raw:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name:
            raise InvalidInput("items must be strings or {\"name\": ...}", field=key)
        out.append(name)
    return tuple(out)


def _text(s: dict[str, Any], mid: str) -> c.Content:
    return text_extras(s, mid) or c.Text(_str(s, "message", required=True))  # from an ad, answering a status


def _image(s: dict[str, Any], mid: str) -> c.Content:
    return c.Image(_media(_str(s, "mimeType", "image/jpeg"), mid), caption=_str(s, "caption"),
                   width=int(_num(s, "width", 640)), height=int(_num(s, "height", 480)))


def _audio(s: dict[str, Any], mid: str) -> c.Content:
    return c.Audio(_media(_str(s, "mimeType", "audio/ogg; codecs=opus"), mid), ptt=bool(s.get("ptt", True)),
                   seconds=int(_num(s, "seconds", 3)))


def _video(s: dict[str, Any], mid: str) -> c.Content:
    return c.Video(_media(_str(s, "mimeType", "video/mp4"), mid), caption=_str(s, "caption"),
                   width=int(_num(s, "width", 640)), height=int(_num(s, "height", 360)),
                   seconds=int(_num(s, "seconds", 5)), is_gif=bool(s.get("isGif", False)))


def _ptv(s: dict[str, Any], mid: str) -> c.Content:
    return c.Ptv(_media("video/mp4", mid), seconds=int(_num(s, "seconds", 5)), width=480, height=480)


def _document(s: dict[str, Any], mid: str) -> c.Content:
    name = _str(s, "fileName", "file.pdf")
    return c.Document(_media(_str(s, "mimeType", "application/pdf"), mid), file_name=name,
                      title=_str(s, "title", name), caption=_str(s, "caption"),
                      page_count=int(_num(s, "pageCount", 1)))


def _sticker(s: dict[str, Any], mid: str) -> c.Content:
    return c.Sticker(_media("image/webp", mid), width=512, height=512, is_animated=bool(s.get("animated", False)))


def _location(s: dict[str, Any], _id: str) -> c.Content:
    return c.Location(_num(s, "latitude", required=True), _num(s, "longitude", required=True),
                      name=_str(s, "name"), address=_str(s, "address"), url=_str(s, "url"))


def _live_location(s: dict[str, Any], _id: str) -> c.Content:
    return c.LiveLocation(_num(s, "latitude", required=True), _num(s, "longitude", required=True),
                          caption=_str(s, "caption"), sequence=int(_num(s, "sequence", 1)))


def _contact(s: dict[str, Any], _id: str) -> c.Content:
    name = _str(s, "displayName", required=True)
    phone = _str(s, "contactPhone", "")
    vcard = _str(s, "vcard") or (f"BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nTEL;type=CELL;waid={phone}:+{phone}\n"
                                 "END:VCARD" if phone else "")
    return c.Contact(name, vcard, (phone,) if phone else ())


def _reaction(s: dict[str, Any], _id: str) -> c.Content:
    return c.Reaction(_str(s, "emoji", _str(s, "value")), _str(s, "referencedMessageId", required=True),
                      from_me=bool(s.get("referencedFromMe", True)))


def _poll(s: dict[str, Any], _id: str) -> c.Content:
    return c.Poll(_str(s, "question", required=True), _options(s, "options"),
                  max_options=int(_num(s, "maxOptions", 0)))


def _poll_vote(s: dict[str, Any], _id: str) -> c.Content:
    return c.PollVote(_str(s, "pollMessageId", required=True), _options(s, "options"))


def _buttons(s: dict[str, Any], _id: str) -> c.Content:
    return c.ButtonsResponse(_str(s, "buttonId", required=True), _str(s, "message"))


def _list(s: dict[str, Any], _id: str) -> c.Content:
    return c.ListResponse(_str(s, "selectedRowId", required=True), _str(s, "title"), _str(s, "message"))


def _revoke(s: dict[str, Any], _id: str) -> c.Content:
    """The sender deleted one of its messages for everyone (Z-API's ``REVOKE`` notification)."""
    return c.Unsupported("revoke", {"messageId": _str(s, "referenceMessageId", required=True)})


def _unknown(s: dict[str, Any], _id: str) -> c.Content:
    """A message of a type the gateway does not parse (``kind``: WhatsApp's name for it)."""
    kind = _str(s, "kind", "unknownMessage")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,63}", kind) or kind in ("revoke", "ciphertext"):
        raise InvalidInput("must be 1-64 letters, digits or _ (a message type name)", field="kind")
    return c.Unsupported(kind)


def _ciphertext(_s: dict[str, Any], _id: str) -> c.Content:
    """A message the phone could not decrypt (yet): Z-API's ``waitingMessage``."""
    return c.Unsupported("ciphertext")


BUILDERS: dict[str, Callable[[dict[str, Any], str], c.Content]] = {
    "text": _text, "image": _image, "audio": _audio, "video": _video, "ptv": _ptv, "document": _document,
    "sticker": _sticker, "location": _location, "liveLocation": _live_location, "contact": _contact,
    "reaction": _reaction, "poll": _poll, "pollVote": _poll_vote, "buttonsResponse": _buttons,
    "listResponse": _list, "revoke": _revoke, "unknown": _unknown, "ciphertext": _ciphertext,
    **COMMERCE_BUILDERS,  # product, order, requestPayment, sendPayment (``sandbox_commerce.py``)
    **INTERACTIVE_BUILDERS,  # pins, events, PIX, buttons, templates, carousels (``sandbox_interactive.py``)
}
EDITABLE = ("text", "image", "video", "document")  # types an ``editMessageId`` may name a new version of


def new_message_id(rng: random.Random) -> str:
    return "3EB0" + "".join(rng.choice("0123456789ABCDEF") for _ in range(16))


def build_inbound(spec: dict[str, Any], rng: random.Random, now_ms: int) -> MessageReceived:
    sender_phone = validate_phone(spec.get("from"), "from")
    kind = spec.get("type", "text")
    if not isinstance(kind, str) or kind not in BUILDERS:
        raise InvalidInput(f"must be one of {', '.join(BUILDERS)}", field="type")
    message_id = spec.get("messageId") or new_message_id(rng)
    if not isinstance(message_id, str) or not re.fullmatch(r"[A-Za-z0-9]{6,64}", message_id):
        raise InvalidInput("must be 6-64 letters or digits", field="messageId")
    group = spec.get("group")
    if group is not None and (not isinstance(group, str) or not _GROUP.fullmatch(group)):
        raise InvalidInput("must be a group id like 120363019502650977-group", field="group")
    lid = spec.get("fromLid")
    if lid is not None and (not isinstance(lid, str) or not re.fullmatch(r"\d{5,20}@lid", lid, re.ASCII)):
        raise InvalidInput("must look like 123456789@lid", field="fromLid")
    status = bool(spec.get("status", False))
    if status and (group is not None or kind not in ("text", "image", "video")):
        raise InvalidInput("a status is a text, an image or a video, never in a group", field="status")
    edited = _str(spec, "editMessageId") or None
    if edited is not None and (kind not in EDITABLE or not re.fullmatch(r"[A-Za-z0-9]{6,64}", edited)):
        raise InvalidInput(f"must be 6-64 letters or digits, on a message of type {', '.join(EDITABLE)}",
                           field="editMessageId")
    sender = phone_address(sender_phone, lid)
    chat = group_address(group) if group else Address(jid=STATUS_BROADCAST) if status else sender
    quoted = spec.get("referenceMessageId") if kind != "revoke" else None
    return MessageReceived(
        message_id=message_id, chat=chat, sender=sender, from_me=bool(spec.get("fromMe", False)),
        is_group=group is not None, timestamp_ms=int(_num(spec, "momment", now_ms) or now_ms),
        content=_declared_length(spec, BUILDERS[kind](spec, message_id)),
        push_name=_str(spec, "senderName", DEFAULT_PUSH_NAME),
        quoted_id=quoted if isinstance(quoted, str) else None, forwarded=bool(spec.get("forwarded", False)),
        ephemeral_s=int(_num(spec, "messageExpirationSeconds", 0)), is_edit=edited is not None,
        edited_id=edited, waiting=kind == "ciphertext", is_status_reply=bool(spec.get("isStatusReply", False)),
    )


def parse_presence(spec: dict[str, Any]) -> tuple[Address, PresenceState]:
    phone = validate_phone(spec.get("from"), "from")
    try:
        state = PresenceState(spec.get("status", ""))
    except ValueError as exc:
        raise InvalidInput(f"must be one of {', '.join(PresenceState)}", field="status") from exc
    return phone_address(phone), state
