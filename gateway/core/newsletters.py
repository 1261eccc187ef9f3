"""Channels (WhatsApp newsletters) at the engine boundary: our own types, whatever the engine (pure).

Engines translate their library's channel objects into these; the worker carries them to the api with the
event codec (``gateway.core.events.to_plain``/``from_plain``); the api shapes them as Z-API answers.
A channel id is ``<digits>@newsletter`` (Z-API and WhatsApp write it so; the api also takes bare digits).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from gateway.core.errors import InvalidInput

_NEWSLETTER_ID = re.compile(r"(\d{5,30})(?:@newsletter)?", re.ASCII)
CHANNEL_LINK_PREFIX = "https://whatsapp.com/channel/"
MAX_NAME = 100  # WhatsApp's limit for a channel name
MAX_DESCRIPTION = 2048
REACTION_CODES = ("basic", "all")  # Z-API's values for who may react with what
SEARCH_VIEWS = ("RECOMMENDED", "TRENDING", "POPULAR", "NEW")


class NewsletterOp(StrEnum):
    """The channel calls the api asks a worker to run on the instance's engine."""

    LIST = "list"
    INFO = "info"
    CREATE = "create"
    NAME = "name"
    DESCRIPTION = "description"
    PICTURE = "picture"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    MUTE = "mute"
    UNMUTE = "unmute"
    DELETE = "delete"
    SEARCH = "search"
    SETTINGS = "settings"
    ACCEPT_ADMIN = "accept_admin"
    REMOVE_ADMIN = "remove_admin"
    REVOKE_ADMIN_INVITE = "revoke_admin_invite"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    ADMIN_INVITE = "admin_invite"


class NewsletterRole(StrEnum):
    """The viewer's role in a channel, as WhatsApp names it (Z-API's ``viewMetadata.role``)."""

    OWNER = "OWNER"
    ADMIN = "ADMIN"
    SUBSCRIBER = "SUBSCRIBER"
    GUEST = "GUEST"  # not following


@dataclass(frozen=True, slots=True)
class NewsletterInfo:
    """One channel as the instance sees it. ``muted``/``role``: the viewer's; ``reaction_codes`` None = unknown."""

    jid: str  # <digits>@newsletter
    name: str
    description: str = ""
    created_s: int = 0
    state: str = "ACTIVE"  # ACTIVE | SUSPENDED | GEOSUSPENDED | NON_EXISTING
    subscribers: int = 0
    invite_code: str = ""
    verified: bool = False
    picture_url: str | None = None
    preview_url: str | None = None
    muted: bool = False
    role: NewsletterRole = NewsletterRole.GUEST
    reaction_codes: str | None = None

    @property
    def invite_link(self) -> str | None:
        return channel_link(self.invite_code) if self.invite_code else None


@dataclass(frozen=True, slots=True)
class NewsletterList:
    newsletters: tuple[NewsletterInfo, ...] = ()


@dataclass(frozen=True, slots=True)
class NewsletterSearch:
    """A directory search: ``view`` one of ``SEARCH_VIEWS`` (None: WhatsApp's default order)."""

    limit: int
    country_codes: tuple[str, ...] = ()
    view: str | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class AdminInviteSent:
    """The admin invite message that left: its WhatsApp id, and until when the invite can be accepted."""

    message_id: str
    expires_s: int


def parse_newsletter_id(value: object, field: str = "id") -> str:
    """``<digits>@newsletter`` or bare ``<digits>`` → ``<digits>@newsletter``."""
    if isinstance(value, str) and (m := _NEWSLETTER_ID.fullmatch(value.strip())) is not None:
        return f"{m.group(1)}@newsletter"
    raise InvalidInput("must be a channel id: <digits>@newsletter", field=field)


def channel_link(code: str) -> str:
    return CHANNEL_LINK_PREFIX + code


def notification_id(newsletter_jid: str, kind: str, timestamp_ms: int, *values: str) -> str:
    """A stable 10-digit id for a channel notification (Z-API's ``messageId`` there is numeric)."""
    digest = hashlib.sha256("|".join((newsletter_jid, kind, str(timestamp_ms), *values)).encode()).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**10).zfill(10)
