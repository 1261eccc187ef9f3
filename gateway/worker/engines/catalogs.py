"""The product catalog part of the engine interface (WhatsApp Business), and where the sandbox keeps its catalog.

An engine that manages catalogs mixes in ``CatalogMethods`` (the worker answers 501 for one that does not);
every method raises ``Unsupported`` (501) until the engine overrides it. Phones are digits, product and
collection ids digits. Engines raise ``CatalogNotFound``/``ProductNotFound``/``CollectionNotFound`` (404) for
what they cannot find, ``InvalidInput`` for a draft WhatsApp would refuse, and ``EngineError(...,
transient=False)`` for what WhatsApp refused otherwise.
"""

from __future__ import annotations

from typing import Any, Protocol

from gateway.core.catalogs import Collection, CollectionPage, ProductDraft, ProductPage
from gateway.core.errors import Unsupported

_NONE = "this engine does not manage product catalogs"


class CatalogStateStore(Protocol):
    """sandbox: the simulated phone's catalog, one JSON state per item (``product:<id>``, ``collection:<id>``,
    ``config``), so it survives a change of worker. ``gateway.infra.db.sandbox_catalogs.SandboxCatalogStore``
    is the Postgres one."""

    async def load_catalog(self, instance_id: str) -> dict[str, dict[str, Any]]: ...

    async def save_catalog(self, instance_id: str, items: dict[str, dict[str, Any] | None]) -> None:
        """Store these items at once (``None``: delete the item)."""


class CatalogMethods:
    """Catalog calls (defaults: ``Unsupported``)."""

    async def catalog_page(self, phone: str | None, cursor: str | None) -> ProductPage:
        """A page of a catalog: the phone's own (``phone`` None or the phone's number, hidden products
        included), or another business number's (visible products only)."""
        raise Unsupported(_NONE)

    async def product(self, product_id: str) -> ProductPage:
        """One product of the phone's own catalog, as a page of one (with the catalog id and cart setting)."""
        raise Unsupported(_NONE)

    async def save_product(self, draft: ProductDraft) -> str:
        """Create or edit a product; returns its id."""
        raise Unsupported(_NONE)

    async def delete_product(self, product_id: str) -> None:
        raise Unsupported(_NONE)

    async def collections(self, cursor: str | None) -> CollectionPage:
        raise Unsupported(_NONE)

    async def create_collection(self, name: str, product_ids: tuple[str, ...]) -> Collection:
        raise Unsupported(_NONE)

    async def rename_collection(self, collection_id: str, name: str) -> Collection:
        raise Unsupported(_NONE)

    async def delete_collection(self, collection_id: str) -> None:
        raise Unsupported(_NONE)

    async def change_collection(self, collection_id: str, product_ids: tuple[str, ...], *, add: bool
                                ) -> Collection:
        """Add (or remove) products; WhatsApp gives the collection a new id, which the answer carries."""
        raise Unsupported(_NONE)

    async def collection_products(self, phone: str, collection_id: str, cursor: str | None) -> ProductPage:
        raise Unsupported(_NONE)

    async def set_cart_enabled(self, enabled: bool) -> None:
        raise Unsupported(_NONE)
