"""The sandbox phone's account as it keeps it: profile and privacy, address book, chats, records (pure).

Each part round-trips through JSON (``to_state``/``from_state``) and is stored on its own (``parts``): the
profile, the book, one part per chat, one per kind of record. Lists, not key order, keep what is ordered
(Postgres ``jsonb`` does not keep key order). Records are what "left" the phone, newest last, the last
``RECORDS_KEPT`` of each kind.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from gateway.core.account import BLACKLISTS, ContactInfo, PrivacyName, PrivacySettings, PrivacyValue
from gateway.core.phones import phone_address
from gateway.worker.engines.sandbox import numbers

RECORDS_KEPT = 200  # per kind of record
UNREAD_KEPT = 100  # ids of unread messages kept per chat (the count goes on)
SENT_KEPT = 100  # messages the phone sent kept per chat (what an edit may name)
MAX_PINNED = 3  # WhatsApp's limit of pinned chats
EDIT_WINDOW_MS = 15 * 60 * 1000  # WhatsApp lets a message be edited for 15 minutes
MAX_PROFILE_NAME = 25  # WhatsApp's limit for a push name
MAX_ABOUT = 139  # WhatsApp's limit for the about text
RECORD_KINDS = ("edits", "deletes", "statuses", "statusReplies", "forwards", "reads", "presences", "calls",
                "rejectedCalls", "reports", "commerce", "pins", "events", "eventResponses")
PROFILE, BOOK = "profile", "book"


def chat_part(jid: str) -> str:
    return f"chat:{jid}"


def records_part(kind: str) -> str:
    return f"records:{kind}"


@dataclass(slots=True)
class Profile:
    """The phone's own profile, its privacy settings (by WhatsApp's names) and their excepted lists."""

    name: str = "Sandbox Phone"
    about: str = numbers.DEFAULT_ABOUT
    photo_sha256: str | None = None
    photo_size: int = 0
    privacy: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    default_expiration_s: int = 0

    def value(self, setting: PrivacyName) -> str:
        return self.privacy.get(setting.value, PrivacyValue.ALL.value)

    def settings(self) -> PrivacySettings:
        return PrivacySettings(
            last_seen=self.value(PrivacyName.LAST_SEEN), photo=self.value(PrivacyName.PHOTO),
            description=self.value(PrivacyName.DESCRIPTION), group_add=self.value(PrivacyName.GROUP_ADD),
            online=self.value(PrivacyName.ONLINE), read_receipts=self.value(PrivacyName.READ_RECEIPTS),
            messages_duration_s=self.default_expiration_s)

    def excepted(self, setting: PrivacyName) -> list[str]:
        return list(self.lists.get(setting.value, [])) if setting in BLACKLISTS else []

    def sends_read_receipts(self) -> bool:
        return self.value(PrivacyName.READ_RECEIPTS) != PrivacyValue.NONE.value

    def to_state(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Profile:
        return cls(**state)


@dataclass(slots=True)
class Book:
    """The address book: saved contacts (``[first, last]``), the push names learnt (people who wrote, or
    who changed theirs), picture versions (-1: removed), blocked numbers, presence subscriptions."""

    contacts: dict[str, list[str]] = field(default_factory=dict)
    notify: dict[str, str] = field(default_factory=dict)
    pictures: dict[str, int] = field(default_factory=dict)
    blocked: list[str] = field(default_factory=list)
    subscribed: list[str] = field(default_factory=list)

    def push_name(self, phone: str) -> str:
        return self.notify.get(phone) or numbers.push_name_of(phone)

    def picture(self, phone: str) -> str | None:
        version = self.pictures.get(phone, 0)
        if version < 0 or numbers.hides_profile(phone):
            return None
        return numbers.picture_url(phone, version)

    def known(self) -> list[str]:
        """Every number the book knows: saved, or that wrote to the phone."""
        return sorted({*self.contacts, *self.notify})

    def contact(self, phone: str, *, detailed: bool = False) -> ContactInfo:
        first, last = (self.contacts.get(phone) or ["", ""])[:2]
        hidden = numbers.hides_profile(phone)
        return ContactInfo(
            address=phone_address(phone, numbers.lid_of(phone)), name=f"{first} {last}".strip(), short=first,
            notify=self.push_name(phone), about=None if not detailed or hidden else numbers.DEFAULT_ABOUT,
            picture_url=self.picture(phone) if detailed else None)

    def to_state(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Book:
        return cls(**state)


@dataclass(slots=True)
class SentMessage:
    id: str
    kind: str  # the content's type name (Text, Image, ...)
    at_ms: int
    text: str = ""  # the text or caption (what an edit replaces)


@dataclass(slots=True)
class ChatState:
    """One chat as the phone shows it. ``muted_until_ms``: 0 not muted, -1 forever."""

    jid: str
    archived: bool = False
    pinned: bool = False
    muted_until_ms: int = 0
    marked_unread: bool = False
    expiration_s: int = 0
    labels: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # the ids of the last unread messages, oldest first
    unread_count: int = 0
    sent: list[SentMessage] = field(default_factory=list)
    last_message_ms: int = 0

    def receive(self, message_id: str, at_ms: int) -> None:
        self.unread = [*self.unread, message_id][-UNREAD_KEPT:]
        self.unread_count += 1
        self.last_message_ms = max(self.last_message_ms, at_ms)

    def read_all(self) -> list[str]:
        """Mark every message read; returns the ids that were unread."""
        ids, self.unread, self.unread_count, self.marked_unread = self.unread, [], 0, False
        return ids

    def read_one(self, message_id: str) -> None:
        """A read receipt for one message reads it and every earlier one (as WhatsApp's clients do)."""
        if message_id in self.unread:
            left = self.unread[self.unread.index(message_id) + 1:]
            self.unread_count = len(left)
            self.unread = left
        self.marked_unread = False

    def remember(self, message: SentMessage) -> None:
        self.sent = [*self.sent, message][-SENT_KEPT:]
        self.last_message_ms = max(self.last_message_ms, message.at_ms)

    def sent_message(self, message_id: str) -> SentMessage | None:
        return next((m for m in self.sent if m.id == message_id), None)

    def to_state(self) -> dict[str, Any]:
        """Written on every message of the chat: built by hand (``asdict`` deep-copies: 418 µs against 13 µs
        for a chat with 100 unread and 100 sent messages)."""
        return {"jid": self.jid, "archived": self.archived, "pinned": self.pinned,
                "muted_until_ms": self.muted_until_ms, "marked_unread": self.marked_unread,
                "expiration_s": self.expiration_s, "labels": list(self.labels), "unread": list(self.unread),
                "unread_count": self.unread_count, "last_message_ms": self.last_message_ms,
                "sent": [{"id": m.id, "kind": m.kind, "at_ms": m.at_ms, "text": m.text} for m in self.sent]}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ChatState:
        data = dict(state)
        data["sent"] = [SentMessage(**m) for m in data.get("sent", [])]
        return cls(**data)


def chat_view(chat: ChatState) -> dict[str, Any]:
    """A chat as ``sandbox/phone`` shows it."""
    return {"jid": chat.jid, "unread": chat.unread_count, "archived": chat.archived, "pinned": chat.pinned,
            "mutedUntil": chat.muted_until_ms, "markedUnread": chat.marked_unread,
            "expirationSeconds": chat.expiration_s, "labels": list(chat.labels),
            "lastMessageTime": chat.last_message_ms, "sent": [m.id for m in chat.sent]}
