"""One simulated WhatsApp channel as the sandbox keeps it, and the sandbox's channel directory (pure).

A channel's state is a plain dataclass that round-trips through JSON (``to_state``/``from_state``); people are
lists of phones, so their order survives Postgres ``jsonb``. A picture is kept as its SHA-256 only.

Roles, as WhatsApp has them: one ``owner``; ``admins`` (they post and edit the channel); ``followers``
(subscribers); everyone else is a guest, who can still read the channel's metadata and follow it. The
subscriber count is the followers and admins plus ``audience`` (the directory's channels are popular
without the sandbox listing every follower).

The directory: every sandbox phone finds the same three public channels (``DIRECTORY``, owned by numbers
that are not the phone's), so ``search-newsletter`` and ``follow-newsletter`` work on a fresh instance.
Their ids are derived from the instance id, so two instances never share one.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, dataclass, field
from typing import Any

from gateway.core.newsletters import NewsletterInfo, NewsletterRole
from gateway.worker.engines.sandbox import numbers

ADMIN_INVITE_TTL_S = 7 * 24 * 3600  # how long an admin invite can be accepted
_CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    name: str
    description: str
    owner: str
    country: str
    audience: int
    verified: bool
    created_s: int


DIRECTORY = (
    DirectoryEntry("Sandbox Notícias", "Notícias do dia, do sandbox do zapgate", "5511900000101", "BR", 12000,
                   True, 1695643504),
    DirectoryEntry("Receitas do Sandbox", "Uma receita por dia", "5521900000102", "BR", 340, False, 1700000000),
    DirectoryEntry("Sandbox Headlines", "World news from the zapgate sandbox", "14155550103", "US", 54000, True,
                   1690000000),
)


def new_newsletter_jid(rng: random.Random) -> str:
    return "120363" + "".join(rng.choice("0123456789") for _ in range(12)) + "@newsletter"


def directory_jid(instance_id: str, entry: DirectoryEntry) -> str:
    digest = hashlib.sha256(f"sandbox:newsletter:{instance_id}:{entry.name}".encode()).digest()
    return f"120363{int.from_bytes(digest[:8], 'big') % 10**12:012d}@newsletter"


def new_invite_code(rng: random.Random) -> str:
    return "0029Va" + "".join(rng.choice(_CODE_ALPHABET) for _ in range(16))


@dataclass(slots=True)
class AdminInvite:
    phone: str
    expires_s: int


@dataclass(slots=True)
class SandboxNewsletter:
    jid: str
    name: str
    owner: str
    created_s: int
    invite_code: str
    description: str = ""
    picture_sha256: str | None = None
    reaction_codes: str = "all"
    country: str = "BR"
    verified: bool = False
    audience: int = 0
    admins: list[str] = field(default_factory=list)
    followers: list[str] = field(default_factory=list)
    muted: list[str] = field(default_factory=list)
    invites: list[AdminInvite] = field(default_factory=list)
    deleted: bool = False

    # reading ---------------------------------------------------------------------------------------
    def role(self, phone: str) -> NewsletterRole:
        if phone == self.owner:
            return NewsletterRole.OWNER
        if phone in self.admins:
            return NewsletterRole.ADMIN
        if phone in self.followers:
            return NewsletterRole.SUBSCRIBER
        return NewsletterRole.GUEST

    def is_admin(self, phone: str) -> bool:
        return self.role(phone) in (NewsletterRole.OWNER, NewsletterRole.ADMIN)

    def invite(self, phone: str, now_s: int) -> AdminInvite | None:
        return next((i for i in self.invites if i.phone == phone and i.expires_s > now_s), None)

    def info(self, viewer: str) -> NewsletterInfo:
        picture = preview = None
        if self.picture_sha256 is not None:
            picture = numbers.picture_url(f"{self.jid}:{self.picture_sha256}", 1)
            preview = numbers.picture_url(f"{self.jid}:{self.picture_sha256}:preview", 1)
        return NewsletterInfo(
            jid=self.jid, name=self.name, description=self.description, created_s=self.created_s,
            subscribers=self.audience + len(self.followers) + len(self.admins), invite_code=self.invite_code,
            verified=self.verified, picture_url=picture, preview_url=preview, muted=viewer in self.muted,
            role=self.role(viewer), reaction_codes=self.reaction_codes)

    # changing --------------------------------------------------------------------------------------
    def make_admin(self, phone: str) -> None:
        self.followers = [p for p in self.followers if p != phone]
        self.invites = [i for i in self.invites if i.phone != phone]
        if phone not in self.admins:
            self.admins.append(phone)

    def make_follower(self, phone: str) -> None:
        """``phone`` follows (an admin or the owner stepping down stays as a follower)."""
        self.admins = [p for p in self.admins if p != phone]
        if phone not in self.followers:
            self.followers.append(phone)

    def drop(self, phone: str) -> None:
        """``phone`` stops following (and administering) the channel."""
        self.admins = [p for p in self.admins if p != phone]
        self.followers = [p for p in self.followers if p != phone]
        self.muted = [p for p in self.muted if p != phone]

    # JSON ------------------------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        state = asdict(self)
        state["v"] = 1
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SandboxNewsletter:
        data = {k: v for k, v in state.items() if k != "v"}
        data["invites"] = [AdminInvite(**i) for i in data.get("invites", [])]
        return cls(**data)

    def clone(self) -> SandboxNewsletter:
        return SandboxNewsletter.from_state(self.to_state())
