"""The engine interface: our own types in, our own events out (through a synchronous callback)."""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from gateway.core.account import (
    ChatAction,
    ContactInfo,
    NewContact,
    PhoneCheck,
    PrivacyName,
    PrivacySettings,
)
from gateway.core.commands import UNKNOWN, Outgoing, Unknown
from gateway.core.config import Settings
from gateway.core.errors import EngineError, Unsupported
from gateway.core.events import EngineEvent, MessageReceived, PresenceState
from gateway.core.groups import (
    Community,
    CreatedGroup,
    GroupInfo,
    GroupSettings,
    JoinRequest,
    JoinResult,
    LinkResult,
    ParticipantAction,
    ParticipantResult,
)
from gateway.core.proxy import ProxyConfig
from gateway.worker.engines.business import BusinessStateStore
from gateway.worker.engines.catalogs import CatalogStateStore
from gateway.worker.engines.newsletters import NewsletterStateStore

# The engine callback: returns an awaitable resolved once the event is durable (JetStream), or None when
# nothing captures events (tests). Engines wait for it before acknowledging what WhatsApp handed over.
EmitFn = Callable[[EngineEvent], Awaitable[None] | None]
SendRecorder = Callable[[str, Outgoing], Awaitable[None]]
SendLookup = Callable[[str], Awaitable[str | None]]


class GroupStateStore(Protocol):
    """sandbox: where the simulated phone's group world is kept, one JSON state per group (survives a change
    of worker). ``gateway.infra.db.sandbox_groups.SandboxGroupStore`` is the Postgres one."""

    async def load_groups(self, instance_id: str) -> list[dict[str, Any]]: ...

    async def save_group(self, instance_id: str, jid: str, state: dict[str, Any]) -> None: ...


class AccountStateStore(Protocol):
    """sandbox: where the simulated phone's account is kept (profile, privacy, contacts, chats, records), as
    named JSON parts per instance (survives a change of worker). ``gateway.infra.db.sandbox_account.
    SandboxAccountStore`` is the Postgres one."""

    async def load_account(self, instance_id: str) -> dict[str, dict[str, Any]]: ...

    async def save_account(self, instance_id: str, parts: dict[str, dict[str, Any] | None]) -> None:
        """Store these parts at once (``None``: delete the part)."""


@dataclass(frozen=True, slots=True)
class EngineContext:
    instance_id: str
    settings: Settings
    emit: EmitFn
    device_jid: str | None = None  # a paired device to restore without a new QR
    record_send: SendRecorder | None = None  # sandbox: where the simulated phone logs what it got
    lookup_send: SendLookup | None = None  # sandbox: the WhatsApp id a zaapId was sent as, if it was
    read_media: Callable[[str], Awaitable[bytes | None]] | None = None  # media store key → bytes
    backlog: Callable[[], int] | None = None  # events captured and not yet published (backpressure)
    group_store: GroupStateStore | None = None  # sandbox: its group world (None: kept in memory only)
    account_store: AccountStateStore | None = None  # sandbox: its account world (None: kept in memory only)
    proxy: ProxyConfig | None = None  # the instance's proxy, read when the engine was built (next connect)
    newsletter_store: NewsletterStateStore | None = None  # sandbox: its channel world (None: in memory only)
    catalog_store: CatalogStateStore | None = None  # sandbox: its business catalog (None: in memory only)
    business_store: BusinessStateStore | None = None  # sandbox: its labels, notes, company profile (None: memory)


