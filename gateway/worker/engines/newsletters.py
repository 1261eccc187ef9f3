"""The channel (newsletter) part of the engine interface, and where the sandbox keeps its channel world.

An engine that manages channels mixes in ``NewsletterMethods`` (the worker answers 501 for one that does
not); every method raises ``Unsupported`` (501) until the engine overrides it. Channel ids are
``<digits>@newsletter``, phones digits. Engines raise ``NewsletterNotFound`` for a channel they cannot find,
``NotNewsletterAdmin`` for what only its owner or admins may do, and ``EngineError(..., transient=False)``
for what WhatsApp refused.
"""

from __future__ import annotations

from typing import Any, Protocol

from gateway.core.errors import Unsupported
from gateway.core.newsletters import AdminInviteSent, NewsletterInfo, NewsletterSearch

_NONE = "this engine does not manage channels"


class NewsletterStateStore(Protocol):
    """sandbox: the simulated phone's channel world, one JSON state per channel (survives a change of worker).
    ``gateway.infra.db.sandbox_newsletters.SandboxNewsletterStore`` is the Postgres one."""

    async def load_newsletters(self, instance_id: str) -> list[dict[str, Any]]: ...

    async def save_newsletter(self, instance_id: str, jid: str, state: dict[str, Any]) -> None: ...


class NewsletterMethods:
    """Channel calls (defaults: ``Unsupported``)."""

    async def list_newsletters(self) -> list[NewsletterInfo]:
        """The channels the phone owns, administers or follows."""
        raise Unsupported(_NONE)

    async def newsletter_info(self, jid: str) -> NewsletterInfo:
        raise Unsupported(_NONE)

    async def create_newsletter(self, name: str, description: str) -> NewsletterInfo:
        raise Unsupported(_NONE)

    async def set_newsletter_name(self, jid: str, name: str) -> None:
        raise Unsupported(_NONE)

    async def set_newsletter_description(self, jid: str, description: str) -> None:
        raise Unsupported(_NONE)

    async def set_newsletter_picture(self, jid: str, jpeg: bytes) -> None:
        raise Unsupported(_NONE)

    async def follow_newsletter(self, jid: str, follow: bool) -> None:
        raise Unsupported(_NONE)

    async def mute_newsletter(self, jid: str, mute: bool) -> None:
        raise Unsupported(_NONE)

    async def delete_newsletter(self, jid: str) -> None:
        raise Unsupported(_NONE)

    async def search_newsletters(self, search: NewsletterSearch) -> list[NewsletterInfo]:
        raise Unsupported(_NONE)

    async def set_newsletter_reactions(self, jid: str, codes: str) -> None:
        """``codes``: ``basic`` or ``all`` (which reactions followers may use)."""
        raise Unsupported(_NONE)

    async def send_newsletter_admin_invite(self, jid: str, phone: str, caption: str) -> AdminInviteSent:
        raise Unsupported(_NONE)

    async def accept_newsletter_admin_invite(self, jid: str) -> None:
        raise Unsupported(_NONE)

    async def revoke_newsletter_admin_invite(self, jid: str, phone: str) -> None:
        raise Unsupported(_NONE)

    async def remove_newsletter_admin(self, jid: str, phone: str) -> None:
        raise Unsupported(_NONE)

    async def transfer_newsletter_ownership(self, jid: str, phone: str, quit_admin: bool) -> None:
        raise Unsupported(_NONE)
