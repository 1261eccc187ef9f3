"""The sandbox engine's catalog in Postgres: one JSON state per (instance, item) — ``product:<id>``,
``collection:<id>``, ``config`` — so a new worker taking the instance over finds the same catalog."""

from __future__ import annotations

from typing import Any

from gateway.infra.db.database import Database
from gateway.infra.db.named_states import NamedStates


class SandboxCatalogStore:
    def __init__(self, db: Database) -> None:
        self.items = NamedStates(db, "sandbox_catalogs", "item")

    async def load_catalog(self, instance_id: str) -> dict[str, dict[str, Any]]:
        """Every item the instance's simulated phone stored, by name."""
        return await self.items.load(instance_id)

    async def save_catalog(self, instance_id: str, items: dict[str, dict[str, Any] | None]) -> None:
        """Store (or, for ``None``, delete) these items, all or none."""
        await self.items.save(instance_id, items)
