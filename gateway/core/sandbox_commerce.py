"""``sandbox/inbound`` commerce types (pure): a product, a cart (``order``), a payment request or a payment.

The body's fields are the keys of the webhook's content object (Z-API's ``product``, ``order``,
``requestPayment``, ``sendPayment``), flat beside ``from`` and ``type``; amounts in currency units:

- ``product``: ``productId`` (required, digits), ``title``, ``description``, ``price``, ``currencyCode`` (BRL),
  ``retailerId``, ``url``, ``productImage`` (a URL), ``productImageCount``, ``firstImageId``,
  ``businessOwnerJid`` (the catalog's phone; default ``from``).
- ``order``: ``products`` (required: ``[{name, quantity, price, productId?, retailerId?, currencyCode?}]``),
  ``orderId``, ``orderTitle``, ``message``, ``sellerJid`` (the business's phone), ``token``, ``currency`` (BRL),
  ``total`` and ``subTotal`` (default: the products' sum), ``itemCount`` (default: how many products),
  ``thumbnailUrl``.
- ``requestPayment``: ``value`` (required), ``currencyCode`` (BRL), ``expiration`` (ms), ``requestPhone``
  (default ``from``), ``paymentInfo`` (``{receiverPhone, value, currencyCode, status, transactionStatus}``;
  default: waiting for ``value`` to ``requestPhone``).
- ``sendPayment``: ``paymentInfo`` (default: completed, to nobody named, no value).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from gateway.core import content_commerce as cc
from gateway.core.errors import InvalidInput
from gateway.core.phones import validate_phone

_PRODUCT_ID = re.compile(r"[0-9]{1,30}", re.ASCII)
_CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)
_MAX_AMOUNT = 1_000_000_000


def _str(s: dict[str, Any], key: str, default: str = "", *, required: bool = False, max_len: int = 1024) -> str:
    value = s.get(key)
    if value is None:
        if required:
            raise InvalidInput("is required", field=key)
        return default
    if not isinstance(value, str) or len(value) > max_len:
        raise InvalidInput(f"must be a string of at most {max_len} characters", field=key)
    return value


def _amount(s: dict[str, Any], key: str, *, required: bool = False) -> int | None:
    """Currency units → ``amount1000`` (None when absent and not required)."""
    value = s.get(key)
    if value is None:
        if required:
            raise InvalidInput("is required", field=key)
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= _MAX_AMOUNT:
        raise InvalidInput(f"must be a number from 0 to {_MAX_AMOUNT}", field=key)
    return round(value * 1000)


def _count(s: dict[str, Any], key: str, default: int) -> int:
    value = s.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise InvalidInput("must be a whole number from 0 to 100000", field=key)
    return value


def _currency(s: dict[str, Any], key: str) -> str:
    value = _str(s, key, "BRL")
    if not _CURRENCY.fullmatch(value):
        raise InvalidInput("must be an ISO 4217 code like BRL", field=key)
    return value


def _phone(s: dict[str, Any], key: str, default: str = "") -> str:
    value = s.get(key)
    return default if value is None else validate_phone(value, key)


def _digits(seed: str, count: int) -> str:
    return str(10 ** (count - 1) + int(hashlib.sha256(seed.encode()).hexdigest(), 16) % (9 * 10 ** (count - 1)))


def _product(s: dict[str, Any], _mid: str) -> cc.Product:
    product_id = _str(s, "productId", required=True, max_len=30)
    if not _PRODUCT_ID.fullmatch(product_id):
        raise InvalidInput("must be a catalog product id (digits)", field="productId")
    return cc.Product(product_id=product_id, business_owner=_phone(s, "businessOwnerJid", s["from"]),
                      title=_str(s, "title"), description=_str(s, "description", max_len=4096),
                      currency=_currency(s, "currencyCode"), price1000=_amount(s, "price") or 0,
                      retailer_id=_str(s, "retailerId", max_len=128), url=_str(s, "url", max_len=2048),
                      image_url=_str(s, "productImage", max_len=2048) or None,
                      image_count=_count(s, "productImageCount", 1), first_image_id=_str(s, "firstImageId"))


def _item(raw: Any, i: int, currency: str) -> cc.OrderItem:
    if not isinstance(raw, dict):
        raise InvalidInput("must be an object", field=f"products[{i}]")
    try:
        product_id = _str(raw, "productId", max_len=30)
        return cc.OrderItem(name=_str(raw, "name", required=True, max_len=256), quantity=_count(raw, "quantity", 1),
                            amount1000=_amount(raw, "price", required=True) or 0, product_id=product_id,
                            retailer_id=_str(raw, "retailerId", max_len=128),
                            currency=_currency(raw, "currencyCode") if raw.get("currencyCode") else currency)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=f"products[{i}].{exc.field}") from exc


def _order(s: dict[str, Any], mid: str) -> cc.Order:
    raw = s.get("products")
    if not isinstance(raw, list) or not 0 < len(raw) <= 100:
        raise InvalidInput("must be a list of 1 to 100 products", field="products")
    currency = _currency(s, "currency")
    items = tuple(_item(x, i, currency) for i, x in enumerate(raw))
    subtotal = _amount(s, "subTotal")
    subtotal = sum(i.amount1000 * i.quantity for i in items) if subtotal is None else subtotal
    total = _amount(s, "total")
    return cc.Order(order_id=_str(s, "orderId", _digits(f"order:{mid}", 15), max_len=64),
                    seller=_phone(s, "sellerJid"), token=_str(s, "token", f"sandbox-{_digits(mid, 20)}"),
                    item_count=_count(s, "itemCount", len(items)), text=_str(s, "message", max_len=4096),
                    title=_str(s, "orderTitle", max_len=256), currency=currency,
                    total1000=subtotal if total is None else total, subtotal1000=subtotal, items=items,
                    thumbnail_url=_str(s, "thumbnailUrl", max_len=2048) or None)


def _info(s: dict[str, Any], default: cc.PaymentInfo) -> cc.PaymentInfo:
    raw = s.get("paymentInfo")
    if raw is None:
        return default
    if not isinstance(raw, dict):
        raise InvalidInput("must be an object", field="paymentInfo")
    try:
        value = _amount(raw, "value")
        return cc.PaymentInfo(receiver_phone=_phone(raw, "receiverPhone", default.receiver_phone),
                              value1000=default.value1000 if value is None else value,
                              currency=_currency(raw, "currencyCode") if raw.get("currencyCode") else default.currency,
                              status=_str(raw, "status", default.status, max_len=32),
                              transaction_status=_str(raw, "transactionStatus", default.transaction_status,
                                                      max_len=32))
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=f"paymentInfo.{exc.field}") from exc


def _request_payment(s: dict[str, Any], _mid: str) -> cc.PaymentRequest:
    value = _amount(s, "value", required=True) or 0
    currency, requester = _currency(s, "currencyCode"), _phone(s, "requestPhone", s["from"])
    expiration = s.get("expiration", 0)
    if isinstance(expiration, bool) or not isinstance(expiration, int) or not 0 <= expiration < 2**53:
        raise InvalidInput("must be a time in milliseconds", field="expiration")
    waiting = cc.PaymentInfo(receiver_phone=requester, value1000=value, currency=currency)
    return cc.PaymentRequest(value1000=value, currency=currency, request_phone=requester, expiration_ms=expiration,
                             info=_info(s, waiting))


def _send_payment(s: dict[str, Any], _mid: str) -> cc.PaymentSent:
    return cc.PaymentSent(info=_info(s, cc.PaymentInfo(receiver_phone="", status="COMPLETE",
                                                       transaction_status="SUCCESS")))


BUILDERS: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "product": _product, "order": _order, "requestPayment": _request_payment, "sendPayment": _send_payment,
}
