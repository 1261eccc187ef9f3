"""The api's reads of the ``messages`` table (dispatch writes it): who wrote a message.

A read receipt for a group message and an admin's delete of someone else's message name the author; the
``sender`` column (migration 0013) keeps it. Before that migration, or for a message stored before it,
the author is unknown (None) and the caller goes on without it.
"""

from __future__ import annotations

import asyncpg

from gateway.infra.db.database import Database


class MessageIndex:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def sender(self, instance_id: str, message_id: str) -> str | None:
        """The JID of the message's author, or None when the gateway did not see it (or did not record it)."""
        try:
            found = await self.db.pool.fetchval(
                "SELECT sender FROM messages WHERE instance_id = $1 AND message_id = $2", instance_id, message_id)
        except asyncpg.UndefinedColumnError:  # a schema before migration 0013
            return None
        return found if isinstance(found, str) and found else None
