"""What the sandbox phone does with a commerce send: a product, a catalog link, an order, an order update.

WhatsApp lets only WhatsApp Business accounts send these. The sandbox phone is one (as for its product
catalog, ``catalog_world.py``): it sends them all. Whether the product exists in that catalog is not checked
here (WhatsApp's own app only offers products it lists; through the API the id is the partner's word).

Refused (``EngineError``, not transient: the message ends ``FAILED`` with a ``DeliveryCallback`` saying why):

- a product or catalog of a ``catalogPhone`` that is not on WhatsApp (``...404``, see ``numbers.py``);
- an order update naming a message that is not an order the phone sent in that chat, or with another
  ``referenceId``/``orderRequestId`` than that order's.

Records (``sandbox/phone``): ``commerce``, one per send: ``id``, ``to``, ``type`` (``product``, ``catalog``,
``order``, ``orderStatus``, ``orderPayment``) and what was sent: ``catalogPhone`` and ``productId``; ``url``,
``title``; ``referenceId``, ``orderRequestId``, ``orderStatus``, ``paymentStatus``, ``currency``, ``total``
(currency units), ``productIds``; ``orderMessageId`` for an update.
"""

from __future__ import annotations

from typing import Any

from gateway.core import content_commerce as cc
from gateway.core.commands import Outgoing
from gateway.core.errors import EngineError
from gateway.worker.engines.sandbox import numbers
from gateway.worker.engines.sandbox.account import AccountWorld

RECORD = "commerce"
ORDER_KIND = "OrderRequest"  # the kind a sent order is remembered as in its chat


def _refuse(message: str) -> EngineError:
    return EngineError(message, transient=False)


def check(world: AccountWorld, out: Outgoing) -> None:
    """Raise what WhatsApp would refuse of this commerce send (nothing for other contents)."""
    body = out.content
    if isinstance(body, cc.Product | cc.CatalogLink):
        phone = body.business_owner if isinstance(body, cc.Product) else body.catalog_phone
        if not numbers.exists(phone):
            raise _refuse(f"catalogPhone {phone} is not on WhatsApp")
    elif isinstance(body, cc.OrderUpdate):
        chat = world.chats.get(out.to)
        sent = chat.sent_message(body.order_message_id) if chat is not None else None
        if sent is None or sent.kind != ORDER_KIND:
            raise _refuse(f"the phone sent no order {body.order_message_id} in this chat: only its own orders can "
                          "be updated")
        order = _order_record(world, body.order_message_id)
        if order is not None and (order["referenceId"], order["orderRequestId"]) != (
                body.order.reference_id, body.order.order_request_id):
            raise _refuse("referenceId and orderRequestId must be the order's (its reviewAndPay webhook gives them)")


def _order_record(world: AccountWorld, message_id: str) -> dict[str, Any] | None:
    return next((r for r in world.records.get(RECORD, []) if r["id"] == message_id and r["type"] == "order"), None)


def _order_fields(order: cc.OrderSummary) -> dict[str, Any]:
    return {"referenceId": order.reference_id, "orderRequestId": order.order_request_id,
            "orderStatus": order.order_status, "paymentStatus": order.payment_status, "currency": order.currency,
            "total": cc.amount_units(order.total1000), "productIds": [i.product_id for i in order.items]}


def note(world: AccountWorld, out: Outgoing, message_id: str) -> None:
    """Record a commerce send that left (the caller commits); nothing for other contents."""
    body, at = out.content, world.now_ms()
    base: dict[str, Any] = {"id": message_id, "to": out.to, "at": at}
    if isinstance(body, cc.Product):
        world.record(RECORD, **base, type="product", catalogPhone=body.business_owner, productId=body.product_id)
    elif isinstance(body, cc.CatalogLink):
        world.record(RECORD, **base, type="catalog", catalogPhone=body.catalog_phone, url=body.url,
                     title=body.title)
    elif isinstance(body, cc.OrderRequest):
        world.record(RECORD, **base, type="order", **_order_fields(body.order))
    elif isinstance(body, cc.OrderUpdate):
        world.record(RECORD, **base, type="orderPayment" if body.payment else "orderStatus",
                     orderMessageId=body.order_message_id, **_order_fields(body.order))
