"""Groups and communities at the engine boundary: our own types, whatever the engine (pure).

Engines translate their library's group objects into these; the worker carries them to the api with the
event codec (``gateway.core.events.dumps``/``loads``); the api shapes them as Z-API answers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from gateway.core.errors import InvalidInput
from gateway.core.events import Address

_GROUP_ID = re.compile(r"(\d{5,30}(?:-\d{6,12})?)(?:-group|@g\.us)?", re.ASCII)


class GroupOp(StrEnum):
    """The group calls the api asks a worker to run on the instance's engine."""

    LIST = "list"
    INFO = "info"
    CREATE = "create"
    NAME = "name"
    DESCRIPTION = "description"
    PHOTO = "photo"
    SETTINGS = "settings"
    PARTICIPANTS = "participants"
    REQUESTS = "requests"
    LEAVE = "leave"
    LINK = "link"
    INVITE_INFO = "invite_info"
    JOIN = "join"
    COMMUNITY_CREATE = "community_create"
    COMMUNITY_LIST = "community_list"
    COMMUNITY_INFO = "community_info"
    COMMUNITY_LINK = "community_link"
    COMMUNITY_SETTINGS = "community_settings"
    COMMUNITY_DEACTIVATE = "community_deactivate"


class ParticipantAction(StrEnum):
    ADD = "add"
    REMOVE = "remove"
    PROMOTE = "promote"
    DEMOTE = "demote"
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Participant:
    address: Address
    is_admin: bool = False
    is_super_admin: bool = False
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class GroupSettings:
    """Reading: None = the engine cannot tell. Writing: None = leave unchanged."""

    admin_only_message: bool | None = None  # only admins send (WhatsApp: announce)
    admin_only_settings: bool | None = None  # only admins edit the group info (WhatsApp: locked)
    require_admin_approval: bool | None = None  # joining needs an admin's approval
    admin_only_add_member: bool | None = None  # only admins add members


@dataclass(frozen=True, slots=True)
class GroupInfo:
    jid: str  # <id>@g.us
    subject: str
    description: str = ""
    owner: Address | None = None
    created_ms: int = 0
    subject_time_ms: int = 0
    subject_owner: Address | None = None
    settings: GroupSettings = GroupSettings()
    participants: tuple[Participant, ...] = ()
    is_community: bool = False  # the parent group of a community
    community_jid: str | None = None  # the community this group is linked to
    is_announcement: bool = False  # a community's announcement group
    invite_link: str | None = None  # only when asked for, and only for admins
    invite_link_error: str | None = None  # why it is missing: forbidden | not-authorized | too many requests


@dataclass(frozen=True, slots=True)
class ParticipantResult:
    """The outcome for one phone of a participant change (0: done)."""

    address: Address
    error: int = 0  # WhatsApp's per-participant code: 403 needs an invite, 409 already in, 404 not on WhatsApp
    invite_code: str | None = None  # for 403: the code of a private invite WhatsApp offers
    invite_expiration_s: int | None = None


@dataclass(frozen=True, slots=True)
class JoinRequest:
    address: Address
    requested_at_ms: int


@dataclass(frozen=True, slots=True)
class CreatedGroup:
    group: GroupInfo
    results: tuple[ParticipantResult, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupList:
    groups: tuple[GroupInfo, ...] = ()


@dataclass(frozen=True, slots=True)
class ParticipantResults:
    results: tuple[ParticipantResult, ...] = ()


@dataclass(frozen=True, slots=True)
class JoinResult:
    group_jid: str
    pending_approval: bool = False


@dataclass(frozen=True, slots=True)
class SubGroup:
    jid: str
    name: str
    is_announcement: bool = False  # the community's announcement group (its members are the community's)


@dataclass(frozen=True, slots=True)
class Community:
    """A community: its parent group's JID, and the groups linked to it."""

    jid: str
    name: str
    description: str = ""
    sub_groups: tuple[SubGroup, ...] = ()

    @property
    def announcement_jid(self) -> str | None:
        return next((g.jid for g in self.sub_groups if g.is_announcement), None)


@dataclass(frozen=True, slots=True)
class CommunityList:
    communities: tuple[Community, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The outcome of linking (or unlinking) one group: 0 done, else WhatsApp's code (409: linked elsewhere)."""

    group_jid: str
    error: int = 0


@dataclass(frozen=True, slots=True)
class LinkResults:
    results: tuple[LinkResult, ...] = ()


def invite_code(link: str) -> str:
    """The code of a WhatsApp group invite link (``https://chat.whatsapp.com/<code>``) or a bare code."""
    code = link.strip().removeprefix("https://").removeprefix("http://").removeprefix("chat.whatsapp.com/")
    return code.split("?", 1)[0].strip("/")


def parse_group_id(value: object, field: str = "groupId") -> str:
    """``<id>-group``, ``<id>@g.us`` or a bare ``<id>`` (also the old ``<phone>-<time>`` form) → ``<id>@g.us``."""
    if isinstance(value, str) and (m := _GROUP_ID.fullmatch(value)) is not None:
        return f"{m.group(1)}@g.us"
    raise InvalidInput("must be a group id: <id>-group, <id>@g.us or <id>", field=field)


def group_phone(jid: str) -> str:
    """``<id>@g.us`` → ``<id>-group``: how Z-API names a group in answers and webhooks."""
    return jid.removesuffix("@g.us") + "-group"


def notification_id(group_jid: str, kind: str, timestamp_ms: int, *values: str) -> str:
    """A stable 10-digit id for a group notification (Z-API's ``messageId`` there is numeric): the same
    change seen twice gets the same id, so redeliveries are recognised."""
    digest = hashlib.sha256("|".join((group_jid, kind, str(timestamp_ms), *values)).encode()).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**10).zfill(10)
