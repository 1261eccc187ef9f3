"""One simulated WhatsApp group as the sandbox keeps it, and the sandbox's rules about phones (pure).

A group's state is a plain dataclass that round-trips through JSON (``to_state``/``from_state``); members
and join requests are lists, so their order survives Postgres ``jsonb`` (which does not keep key order).
A photo is kept as its SHA-256 and size only, never its bytes. A community is a group too: its parent
(``is_community``, the community id) and the groups linked to it (``community_jid``), one of them its
announcement group (``is_announcement``). States written before communities existed load with the defaults.

Sandbox rules about the phones a change names (the number's last three digits say what WhatsApp answers):

- ``...404`` is **not on WhatsApp**: adding it (or creating a group with it) gives error 404;
- ``...403`` **needs an invite** (its privacy settings refuse adds): error 403 with a private invite code;
- every other valid number is on WhatsApp and can be added.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from gateway.core.events import Address
from gateway.core.groups import GroupInfo, GroupSettings, Participant
from gateway.core.phones import phone_address

MAX_SUBJECT = 25  # WhatsApp's limit for a group subject (whatsmeow: 406 not-acceptable beyond it)
MAX_DESCRIPTION = 2048
WHO_CAN_ADD_GROUPS = ("admins", "all")  # a community's setting: who may link groups to it
INVITE_LINK_PREFIX = "https://chat.whatsapp.com/"
PRIVATE_INVITE_TTL_S = 3 * 24 * 3600  # how long the private invite of a refused add stays valid
NOT_ON_WHATSAPP_SUFFIX = "404"
NEEDS_INVITE_SUFFIX = "403"
_CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class Role(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"
    SUPER_ADMIN = "superadmin"  # the creator


def on_whatsapp(phone: str) -> bool:
    """Sandbox rule: a number ending in 404 is not on WhatsApp."""
    return not phone.endswith(NOT_ON_WHATSAPP_SUFFIX)


def needs_invite(phone: str) -> bool:
    """Sandbox rule: a number ending in 403 refuses to be added; it can only join through an invite."""
    return phone.endswith(NEEDS_INVITE_SUFFIX)


def new_group_jid(rng: random.Random) -> str:
    return "120363" + "".join(rng.choice("0123456789") for _ in range(12)) + "@g.us"


def new_invite_code(rng: random.Random) -> str:
    return "".join(rng.choice(_CODE_ALPHABET) for _ in range(22))


def invite_link_of(code: str) -> str:
    return INVITE_LINK_PREFIX + code


@dataclass(slots=True)
class Member:
    phone: str
    role: Role = Role.MEMBER

    @property
    def is_admin(self) -> bool:
        return self.role is not Role.MEMBER


@dataclass(slots=True)
class Request:
    """A pending request to join (``method``: ``invite_link``, or ``non_admin_add`` with the adder ``by``)."""

    phone: str
    at_ms: int
    method: str = "invite_link"
    by: str | None = None


@dataclass(slots=True)
class SandboxGroup:
    jid: str
    subject: str
    owner: str
    created_ms: int
    invite_code: str
    subject_time_ms: int = 0
    subject_owner: str = ""
    description: str = ""
    photo_sha256: str | None = None
    photo_size: int = 0
    admin_only_message: bool = False  # WhatsApp: announce
    admin_only_settings: bool = False  # WhatsApp: locked
    require_admin_approval: bool = False
    admin_only_add_member: bool = True  # WhatsApp: member add mode admin_add (off: all_member_add)
    members: list[Member] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    is_community: bool = False  # a community's parent group (its JID is the community id)
    community_jid: str | None = None  # the community this group is linked to
    is_announcement: bool = False  # a community's announcement group
    who_can_add_groups: str = "admins"  # a community's setting: admins | all
    deactivated: bool = False  # a deactivated community's parent: kept, seen by nobody

    # reading ---------------------------------------------------------------------------------------
    def member(self, phone: str) -> Member | None:
        return next((m for m in self.members if m.phone == phone), None)

    def is_admin(self, phone: str) -> bool:
        m = self.member(phone)
        return m is not None and m.is_admin

    def request(self, phone: str) -> Request | None:
        return next((r for r in self.requests if r.phone == phone), None)

    def members_see_link(self) -> bool:
        """WhatsApp's member link mode: when every member may add others, every member may share the link."""
        return not self.admin_only_add_member

    def settings(self) -> GroupSettings:
        return GroupSettings(admin_only_message=self.admin_only_message,
                             admin_only_settings=self.admin_only_settings,
                             require_admin_approval=self.require_admin_approval,
                             admin_only_add_member=self.admin_only_add_member)

    def info(self, *, link: bool | None = None) -> GroupInfo:
        """As the engine answers it. ``link``: None = not asked; True = the viewer may see it; False = refused."""
        return GroupInfo(
            jid=self.jid, subject=self.subject, description=self.description, owner=phone_address(self.owner),
            created_ms=self.created_ms, subject_time_ms=self.subject_time_ms,
            subject_owner=phone_address(self.subject_owner) if self.subject_owner else None,
            settings=self.settings(), is_community=self.is_community, community_jid=self.community_jid,
            is_announcement=self.is_announcement,
            participants=tuple(Participant(address=phone_address(m.phone), is_admin=m.is_admin,
                                           is_super_admin=m.role is Role.SUPER_ADMIN) for m in self.members),
            invite_link=invite_link_of(self.invite_code) if link else None,
            invite_link_error="not-authorized" if link is False else None,
        )

    def address(self) -> Address:
        return Address(jid=self.jid)

    # changing --------------------------------------------------------------------------------------
    def add_member(self, phone: str, role: Role = Role.MEMBER) -> None:
        self.drop_request(phone)
        if self.member(phone) is None:
            self.members.append(Member(phone, role))

    def remove_member(self, phone: str) -> None:
        """Drop a member; when no admin is left, WhatsApp makes the longest-standing member an admin."""
        self.members = [m for m in self.members if m.phone != phone]
        if self.members and not any(m.is_admin for m in self.members):
            self.members[0].role = Role.ADMIN

    def drop_request(self, phone: str) -> None:
        self.requests = [r for r in self.requests if r.phone != phone]

    # JSON ------------------------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        state = asdict(self)
        state["v"] = 2  # 2: the community fields (1 loads with their defaults)
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SandboxGroup:
        data = {k: v for k, v in state.items() if k != "v"}
        data["members"] = [Member(m["phone"], Role(m["role"])) for m in data.get("members", [])]
        data["requests"] = [Request(**r) for r in data.get("requests", [])]
        return cls(**data)

    def clone(self) -> SandboxGroup:
        return SandboxGroup.from_state(self.to_state())
