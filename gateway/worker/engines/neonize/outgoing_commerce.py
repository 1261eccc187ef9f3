"""Commerce content → ``waE2E.Message`` (pure protobuf building), or the gap neonize 0.5.2 leaves.

- CatalogLink (``send-catalog``): what WhatsApp's "share catalog" sends, an ``extendedTextMessage`` whose text
  ends with the catalog's link (``https://wa.me/c/<phone>``, also its ``matchedText``), with the
  card's title and description and no inline thumbnail (the recipient's app draws WhatsApp's own catalog card
  for a ``wa.me/c`` link).
- Product (``send-product``): 501 ``PRODUCT_MESSAGE``. A ``productMessage`` carries the product's snapshot
  (title, price, currency, image uploaded again); the api gives only its id and the catalog's phone, and
  neonize 0.5.2 cannot read a catalog (whatsmeow has no catalog call), so there is nothing true to put in it.
- OrderRequest (``send-order``) → ``interactiveMessage.nativeFlowMessage`` with one ``review_and_pay`` button
  whose parameters carry the order (``reference_id``, amounts as ``{value, offset: 100}``, items, the PIX key
  if any). WhatsApp shows it only when the stanza carries ``<biz native_flow_name="order_details">``, and
  neonize's ``SendMessage`` adds that node itself for a ``review_and_pay`` button (goneonize
  ``GenerateWABinary``, in the 0.5.2 library).
- OrderUpdate (``order-*-update``): 501 ``ORDER_MESSAGE``. Its button is ``review_order``, which WhatsApp shows
  only with ``<biz native_flow_name="order_status">``; neonize adds that node for no button and its
  ``send_message`` cannot add stanza nodes (whatsmeow's ``SendRequestExtra.AdditionalNodes``).

The api answers 501 for products and updates before queueing on a neonize instance
(``gateway/api/send_commerce.py``); the engine refuses them again here in case one reaches it.
"""

from __future__ import annotations

import json
from typing import Any

from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content_commerce as cc
from gateway.core.engine_gaps import NeonizeGap, gap_error
from gateway.core.errors import EngineError

IM = E.InteractiveMessage


def build_catalog_link(body: cc.CatalogLink, context: Any) -> Any:
    ext = E.ExtendedTextMessage(text=body.text, matchedText=body.url, title=body.title,
                                description=body.description, previewType=E.ExtendedTextMessage.PreviewType.NONE,
                                contextInfo=context)
    return E.Message(extendedTextMessage=ext)


def _money(amount1000: int) -> dict[str, int]:
    """WhatsApp's order amounts: cents with ``offset`` 100 (ours are thousandths)."""
    return {"value": round(amount1000 / 10), "offset": 100}


def order_params(body: cc.OrderRequest) -> dict[str, Any]:
    """The ``review_and_pay`` button's parameters: the order to review and pay, as WhatsApp Business sends it."""
    order = body.order
    items = []
    for item in order.items:
        fields: dict[str, Any] = {"retailer_id": item.retailer_id or item.product_id, "name": item.name,
                                  "amount": _money(item.amount1000), "quantity": item.quantity}
        if not item.custom and item.product_id:
            fields["product_id"] = item.product_id
        items.append(fields)
    params: dict[str, Any] = {
        "reference_id": order.reference_id, "type": "physical-goods", "currency": order.currency,
        "total_amount": _money(order.total1000),
        "order": {"status": "payment_requested", "order_type": "ORDER", "subtotal": _money(order.subtotal1000),
                  "tax": _money(order.tax1000), "discount": _money(order.discount1000),
                  "shipping": _money(order.shipping1000), "items": items},
        "native_payment_methods": []}
    if body.pix is not None:
        params["payment_settings"] = [{"type": "pix_static_code", "pix_static_code": {
            "merchant_name": body.pix.name, "key": body.pix.key, "key_type": body.pix.key_type}}]
    return params


def build_order_request(body: cc.OrderRequest, context: Any) -> Any:
    button = IM.NativeFlowMessage.NativeFlowButton(name="review_and_pay",
                                                   buttonParamsJSON=json.dumps(order_params(body), ensure_ascii=False))
    return E.Message(interactiveMessage=IM(nativeFlowMessage=IM.NativeFlowMessage(buttons=[button]),
                                           contextInfo=context))


def build_commerce(body: Any, context: Any) -> Any:
    """A commerce content → its ``waE2E.Message`` (``Unsupported`` for what neonize 0.5.2 cannot send)."""
    if isinstance(body, cc.CatalogLink):
        return build_catalog_link(body, context)
    if isinstance(body, cc.Product):
        raise gap_error(NeonizeGap.PRODUCT_MESSAGE)
    if isinstance(body, cc.OrderRequest):
        return build_order_request(body, context)
    if isinstance(body, cc.OrderUpdate):
        raise gap_error(NeonizeGap.ORDER_MESSAGE)
    raise EngineError(f"{type(body).__name__} messages cannot be sent (they are only received)", transient=False)
