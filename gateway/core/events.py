"""The event contract: what engines emit, past tense, our own frozen types (dispatch imports this).

Engines call their callback synchronously with one of ``ENGINE_EVENTS``; the worker wraps it in an
``Envelope`` (instance, per-instance sequence, stable event id) and serialises it with ``encode``.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar

import orjson

from gateway.core.content import CONTENT_TYPES, Content
from gateway.core.errors import InvalidInput

T = TypeVar("T")


class ReceiptStatus(StrEnum):
    SENT = "SENT"
    RECEIVED = "RECEIVED"
    READ = "READ"
    READ_BY_ME = "READ_BY_ME"
    PLAYED = "PLAYED"


class PresenceState(StrEnum):
    AVAILABLE = "AVAILABLE"
    UNAVAILABLE = "UNAVAILABLE"
    COMPOSING = "COMPOSING"
    PAUSED = "PAUSED"
    RECORDING = "RECORDING"


@dataclass(frozen=True, slots=True)
class Address:
    """A WhatsApp address split the way Z-API payloads need it."""

    jid: str  # full JID: 5511...@s.whatsapp.net, 1203...@g.us, 123@lid, ...@newsletter
    phone: str | None = None  # digits only, when known
    lid: str | None = None  # "<n>@lid", when known


@dataclass(frozen=True, slots=True)
class QrCodeChanged:
    """Emitted when the engine shows a new pairing QR code."""

    code: str
    expires_at_ms: int


@dataclass(frozen=True, slots=True)
class PairSucceeded:
    """Emitted when a phone linked this device (QR scanned or pairing code typed)."""

    phone: str
    device_jid: str
    business_name: str = ""


@dataclass(frozen=True, slots=True)
class Connected:
    """Emitted when the session is connected and usable."""

    phone: str
    is_business: bool = False


@dataclass(frozen=True, slots=True)
class Disconnected:
    """Emitted when the connection dropped; ``will_reconnect`` when the engine retries by itself."""

    reason: str
    will_reconnect: bool


@dataclass(frozen=True, slots=True)
class LoggedOut:
    """Emitted when the device was unlinked (from the phone, by logout, or refused on connect)."""

    reason: str


@dataclass(frozen=True, slots=True)
class StreamReplaced:
    """Emitted when another process connected the same device; the session must stop."""


@dataclass(frozen=True, slots=True)
class TemporaryBan:
    """Emitted when WhatsApp bans the number for a while."""

    code: str
    expires_s: int


@dataclass(frozen=True, slots=True)
class MessageReceived:
    """Emitted for every message seen by the session, inbound or sent from the phone (``from_me``)."""

    message_id: str
    chat: Address
    sender: Address
    from_me: bool
    is_group: bool
    timestamp_ms: int
    content: Content
    push_name: str = ""
    quoted_id: str | None = None
    forwarded: bool = False
    ephemeral_s: int = 0
    is_edit: bool = False
    edited_id: str | None = None
    view_once: bool = False
    is_newsletter: bool = False
    is_broadcast: bool = False
    is_status_reply: bool = False
    waiting: bool = False
    media_attempt: int = 0  # > 0: a follow-up carrying media whose first download failed
    media_pending: bool = False  # captured before its media was downloaded: dispatch holds its webhooks
    media_ready: bool = False  # the media of a pending message, downloaded (or not): releases the held webhooks
    chat_name: str | None = None  # a group's subject, when the engine knows it (Z-API's chatName)
    sender_photo: str | None = None  # the sender's profile picture URL, when the engine has it cached
    chat_photo: str | None = None  # the chat's picture URL (a group's), when the engine has it cached


@dataclass(frozen=True, slots=True)
class ReceiptReceived:
    """Emitted when messages were delivered, read or played (ours or, with READ_BY_ME, theirs)."""

    chat: Address
    message_ids: tuple[str, ...]
    status: ReceiptStatus
    timestamp_ms: int
    is_group: bool = False
    participant: Address | None = None
    device: int = 0


@dataclass(frozen=True, slots=True)
class ChatPresenceChanged:
    """Emitted when a contact starts/stops typing or recording, or comes online/offline in a chat."""

    chat: Address
    state: PresenceState
    is_group: bool = False
    participant: Address | None = None
    last_seen_ms: int | None = None


@dataclass(frozen=True, slots=True)
class MessageSent:
    """Emitted by the sender when a queued message left (or finally failed to leave) for WhatsApp."""

    zaap_id: str
    message_id: str
    chat: Address
    error: str | None = None
    message: MessageReceived | None = None  # the sent message as a fromMe/fromApi message


@dataclass(frozen=True, slots=True)
class GroupNotified:
    """Emitted for a change in a group: one event per change, named as Z-API names it.

    ``kind`` is the Z-API notification (``GROUP_PARTICIPANT_ADD``, ``GROUP_CHANGE_SUBJECT``, ...);
    ``participants`` the members it is about; ``parameters`` the other values Z-API lists (a subject,
    ``"on"``/``"off"``, ...); ``subject`` the group's name at the time (``chatName``)."""

    group: Address
    kind: str
    timestamp_ms: int
    notification_id: str  # stable across redeliveries: the webhook's messageId and the event id
    actor: Address | None = None
    actor_name: str = ""
    from_me: bool = False
    participants: tuple[Address, ...] = ()
    parameters: tuple[str, ...] = ()
    subject: str = ""
    request_method: str | None = None  # MEMBERSHIP_APPROVAL_REQUEST: invite_link | non_admin_add
    link_mode: str | None = None  # GROUP_MEMBER_LINK_PROPERTY_UPDATE: ADMIN_LINK | ALL_MEMBER_LINK


