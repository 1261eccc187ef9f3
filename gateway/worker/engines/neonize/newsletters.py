"""neonize channel (newsletter) protobufs → our own types (pure: no FFI, no clock)."""

from __future__ import annotations

from typing import Any

from gateway.core.errors import EngineError, NewsletterNotFound, NotConnected, NotNewsletterAdmin, ZapgateError
from gateway.core.newsletters import NewsletterInfo, NewsletterRole

_ROLES = {1: NewsletterRole.SUBSCRIBER, 2: NewsletterRole.GUEST, 3: NewsletterRole.ADMIN, 4: NewsletterRole.OWNER}
_STATES = {1: "ACTIVE", 2: "SUSPENDED", 3: "GEOSUSPENDED"}
_REACTIONS = {1: "all", 2: "basic", 3: "none", 4: "blocklist"}
_MUTE_ON = 1
_VERIFIED = 1
_NOT_CONNECTED = ("not connected", "websocket not connected", "not logged in")
_NOT_FOUND = ("not found", "404", "item-not-found", "non_existing")
_NOT_ADMIN = ("403", "forbidden", "not-authorized", "401")


def newsletter_info(meta: Any) -> NewsletterInfo:
    """``Neonize_pb2.NewsletterMetadata`` → ``NewsletterInfo`` (the viewer's role and mute as WhatsApp gave them)."""
    thread, viewer = meta.ThreadMeta, meta.ViewerMeta
    picture = thread.Picture.URL if thread.HasField("Picture") and thread.Picture.URL else None
    preview = thread.Preview.URL if thread.HasField("Preview") and thread.Preview.URL else None
    reactions = None
    if thread.HasField("Settings") and thread.Settings.HasField("ReactionCodes"):
        reactions = _REACTIONS.get(thread.Settings.ReactionCodes.Value)
    has_viewer = meta.HasField("ViewerMeta")
    return NewsletterInfo(
        jid=f"{meta.ID.User}@{meta.ID.Server or 'newsletter'}", name=thread.Name.Text,
        description=thread.Description.Text, created_s=int(thread.CreationTime),
        state=_STATES.get(meta.State.Type, "ACTIVE") if meta.HasField("State") else "ACTIVE",
        subscribers=int(thread.SubscriberCount), invite_code=thread.InviteCode,
        verified=thread.VerificationState == _VERIFIED, picture_url=picture, preview_url=preview or picture,
        muted=has_viewer and viewer.Mute == _MUTE_ON,
        role=_ROLES.get(viewer.Role, NewsletterRole.GUEST) if has_viewer else NewsletterRole.GUEST,
        reaction_codes=reactions)


def newsletter_error(what: str, exc: BaseException) -> ZapgateError:
    """A neonize exception (its text is whatsmeow's error) → our error, by the message."""
    text = str(exc.args[0]) if exc.args else str(exc)
    low = text.lower()
    if any(s in low for s in _NOT_CONNECTED):
        return NotConnected(f"{what}: the instance is not connected ({text})")
    if any(s in low for s in _NOT_FOUND):
        return NewsletterNotFound(f"{what}: no such channel ({text})")
    if any(s in low for s in _NOT_ADMIN):
        return NotNewsletterAdmin(f"{what}: WhatsApp refused it ({text})")
    return EngineError(f"{what} failed: {text}", transient=False)
