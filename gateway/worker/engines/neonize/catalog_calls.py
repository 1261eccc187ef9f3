"""Product catalogs on the neonize engine: none can be wired, each call is a 501 before anything is sent.

whatsmeow has no product catalog call: WhatsApp's clients read and edit a catalog with ``w:biz:catalog`` IQs
(product_catalog, product_catalog_add/edit/delete, collections, cart settings), and whatsmeow only parses the
order details of an order message (``GetOrderDetails``). The only way to send such an IQ is Go's
``DangerousInternals().SendIQ``, which neonize 0.5.2 does not export (nor any raw node call). See
``gateway.core.engine_gaps`` (``CATALOG_READ``, ``CATALOG_EDIT``) and docs/catalogs.md.
"""

from __future__ import annotations

from gateway.core.catalogs import Collection, CollectionPage, ProductDraft, ProductPage
from gateway.core.engine_gaps import NeonizeGap, gap_error
from gateway.worker.engines.catalogs import CatalogMethods


class NeonizeCatalogCalls(CatalogMethods):
    """Mixed into ``NeonizeEngine``: every catalog call raises its gap (501)."""

    async def catalog_page(self, phone: str | None, cursor: str | None) -> ProductPage:
        raise gap_error(NeonizeGap.CATALOG_READ)

    async def product(self, product_id: str) -> ProductPage:
        raise gap_error(NeonizeGap.CATALOG_READ)

    async def save_product(self, draft: ProductDraft) -> str:
        raise gap_error(NeonizeGap.CATALOG_EDIT, "the product cannot be saved")

    async def delete_product(self, product_id: str) -> None:
        raise gap_error(NeonizeGap.CATALOG_EDIT, "the product cannot be deleted")

    async def collections(self, cursor: str | None) -> CollectionPage:
        raise gap_error(NeonizeGap.CATALOG_READ)

    async def create_collection(self, name: str, product_ids: tuple[str, ...]) -> Collection:
        raise gap_error(NeonizeGap.CATALOG_EDIT, "the collection cannot be created")

    async def rename_collection(self, collection_id: str, name: str) -> Collection:
        raise gap_error(NeonizeGap.CATALOG_EDIT, "the collection cannot be renamed")

    async def delete_collection(self, collection_id: str) -> None:
        raise gap_error(NeonizeGap.CATALOG_EDIT, "the collection cannot be deleted")

    async def change_collection(self, collection_id: str, product_ids: tuple[str, ...], *, add: bool
                                ) -> Collection:
        raise gap_error(NeonizeGap.CATALOG_EDIT, "the collection's products cannot be changed")

    async def collection_products(self, phone: str, collection_id: str, cursor: str | None) -> ProductPage:
        raise gap_error(NeonizeGap.CATALOG_READ)

    async def set_cart_enabled(self, enabled: bool) -> None:
        raise gap_error(NeonizeGap.CATALOG_EDIT, "the cart setting cannot be changed")
