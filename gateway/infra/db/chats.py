"""The chats an instance's phone has, as dispatch keeps them (``dispatch/chats.py`` writes, the api reads).

A chat appears once the gateway has seen a message in it (or the phone's app state mentioned it); its
unread count, last message time, archived/pinned/muted state follow the events. See ``dispatch.chats``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.infra.db.database import Database

_COLUMNS = "jid, name, is_group, unread, last_message_ms, archived, pinned, muted_until_ms, marked_unread, expiration_s"


@dataclass(frozen=True, slots=True)
class ChatRow:
    """One chat. ``jid``: ``<phone>@s.whatsapp.net`` for a 1:1 chat whose phone is known (also when WhatsApp
    addresses it by LID), ``<n>@lid`` when only the LID is, ``<id>@g.us`` for a group; ``name`` None = unknown."""

    jid: str
    name: str | None
    is_group: bool
    unread: int
    last_message_ms: int  # 0 = no message seen
    archived: bool
    pinned: bool
    muted_until_ms: int  # 0 = not muted, -1 = forever
    marked_unread: bool
    expiration_s: int  # disappearing-message timer, 0 = off


def _row(r: Any) -> ChatRow:
    return ChatRow(jid=r["jid"], name=r["name"], is_group=r["is_group"], unread=r["unread"],
                   last_message_ms=r["last_message_ms"], archived=r["archived"], pinned=r["pinned"],
                   muted_until_ms=r["muted_until_ms"], marked_unread=r["marked_unread"],
                   expiration_s=r["expiration_s"])


class ChatStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(self, instance_id: str, page: int, page_size: int) -> list[ChatRow]:
        """One page (from 1) of the instance's chats: pinned first, then the most recent message first."""
        size = max(1, page_size)
        rows = await self.db.pool.fetch(
            f"SELECT {_COLUMNS} FROM chats WHERE instance_id = $1 "
            "ORDER BY pinned DESC, last_message_ms DESC, jid LIMIT $2 OFFSET $3",
            instance_id, size, (max(1, page) - 1) * size)
        return [_row(r) for r in rows]

    async def one(self, instance_id: str, jid: str) -> ChatRow | None:
        row = await self.db.pool.fetchrow(f"SELECT {_COLUMNS} FROM chats WHERE instance_id = $1 AND jid = $2",
                                          instance_id, jid)
        return _row(row) if row is not None else None