@dataclass(frozen=True, slots=True)
class LabelChange:
    """A label put on (or taken off) a chat, for ``CHAT_LABEL_ASSOCIATION``."""

    chat: Address
    label: str
    assigned: bool


@dataclass(frozen=True, slots=True)
class ChatNotified:
    """Emitted for something that happened in a chat and is not a message, named as Z-API names it.

    ``kind``: ``CALL_VOICE``, ``CALL_VIDEO``, ``CALL_MISSED_VOICE``, ``CALL_MISSED_VIDEO`` (with
    ``call_id``), ``PROFILE_NAME_UPDATED`` (``profile_name``), ``PROFILE_PICTURE_UPDATED``
    (``updated_photo``: its URL, or None when removed), ``CHAT_LABEL_ASSOCIATION`` (``labels``),
    ``NEWSLETTER_ADMIN_PROMOTE``/``_DEMOTE`` (``chat`` the channel, ``sender_name`` its name, ``sender`` the
    member, ``parameters`` ``(phone, "ADMIN"|"SUBSCRIBER")``)."""

    chat: Address
    kind: str
    timestamp_ms: int
    notification_id: str  # stable across redeliveries: the webhook's messageId and the event id
    sender: Address | None = None  # who did it (the caller, the contact that renamed itself, ...)
    sender_name: str = ""
    from_me: bool = False
    is_group: bool = False
    call_id: str | None = None
    profile_name: str | None = None
    updated_photo: str | None = None
    labels: tuple[LabelChange, ...] = ()
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChatChanged:
    """Emitted when the phone's view of a chat changed (app state or our own ``modify-chat``): no webhook,
    dispatch keeps the ``chats`` table with it. ``None`` = unchanged."""

    chat: Address
    timestamp_ms: int
    archived: bool | None = None
    pinned: bool | None = None
    muted_until_ms: int | None = None  # 0 = not muted, -1 = forever
    marked_unread: bool | None = None
    read: bool = False  # every message of the chat was read (unread back to 0)
    cleared: bool = False
    deleted: bool = False
    expiration_s: int | None = None  # disappearing-message timer
    name: str | None = None


EngineEvent = (QrCodeChanged | PairSucceeded | Connected | Disconnected | LoggedOut | StreamReplaced
               | TemporaryBan | MessageReceived | ReceiptReceived | ChatPresenceChanged | MessageSent
               | GroupNotified | ChatNotified | ChatChanged)

ENGINE_EVENTS: tuple[type, ...] = (QrCodeChanged, PairSucceeded, Connected, Disconnected, LoggedOut,
                                   StreamReplaced, TemporaryBan, MessageReceived, ReceiptReceived,
                                   ChatPresenceChanged, MessageSent, GroupNotified, ChatNotified, ChatChanged)


@dataclass(frozen=True, slots=True)
class Envelope:
    """An engine event as it travels: stamped with instance, sequence and a stable id."""

    instance_id: str
    seq: int
    event_id: str
    at_ms: int
    event: EngineEvent
    fence: int = 0


def event_id_for(instance_id: str, event: EngineEvent, seq: int, epoch: str) -> str:
    """Stable ids for messages/receipts (dedupe across redeliveries); per-capture ids otherwise."""
    if isinstance(event, MessageReceived):
        suffix = (f"media{event.media_attempt}" if event.media_attempt else "edit" if event.is_edit
                  else "waiting" if event.waiting else "new")  # a waiting copy is followed by the decrypted one
        return f"{instance_id}:msg:{event.message_id}:{suffix}{'-ready' if event.media_ready else ''}"
    if isinstance(event, ReceiptReceived):
        return f"{instance_id}:rcpt:{event.status.value}:{','.join(event.message_ids)}"
    if isinstance(event, MessageSent):
        return f"{instance_id}:sent:{event.zaap_id}"
    if isinstance(event, GroupNotified):
        return f"{instance_id}:grp:{event.notification_id}"
    if isinstance(event, ChatNotified):
        return f"{instance_id}:note:{event.notification_id}"
    return f"{instance_id}:{type(event).__name__}:{epoch}:{seq}"


