"""The sandbox engine's business world in Postgres: named JSON parts per instance (``labels``, ``profile``,
``note:<jid>``), so a new worker taking the instance over finds the same labels, notes and company profile."""

from __future__ import annotations

from typing import Any

from gateway.infra.db.database import Database
from gateway.infra.db.named_states import NamedStates


class SandboxBusinessStore:
    def __init__(self, db: Database) -> None:
        self.parts = NamedStates(db, "sandbox_business", "part")

    async def load_business(self, instance_id: str) -> dict[str, dict[str, Any]]:
        """Every part the instance's simulated phone stored, by name."""
        return await self.parts.load(instance_id)

    async def save_business(self, instance_id: str, part: str, state: dict[str, Any] | None) -> None:
        """Store one part (insert or replace), or delete it (``None``)."""
        await self.parts.save(instance_id, {part: state})
