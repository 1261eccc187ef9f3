"""The WhatsApp Business part of the engine interface (labels, chat notes, company profile), and where the
sandbox keeps its business world.

An engine that manages them mixes in ``BusinessMethods`` (the worker answers 501 for one that does not);
every method raises ``Unsupported`` (501) until the engine overrides it. Chats are JIDs (a contact's
``<phone>@s.whatsapp.net`` or ``@lid``, a group's ``@g.us``), label ids digits. Engines raise ``TagNotFound``
(404) for a label the account does not have, ``NotFound`` for a number without a business profile, and
``EngineError(..., transient=False)`` for what WhatsApp refused (a personal account's labels, a label limit).
"""

from __future__ import annotations

from typing import Any, Protocol

from gateway.core.business import BusinessProfile, Category, ChatNote, ProfileChange, Tag
from gateway.core.errors import Unsupported

_NONE = "this engine does not manage WhatsApp Business labels, notes or profiles"


class BusinessStateStore(Protocol):
    """sandbox: the simulated phone's business world, as named JSON parts per instance (``labels``, ``profile``,
    ``note:<jid>``; survives a change of worker). ``gateway.infra.db.sandbox_business.SandboxBusinessStore``
    is the Postgres one."""

    async def load_business(self, instance_id: str) -> dict[str, dict[str, Any]]: ...

    async def save_business(self, instance_id: str, part: str, state: dict[str, Any] | None) -> None:
        """Store one part (``None``: delete it)."""


class BusinessMethods:
    """Business calls (defaults: ``Unsupported``)."""

    async def list_tags(self) -> list[Tag]:
        raise Unsupported(_NONE)

    async def create_tag(self, name: str, color: int | None) -> Tag:
        """``color`` None: WhatsApp picks one."""
        raise Unsupported(_NONE)

    async def edit_tag(self, tag_id: str, name: str | None, color: int | None) -> None:
        """``None`` keeps the name or the color."""
        raise Unsupported(_NONE)

    async def delete_tag(self, tag_id: str) -> None:
        """The label goes, and with it every chat's association to it."""
        raise Unsupported(_NONE)

    async def tag_chat(self, jid: str, tag_id: str, assigned: bool) -> None:
        raise Unsupported(_NONE)

    async def set_chat_note(self, jid: str, content: str) -> ChatNote | None:
        """Write the chat's note (empty ``content``: remove it); the note as kept (None: removed)."""
        raise Unsupported(_NONE)

    async def business_profile(self, phone: str | None) -> BusinessProfile:
        """``phone`` None (or the phone's own number): the account's own profile."""
        raise Unsupported(_NONE)

    async def set_business_profile(self, change: ProfileChange) -> None:
        raise Unsupported(_NONE)

    async def business_categories(self, query: str) -> list[Category]:
        """WhatsApp's business categories whose name matches ``query`` (empty: the usual ones)."""
        raise Unsupported(_NONE)
