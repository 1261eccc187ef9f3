"""Commerce send bodies → ``SendRequest`` (``send-product``, ``send-catalog``, ``send-order``,
``order-status-update``, ``order-payment-update``). Every rule broken is a 400 naming the field.

Z-API's fields and limits (``docs/message/send-message-product.md``, ``send-message-catalog.md``,
``send-order.md``, ``update-order-status.md``, ``update-order-payment.md``): amounts in currency units (kept as
``amount1000``, rounded to cents), ``quantity`` a whole number, ``currency`` an ISO 4217 code. An order gets
its ``referenceId``, ``orderRequestId`` and a ``custom-item-<id>`` for each product without ``productId``
here, so the queued message already carries what its webhook (``reviewAndPay``) shows and an update needs.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from gateway.api.sendspec import Body, SendRequest, contact_jid
from gateway.core import content_commerce as cc
from gateway.core.commands import Outgoing
from gateway.core.errors import InvalidInput
from gateway.core.phones import is_phone, phone_to_jid

PRODUCT_ID = re.compile(r"[0-9]{1,30}", re.ASCII)
ORDER_REF = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
CUSTOM_ID = re.compile(r"custom-item-[A-Za-z0-9_-]{1,52}", re.ASCII)
CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)
MAX_AMOUNT = 1_000_000_000
MAX_QUANTITY = 100_000
MAX_ITEMS = 100
ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# the catalog card's default texts (``translation``): message, title, description
CATALOG_TEXTS = {
    "PT": ("Veja nosso catálogo no WhatsApp:", "Catálogo no WhatsApp",
           "Conheça os produtos e serviços desta empresa."),
    "EN": ("See our catalog on WhatsApp:", "Catalog on WhatsApp", "Browse this business's products and services."),
}

NewId = Callable[[], str]


def order_id() -> str:
    """An 11-character id like WhatsApp's order references (``4N9AVI38VOB``)."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(11))


def _catalog_phone(b: Body) -> str:
    phone = b.str_("catalogPhone", required=True, max_len=32)
    if not is_phone(phone):
        raise InvalidInput("must be digits with country code (8-15 digits)", field="catalogPhone")
    return phone


def _amount(b: Body, key: str, *, required: bool = False) -> int:
    """A non-negative amount in currency units → ``amount1000``, rounded to cents."""
    return round((b.num(key, required=required, low=0, high=MAX_AMOUNT) or 0) * 100) * 10


def _field(prefix: str, fn: Callable[[], Any]) -> Any:
    """Run a read of a nested object, naming the field with its path (``order.products[1].value``)."""
    try:
        return fn()
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=f"{prefix}.{exc.field}" if exc.field else prefix) from exc


def _item(raw: Any, where: str, *, update: bool, new_id: NewId) -> cc.OrderItem:
    if not isinstance(raw, dict):
        raise InvalidInput("must be an object", field=where)
    ib = Body(raw, 0)

    def read() -> cc.OrderItem:
        name = ib.str_("name", required=True, max_len=256)
        amount = _amount(ib, "value", required=True)
        quantity = ib.num("quantity", required=True, low=1, high=MAX_QUANTITY)
        if quantity is None or quantity != int(quantity):
            raise InvalidInput("must be a whole number", field="quantity")
        product_id = ib.str_("productId", required=update, max_len=64)
        if update:
            custom = raw.get("isCustomItem")
            if not isinstance(custom, bool):
                raise InvalidInput("is required: true or false", field="isCustomItem")
            pattern = CUSTOM_ID if custom else PRODUCT_ID
            if not pattern.fullmatch(product_id):
                raise InvalidInput("must be custom-item-<id> for a custom item, else a catalog product id (digits)",
                                   field="productId")
        else:
            custom = not product_id
            if product_id and not PRODUCT_ID.fullmatch(product_id):
                raise InvalidInput("must be a catalog product id (digits)", field="productId")
            product_id = product_id or f"{cc.CUSTOM_ITEM_PREFIX}{new_id()}"
        return cc.OrderItem(name=name, quantity=int(quantity), amount1000=amount, product_id=product_id,
                            retailer_id="" if custom else product_id, custom=custom)

    return _field(where, read)  # type: ignore[no-any-return]


