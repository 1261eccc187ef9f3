"""The sandbox engine's channel world in Postgres: one JSON state per (instance, channel), so a new worker
taking the instance over finds the channels the simulated phone knew."""

from __future__ import annotations

from typing import Any

from gateway.infra.db.database import Database
from gateway.infra.db.jid_states import JidStates


class SandboxNewsletterStore:
    def __init__(self, db: Database) -> None:
        self.states = JidStates(db, "sandbox_newsletters")

    async def load_newsletters(self, instance_id: str) -> list[dict[str, Any]]:
        return await self.states.load(instance_id)

    async def save_newsletter(self, instance_id: str, jid: str, state: dict[str, Any]) -> None:
        await self.states.save(instance_id, jid, state)
