"""``GET chat-messages/{phone}`` (Z-API chats/get-message-chats): always 501, for every engine, saying why.

A linked device (WhatsApp multi-device companion) cannot fetch a chat's past messages from WhatsApp's servers,
and zapgate keeps no message contents to serve them from: dispatch stores each message's id, chat, direction,
kind and statuses (``messages``), not what it said. Z-API's own page says the same of its multi-device
instances. The messages reach the partner through the webhooks instead.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query

from gateway.api.account import instance_router
from gateway.api.openapi import doc
from gateway.core.errors import Unsupported

router = instance_router("unsupported")  # the tag marks a route that always answers 501 (docs/compatibility.md)

HISTORY = ("a chat's messages cannot be read back: a linked device (WhatsApp multi-device companion) cannot "
           "fetch a chat's history from WhatsApp's servers, and zapgate stores the ids and statuses of messages, "
           "not their contents (as Z-API's multi-device instances); receive them through the webhooks "
           "(update-webhook-received, update-webhook-delivery)")


def _documented() -> dict[str, Any]:
    documented = doc(status=501, fails=(501,))
    documented["responses"][501]["content"] = {"application/json": {"example": Unsupported(HISTORY).body()}}
    return documented


@router.get("/chat-messages/{phone}", **_documented())
async def chat_messages(phone: Annotated[str, Path(max_length=64)],
                        amount: Annotated[int | None, Query(ge=1, le=1000)] = None,
                        last_message_id: Annotated[str | None, Query(alias="lastMessageId", max_length=128)] = None
                        ) -> None:
    """Answers 501: see the module docstring."""
    raise Unsupported(HISTORY)
