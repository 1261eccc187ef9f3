"""The sandbox engine's catalog methods: the ``Engine`` catalog interface on the phone's catalog world
(``catalog_world.py``). Every call needs the phone connected (``NotConnected`` otherwise)."""

from __future__ import annotations

import abc
import functools
import random
import time

from gateway.core.catalogs import Collection, CollectionPage, ProductDraft, ProductPage
from gateway.core.phones import validate_phone
from gateway.worker.engines.base import Engine, EngineContext
from gateway.worker.engines.catalogs import CatalogMethods
from gateway.worker.engines.sandbox.catalog_world import CatalogWorld


def _now_ms() -> int:
    return int(time.time() * 1000)


class SandboxCatalogCalls(Engine, CatalogMethods):
    """Mixed into ``SandboxEngine``, which gives the context, its random source and ``_me``."""

    ctx: EngineContext
    rng: random.Random
    phone: str | None

    @abc.abstractmethod
    def _me(self) -> str:
        """The phone's number (``NotConnected`` when it is not connected)."""

    @functools.cached_property
    def catalog(self) -> CatalogWorld:
        return CatalogWorld(self.ctx.instance_id, self.ctx.catalog_store, rng=self.rng, clock=_now_ms,
                            me=lambda: self.phone)

    async def catalog_page(self, phone: str | None, cursor: str | None) -> ProductPage:
        self._me()
        whose = validate_phone(phone, "phone") if phone is not None else None
        async with self.catalog.change():
            return self.catalog.page(whose, cursor)

    async def product(self, product_id: str) -> ProductPage:
        self._me()
        async with self.catalog.change():
            return self.catalog.product(product_id)

    async def save_product(self, draft: ProductDraft) -> str:
        self._me()
        async with self.catalog.change():
            return await self.catalog.save(draft)

    async def delete_product(self, product_id: str) -> None:
        self._me()
        async with self.catalog.change():
            await self.catalog.delete(product_id)

    async def collections(self, cursor: str | None) -> CollectionPage:
        self._me()
        async with self.catalog.change():
            return self.catalog.collection_page(cursor)

    async def create_collection(self, name: str, product_ids: tuple[str, ...]) -> Collection:
        self._me()
        async with self.catalog.change():
            return await self.catalog.create_collection(name, product_ids)

    async def rename_collection(self, collection_id: str, name: str) -> Collection:
        self._me()
        async with self.catalog.change():
            return await self.catalog.rename_collection(collection_id, name)

    async def delete_collection(self, collection_id: str) -> None:
        self._me()
        async with self.catalog.change():
            await self.catalog.delete_collection(collection_id)

    async def change_collection(self, collection_id: str, product_ids: tuple[str, ...], *, add: bool
                                ) -> Collection:
        self._me()
        async with self.catalog.change():
            return await self.catalog.change_collection(collection_id, product_ids, add=add)

    async def collection_products(self, phone: str, collection_id: str, cursor: str | None) -> ProductPage:
        self._me()
        whose = validate_phone(phone, "phone")
        async with self.catalog.change():
            return self.catalog.collection_products(whose, collection_id, cursor)

    async def set_cart_enabled(self, enabled: bool) -> None:
        self._me()
        async with self.catalog.change():
            await self.catalog.set_cart(enabled)
