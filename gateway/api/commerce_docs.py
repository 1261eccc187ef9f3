"""Commerce send bodies as the OpenAPI document shows them (schemas only; ``send_commerce`` parses by hand).

Documented inline (``inline_doc``): they are not among ``bodies.BODIES``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from gateway.api.bodies import Chat, Delay, Doc, MessageRef, Phone, text
from gateway.api.group_docs import example

ProductId = Annotated[str, Field(pattern=r"^[0-9]{1,30}$", description="a catalog product id (digits)",
                                 examples=["7190654897637620"])]
OrderRef = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="an id the order's webhook gave")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. BRL", examples=["BRL"])]
Amount = Annotated[float, Field(ge=0, le=1_000_000_000, description="in currency units (150 = R$ 150,00)")]
Quantity = Annotated[int, Field(ge=1, le=100_000)]
Note = Annotated[str, Field(max_length=4096)]
ORDER_STATUS = Literal["pending", "processing", "shipped", "completed", "canceled"]
PAYMENT_STATUS = Literal["pending", "paid"]


class _Send(Doc):
    delayMessage: Delay | None = Field(None, description="seconds before the send (default: the queue's gap)")
    delayTyping: Delay | None = Field(None, description="seconds of 'typing...' before the send")


class SendProduct(_Send):
    model_config = example({"phone": "5511999999999", "catalogPhone": "5511999990800",
                            "productId": "7190654897637620"})
    phone: Chat
    catalogPhone: Phone = Field(description="the business account whose catalog has the product")
    productId: ProductId


class SendCatalog(_Send):
    model_config = example({"phone": "5511999999999", "catalogPhone": "5511999990800", "translation": "PT",
                            "message": "Veja nosso catálogo:", "title": "Nosso catálogo no WhatsApp",
                            "catalogDescription": "Produtos e serviços da loja"})
    phone: Chat
    catalogPhone: Phone = Field(description="the business account whose catalog is shared")
    translation: Literal["PT", "EN"] | None = Field(None, description="the language of the default texts")
    message: Note | None = Field(None, description="the text before the catalog link")
    title: Annotated[str, Field(max_length=256)] | None = None
    catalogDescription: Annotated[str, Field(max_length=1024)] | None = None


class OrderProduct(Doc):
    name: str = text(256)
    value: Amount
    quantity: Quantity
    productId: ProductId | None = Field(None, description="a catalog product; none: a custom item")


class OrderBody(Doc):
    currency: Currency
    products: Annotated[list[OrderProduct], Field(min_length=1, max_length=100)]
    discount: Amount | None = None
    tax: Amount | None = None
    shipping: Amount | None = None


class Pix(Doc):
    key: str = text(256)
    keyType: Literal["cpf", "cnpj", "phone", "email", "randomKey"]
    name: str = text(256)


class Card(Doc):
    enabled: bool


class PaymentSettings(Doc):
    pix: Pix | None = None
    card: Card | None = None


class SendOrder(_Send):
    model_config = example({"phone": "554499999999", "order": {
        "currency": "BRL", "discount": 10, "tax": 10, "shipping": 5,
        "products": [{"productId": "23940797548900636", "name": "Camiseta", "value": 150, "quantity": 2},
                     {"name": "Embalagem para presente", "value": 10, "quantity": 1}]},
        "paymentSettings": {"pix": {"key": "loja@example.com", "keyType": "email", "name": "Loja"},
                            "card": {"enabled": True}}})
    phone: Phone
    order: OrderBody
    paymentSettings: PaymentSettings | None = None


class UpdatedProduct(Doc):
    productId: Annotated[str, Field(pattern=r"^([0-9]{1,30}|custom-item-[A-Za-z0-9_-]{1,52})$")]
    name: str = text(256)
    value: Amount
    quantity: Quantity
    isCustomItem: bool


class UpdatedOrder(OrderBody):
    products: Annotated[list[UpdatedProduct], Field(min_length=1, max_length=100)]  # type: ignore[assignment]


class OrderUpdateBody(_Send):
    model_config = example({"phone": "554499999999", "messageId": "3EB0F91BBA791BB0A787FC",
                            "message": "Seu pedido saiu para entrega", "referenceId": "4N8FCTW1WM6",
                            "orderRequestId": "4N8FCTW22W4", "orderStatus": "shipped", "paymentStatus": "paid",
                            "order": {"currency": "BRL", "products": [
                                {"productId": "custom-item-4N8FCTW23N7", "name": "Embalagem", "value": 10,
                                 "quantity": 1, "isCustomItem": True}]}})
    phone: Phone
    messageId: MessageRef = Field(description="the order's message (its messageId or zaapId)")
    message: Note | None = None
    referenceId: OrderRef
    orderRequestId: OrderRef
    orderStatus: ORDER_STATUS
    paymentStatus: PAYMENT_STATUS
    order: UpdatedOrder
