"""The sandbox engine's group world in Postgres: one JSON state per (instance, group), so a new worker
taking the instance over finds the groups the simulated phone was in."""

from __future__ import annotations

from typing import Any

from gateway.infra.db.database import Database
from gateway.infra.db.jid_states import JidStates


class SandboxGroupStore:
    def __init__(self, db: Database) -> None:
        self.states = JidStates(db, "sandbox_groups")

    async def load_groups(self, instance_id: str) -> list[dict[str, Any]]:
        return await self.states.load(instance_id)

    async def save_group(self, instance_id: str, jid: str, state: dict[str, Any]) -> None:
        await self.states.save(instance_id, jid, state)