class Engine(abc.ABC):
    """One WhatsApp session. ``connect`` returns once started; progress arrives as events."""

    def __init__(self, ctx: EngineContext) -> None:
        self.ctx = ctx

    @abc.abstractmethod
    async def connect(self) -> None: ...

    @abc.abstractmethod
    async def disconnect(self) -> None:
        """Stop the session and keep the pairing (restart later without a QR)."""

    @abc.abstractmethod
    async def logout(self) -> None:
        """Unlink the device; a new pairing is needed afterwards."""

    @abc.abstractmethod
    async def pair_phone(self, phone: str) -> str:
        """Start pairing by phone number; returns the code the user types on the phone."""

    @abc.abstractmethod
    async def send(self, outgoing: Outgoing) -> str:
        """Send and return the WhatsApp message id."""

    async def send_chat_presence(self, to: str, state: PresenceState) -> None:  # noqa: B027 - optional
        """Show composing/recording/paused in a chat (no-op where unsupported)."""

    async def subscribe_presence(self, jid: str) -> None:  # noqa: B027 - optional
        """Ask WhatsApp for a contact's presence (online/offline, typing) from now on (no-op where unsupported)."""

    async def reject_call(self, caller: str, call_id: str) -> None:
        """Reject an incoming call (``caller`` as the call offer gave it)."""
        raise Unsupported("this engine cannot reject calls")

    async def download(self, message: MessageReceived) -> bytes:
        """Download and decrypt a received message's media."""
        raise EngineError("this engine cannot download media", transient=False)

    async def sent_id(self, zaap_id: str) -> str | Unknown | None:
        """Whether a queued message left: its WhatsApp id, None (it did not), or UNKNOWN."""
        return UNKNOWN

    @abc.abstractmethod
    async def mark_read(self, chat: str, message_id: str, sender: str | None = None) -> None:
        """Send a read receipt for a message in a chat (``sender``: its author's JID, needed in groups)."""

    # groups ------------------------------------------------------------------------------------------
    # Group ids are JIDs (``<id>@g.us``), phones are digits. Engines raise ``NotFound`` for a group they
    # do not know, ``EngineError(..., transient=False)`` for what WhatsApp refused (not an admin, ...) and
    # ``Unsupported`` for what their library cannot do.

    async def list_groups(self) -> list[GroupInfo]:
        raise Unsupported("this engine does not manage groups")

    async def group_info(self, group: str, *, with_invite_link: bool = False) -> GroupInfo:
        raise Unsupported("this engine does not manage groups")

    async def create_group(self, name: str, phones: list[str]) -> CreatedGroup:
        raise Unsupported("this engine does not manage groups")

    async def set_group_name(self, group: str, name: str) -> None:
        raise Unsupported("this engine does not manage groups")

    async def set_group_description(self, group: str, description: str) -> None:
        raise Unsupported("this engine does not manage groups")

    async def set_group_photo(self, group: str, jpeg: bytes) -> None:
        raise Unsupported("this engine does not manage groups")

    async def set_group_settings(self, group: str, change: GroupSettings) -> None:
        raise Unsupported("this engine does not manage groups")

    async def update_participants(self, group: str, phones: list[str], action: ParticipantAction
                                  ) -> list[ParticipantResult]:
        raise Unsupported("this engine does not manage groups")

    async def join_requests(self, group: str) -> list[JoinRequest]:
        raise Unsupported("this engine does not manage groups")

    async def leave_group(self, group: str) -> None:
        raise Unsupported("this engine does not manage groups")

    async def invite_link(self, group: str, *, reset: bool = False) -> str:
        raise Unsupported("this engine does not manage groups")

    async def invite_info(self, code: str) -> GroupInfo:
        raise Unsupported("this engine does not manage groups")

    async def join_with_link(self, code: str) -> JoinResult:
        raise Unsupported("this engine does not manage groups")

    async def send_group_invite(self, group: str, result: ParticipantResult, caption: str) -> None:
        """Send ``result.address`` a private invite to ``group`` (autoInvite, when adding was refused)."""
        raise Unsupported("this engine does not manage groups")

    # communities -------------------------------------------------------------------------------------
    # A community is a parent group (its JID is the community id) with linked groups, one of them its
    # announcement group. Description and photo are the parent group's (``set_group_description/photo``).

    async def create_community(self, name: str, description: str) -> Community:
        raise Unsupported("this engine does not manage communities")

    async def list_communities(self) -> list[Community]:
        raise Unsupported("this engine does not manage communities")

    async def community_info(self, community: str) -> Community:
        raise Unsupported("this engine does not manage communities")

    async def link_groups(self, community: str, groups: list[str], *, link: bool) -> list[LinkResult]:
        raise Unsupported("this engine does not manage communities")

    async def set_community_settings(self, community: str, who_can_add_groups: str) -> None:
        """``who_can_add_groups``: ``admins`` or ``all``."""
        raise Unsupported("this engine does not manage communities")

    async def deactivate_community(self, community: str) -> None:
        """Unlink every group and close the community (the groups stay)."""
        raise Unsupported("this engine does not manage communities")

    # contacts ----------------------------------------------------------------------------------------
    # Phones are digits, ``jid`` a chat or contact JID. ``Unsupported`` for what the library cannot do.

    async def check_phones(self, phones: list[str]) -> list[PhoneCheck]:
        """Which numbers are on WhatsApp, as WhatsApp writes them (one answer per phone, in order)."""
        raise Unsupported("this engine does not look up contacts")

    async def list_contacts(self) -> list[ContactInfo]:
        raise Unsupported("this engine does not list contacts")

    async def contact_info(self, jid: str) -> ContactInfo:
        """One contact with its about text and picture URL (``NotFound`` when not on WhatsApp)."""
        raise Unsupported("this engine does not look up contacts")

    async def profile_picture(self, jid: str) -> str | None:
        """The URL of a contact's or group's picture (None: none, or hidden by privacy)."""
        raise Unsupported("this engine does not fetch profile pictures")

    async def add_contacts(self, contacts: list[NewContact]) -> list[str]:
        """Save contacts in the phone's address book; returns one error text per contact not saved."""
        raise Unsupported("this engine cannot edit the address book")

    async def remove_contacts(self, phones: list[str]) -> list[str]:
        raise Unsupported("this engine cannot edit the address book")

    async def set_blocked(self, jid: str, blocked: bool) -> None:
        raise Unsupported("this engine cannot block contacts")

    async def blocked_contacts(self) -> list[str]:
        """The blocked phones (digits; ``<n>@lid`` where only the LID is known)."""
        raise Unsupported("this engine cannot list blocked contacts")

    async def report_contact(self, jid: str) -> None:
        raise Unsupported("this engine cannot report contacts")

    # chats -------------------------------------------------------------------------------------------
    # Engines emit ``ChatChanged`` for what they changed, so dispatch's ``chats`` table follows.

    async def modify_chat(self, jid: str, change: ChatAction) -> None:
        raise Unsupported("this engine cannot modify chats")

    async def set_chat_expiration(self, jid: str, seconds: int) -> None:
        """The chat's disappearing-message timer (0 = off)."""
        raise Unsupported("this engine cannot change disappearing messages")

    # profile and privacy -----------------------------------------------------------------------------

    async def set_profile_name(self, name: str) -> None:
        raise Unsupported("this engine cannot change the profile")

    async def set_profile_about(self, text: str) -> None:
        raise Unsupported("this engine cannot change the profile")

    async def set_profile_photo(self, jpeg: bytes) -> None:
        raise Unsupported("this engine cannot change the profile")

    async def privacy_settings(self) -> PrivacySettings:
        raise Unsupported("this engine cannot read privacy settings")

    async def set_privacy(self, setting: PrivacyName, value: str, add: list[str], remove: list[str]) -> None:
        """Set one privacy setting; ``add``/``remove``: phones put on or taken off its excepted list."""
        raise Unsupported("this engine cannot change privacy settings")

    async def disallowed_contacts(self, setting: PrivacyName) -> list[str]:
        """The phones excepted from a setting (its ``contact_blacklist``)."""
        raise Unsupported("this engine cannot read privacy lists")

    async def set_default_expiration(self, seconds: int) -> None:
        """The disappearing-message timer new chats start with (0 = off)."""
        raise Unsupported("this engine cannot change disappearing messages")