def held_event_id(instance_id: str, ready: MessageReceived) -> str:
    """The id of the pending message a ``media_ready`` follow-up completes."""
    return event_id_for(instance_id, replace(ready, media_ready=False), 0, "")


# --- codec -------------------------------------------------------------------------------------

_REGISTRY: dict[str, type] = {cls.__name__: cls for cls in (*ENGINE_EVENTS, *CONTENT_TYPES, LabelChange)}


_SCALARS = frozenset({str, int, float, bool, type(None), bytes})


@functools.cache
def _plain_fields(cls: type) -> tuple[tuple[str, ...], str | None] | None:
    """A dataclass's field names and its ``_t`` tag (None when not registered); None for other types."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls)), cls.__name__ if cls.__name__ in _REGISTRY else None


def _to_plain(value: Any) -> Any:
    cls: Any = type(value)
    if cls in _SCALARS:
        return value
    shape = _plain_fields(cls)
    if shape is not None:
        names, tag = shape
        out = {name: _to_plain(getattr(value, name)) for name in names}
        if tag is not None:
            out["_t"] = tag
        return out
    if cls is tuple or cls is list or isinstance(value, tuple | list):
        return [_to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_plain(v) for k, v in value.items()}
    return value


def _from_plain(tp: Any, value: Any) -> Any:
    return None if value is None else _decoder(tp)(value)


def _same(value: Any) -> Any:
    return value


@functools.cache
def _decoder(tp: Any) -> Callable[[Any], Any]:
    """A function turning the plain form of ``tp`` (never None) back into ``tp``, built once per type: the
    type's shape is read here, not for every value."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        first = next(arg for arg in typing.get_args(tp) if arg is not type(None))
        untagged = _decoder(first)

        def union(value: Any) -> Any:
            if isinstance(value, dict) and "_t" in value:
                return _builder(_REGISTRY[value["_t"]])(value)
            return untagged(value)

        return union
    if origin is tuple:
        item = _decoder(typing.get_args(tp)[0])
        if item is _same:
            return tuple
        return lambda value: tuple(None if v is None else item(v) for v in value)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _builder(tp)
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        return tp
    return _same


@functools.cache
def _builder(cls: type) -> Callable[[dict[str, Any]], Any]:
    """Build ``cls`` from its plain form: the fields' types resolved once (``get_type_hints`` is slow)."""
    hints = typing.get_type_hints(cls)
    fields = tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls))

    def build(data: dict[str, Any]) -> Any:
        kwargs = {}
        for name, decode_field in fields:
            if name in data:
                value = data[name]
                kwargs[name] = value if value is None or decode_field is _same else decode_field(value)
        return cls(**kwargs)

    return build


def _build(cls: type, data: dict[str, Any]) -> Any:
    return _builder(cls)(data)


def dumps(obj: Any) -> bytes:
    """Any of our dataclasses → JSON (content unions tagged).

    Raises ``InvalidInput`` for what JSON cannot carry (a lone surrogate, an integer beyond 64 bits, nesting
    deeper than orjson's limit): the value came from outside, and the api answers 400 for it, not 500.
    """
    try:
        return orjson.dumps(_to_plain(obj))
    except orjson.JSONEncodeError as exc:
        raise InvalidInput(f"cannot be encoded as JSON: {exc}", field="body") from exc


def to_plain(obj: Any) -> Any:
    """Our dataclasses → JSON-ready values (what ``dumps`` writes, before writing it)."""
    return _to_plain(obj)


def from_plain(cls: type[T], data: Any) -> T:
    built: T = _build(cls, data)
    return built


def loads(cls: type[T], data: bytes) -> T:
    built: T = _build(cls, orjson.loads(data))
    return built


def encode(envelope: Envelope) -> bytes:
    return orjson.dumps(_to_plain(envelope))


def decode(data: bytes) -> Envelope:
    raw = orjson.loads(data)
    event = _build(_REGISTRY[raw["event"]["_t"]], raw["event"])
    return Envelope(instance_id=raw["instance_id"], seq=raw["seq"], event_id=raw["event_id"],
                    at_ms=raw["at_ms"], event=event, fence=raw.get("fence", 0))
