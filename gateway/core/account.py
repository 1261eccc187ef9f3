"""Contacts, chats, profile and privacy at the engine boundary: our own types, whatever the engine (pure).

Engines translate their library's answers into these; the worker carries them to the api as plain JSON
(``gateway.core.events.to_plain``); the api shapes them as Z-API answers. Phones are digits, chats JIDs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gateway.core.events import Address


class AccountOp(StrEnum):
    """The contact, chat, profile and privacy calls the api asks a worker to run (``Action.ACCOUNT``)."""

    PHONE_CHECK = "phone_check"  # phones → {"checks": PhoneChecks}
    CONTACTS = "contacts"  # → {"contacts": ContactList}
    CONTACT = "contact"  # jid → {"contact": ContactInfo}
    PICTURE = "picture"  # jid → {"url": str | None}
    CONTACT_ADD = "contact_add"  # contacts: [NewContact] → {"errors": [str]}
    CONTACT_REMOVE = "contact_remove"  # phones → {"errors": [str]}
    BLOCK = "block"  # jid, block: bool
    BLOCKED = "blocked"  # → {"phones": [str]}
    REPORT = "report"  # jid
    CHAT = "chat"  # jid, change: ChatAction
    CHAT_EXPIRATION = "chat_expiration"  # jid, seconds
    PROFILE_NAME = "profile_name"  # value
    PROFILE_ABOUT = "profile_about"  # value
    PROFILE_PHOTO = "profile_photo"  # jpeg (base64)
    PRIVACY = "privacy"  # → {"privacy": PrivacySettings}
    PRIVACY_SET = "privacy_set"  # setting: PrivacyName, value: str, add: [phone], remove: [phone]
    DISALLOWED = "disallowed"  # setting: PrivacyName → {"phones": [str]}
    DEFAULT_EXPIRATION = "default_expiration"  # seconds (new chats' disappearing timer)


class ChatAction(StrEnum):
    """Z-API's ``modify-chat`` actions."""

    READ = "read"
    UNREAD = "unread"
    ARCHIVE = "archive"
    UNARCHIVE = "unarchive"
    PIN = "pin"
    UNPIN = "unpin"
    MUTE = "mute"
    UNMUTE = "unmute"
    CLEAR = "clear"
    DELETE = "delete"


class PrivacyName(StrEnum):
    """A privacy setting, named as WhatsApp names it."""

    LAST_SEEN = "last"
    PHOTO = "profile"
    DESCRIPTION = "status"
    GROUP_ADD = "groupadd"
    ONLINE = "online"
    READ_RECEIPTS = "readreceipts"


class PrivacyValue(StrEnum):
    ALL = "all"
    CONTACTS = "contacts"
    CONTACT_BLACKLIST = "contact_blacklist"
    NONE = "none"
    MATCH_LAST_SEEN = "match_last_seen"


# which values each setting accepts (WhatsApp's rules)
PRIVACY_VALUES: dict[PrivacyName, tuple[PrivacyValue, ...]] = {
    PrivacyName.LAST_SEEN: (PrivacyValue.ALL, PrivacyValue.CONTACTS, PrivacyValue.CONTACT_BLACKLIST,
                            PrivacyValue.NONE),
    PrivacyName.PHOTO: (PrivacyValue.ALL, PrivacyValue.CONTACTS, PrivacyValue.CONTACT_BLACKLIST, PrivacyValue.NONE),
    PrivacyName.DESCRIPTION: (PrivacyValue.ALL, PrivacyValue.CONTACTS, PrivacyValue.CONTACT_BLACKLIST,
                              PrivacyValue.NONE),
    PrivacyName.GROUP_ADD: (PrivacyValue.ALL, PrivacyValue.CONTACTS, PrivacyValue.CONTACT_BLACKLIST),
    PrivacyName.ONLINE: (PrivacyValue.ALL, PrivacyValue.MATCH_LAST_SEEN),
    PrivacyName.READ_RECEIPTS: (PrivacyValue.ALL, PrivacyValue.NONE),
}
# the settings with a list of excepted contacts (``contact_blacklist``)
BLACKLISTS: tuple[PrivacyName, ...] = (PrivacyName.LAST_SEEN, PrivacyName.PHOTO, PrivacyName.DESCRIPTION,
                                       PrivacyName.GROUP_ADD)
# Z-API's disappearing-message durations (seconds)
EXPIRATIONS: dict[str, int] = {"24_HOURS": 86_400, "7_DAYS": 604_800, "90_DAYS": 7_776_000, "OFF": 0}


@dataclass(frozen=True, slots=True)
class PhoneCheck:
    """Whether a number is on WhatsApp; ``phone`` as WhatsApp has it (Brazil's 9th digit settled)."""

    input_phone: str
    exists: bool
    phone: str | None = None
    lid: str | None = None  # "<n>@lid", when known


@dataclass(frozen=True, slots=True)
class PhoneChecks:
    checks: tuple[PhoneCheck, ...]


@dataclass(frozen=True, slots=True)
class ContactInfo:
    """A contact of the connected phone: the names WhatsApp keeps for it."""

    address: Address
    name: str = ""  # full name saved in the phone's address book
    short: str = ""  # first name
    notify: str = ""  # the contact's own push name
    vname: str = ""  # verified business name
    about: str | None = None  # only on a single-contact lookup
    picture_url: str | None = None  # only on a single-contact lookup


@dataclass(frozen=True, slots=True)
class ContactList:
    contacts: tuple[ContactInfo, ...]


@dataclass(frozen=True, slots=True)
class NewContact:
    phone: str
    first_name: str
    last_name: str = ""


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    last_seen: str = PrivacyValue.ALL.value
    photo: str = PrivacyValue.ALL.value
    description: str = PrivacyValue.ALL.value
    group_add: str = PrivacyValue.ALL.value
    online: str = PrivacyValue.ALL.value
    read_receipts: str = PrivacyValue.ALL.value
    messages_duration_s: int = 0  # default disappearing timer for new chats

