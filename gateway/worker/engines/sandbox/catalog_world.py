"""The sandbox phone's WhatsApp Business catalog: its products, collections and cart setting, with WhatsApp's rules.

Every change is computed on copies, stored (``EngineContext.catalog_store``, Postgres in a worker), and only
then swapped in. Rules, as WhatsApp applies them (bounds marked "ours" are the sandbox's):

- a product needs a name, a price, a currency and at least one image to be created; an edit changes only what
  it names; a sale price is below the price;
- a product's ``retailerId`` is unique in the catalog: saving a draft without ``id`` whose ``retailerId`` is a
  product's edits that product (Z-API's create-or-edit);
- hidden products are listed to the catalog's owner only;
- a collection has a name and at least one product of the catalog when it is created; adding or removing
  products gives it a new id; deleting a product takes it out of every collection;
- at most ``MAX_PRODUCTS`` products and ``MAX_COLLECTIONS`` collections (ours).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from typing import Any

from gateway.core.catalogs import (
    PAGE_SIZE,
    Collection,
    CollectionPage,
    Product,
    ProductDraft,
    ProductPage,
)
from gateway.core.errors import CatalogNotFound, CollectionNotFound, EngineError, InvalidInput, ProductNotFound
from gateway.worker.engines.catalogs import CatalogStateStore
from gateway.worker.engines.sandbox import numbers
from gateway.worker.engines.sandbox.catalog_state import (
    STORES,
    SandboxCollection,
    SandboxProduct,
    Store,
    decode_cursor,
    digits_of,
    encode_cursor,
)

MAX_PRODUCTS = 500
MAX_COLLECTIONS = 50
Saves = dict[str, dict[str, Any] | None]


def _refuse(message: str) -> EngineError:
    return EngineError(message, transient=False)


def _page(items: Sequence[Any], kind: str, scope: str, cursor: str | None) -> tuple[list[Any], str | None]:
    start = decode_cursor(cursor, kind, scope)
    end = start + PAGE_SIZE
    return list(items[start:end]), encode_cursor(kind, scope, end) if end < len(items) else None


class CatalogWorld:
    """One instance's simulated business catalog. ``me()`` is the phone's number (None: unpaired)."""

    def __init__(self, instance_id: str, store: CatalogStateStore | None, *, rng: random.Random,
                 clock: Callable[[], int], me: Callable[[], str | None]) -> None:
        self.instance_id = instance_id
        self.store = store
        self.rng = rng
        self.clock = clock
        self.me = me
        self.products: dict[str, SandboxProduct] = {}
        self.collections: dict[str, SandboxCollection] = {}
        self.cart_enabled = True
        self.loaded = False
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"<CatalogWorld {self.instance_id} products={len(self.products)} collections={len(self.collections)}>"

    @property
    def catalog_id(self) -> str:
        return digits_of(f"sandbox:catalog:{self.instance_id}")

    @contextlib.asynccontextmanager
    async def change(self) -> AsyncIterator[None]:
        """One call at a time, on a loaded catalog."""
        async with self._lock:
            if not self.loaded:
                await self._load()
            yield

    async def _load(self) -> None:
        items = await self.store.load_catalog(self.instance_id) if self.store is not None else {}
        for item, state in items.items():
            if item.startswith("product:"):
                product = SandboxProduct.from_state(state)
                self.products[product.id] = product
            elif item.startswith("collection:"):
                collection = SandboxCollection.from_state(state)
                self.collections[collection.id] = collection
            elif item == "config":
                self.cart_enabled = bool(state.get("cart_enabled", True))
        self.loaded = True

    async def _commit(self, products: Sequence[SandboxProduct] = (), collections: Sequence[SandboxCollection] = (),
                      gone: Sequence[str] = ()) -> None:
        """Store, then apply: products and collections saved, items named in ``gone`` deleted."""
        saves: Saves = {f"product:{p.id}": p.to_state() for p in products}
        saves |= {f"collection:{c.id}": c.to_state() for c in collections}
        saves |= {item: None for item in gone}
        if self.store is not None:
            await self.store.save_catalog(self.instance_id, saves)
        for item in gone:
            kind, _, key = item.partition(":")
            (self.products if kind == "product" else self.collections).pop(key, None)
        self.products |= {p.id: p for p in products}
        self.collections |= {c.id: c for c in collections}

    def _new_id(self, kind: str, taken: dict[str, Any], count: int) -> str:
        while (new := digits_of(f"{kind}:{self.instance_id}:{self.rng.getrandbits(64)}", count)) in taken:
            pass
        return new

    def _own(self, phone: str | None) -> bool:
        me = self.me()
        return phone is None or (me is not None and numbers.whatsapp_phone(phone) == numbers.whatsapp_phone(me))

    # reading ------------------------------------------------------------------------------------------
    def _mine(self) -> list[Product]:
        ordered = sorted(self.products.values(), key=lambda p: (p.created_ms, p.id))
        return [p.view() for p in ordered]

    def page(self, phone: str | None, cursor: str | None) -> ProductPage:
        if self._own(phone):
            found, after = _page(self._mine(), "p", self.catalog_id, cursor)
            return ProductPage(tuple(found), self.cart_enabled, after, self.catalog_id)
        assert phone is not None
        store = self._store(phone)
        found, after = _page(store.products(), "p", store.catalog_id, cursor)
        return ProductPage(tuple(found), store.cart_enabled, after, store.catalog_id)

    def _store(self, phone: str) -> Store:
        store = STORES.get(numbers.whatsapp_phone(phone))
        if store is None:
            why = "is not on WhatsApp" if not numbers.exists(phone) else "has no catalog (not a business with one)"
            raise CatalogNotFound(f"{phone} {why}")
        return store

    def product(self, product_id: str) -> ProductPage:
        found = self.products.get(product_id)
        if found is None:
            raise ProductNotFound(f"no product {product_id} in the catalog")
        return ProductPage((found.view(),), self.cart_enabled, None, self.catalog_id)

    def collection_page(self, cursor: str | None) -> CollectionPage:
        now = self.clock()
        ordered = sorted(self.collections.values(), key=lambda c: (c.changed_ms, c.id))
        found, after = _page([c.view(now) for c in ordered], "c", self.catalog_id, cursor)
        return CollectionPage(tuple(found), after)

    def collection_products(self, phone: str, collection_id: str, cursor: str | None) -> ProductPage:
        if self._own(phone):
            mine = self.collections.get(collection_id)
            if mine is None:
                raise CollectionNotFound(f"no collection {collection_id} in the catalog")
            items = [self.products[i].view() for i in mine.product_ids if i in self.products]
            cart, catalog = self.cart_enabled, self.catalog_id
        else:
            store = self._store(phone)
            theirs = next((c for c in store.collection_list() if c.id == collection_id), None)
            if theirs is None:
                raise CollectionNotFound(f"{phone} has no collection {collection_id}")
            by_id = {p.id: p for p in store.products()}
            items, cart, catalog = [by_id[i] for i in theirs.product_ids], store.cart_enabled, store.catalog_id
        found, after = _page(items, "cp", collection_id, cursor)
        return ProductPage(tuple(found), cart, after, catalog)

    # products -----------------------------------------------------------------------------------------
    async def save(self, draft: ProductDraft) -> str:
        existing = self._target(draft)
        if existing is None:
            return await self._create(draft)
        edited = replace(existing, images=list(existing.images))
        _apply(edited, draft)
        if edited.retailer_id is not None and self._by_retailer(edited.retailer_id) not in (None, edited.id):
            raise _refuse(f"another product of the catalog has the retailerId {edited.retailer_id}")
        _check_sale(edited)
        await self._commit(products=[edited])
        return edited.id

    def _target(self, draft: ProductDraft) -> SandboxProduct | None:
        if draft.id is not None:
            found = self.products.get(draft.id)
            if found is None:
                raise ProductNotFound(f"no product {draft.id} in the catalog")
            return found
        same = self._by_retailer(draft.retailer_id) if draft.retailer_id is not None else None
        return self.products[same] if same is not None else None

    def _by_retailer(self, retailer_id: str) -> str | None:
        return next((p.id for p in self.products.values() if p.retailer_id == retailer_id), None)

    async def _create(self, draft: ProductDraft) -> str:
        for key, value in (("name", draft.name), ("price", draft.price_1000), ("currency", draft.currency),
                           ("images", draft.images)):
            if value is None:
                raise InvalidInput("is required to create a product", field=key)
        if len(self.products) >= MAX_PRODUCTS:
            raise _refuse(f"the catalog holds {MAX_PRODUCTS} products, the most the sandbox keeps")
        assert draft.name is not None and draft.price_1000 is not None and draft.currency is not None
        product = SandboxProduct(id=self._new_id("product", self.products, 16), name=draft.name,
                                 price_1000=draft.price_1000, currency=draft.currency, created_ms=self.clock())
        _apply(product, draft)
        _check_sale(product)
        await self._commit(products=[product])
        return product.id

    async def delete(self, product_id: str) -> None:
        if product_id not in self.products:
            raise ProductNotFound(f"no product {product_id} in the catalog")
        holding = [replace(c, product_ids=[i for i in c.product_ids if i != product_id])
                   for c in self.collections.values() if product_id in c.product_ids]
        await self._commit(collections=holding, gone=[f"product:{product_id}"])

    # collections --------------------------------------------------------------------------------------
    def _collection(self, collection_id: str) -> SandboxCollection:
        found = self.collections.get(collection_id)
        if found is None:
            raise CollectionNotFound(f"no collection {collection_id} in the catalog (adding or removing "
                                     "products gives a collection a new id)")
        return found

    def _known(self, product_ids: Sequence[str]) -> list[str]:
        missing = [i for i in product_ids if i not in self.products]
        if missing:
            raise ProductNotFound(f"no product {', '.join(missing)} in the catalog")
        return list(product_ids)

    async def create_collection(self, name: str, product_ids: Sequence[str]) -> Collection:
        if len(self.collections) >= MAX_COLLECTIONS:
            raise _refuse(f"the catalog holds {MAX_COLLECTIONS} collections, the most the sandbox keeps")
        made = SandboxCollection(id=self._new_id("collection", self.collections, 15), name=name,
                                 changed_ms=self.clock(), product_ids=self._known(product_ids))
        await self._commit(collections=[made])
        return made.view(self.clock())

    async def rename_collection(self, collection_id: str, name: str) -> Collection:
        renamed = replace(self._collection(collection_id), name=name, changed_ms=self.clock())
        await self._commit(collections=[renamed])
        return renamed.view(self.clock())

    async def delete_collection(self, collection_id: str) -> None:
        self._collection(collection_id)
        await self._commit(gone=[f"collection:{collection_id}"])

    async def change_collection(self, collection_id: str, product_ids: Sequence[str], *, add: bool) -> Collection:
        old = self._collection(collection_id)
        if add:
            members = old.product_ids + [i for i in self._known(product_ids) if i not in old.product_ids]
        else:
            absent = [i for i in product_ids if i not in old.product_ids]
            if absent:
                raise _refuse(f"product {', '.join(absent)} is not in the collection")
            members = [i for i in old.product_ids if i not in product_ids]
        new = SandboxCollection(id=self._new_id("collection", self.collections, 15), name=old.name,
                                changed_ms=self.clock(), product_ids=members)
        await self._commit(collections=[new], gone=[f"collection:{old.id}"])
        return new.view(self.clock())

    async def set_cart(self, enabled: bool) -> None:
        if self.store is not None:
            await self.store.save_catalog(self.instance_id, {"config": {"cart_enabled": enabled, "v": 1}})
        self.cart_enabled = enabled


def _apply(product: SandboxProduct, draft: ProductDraft) -> None:
    """The draft's given fields onto ``product`` (a copy)."""
    product.name = draft.name if draft.name is not None else product.name
    product.description = draft.description if draft.description is not None else product.description
    product.price_1000 = draft.price_1000 if draft.price_1000 is not None else product.price_1000
    product.currency = draft.currency or product.currency
    if draft.sale_price_1000 is not None or draft.no_sale_price:
        product.sale_price_1000 = draft.sale_price_1000
    if draft.images is not None:
        product.images = [i.sha256_hex for i in draft.images]
    product.retailer_id = draft.retailer_id if draft.retailer_id is not None else product.retailer_id
    product.url = draft.url if draft.url is not None else product.url
    product.hidden = draft.hidden if draft.hidden is not None else product.hidden


def _check_sale(product: SandboxProduct) -> None:
    if product.sale_price_1000 is not None and product.sale_price_1000 >= product.price_1000:
        raise InvalidInput("must be lower than the price", field="salePrice")
