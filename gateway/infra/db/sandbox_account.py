"""The sandbox engine's account world in Postgres: named JSON parts per instance (``profile``, ``book``,
``chat:<jid>``, ``records:<kind>``), so a new worker taking the instance over finds the same phone."""

from __future__ import annotations

from typing import Any

from gateway.infra.db.database import Database
from gateway.infra.db.named_states import NamedStates


class SandboxAccountStore:
    def __init__(self, db: Database) -> None:
        self.parts = NamedStates(db, "sandbox_account", "part")

    async def load_account(self, instance_id: str) -> dict[str, dict[str, Any]]:
        """Every part the instance's simulated phone stored, by name."""
        return await self.parts.load(instance_id)

    async def save_account(self, instance_id: str, parts: dict[str, dict[str, Any] | None]) -> None:
        """Store (or, for ``None``, delete) these parts in one transaction (one statement: no BEGIN/COMMIT)."""
        await self.parts.save(instance_id, parts)
