"""Commerce content → the objects of a Z-API ``ReceivedCallback`` (pure; ``transform.content_object`` names
the keys: ``product``, ``text`` for a catalog link, ``order``, ``reviewAndPay``, ``reviewOrder``,
``requestPayment``, ``sendPayment``).

Shapes: Z-API's ``docs/webhooks/on-message-received.md`` examples (product, cart, order sent, order update,
payment request, payment received). Amounts in currency units (``150``, ``12.5``); phones as digits.
What a message does not carry is ``null`` (a cart's ``subTotal`` and ``thumbnailUrl`` from a real phone: see
``docs/sending-commerce.md``). Ours, beyond Z-API's examples: ``reviewOrder.message`` (an update's text,
when it has one).
"""

from __future__ import annotations

from typing import Any

from gateway.core import content_commerce as cc
from gateway.core.content_commerce import amount_units

PHYSICAL_GOODS = "physical-goods"  # the only order type Z-API's send-order makes


def _digits(phone: str) -> str | None:
    return phone.partition("@")[0] or None


def product(p: cc.Product) -> dict[str, Any]:
    return {"productImage": p.image_url, "businessOwnerJid": _digits(p.business_owner),
            "currencyCode": p.currency, "productId": p.product_id, "description": p.description,
            "productImageCount": p.image_count, "price": amount_units(p.price1000), "url": p.url,
            "retailerId": p.retailer_id, "firstImageId": p.first_image_id, "title": p.title}


def catalog_link(link: cc.CatalogLink) -> dict[str, Any]:
    """As WhatsApp shows a shared catalog: a text with a link preview (Z-API's ``text`` with ``url``)."""
    return {"message": link.text, "title": link.title, "description": link.description, "url": link.url}


def order(o: cc.Order) -> dict[str, Any]:
    return {"itemCount": o.item_count, "orderId": o.order_id, "message": o.text, "orderTitle": o.title,
            "sellerJid": _digits(o.seller), "thumbnailUrl": o.thumbnail_url, "token": o.token,
            "currency": o.currency, "total": amount_units(o.total1000), "subTotal": amount_units(o.subtotal1000),
            "products": [{"quantity": i.quantity, "name": i.name, "productId": i.product_id,
                          "retailerId": i.retailer_id, "price": amount_units(i.amount1000),
                          "currencyCode": i.currency or o.currency} for i in o.items]}


def review(summary: cc.OrderSummary, *, request: bool) -> dict[str, Any]:
    """``reviewAndPay`` (``request``: the order sent to pay) or ``reviewOrder`` (an update of it)."""
    out: dict[str, Any] = {"type": PHYSICAL_GOODS} if request else {}
    out.update({
        "currency": summary.currency, "referenceId": summary.reference_id,
        "orderRequestId": summary.order_request_id, "orderStatus": summary.order_status,
        "paymentStatus": summary.payment_status, "total": amount_units(summary.total1000),
        "subTotal": amount_units(summary.subtotal1000), "discount": amount_units(summary.discount1000),
        "shipping": amount_units(summary.shipping1000), "tax": amount_units(summary.tax1000),
        "products": [{"name": i.name, "quantity": i.quantity, "isCustomItem": i.custom, "productId": i.product_id,
                      "value": amount_units(i.amount1000)} for i in summary.items]})
    return out


def order_update(update: cc.OrderUpdate) -> dict[str, Any]:
    out = review(update.order, request=False)
    if update.text:
        out["message"] = update.text
    return out


def payment_info(info: cc.PaymentInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {"receiverPhone": _digits(info.receiver_phone), "value": amount_units(info.value1000),
            "currencyCode": info.currency, "status": info.status, "transactionStatus": info.transaction_status}


def payment_request(r: cc.PaymentRequest) -> dict[str, Any]:
    return {"value": amount_units(r.value1000), "currencyCode": r.currency, "expiration": r.expiration_ms or None,
            "requestPhone": _digits(r.request_phone), "paymentInfo": payment_info(r.info)}
