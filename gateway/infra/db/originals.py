"""What a message said, found again by its WhatsApp id: the content to forward.

A message this gateway sent is in the outbox (its queued ``Outgoing``); one it received is in the events
table (its ``MessageReceived``, with WhatsApp's media fields, so a forward needs no new upload). Retention
removes both in time: an old message is then unknown and cannot be forwarded.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.events import MessageReceived, MessageSent, decode, loads
from gateway.infra.db.database import Database


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a stored message: us (``from_me``), or ``sender`` (a JID; None when not recorded)."""

    from_me: bool
    sender: str | None


class Originals:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def content(self, instance_id: str, message_id: str) -> c.Content | None:
        payload = await self.db.pool.fetchval(
            "SELECT payload FROM outbox WHERE instance_id = $1 AND message_id = $2 LIMIT 1", instance_id, message_id)
        if payload is not None:
            return loads(Outgoing, bytes(payload)).content
        body = await self.db.pool.fetchval(
            "SELECT body FROM events WHERE event_id = $1", f"{instance_id}:msg:{message_id}:new")
        if body is None:
            return None
        event = decode(bytes(body)).event
        if isinstance(event, MessageReceived):
            return event.content
        if isinstance(event, MessageSent) and event.message is not None:
            return event.message.content
        return None

    async def author(self, instance_id: str, message_id: str) -> Author | None:
        row = await self.db.pool.fetchrow(
            "SELECT from_me, sender FROM messages WHERE instance_id = $1 AND message_id = $2", instance_id, message_id)
        return None if row is None else Author(bool(row["from_me"]), row["sender"])
