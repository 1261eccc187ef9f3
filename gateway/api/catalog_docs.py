"""Catalog request and answer bodies as the OpenAPI document shows them (schemas only; routes parse by hand).

Request bodies are documented inline (``newsletter_docs.inline_doc``); examples follow Z-API's pages
(docs/business/*.md of Z-API's documentation).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from gateway.api.bodies import Doc, Media, text
from gateway.api.group_docs import example
from gateway.core.catalogs import MAX_CURSOR, MAX_DESCRIPTION, MAX_IDS, MAX_IMAGES, MAX_NAME, MAX_RETAILER_ID, MAX_URL

Id = Annotated[str, Field(pattern=r"^\d{1,32}$", description="WhatsApp's numeric id", examples=["6643149779134830"])]
Ids = Annotated[list[Id], Field(min_length=1, max_length=MAX_IDS)]
Cursor = Annotated[str, Field(max_length=MAX_CURSOR, pattern=r"^[A-Za-z0-9_=+/.-]*$",
                              description="the nextCursor a previous page answered")]
Price = Annotated[float, Field(ge=0, le=10**9, description="in the currency's units, at most 3 decimals")]
PRODUCT = {"availability": "in stock", "id": "6643149779134830", "retailerId": "002",
           "description": "Mouse sem fio", "price": "100000", "salePrice": "90000", "currency": "BRL",
           "name": "Mouse", "quantity": None, "images": ["https://pps.whatsapp.net/v/t61.24694-24/sandbox/a.jpg"],
           "isHidden": False, "url": "https://example.com/mouse"}


class PageRequest(Doc):
    model_config = example({"nextCursor": "eyJrIjoicCIsInMiOiIxMjM0IiwibyI6MTB9"})
    nextCursor: Cursor | None = None


class SaveProduct(Doc):
    """Create a product, or edit one: ``id`` (ours) names it, else a product with the same ``retailerId``."""

    model_config = example({"currency": "BRL", "description": "Uma descricao do produto",
                            "images": ["https://example.com/produto.jpg"], "isHidden": False,
                            "name": "Meu primeiro produto", "price": 20, "salePrice": 18, "retailerId": "002",
                            "url": "https://example.com/produto"})
    id: Id | None = Field(None, description="ours: the product to edit (404 when the catalog has none)")
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME, description="required to create")
    description: str | None = Field(None, max_length=MAX_DESCRIPTION)
    price: Price | None = Field(None, description="required to create; in the currency's units (20 = R$ 20,00)")
    salePrice: Price | None = Field(None, description="below the price; null removes it")
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$", description="ISO 4217; required to create")
    images: list[Media] | None = Field(None, min_length=1, max_length=MAX_IMAGES,
                                       description="JPEG or PNG, URL or data URI; required to create")
    retailerId: str | None = Field(None, min_length=1, max_length=MAX_RETAILER_ID)
    url: str | None = Field(None, max_length=MAX_URL, pattern=r"^https?://", description="the product's page")
    isHidden: bool | None = Field(None, description="listed to the catalog's owner only")


class SavedProduct(Doc):
    model_config = example({"id": "4741575945866725"})
    id: str


class ProductView(Doc):
    """A product as Z-API answers it: prices are WhatsApp's (the amount * 1000, as a string)."""

    model_config = example(PRODUCT)
    availability: str
    id: str
    retailerId: str | None
    description: str
    price: str
    salePrice: str | None
    currency: str
    name: str
    quantity: str | None
    images: list[str]
    isHidden: bool = Field(description="ours on the catalog lists (Z-API shows it on collection products)")
    url: str | None


class CatalogPage(Doc):
    model_config = example({"cartEnabled": True, "products": [PRODUCT], "nextCursor": None})
    cartEnabled: bool
    products: list[ProductView]
    nextCursor: str | None


class OneProduct(Doc):
    model_config = example({"cartEnabled": True, "catalogId": "1234567890123456", "product": PRODUCT})
    cartEnabled: bool
    catalogId: str
    product: ProductView


class Success(Doc):
    model_config = example({"success": True})
    success: bool


class CreateCollection(Doc):
    model_config = example({"name": "Nome da coleção", "productIds": ["121212121212", "232323232323"]})
    name: str = text(MAX_NAME)
    productIds: Ids


class CreatedCollection(Doc):
    model_config = example({"collectionId": "123456789123"})
    collectionId: str


class RenameCollection(Doc):
    model_config = example({"name": "Novo nome da coleção"})
    name: str = text(MAX_NAME)


class CollectionProducts(Doc):
    model_config = example({"collectionId": "658387616418640", "productIds": ["6643149779134830"]})
    collectionId: Id
    productIds: Ids


class CollectionChanged(Doc):
    """``collectionId``: the collection's id now (adding or removing products gives it a new one)."""

    model_config = example({"success": True, "collectionId": "1798362193933497"})
    success: bool
    collectionId: str


class CollectionView(Doc):
    id: str
    name: str
    status: str = Field(description="PENDING (in WhatsApp's review), APPROVED or REJECTED")


class CollectionList(Doc):
    model_config = example({"nextCursor": None, "collections": [
        {"id": "1072603710847740", "name": "Nome da coleção", "status": "PENDING"}]})
    nextCursor: str | None
    collections: list[CollectionView]


class CollectionProductPage(Doc):
    model_config = example({"nextCursor": None, "products": [PRODUCT]})
    nextCursor: str | None
    products: list[ProductView]


class CatalogConfig(Doc):
    model_config = example({"cartEnabled": True})
    cartEnabled: bool