def _summary(b: Body, *, update: bool, new_id: NewId) -> cc.OrderSummary:
    if update:
        reference, request = _ref(b, "referenceId"), _ref(b, "orderRequestId")
        order_status = _choice(b, "orderStatus", cc.ORDER_STATUSES)
        payment_status = _choice(b, "paymentStatus", cc.PAYMENT_STATUSES)
    else:
        reference, request, order_status, payment_status = new_id(), new_id(), "pending", "pending"
    ob = b.obj("order")

    def read() -> cc.OrderSummary:
        currency = ob.str_("currency", required=True, max_len=3)
        if not CURRENCY.fullmatch(currency):
            raise InvalidInput("must be an ISO 4217 code like BRL", field="currency")
        items = tuple(_item(raw, f"products[{i}]", update=update, new_id=new_id)
                      for i, raw in enumerate(ob.list_("products", max_items=MAX_ITEMS)))
        ids = [i.product_id for i in items]
        if len(set(ids)) != len(ids):
            raise InvalidInput("each product may appear once", field="products")
        summary = cc.OrderSummary(reference_id=reference, order_request_id=request, currency=currency, items=items,
                                  order_status=order_status, payment_status=payment_status,
                                  discount1000=_amount(ob, "discount"), tax1000=_amount(ob, "tax"),
                                  shipping1000=_amount(ob, "shipping"))
        if summary.total1000 < 0:
            raise InvalidInput("is larger than the products with tax and shipping", field="discount")
        return summary

    return _field("order", read)  # type: ignore[no-any-return]


def _ref(b: Body, key: str) -> str:
    value = b.str_(key, required=True, max_len=64)
    if not ORDER_REF.fullmatch(value):
        raise InvalidInput("must be the id the order's webhook gave (letters, digits, - or _)", field=key)
    return value


def _choice(b: Body, key: str, allowed: tuple[str, ...]) -> str:
    value = b.str_(key, required=True, max_len=32)
    if value not in allowed:
        raise InvalidInput(f"must be one of {', '.join(allowed)}", field=key)
    return value


def _payment(b: Body) -> tuple[cc.PixPayment | None, bool]:
    if b.raw.get("paymentSettings") is None:
        return None, False
    ps = b.obj("paymentSettings")

    def read() -> tuple[cc.PixPayment | None, bool]:
        pix = None
        if ps.raw.get("pix") is not None:
            pb = ps.obj("pix")
            pix = _field("pix", lambda: cc.PixPayment(key=pb.str_("key", required=True, max_len=256),
                                                  key_type=_choice(pb, "keyType", cc.PIX_KEY_TYPES),
                                                  name=pb.str_("name", required=True, max_len=256)))
        card = False
        if ps.raw.get("card") is not None:
            card = _field("card", lambda: ps.obj("card").bool_("enabled"))
        return pix, card

    return _field("paymentSettings", read)  # type: ignore[no-any-return]


def _product(b: Body, _new_id: NewId) -> cc.Product:
    product_id = b.str_("productId", required=True, max_len=30)
    if not PRODUCT_ID.fullmatch(product_id):
        raise InvalidInput("must be a catalog product id (digits)", field="productId")
    return cc.Product(product_id=product_id, business_owner=_catalog_phone(b))


def _catalog(b: Body, _new_id: NewId) -> cc.CatalogLink:
    phone = _catalog_phone(b)
    language = b.str_("translation", default="PT", max_len=2) or "PT"
    if language not in CATALOG_TEXTS:
        raise InvalidInput("must be PT or EN", field="translation")
    message, title, description = CATALOG_TEXTS[language]
    url = cc.catalog_url(phone)
    text = b.str_("message", max_len=4096) or message
    return cc.CatalogLink(catalog_phone=phone, text=f"{text}\n{url}", url=url, language=language,
                          title=b.str_("title", max_len=256) or title,
                          description=b.str_("catalogDescription", max_len=1024) or description)


def _order(b: Body, new_id: NewId) -> cc.OrderRequest:
    pix, card = _payment(b)
    return cc.OrderRequest(order=_summary(b, update=False, new_id=new_id), pix=pix, card=card)


def _update(payment: bool) -> Callable[[Body, NewId], cc.OrderUpdate]:
    def parse(b: Body, new_id: NewId) -> cc.OrderUpdate:
        message_id = b.str_("messageId", required=True, max_len=128)
        return cc.OrderUpdate(order_message_id=message_id, order=_summary(b, update=True, new_id=new_id),
                              text=b.str_("message", max_len=4096), payment=payment)
    return parse


PARSERS: dict[str, Callable[[Body, NewId], Any]] = {
    "send-product": _product,
    "send-catalog": _catalog,
    "send-order": _order,
    "order-status-update": _update(payment=False),
    "order-payment-update": _update(payment=True),
}
PRIVATE_ONLY = ("send-order", "order-status-update", "order-payment-update")  # an order is to one customer


def parse_commerce(action: str, raw: Any, *, new_id: NewId = order_id) -> SendRequest:
    if not isinstance(raw, dict):
        raise InvalidInput("request body must be a JSON object", field="body")
    b = Body(raw, 0)
    to = contact_jid(raw.get("phone")) if action in PRIVATE_ONLY else phone_to_jid(raw.get("phone"))
    content = PARSERS[action](b, new_id)
    delay = b.num("delayMessage", low=1, high=15)
    typing = b.num("delayTyping", low=1, high=15) or 0.0
    return SendRequest(kind=action, phone=str(raw["phone"]), outgoing=Outgoing(to=to, content=content),
                       delay_message_s=delay, delay_typing_s=typing)
