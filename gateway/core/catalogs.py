"""Product catalogs of WhatsApp Business at the engine boundary: our own types and the rules of their input (pure).

Engines translate their catalog into these; the worker carries them to the api with the event codec
(``gateway.core.events.to_plain``/``from_plain``); the api shapes them as Z-API answers (``api/catalog_views``).

Prices are kept as WhatsApp keeps them: the amount times 1000, an integer (``price_1000``; R$ 20,00 is
``20000``). Z-API takes a price in the currency's units (``"price": 20``) and answers WhatsApp's form as a
string (``"price": "20000"``): ``price_1000`` converts one into the other. Product and collection ids are
WhatsApp's numeric ids, as strings. A page's ``next_cursor`` is the engine's, opaque to the api.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from gateway.core.errors import InvalidInput

MAX_NAME = 150  # a product's or a collection's name (our bound)
MAX_DESCRIPTION = 5000
MAX_RETAILER_ID = 100
MAX_URL = 2048
MAX_IMAGES = 10  # WhatsApp shows at most 10 images per product
MAX_IDS = 100  # product ids in one collection call
MAX_CURSOR = 2048
MAX_PRICE = 10**9  # in the currency's units
PAGE_SIZE = 10  # products or collections per page
IMAGE_TYPES = ("image/jpeg", "image/png")  # what WhatsApp takes as a product image
AVAILABILITY = "in stock"

_ID = re.compile(r"\d{1,32}", re.ASCII)
_CURRENCY = re.compile(r"[A-Za-z]{3}", re.ASCII)
_CURSOR = re.compile(r"[A-Za-z0-9_=+/.-]+", re.ASCII)
_PRICE = re.compile(r"\d{1,10}(\.\d{1,3})?", re.ASCII)


class CatalogOp(StrEnum):
    """The catalog calls the api asks a worker to run on the instance's engine."""

    PRODUCTS = "products"  # a catalog's page: the phone's own, or another number's
    PRODUCT = "product"
    SAVE_PRODUCT = "save_product"
    DELETE_PRODUCT = "delete_product"
    COLLECTIONS = "collections"
    CREATE_COLLECTION = "create_collection"
    RENAME_COLLECTION = "rename_collection"
    DELETE_COLLECTION = "delete_collection"
    ADD_TO_COLLECTION = "add_to_collection"
    REMOVE_FROM_COLLECTION = "remove_from_collection"
    COLLECTION_PRODUCTS = "collection_products"
    CONFIG = "config"


@dataclass(frozen=True, slots=True)
class ProductImage:
    """An image the api fetched (or decoded) and checked: what an engine needs to upload or address it."""

    sha256_hex: str
    mime_type: str
    size: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    name: str
    price_1000: int
    currency: str
    description: str = ""
    sale_price_1000: int | None = None
    images: tuple[str, ...] = ()  # URLs (WhatsApp's CDN)
    retailer_id: str | None = None
    url: str | None = None
    hidden: bool = False
    availability: str = AVAILABILITY
    quantity: int | None = None  # WhatsApp keeps no stock count for a plain catalog


@dataclass(frozen=True, slots=True)
class ProductDraft:
    """A product to create or edit. ``id`` names the product to edit; without it, a product with the same
    ``retailer_id`` is edited, or a new one is created. ``None`` fields keep their value (or are required
    to create: name, price, currency, images)."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    price_1000: int | None = None
    sale_price_1000: int | None = None
    no_sale_price: bool = False  # ``salePrice: null`` given: remove the sale price
    currency: str | None = None
    images: tuple[ProductImage, ...] | None = None
    retailer_id: str | None = None
    url: str | None = None
    hidden: bool | None = None


@dataclass(frozen=True, slots=True)
class ProductPage:
    products: tuple[Product, ...] = ()
    cart_enabled: bool = True
    next_cursor: str | None = None
    catalog_id: str = ""


@dataclass(frozen=True, slots=True)
class Collection:
    id: str
    name: str
    status: str = "PENDING"  # PENDING (in WhatsApp's review) | APPROVED | REJECTED
    product_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CollectionPage:
    collections: tuple[Collection, ...] = ()
    next_cursor: str | None = None


def parse_id(value: object, field: str) -> str:
    """A WhatsApp product or collection id: digits (a number is taken too)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if isinstance(value, str) and _ID.fullmatch(value.strip()):
        return value.strip()
    raise InvalidInput("must be an id of digits", field=field)


def parse_ids(value: object, field: str) -> tuple[str, ...]:
    """A non-empty list of product ids, duplicates dropped (first kept)."""
    if not isinstance(value, list) or not value:
        raise InvalidInput("must be a non-empty list of product ids", field=field)
    if len(value) > MAX_IDS:
        raise InvalidInput(f"must have at most {MAX_IDS} items", field=field)
    return tuple(dict.fromkeys(parse_id(v, f"{field}.{i}") for i, v in enumerate(value)))


def parse_cursor(value: object, field: str = "nextCursor") -> str | None:
    """An engine's cursor as given back (``None``/empty: the first page)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_CURSOR or not _CURSOR.fullmatch(value):
        raise InvalidInput("is not a cursor returned by this endpoint", field=field)
    return value


def price_1000(value: object, field: str) -> int:
    """Z-API's price (currency units: a number, or a numeric string, at most 3 decimals) → amount * 1000."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput("must be a number", field=field)
    text = value.strip() if isinstance(value, str) else repr(value)
    if not _PRICE.fullmatch(text):
        raise InvalidInput(f"must be a number from 0 to {MAX_PRICE} with at most 3 decimals", field=field)
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
        raise InvalidInput("must be a number", field=field) from exc
    if amount > MAX_PRICE:
        raise InvalidInput(f"must be a number from 0 to {MAX_PRICE} with at most 3 decimals", field=field)
    return int(amount * 1000)


def parse_currency(value: object, field: str = "currency") -> str:
    """An ISO 4217 code: three letters (written upper case)."""
    if isinstance(value, str) and _CURRENCY.fullmatch(value.strip()):
        return value.strip().upper()
    raise InvalidInput("must be a three-letter ISO 4217 currency code (BRL, USD...)", field=field)
