"""neonize's commerce protobufs → our content (plain protobuf reading, no FFI call).

What each message carries, and so what its webhook object can show (the rest is ``null``):

- ``productMessage`` → ``Product``: the product's snapshot (id, title, description, price, currency, retailer
  id, URL, image count, first image id) and ``businessOwnerJID``; ``productImage`` is ``null`` (the image is
  an encrypted WhatsApp file, not downloaded for a product).
- ``orderMessage`` (a customer's cart) → ``Order``: id, token, item count, text, title, seller, total and its
  currency; the cart's products and subtotal are not in the message (WhatsApp keeps them with the order, and
  whatsmeow has no call to read it), so ``products`` is empty and ``subTotal`` ``null``.
- ``requestPaymentMessage`` → ``PaymentRequest``: amount (``amount1000``, else ``amount`` with its offset),
  currency, who asks (``requestFrom``, who would receive it) and the expiry; ``paymentInfo`` says it waits.
- ``sendPaymentMessage`` → ``PaymentSent``: a completed payment; the message carries no amount.
"""

from __future__ import annotations

from typing import Any

from gateway.core import content_commerce as cc

MS = 1000


def _user(jid: str) -> str:
    return jid.partition("@")[0].partition(":")[0]


def _product(m: Any) -> cc.Product:
    p = m.product
    return cc.Product(product_id=p.productID, business_owner=_user(m.businessOwnerJID), title=p.title,
                      description=p.description, currency=p.currencyCode, price1000=int(p.priceAmount1000),
                      retailer_id=p.retailerID, url=p.URL, image_count=int(p.productImageCount),
                      first_image_id=p.firstImageID)


def _order(m: Any) -> cc.Order:
    return cc.Order(order_id=m.orderID, seller=_user(m.sellerJID), token=m.token, item_count=int(m.itemCount),
                    text=m.message, title=m.orderTitle, currency=m.totalCurrencyCode,
                    total1000=int(m.totalAmount1000))


def _request(m: Any) -> cc.PaymentRequest:
    value = int(m.amount1000)
    if not value and m.HasField("amount") and m.amount.offset:
        value = int(m.amount.value) * MS // int(m.amount.offset)
    currency = m.currencyCodeIso4217 or m.amount.currencyCode
    requester = _user(m.requestFrom)
    return cc.PaymentRequest(value1000=value, currency=currency, request_phone=requester,
                             expiration_ms=int(m.expiryTimestamp) * MS,
                             info=cc.PaymentInfo(receiver_phone=requester, value1000=value, currency=currency))


def commerce_of(msg: Any) -> tuple[Any, Any] | None:
    """``(content, the sub-message holding its contextInfo)`` of a commerce message; None for any other."""
    has = msg.HasField
    if has("productMessage"):
        return _product(msg.productMessage), msg.productMessage
    if has("orderMessage"):
        return _order(msg.orderMessage), msg.orderMessage
    if has("requestPaymentMessage"):
        return _request(msg.requestPaymentMessage), None
    if has("sendPaymentMessage"):
        return cc.PaymentSent(info=cc.PaymentInfo(receiver_phone="", status="COMPLETE",
                                                  transaction_status="SUCCESS")), None
    return None
