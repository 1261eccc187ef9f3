"""The sandbox catalog's rules without services: Z-API prices to WhatsApp's, cursors, the review of collections
(on a clock the test moves), and what a store given the world's changes holds."""

from __future__ import annotations

import random
from typing import Any

import pytest

from gateway.core.catalogs import ProductDraft, ProductImage, parse_cursor, parse_ids, price_1000
from gateway.core.errors import CollectionNotFound, EngineError, InvalidInput, ProductNotFound
from gateway.worker.engines.sandbox.catalog_state import REVIEW_S, decode_cursor, encode_cursor
from gateway.worker.engines.sandbox.catalog_world import CatalogWorld

IMAGE = ProductImage(sha256_hex="ab" * 32, mime_type="image/jpeg", size=10, width=1, height=1)


@pytest.mark.parametrize(("given", "expected"), [(20, 20000), (18.5, 18500), ("25.90", 25900), (0, 0),
                                                 ("0.001", 1), (10**9, 10**12)])
def test_prices_become_whatsapps_amount_times_1000(given: object, expected: int) -> None:
    assert price_1000(given, "price") == expected


@pytest.mark.parametrize("given", [True, None, "abc", -1, 1.2345, "1e3", 10**9 + 1, float("nan"), [1]])
def test_prices_that_are_refused(given: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        price_1000(given, "salePrice")
    assert refused.value.field == "salePrice"


def test_ids_and_cursors() -> None:
    assert parse_ids(["12", 12, "12", " 7 "], "productIds") == ("12", "7")
    with pytest.raises(InvalidInput, match="digits") as bad:
        parse_ids(["1", "x"], "productIds")
    assert bad.value.field == "productIds.1"
    cursor = encode_cursor("p", "123", 10)
    assert parse_cursor(cursor) == cursor and decode_cursor(cursor, "p", "123") == 10
    assert decode_cursor(None, "p", "123") == 0 and parse_cursor("") is None
    for other in (encode_cursor("c", "123", 10), encode_cursor("p", "999", 10), "bm9wZQ==",
                  encode_cursor("p", "123", -1)):
        with pytest.raises(InvalidInput):
            decode_cursor(other, "p", "123")


class MemoryStore:
    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    async def load_catalog(self, instance_id: str) -> dict[str, dict[str, Any]]:
        return dict(self.items)

    async def save_catalog(self, instance_id: str, items: dict[str, dict[str, Any] | None]) -> None:
        for item, state in items.items():
            if state is None:
                self.items.pop(item, None)
            else:
                self.items[item] = state


def world(store: MemoryStore, clock: list[int]) -> CatalogWorld:
    return CatalogWorld("INST", store, rng=random.Random(1), clock=lambda: clock[0], me=lambda: "5511999990000")


async def test_collections_are_reviewed_and_change_ids_and_the_store_follows() -> None:
    store, clock = MemoryStore(), [1_000_000]
    w = world(store, clock)
    async with w.change():
        mouse = await w.save(ProductDraft(name="Mouse", price_1000=20000, currency="BRL", images=(IMAGE,)))
        made = await w.create_collection("Periféricos", [mouse])
        assert made.status == "PENDING"
        clock[0] += REVIEW_S * 1000
        assert [c.status for c in w.collection_page(None).collections] == ["APPROVED"]
        moved = await w.change_collection(made.id, [mouse], add=False)
        assert moved.id != made.id and moved.status == "PENDING" and moved.product_ids == ()
        with pytest.raises(CollectionNotFound):
            await w.rename_collection(made.id, "x")
        with pytest.raises(ProductNotFound):
            await w.create_collection("Outra", [mouse, "42"])
    assert set(store.items) == {f"product:{mouse}", f"collection:{moved.id}"}

    again = world(store, clock)  # another worker: the same catalog from the store
    async with again.change():
        assert [p.name for p in again.page(None, None).products] == ["Mouse"]
        assert [c.id for c in again.collection_page(None).collections] == [moved.id]


async def test_product_rules() -> None:
    w = world(MemoryStore(), [5])
    async with w.change():
        with pytest.raises(InvalidInput) as missing:
            await w.save(ProductDraft(name="x", price_1000=1, currency="BRL"))
        assert missing.value.field == "images"
        first = await w.save(ProductDraft(name="A", price_1000=1000, currency="BRL", images=(IMAGE,), retailer_id="1"))
        second = await w.save(ProductDraft(name="B", price_1000=1000, currency="BRL", images=(IMAGE,)))
        assert await w.save(ProductDraft(retailer_id="1", description="d")) == first
        with pytest.raises(EngineError):
            await w.save(ProductDraft(id=second, retailer_id="1"))
        with pytest.raises(InvalidInput) as sale:
            await w.save(ProductDraft(id=first, sale_price_1000=1000))
        assert sale.value.field == "salePrice"
        product = w.product(first).products[0]
        assert (product.name, product.description, product.sale_price_1000) == ("A", "d", None)
