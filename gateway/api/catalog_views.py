"""Our catalog types → Z-API's answer shapes (pure).

Prices leave as WhatsApp keeps them, the amount * 1000 as a string (Z-API's ``"price": "100000"``); a
product's ``quantity`` is a string or null, as Z-API's pages show it.
"""

from __future__ import annotations

from typing import Any

from gateway.core.catalogs import Collection, CollectionPage, Product, ProductPage


def product(p: Product) -> dict[str, Any]:
    return {
        "availability": p.availability, "id": p.id, "retailerId": p.retailer_id, "description": p.description,
        "price": str(p.price_1000), "salePrice": None if p.sale_price_1000 is None else str(p.sale_price_1000),
        "currency": p.currency, "name": p.name, "quantity": None if p.quantity is None else str(p.quantity),
        "images": list(p.images), "isHidden": p.hidden, "url": p.url,
    }


def catalog(page: ProductPage) -> dict[str, Any]:
    """``GET|POST catalogs`` and ``catalogs/{phone}``."""
    return {"cartEnabled": page.cart_enabled, "products": [product(p) for p in page.products],
            "nextCursor": page.next_cursor}


def one_product(page: ProductPage) -> dict[str, Any]:
    """``GET products/{id}``: the catalog's id and cart setting with the product."""
    return {"cartEnabled": page.cart_enabled, "catalogId": page.catalog_id, "product": product(page.products[0])}


def collection_products(page: ProductPage) -> dict[str, Any]:
    return {"nextCursor": page.next_cursor, "products": [product(p) for p in page.products]}


def collections(page: CollectionPage) -> dict[str, Any]:
    return {"nextCursor": page.next_cursor, "collections": [collection(c) for c in page.collections]}


def collection(c: Collection) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "status": c.status}
