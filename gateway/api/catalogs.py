"""Z-API catalog routes (WhatsApp Business products and collections): validated here, run by the worker that owns
the instance, answered in Z-API's shapes (every status 200, as Z-API's pages have it).

A catalog, product or collection the engine cannot find answers 404 (``CATALOG_NOT_FOUND``,
``PRODUCT_NOT_FOUND``, ``COLLECTION_NOT_FOUND``); what WhatsApp refuses 409; what the engine's library cannot do
501 ``NOT_SUPPORTED`` (the neonize engine: all of it, see docs/catalogs.md). Product images are fetched through
the media fetcher (public addresses only, bounded) or decoded from a data URI, and checked here; the engine gets
their digests and sizes.

Route order matters: the fixed ``catalogs/collection``, ``catalogs/config`` paths come before ``catalogs/{phone}``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Body, Path, Query

from gateway.api import catalog_docs as d
from gateway.api import catalog_views as v
from gateway.api.account import Json, instance_router
from gateway.api.account import fields as json_fields
from gateway.api.auth import InstanceDep, State
from gateway.api.bodies import PHONE
from gateway.api.instance import control
from gateway.api.newsletter_docs import inline_doc
from gateway.api.openapi import CONTROL_FAILS
from gateway.api.sendspec import Body as Fields
from gateway.api.state import AppState
from gateway.core.catalogs import (
    IMAGE_TYPES,
    MAX_CURSOR,
    MAX_DESCRIPTION,
    MAX_IMAGES,
    MAX_NAME,
    MAX_RETAILER_ID,
    MAX_URL,
    CatalogOp,
    Collection,
    CollectionPage,
    ProductDraft,
    ProductImage,
    ProductPage,
    parse_currency,
    parse_cursor,
    parse_id,
    parse_ids,
    price_1000,
)
from gateway.core.commands import Action
from gateway.core.errors import InvalidInput
from gateway.core.events import from_plain, to_plain
from gateway.media.input import parse_media, sniff
from gateway.media.prepare import check_image

router = instance_router("catalogs")
PhonePath = Annotated[str, Path(pattern=PHONE, description="the catalog owner's number, digits with country code")]
IdPath = Annotated[str, Path(pattern=r"^\d{1,32}$", description="WhatsApp's numeric id")]
CursorQuery = Annotated[str | None, Query(alias="nextCursor", max_length=MAX_CURSOR)]
OptionalJson = Annotated[Any, Body()]
FAILS = (*CONTROL_FAILS, 501)
SUCCESS = {"success": True}


async def catalog_op(zg: AppState, instance_id: str, op: CatalogOp, **args: Any) -> dict[str, Any]:
    return await control(zg).call(instance_id, Action.CATALOG, op=op.value, **args)


async def _page(zg: AppState, instance_id: str, phone: str | None, cursor: str | None) -> dict[str, Any]:
    reply = await catalog_op(zg, instance_id, CatalogOp.PRODUCTS, phone=phone, cursor=parse_cursor(cursor))
    return v.catalog(from_plain(ProductPage, reply["page"]))


def _optional(documented: dict[str, Any]) -> dict[str, Any]:
    """The v2 routes: the body (``{"nextCursor"}``) may be left out for the first page."""
    documented["openapi_extra"]["requestBody"]["required"] = False
    return documented


def _body_cursor(body: object) -> str | None:
    if body is None:
        return None
    return parse_cursor(json_fields(body).raw.get("nextCursor"))


# collections (before catalogs/{phone}) ------------------------------------------------------------------
@router.get("/catalogs/collection", **inline_doc(ok=d.CollectionList, fails=FAILS))
async def list_collections(instance: InstanceDep, zg: State, next_cursor: CursorQuery = None) -> dict[str, Any]:
    reply = await catalog_op(zg, instance.id, CatalogOp.COLLECTIONS, cursor=parse_cursor(next_cursor))
    return v.collections(from_plain(CollectionPage, reply["page"]))


@router.post("/catalogs/collection", **inline_doc(d.CreateCollection, ok=d.CreatedCollection, fails=FAILS))
async def create_collection(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    name = fields.str_("name", required=True, max_len=MAX_NAME).strip()
    ids = parse_ids(fields.raw.get("productIds"), "productIds")
    reply = await catalog_op(zg, instance.id, CatalogOp.CREATE_COLLECTION, name=name, productIds=list(ids))
    return {"collectionId": from_plain(Collection, reply["collection"]).id}


@router.post("/catalogs/collection-edit/{collection_id}", **inline_doc(d.RenameCollection, ok=d.CollectionChanged,
                                                                         fails=FAILS))
async def edit_collection(instance: InstanceDep, zg: State, collection_id: IdPath, body: Json) -> dict[str, Any]:
    name = json_fields(body).str_("name", required=True, max_len=MAX_NAME).strip()
    reply = await catalog_op(zg, instance.id, CatalogOp.RENAME_COLLECTION, id=collection_id, name=name)
    return {**SUCCESS, "collectionId": from_plain(Collection, reply["collection"]).id}


@router.delete("/catalogs/collection/{collection_id}", **inline_doc(ok=d.Success, fails=FAILS))
async def delete_collection(instance: InstanceDep, zg: State, collection_id: IdPath) -> dict[str, Any]:
    await catalog_op(zg, instance.id, CatalogOp.DELETE_COLLECTION, id=collection_id)
    return SUCCESS


def _membership_route(path: str, op: CatalogOp) -> None:
    async def change(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
        fields = json_fields(body)
        if fields.raw.get("collectionId") is None:
            raise InvalidInput("is required", field="collectionId")
        key = parse_id(fields.raw["collectionId"], "collectionId")
        ids = parse_ids(fields.raw.get("productIds"), "productIds")
        reply = await catalog_op(zg, instance.id, op, id=key, productIds=list(ids))
        return {**SUCCESS, "collectionId": from_plain(Collection, reply["collection"]).id}

    change.__name__ = path.replace("-", "_") + "_to_collection"
    router.post(f"/catalogs/collection/{path}", **inline_doc(d.CollectionProducts, ok=d.CollectionChanged,
                                                              fails=FAILS))(change)


_membership_route("add-product", CatalogOp.ADD_TO_COLLECTION)
_membership_route("remove-product", CatalogOp.REMOVE_FROM_COLLECTION)


@router.get("/catalogs/collection-products/{phone}", **inline_doc(ok=d.CollectionProductPage, fails=FAILS))
async def collection_products(instance: InstanceDep, zg: State, phone: PhonePath,
                              collection_id: Annotated[str, Query(alias="collectionId", max_length=32)],
                              next_cursor: CursorQuery = None) -> dict[str, Any]:
    reply = await catalog_op(zg, instance.id, CatalogOp.COLLECTION_PRODUCTS, phone=phone,
                             id=parse_id(collection_id, "collectionId"), cursor=parse_cursor(next_cursor))
    return v.collection_products(from_plain(ProductPage, reply["page"]))


@router.post("/catalogs/config", **inline_doc(d.CatalogConfig, ok=d.Success, fails=FAILS))
async def catalog_config(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    raw = json_fields(body).raw.get("cartEnabled")
    enabled = {True: True, False: False, "true": True, "false": False}.get(raw) if isinstance(raw, bool | str) else None
    if enabled is None:
        raise InvalidInput("must be true or false", field="cartEnabled")
    await catalog_op(zg, instance.id, CatalogOp.CONFIG, cartEnabled=enabled)
    return SUCCESS


# catalogs -----------------------------------------------------------------------------------------------
@router.get("/catalogs", **inline_doc(ok=d.CatalogPage, fails=FAILS))
async def get_products(instance: InstanceDep, zg: State, next_cursor: CursorQuery = None) -> dict[str, Any]:
    return await _page(zg, instance.id, None, next_cursor)


@router.post("/catalogs", **_optional(inline_doc(d.PageRequest, ok=d.CatalogPage, fails=FAILS)))
async def get_products_v2(instance: InstanceDep, zg: State, body: OptionalJson = None) -> dict[str, Any]:
    return await _page(zg, instance.id, None, _body_cursor(body))


@router.get("/catalogs/{phone}", **inline_doc(ok=d.CatalogPage, fails=FAILS))
async def get_products_of(instance: InstanceDep, zg: State, phone: PhonePath,
                          next_cursor: CursorQuery = None) -> dict[str, Any]:
    return await _page(zg, instance.id, phone, next_cursor)


@router.post("/catalogs/{phone}", **_optional(inline_doc(d.PageRequest, ok=d.CatalogPage, fails=FAILS)))
async def get_products_of_v2(instance: InstanceDep, zg: State, phone: PhonePath,
                             body: OptionalJson = None) -> dict[str, Any]:
    return await _page(zg, instance.id, phone, _body_cursor(body))


# products -----------------------------------------------------------------------------------------------
@router.get("/products/{product_id}", **inline_doc(ok=d.OneProduct, fails=FAILS))
async def get_product(instance: InstanceDep, zg: State, product_id: IdPath) -> dict[str, Any]:
    reply = await catalog_op(zg, instance.id, CatalogOp.PRODUCT, id=product_id)
    return v.one_product(from_plain(ProductPage, reply["page"]))


@router.delete("/products/{product_id}", **inline_doc(ok=d.Success, fails=FAILS))
async def delete_product(instance: InstanceDep, zg: State, product_id: IdPath) -> dict[str, Any]:
    await catalog_op(zg, instance.id, CatalogOp.DELETE_PRODUCT, id=product_id)
    return SUCCESS


@router.post("/products", **inline_doc(d.SaveProduct, ok=d.SavedProduct, fails=(*FAILS, 502)))
async def save_product(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    """Create or edit a product: every field is checked before any image is fetched."""
    fields = json_fields(body)
    draft = _draft(fields)
    raw_images = fields.raw.get("images")
    if raw_images is not None:
        images = raw_images if isinstance(raw_images, list) else [raw_images]
        if not images or len(images) > MAX_IMAGES:
            raise InvalidInput(f"must have 1 to {MAX_IMAGES} images", field="images")
        given = [parse_media(value, f"images.{i}", "image", zg.settings.max_media_bytes)
                 for i, value in enumerate(images)]
        checked = [await _image(zg, g.data, g.url, f"images.{i}") for i, g in enumerate(given)]
        draft = dataclasses.replace(draft, images=tuple(checked))
    reply = await catalog_op(zg, instance.id, CatalogOp.SAVE_PRODUCT, product=to_plain(draft))
    return {"id": str(reply["id"])}


async def _image(zg: AppState, data: bytes | None, url: str | None, field: str) -> ProductImage:
    """Fetched through the media fetcher (never a private address) or decoded, then checked as WhatsApp would."""
    if data is None:
        data = await zg.media.fetcher.fetch(url or "", field, zg.settings.max_media_bytes)
    mime = sniff(data)
    if mime not in IMAGE_TYPES:
        raise InvalidInput(f"is {mime or 'of an unknown type'}, not a JPEG or PNG image", field=field)
    width, height = await asyncio.to_thread(check_image, data, field, zg.settings.media_max_pixels)
    return ProductImage(sha256_hex=hashlib.sha256(data).hexdigest(), mime_type=mime, size=len(data), width=width,
                        height=height)


def _text(fields: Fields, key: str, limit: int, *, allow_empty: bool = False) -> str | None:
    if fields.raw.get(key) is None:
        return None
    value = fields.str_(key, required=True, max_len=limit, allow_empty=allow_empty).strip()
    if not value and not allow_empty:
        raise InvalidInput("must not be empty", field=key)
    return value


def _draft(fields: Fields) -> ProductDraft:
    raw = fields.raw
    retailer = raw.get("retailerId")
    if isinstance(retailer, int) and not isinstance(retailer, bool):
        retailer = str(retailer)
    url = _text(fields, "url", MAX_URL, allow_empty=True) or None
    if url is not None and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        raise InvalidInput("must be an http(s) URL", field="url")
    hidden = raw.get("isHidden")
    if hidden is not None and not isinstance(hidden, bool):
        raise InvalidInput("must be true or false", field="isHidden")
    return ProductDraft(
        id=parse_id(raw["id"], "id") if raw.get("id") is not None else None,
        name=_text(fields, "name", MAX_NAME),
        description=_text(fields, "description", MAX_DESCRIPTION, allow_empty=True),
        price_1000=price_1000(raw["price"], "price") if raw.get("price") is not None else None,
        sale_price_1000=price_1000(raw["salePrice"], "salePrice") if raw.get("salePrice") is not None else None,
        no_sale_price="salePrice" in raw and raw["salePrice"] is None,
        currency=parse_currency(raw["currency"]) if raw.get("currency") is not None else None,
        retailer_id=_text(Fields({"retailerId": retailer}, 0), "retailerId", MAX_RETAILER_ID),
        url=url, hidden=hidden)
