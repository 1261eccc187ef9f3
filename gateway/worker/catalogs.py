"""Catalog calls the api makes on an instance's engine (the control path): ``Action.CATALOG`` with an ``op``.

Arguments arrive validated by the api (phones as digits, ids as digits, a product draft as the plain JSON of
``ProductDraft``); answers leave as plain JSON values of our own catalog types (``gateway.core.events.to_plain``),
which the api shapes as Z-API answers.
"""

from __future__ import annotations

from typing import Any

from gateway.core.catalogs import CatalogOp, ProductDraft
from gateway.core.errors import InvalidInput, Unsupported
from gateway.core.events import from_plain, to_plain
from gateway.worker.engines.base import Engine
from gateway.worker.engines.catalogs import CatalogMethods


def _op(args: dict[str, Any]) -> CatalogOp:
    try:
        return CatalogOp(str(args.get("op")))
    except ValueError as exc:
        raise InvalidInput("unknown catalog operation", field="op") from exc


def _ids(args: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(i) for i in args.get("productIds") or ())


async def run_catalog_op(engine: Engine, args: dict[str, Any]) -> dict[str, Any]:
    op = _op(args)
    if not isinstance(engine, CatalogMethods):
        raise Unsupported("this engine does not manage product catalogs")
    key, cursor = str(args.get("id", "")), args.get("cursor") or None
    if op is CatalogOp.PRODUCTS:
        return {"page": to_plain(await engine.catalog_page(args.get("phone") or None, cursor))}
    if op is CatalogOp.PRODUCT:
        return {"page": to_plain(await engine.product(key))}
    if op is CatalogOp.SAVE_PRODUCT:
        return {"id": await engine.save_product(from_plain(ProductDraft, args["product"]))}
    if op is CatalogOp.DELETE_PRODUCT:
        await engine.delete_product(key)
        return {}
    if op is CatalogOp.COLLECTIONS:
        return {"page": to_plain(await engine.collections(cursor))}
    if op is CatalogOp.COLLECTION_PRODUCTS:
        return {"page": to_plain(await engine.collection_products(str(args["phone"]), key, cursor))}
    if op is CatalogOp.CONFIG:
        await engine.set_cart_enabled(bool(args["cartEnabled"]))
        return {}
    if op is CatalogOp.DELETE_COLLECTION:
        await engine.delete_collection(key)
        return {}
    if op is CatalogOp.CREATE_COLLECTION:
        made = await engine.create_collection(str(args["name"]), _ids(args))
    elif op is CatalogOp.RENAME_COLLECTION:
        made = await engine.rename_collection(key, str(args["name"]))
    else:
        made = await engine.change_collection(key, _ids(args), add=op is CatalogOp.ADD_TO_COLLECTION)
    return {"collection": to_plain(made)}
