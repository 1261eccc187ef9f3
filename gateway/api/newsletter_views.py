"""Our channel types → Z-API's answer shapes (pure)."""

from __future__ import annotations

from typing import Any

from gateway.core.newsletters import NewsletterInfo


def metadata(n: NewsletterInfo) -> dict[str, Any]:
    """``GET newsletter`` items and ``GET newsletter/metadata/{id}``: Z-API writes times and counts as strings."""
    return {
        "id": n.jid, "creationTime": str(n.created_s), "state": n.state, "name": n.name,
        "description": n.description, "subscribersCount": str(n.subscribers), "inviteLink": n.invite_link,
        "verification": "VERIFIED" if n.verified else "UNVERIFIED", "picture": n.picture_url,
        "preview": n.preview_url, "viewMetadata": {"mute": "ON" if n.muted else "OFF", "role": n.role.value},
        "reactionCodes": n.reaction_codes,
    }


def search_item(n: NewsletterInfo) -> dict[str, Any]:
    return {"id": n.jid, "name": n.name, "description": n.description, "subscribersCount": str(n.subscribers),
            "picture": n.preview_url or n.picture_url}
