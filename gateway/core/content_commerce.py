"""Commerce message content, our own types: products, catalog links, orders and payments (WhatsApp Business).

Amounts are kept as WhatsApp keeps them, ``amount1000`` (the value times 1000, an integer: ``12.5`` BRL is
``12500``); Z-API shows them in currency units (``amount_units``). What each type is:

- ``Product``: one product of a business catalog (``productMessage``); sent (``send-product``: the id and
  the catalog's phone) and received (the product's snapshot).
- ``CatalogLink``: a business's catalog shared as a link (``https://wa.me/c/<phone>``) with its preview,
  as WhatsApp's "share catalog" sends it: a text with title and description (Z-API's webhook: ``text``).
- ``Order``: a cart a customer sends a business (``orderMessage``; received only).
- ``OrderRequest``: an order to review and pay (``send-order``; WhatsApp's ``review_and_pay``), carrying the
  ids a later update names: ``reference_id``, ``order_request_id`` and a ``custom-item-...`` id for each item
  sent without a catalog product id.
- ``OrderUpdate``: a new order or payment status of an order sent before (``order-status-update``,
  ``order-payment-update``; WhatsApp's ``review_order``), naming the order's message.
- ``PaymentRequest`` / ``PaymentSent``: WhatsApp Pay requests and payments (received only).
"""

from __future__ import annotations

from dataclasses import dataclass

ORDER_STATUSES = ("pending", "processing", "shipped", "completed", "canceled")
PAYMENT_STATUSES = ("pending", "paid")
PIX_KEY_TYPES = ("cpf", "cnpj", "phone", "email", "randomKey")
CUSTOM_ITEM_PREFIX = "custom-item-"


def amount_units(amount1000: int | None) -> int | float | None:
    """``amount1000`` → currency units as Z-API shows them: an integer when whole (``150``), else a float."""
    if amount1000 is None:
        return None
    if amount1000 % 1000 == 0:
        return amount1000 // 1000
    return round(amount1000 / 1000, 3)


def catalog_url(phone: str) -> str:
    """The link WhatsApp gives a business's catalog."""
    return f"https://wa.me/c/{phone}"


@dataclass(frozen=True, slots=True)
class Product:
    product_id: str
    business_owner: str  # the catalog's phone (digits)
    title: str = ""
    description: str = ""
    currency: str = ""
    price1000: int = 0
    retailer_id: str = ""
    url: str = ""
    image_url: str | None = None
    image_count: int = 0
    first_image_id: str = ""


@dataclass(frozen=True, slots=True)
class CatalogLink:
    catalog_phone: str
    text: str  # the message, the link at its end
    title: str
    description: str
    url: str
    language: str = "PT"


@dataclass(frozen=True, slots=True)
class OrderItem:
    name: str
    quantity: int
    amount1000: int  # the price of one
    product_id: str = ""
    retailer_id: str = ""
    custom: bool = False  # made up for this order (``custom-item-...`` id), not a catalog product
    currency: str = ""


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    seller: str  # the business's phone (digits)
    token: str = ""
    item_count: int = 0
    text: str = ""
    title: str = ""
    currency: str = ""
    total1000: int = 0
    subtotal1000: int | None = None  # None: the message does not say (WhatsApp keeps it with the order)
    items: tuple[OrderItem, ...] = ()
    thumbnail_url: str | None = None


@dataclass(frozen=True, slots=True)
class OrderSummary:
    """What an order to pay shows, with the ids an update names (the same in a request and its updates)."""

    reference_id: str
    order_request_id: str
    currency: str
    items: tuple[OrderItem, ...]
    order_status: str = "pending"
    payment_status: str = "pending"
    discount1000: int = 0
    tax1000: int = 0
    shipping1000: int = 0

    @property
    def subtotal1000(self) -> int:
        return sum(i.amount1000 * i.quantity for i in self.items)

    @property
    def total1000(self) -> int:
        return self.subtotal1000 - self.discount1000 + self.tax1000 + self.shipping1000


@dataclass(frozen=True, slots=True)
class PixPayment:
    key: str
    key_type: str  # one of PIX_KEY_TYPES
    name: str


@dataclass(frozen=True, slots=True)
class OrderRequest:
    order: OrderSummary
    pix: PixPayment | None = None
    card: bool = False  # card payments enabled (configured on the phone)


@dataclass(frozen=True, slots=True)
class OrderUpdate:
    order_message_id: str  # the order's message (a zaapId until the sender resolves it)
    order: OrderSummary
    text: str = ""
    payment: bool = False  # order-payment-update (else order-status-update)


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    receiver_phone: str
    value1000: int | None = None
    currency: str | None = None
    status: str = "WAITING"  # WAITING | COMPLETE
    transaction_status: str = "COLLECT_SUCCESS"  # COLLECT_SUCCESS | SUCCESS


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    value1000: int
    currency: str
    request_phone: str
    expiration_ms: int = 0
    info: PaymentInfo | None = None


@dataclass(frozen=True, slots=True)
class PaymentSent:
    info: PaymentInfo | None = None


COMMERCE_TYPES: tuple[type, ...] = (Product, CatalogLink, Order, OrderRequest, OrderUpdate, PaymentRequest,
                                    PaymentSent)
ORDER_SENDS: tuple[type, ...] = (OrderRequest, OrderUpdate)
