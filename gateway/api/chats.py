"""Z-API chat routes. The chat list is what the gateway has seen (dispatch keeps the ``chats`` table from
messages, receipts and the phone's app state); changes run on the worker that owns the instance.

Booleans and counters are real JSON booleans and numbers (Z-API's documentation shows some as strings);
``lastMessageTime`` and ``muteEndTime`` are ms since the epoch.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import Path, Query

from gateway.api import account_answers as a
from gateway.api import account_docs as d
from gateway.api.account import ACCOUNT_FAILS, Json, account_op, chat_phone, fields, instance_router
from gateway.api.answers import Done
from gateway.api.auth import InstanceDep, State
from gateway.api.openapi import doc
from gateway.core.account import EXPIRATIONS, AccountOp, ChatAction
from gateway.core.errors import InvalidInput, NotFound
from gateway.core.phones import phone_to_jid
from gateway.infra.db.chats import ChatRow, ChatStore

router = instance_router("chats")
ChatPath = Annotated[str, Path(max_length=64, description="a phone, `<id>-group` or `<n>@lid`")]


def chat_view(row: ChatRow, now_ms: int) -> dict[str, Any]:
    muted = row.muted_until_ms == -1 or row.muted_until_ms > now_ms
    return {
        "phone": chat_phone(row.jid), "name": row.name or None, "isGroup": row.is_group, "isGroupAnnouncement": False,
        "unread": row.unread, "messagesUnread": row.unread, "markedUnread": row.marked_unread,
        "lastMessageTime": row.last_message_ms or None, "archived": row.archived, "pinned": row.pinned,
        "isMuted": muted, "muteEndTime": row.muted_until_ms if muted else None, "isMarkedSpam": False,
        "profileThumbnail": None, "messageExpirationSeconds": row.expiration_s or None,
    }


def _now_ms() -> int:
    return int(time.time() * 1000)


@router.get("/chats", **doc(ok=list[a.ChatView]))
async def list_chats(instance: InstanceDep, zg: State,
                     page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                     page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000)] = 100
                     ) -> list[dict[str, Any]]:
    """Pinned chats first, then by the last message, newest first."""
    rows = await ChatStore(zg.db).page(instance.id, page, page_size)
    now = _now_ms()
    return [chat_view(r, now) for r in rows]


@router.get("/chats/{phone}", **doc(ok=a.ChatView, fails=(404,)))
async def get_chat(instance: InstanceDep, zg: State, phone: ChatPath) -> dict[str, Any]:
    row = await ChatStore(zg.db).one(instance.id, phone_to_jid(phone))
    if row is None:
        raise NotFound("no chat with this phone yet (the gateway has seen no message or change in it)")
    return chat_view(row, _now_ms())


@router.post("/modify-chat", **doc(d.ModifyChat, ok=Done, fails=ACCOUNT_FAILS))
async def modify_chat(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    given = fields(body)
    jid = phone_to_jid(given.raw.get("phone"))
    action = given.str_("action", required=True)
    if action not in set(ChatAction):
        raise InvalidInput(f"must be one of {', '.join(ChatAction)}", field="action")
    await account_op(zg, instance.id, AccountOp.CHAT, jid=jid, change=action)
    return {"value": True}


@router.post("/send-chat-expiration", **doc(d.ChatExpiration, ok=Done, fails=ACCOUNT_FAILS))
async def send_chat_expiration(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    """The chat's disappearing-message timer."""
    given = fields(body)
    jid = phone_to_jid(given.raw.get("phone"))
    expiration = given.str_("chatExpiration", required=True)
    if expiration not in EXPIRATIONS:
        raise InvalidInput(f"must be one of {', '.join(EXPIRATIONS)}", field="chatExpiration")
    await account_op(zg, instance.id, AccountOp.CHAT_EXPIRATION, jid=jid, seconds=EXPIRATIONS[expiration])
    return {"value": True}
