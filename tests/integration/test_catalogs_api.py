"""Catalogs (WhatsApp Business products and collections) end to end on the sandbox: the Z-API routes, the worker,
the simulated phone's catalog in Postgres, the simulated shops of other numbers, cursors, and what is refused."""

from __future__ import annotations

import base64
import io

from PIL import Image

from gateway.worker.engines.sandbox.catalog_state import STORES
from tests.support.client import Client
from tests.support.stack import Stack

US, ANA, SHOP, SWEETS = "5511999990000", "5511988881111", "5511900000201", "5521900000202"


def _image(fmt: str = "JPEG", color: tuple[int, int, int] = (20, 90, 200)) -> str:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, fmt)
    mime = {"JPEG": "jpeg", "PNG": "png", "GIF": "gif"}[fmt]
    return f"data:image/{mime};base64," + base64.b64encode(out.getvalue()).decode()


MOUSE = {"currency": "BRL", "description": "Mouse sem fio", "images": [_image(), _image("PNG")], "isHidden": False,
         "name": "Mouse", "price": 20, "salePrice": 18.5, "retailerId": "002", "url": "https://example.com/mouse"}


async def test_a_catalog_life_through_the_api(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    assert await c.call("GET", "catalogs") == {"cartEnabled": True, "products": [], "nextCursor": None}

    mouse = (await c.call("POST", "products", MOUSE))["id"]
    assert mouse.isdigit() and len(mouse) == 16
    got = await c.call("GET", f"products/{mouse}")
    assert got["cartEnabled"] is True and got["catalogId"].isdigit()
    product = got["product"]
    assert (product["name"], product["price"], product["salePrice"], product["currency"]) == (
        "Mouse", "20000", "18500", "BRL")
    assert product["retailerId"] == "002" and product["url"] == "https://example.com/mouse"
    assert product["availability"] == "in stock" and product["quantity"] is None and product["isHidden"] is False
    assert len(product["images"]) == 2 and all(i.startswith("https://pps.whatsapp.net/") for i in product["images"])
    assert product["images"][0] != product["images"][1]

    # Z-API's create-or-edit: the same retailerId edits that product; our ``id`` edits by id
    assert (await c.call("POST", "products", {"retailerId": "002", "price": "25.90"}))["id"] == mouse
    assert (await c.call("POST", "products", {"id": mouse, "isHidden": True, "salePrice": None}))["id"] == mouse
    product = (await c.call("GET", f"products/{mouse}"))["product"]
    assert (product["price"], product["salePrice"], product["isHidden"], product["name"]) == (
        "25900", None, True, "Mouse")
    refused = await c.call("POST", "products", {"id": mouse, "salePrice": 26}, status=400)
    assert refused["field"] == "salePrice"
    refused = await c.call("POST", "products", {"name": "Sem foto", "price": 1, "currency": "BRL"}, status=400)
    assert refused["field"] == "images"
    assert (await c.call("POST", "products", {"id": "1234", "name": "x"}, status=404))["error"] == "PRODUCT_NOT_FOUND"

    pad = (await c.call("POST", "products", {**MOUSE, "name": "Mousepad", "retailerId": "003", "price": 5,
                                             "salePrice": None, "images": _image(color=(1, 2, 3))}))["id"]
    listed = await c.call("GET", "catalogs")
    assert [p["id"] for p in listed["products"]] == [mouse, pad] and listed["products"][0]["isHidden"] is True
    # taking another product's retailerId is refused
    assert (await c.call("POST", "products", {"id": pad, "retailerId": "002"}, status=409))["error"] == "ENGINE_ERROR"

    # collections: created pending review; adding or removing products gives a new id, renaming does not
    first = (await c.call("POST", "catalogs/collection", {"name": "Periféricos", "productIds": [mouse]}))[
        "collectionId"]
    assert await c.call("GET", "catalogs/collection") == {"nextCursor": None, "collections": [
        {"id": first, "name": "Periféricos", "status": "PENDING"}]}
    assert await c.call("POST", f"catalogs/collection-edit/{first}", {"name": "Acessórios"}) == {
        "success": True, "collectionId": first}
    added = await c.call("POST", "catalogs/collection/add-product", {"collectionId": first, "productIds": [pad]})
    second = added["collectionId"]
    assert added["success"] is True and second != first
    gone = await c.call("DELETE", f"catalogs/collection/{first}", status=404)
    assert gone["error"] == "COLLECTION_NOT_FOUND"
    inside = await c.call("GET", f"catalogs/collection-products/{US}?collectionId={second}")
    assert inside["nextCursor"] is None and [p["id"] for p in inside["products"]] == [mouse, pad]
    await c.call("POST", "catalogs/collection/add-product", {"collectionId": second, "productIds": ["99"]},
                 status=404)
    third = (await c.call("POST", "catalogs/collection/remove-product",
                          {"collectionId": second, "productIds": [mouse]}))["collectionId"]
    await c.call("POST", "catalogs/collection/remove-product", {"collectionId": third, "productIds": [mouse]},
                 status=409)

    # a product deleted leaves its collections too
    assert await c.call("DELETE", f"products/{pad}") == {"success": True}
    await c.call("GET", f"products/{pad}", status=404)
    assert (await c.call("GET", f"catalogs/collection-products/{US}?collectionId={third}"))["products"] == []
    assert await c.call("DELETE", f"catalogs/collection/{third}") == {"success": True}
    assert (await c.call("GET", "catalogs/collection"))["collections"] == []

    assert await c.call("POST", "catalogs/config", {"cartEnabled": False}) == {"success": True}
    assert (await c.call("POST", "catalogs", {}))["cartEnabled"] is False
    assert (await c.call("GET", f"catalogs/{US}"))["products"][0]["id"] == mouse  # our own number: our catalog


async def test_other_numbers_catalogs_page_by_cursor(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    first = await c.call("GET", f"catalogs/{SHOP}")
    assert first["cartEnabled"] is True and len(first["products"]) == 10 and first["nextCursor"]
    second = await c.call("GET", f"catalogs/{SHOP}?nextCursor={first['nextCursor']}")
    third = await c.call("POST", f"catalogs/{SHOP}", {"nextCursor": second["nextCursor"]})
    assert len(second["products"]) == 10 and len(third["products"]) == 3 and third["nextCursor"] is None
    ids = [p["id"] for page in (first, second, third) for p in page["products"]]
    assert len(set(ids)) == 23 and first["products"][0]["name"] == "Caixa de Abacaxi"
    assert first["products"][0]["price"] == "9900" and first["products"][0]["retailerId"] == "SKU-001"
    sweets = await c.call("POST", f"catalogs/{SWEETS}")  # v2 without a body: the first page
    assert sweets["cartEnabled"] is False and len(sweets["products"]) == 4

    # a cursor is only good for the list it came from
    bad = await c.call("GET", f"catalogs/{SWEETS}?nextCursor={first['nextCursor']}", status=400)
    assert bad["field"] == "nextCursor"
    await c.call("POST", "catalogs", {"nextCursor": "not a cursor!"}, status=400)

    # someone without a catalog, someone not on WhatsApp
    for phone in (ANA, "5511988880404"):
        missing = await c.call("GET", f"catalogs/{phone}", status=404)
        assert missing["error"] == "CATALOG_NOT_FOUND"
    await c.call("GET", "catalogs/12ab", status=400)

    # a shop's collection, paged
    fruit = STORES[SHOP].collection_list()[0]
    got = await c.call("GET", f"catalogs/collection-products/{SHOP}?collectionId={fruit.id}")
    assert [p["id"] for p in got["products"]] == list(fruit.product_ids) and got["nextCursor"] is None
    await c.call("GET", f"catalogs/collection-products/{SHOP}?collectionId=123", status=404)
    await c.call("GET", f"catalogs/collection-products/{SHOP}", status=400)  # collectionId is required


async def test_what_is_refused_before_the_worker(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    base = {"name": "X", "currency": "BRL", "images": [_image()]}
    for change, field in (({"price": "abc"}, "price"), ({"price": 1.2345}, "price"), ({"price": -1}, "price"),
                          ({"price": 1, "currency": "REAL"}, "currency"), ({"price": 1, "images": []}, "images"),
                          ({"price": 1, "images": [_image()] * 11}, "images"),
                          ({"price": 1, "images": [_image("GIF")]}, "images.0"),
                          ({"price": 1, "images": ["http://127.0.0.1/a.jpg"]}, "images.0"),
                          ({"price": 1, "url": "ftp://x"}, "url"), ({"price": 1, "isHidden": "no"}, "isHidden"),
                          ({"price": 1, "name": " "}, "name"), ({"price": 1, "id": "12a"}, "id")):
        refused = await c.call("POST", "products", {**base, **change}, status=400)
        assert refused["field"] == field, (change, refused)
    await c.call("POST", "catalogs/collection", {"name": "x", "productIds": []}, status=400)
    await c.call("POST", "catalogs/collection", {"productIds": ["1"]}, status=400)
    await c.call("POST", "catalogs/collection/add-product", {"productIds": ["1"]}, status=400)
    await c.call("POST", "catalogs/config", {"cartEnabled": "maybe"}, status=400)
    await c.call("POST", "catalogs/collection-edit/abc", {"name": "x"}, status=400)
    assert (await c.call("GET", "catalogs"))["products"] == []  # nothing reached the catalog


async def test_the_catalog_survives_a_new_engine(stack: Stack) -> None:
    """The state is in Postgres: another worker (here: a restarted engine) finds the catalog as it was."""
    inst = await stack.paired(US)
    c = Client(stack, inst)
    mouse = (await c.call("POST", "products", MOUSE))["id"]
    kept = (await c.call("POST", "catalogs/collection", {"name": "Kept", "productIds": [mouse]}))["collectionId"]
    await c.call("POST", "catalogs/config", {"cartEnabled": False})
    rows = await stack.worker.store.db.pool.fetch("SELECT item FROM sandbox_catalogs WHERE instance_id = $1",
                                                  inst["id"])
    assert {r["item"] for r in rows} == {f"product:{mouse}", f"collection:{kept}", "config"}
    await c.call("GET", "restart")
    await stack.receiver.wait_for(lambda: sum(x.path == "/connected" for x in stack.receiver.unique()) >= 2)
    listed = await c.call("GET", "catalogs")
    assert listed["cartEnabled"] is False and [p["name"] for p in listed["products"]] == ["Mouse"]
    assert [x["id"] for x in (await c.call("GET", "catalogs/collection"))["collections"]] == [kept]
