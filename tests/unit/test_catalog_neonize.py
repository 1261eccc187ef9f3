"""Catalogs on the neonize engine: every catalog operation, through the worker's dispatch, on a real neonize engine
object is a documented 501 and reaches nothing of neonize's client; every catalog route maps to its gap."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.api.engine_support import NEONIZE_ROUTE_GAPS
from gateway.core.catalogs import CatalogOp, ProductDraft
from gateway.core.engine_gaps import REASONS, NeonizeGap
from gateway.core.errors import Unsupported
from gateway.core.events import to_plain
from gateway.worker.catalogs import run_catalog_op
from gateway.worker.engines.neonize.engine import NeonizeEngine
from tests.support.neonize_engine import offline_engine

ARGS: dict[CatalogOp, dict[str, Any]] = {
    CatalogOp.PRODUCTS: {"phone": "5511900000201", "cursor": None},
    CatalogOp.PRODUCT: {"id": "1"},
    CatalogOp.SAVE_PRODUCT: {"product": to_plain(ProductDraft(name="x", price_1000=1000, currency="BRL"))},
    CatalogOp.DELETE_PRODUCT: {"id": "1"},
    CatalogOp.COLLECTIONS: {},
    CatalogOp.CREATE_COLLECTION: {"name": "x", "productIds": ["1"]},
    CatalogOp.RENAME_COLLECTION: {"id": "1", "name": "x"},
    CatalogOp.DELETE_COLLECTION: {"id": "1"},
    CatalogOp.ADD_TO_COLLECTION: {"id": "1", "productIds": ["1"]},
    CatalogOp.REMOVE_FROM_COLLECTION: {"id": "1", "productIds": ["1"]},
    CatalogOp.COLLECTION_PRODUCTS: {"phone": "5511900000201", "id": "1"},
    CatalogOp.CONFIG: {"cartEnabled": True},
}
READS = {CatalogOp.PRODUCTS, CatalogOp.PRODUCT, CatalogOp.COLLECTIONS, CatalogOp.COLLECTION_PRODUCTS}


@pytest.fixture
async def engine() -> AsyncIterator[NeonizeEngine]:
    yield offline_engine("NZCT")


async def test_every_catalog_call_is_a_501_and_nothing_reaches_neonize(engine: NeonizeEngine) -> None:
    calls: list[str] = []
    for name in dir(type(engine.client)):
        if not name.startswith("_") and callable(getattr(type(engine.client), name)):
            setattr(engine.client, name, lambda *_a, _n=name, **_k: calls.append(_n))
    assert set(ARGS) == set(CatalogOp)
    for op, args in ARGS.items():
        with pytest.raises(Unsupported) as gap:
            await run_catalog_op(engine, {"op": op.value, **args})
        gap_kind = NeonizeGap.CATALOG_READ if op in READS else NeonizeGap.CATALOG_EDIT
        assert gap.value.http_status() == 501 and REASONS[gap_kind] in gap.value.message, op
        assert "neonize 0.5.2" in gap.value.message and "w:biz:catalog" in gap.value.message
    assert calls == []


def test_every_catalog_route_names_its_gap() -> None:
    routes = {route: gaps for route, gaps in NEONIZE_ROUTE_GAPS.items()
              if route[1].startswith(("/catalogs", "/products"))}
    assert len(routes) == 15
    for (method, path), (gap,) in routes.items():
        assert gap.whole
        reading = method == "GET" or (method == "POST" and path in ("/catalogs", "/catalogs/{phone}"))
        assert gap.gap is (NeonizeGap.CATALOG_READ if reading else NeonizeGap.CATALOG_EDIT), (method, path)
