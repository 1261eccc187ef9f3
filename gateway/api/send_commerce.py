"""Z-API commerce sends: ``send-product``, ``send-catalog``, ``send-order``, ``order-status-update`` and
``order-payment-update``. Parsed by ``commerce_spec``, queued like every send (``send.enqueue``), answered
``{zaapId, messageId, id}``.

WhatsApp lets only business accounts send these; the engine refuses them when the phone is not one (the
message ends ``FAILED`` with a ``DeliveryCallback`` saying why). What the neonize engine cannot send at all
(a product, an order: ``engine_gaps``) is answered 501 here, before anything is queued.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel

from gateway.api.answers import Sent
from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.commerce_docs import OrderUpdateBody, SendCatalog, SendOrder, SendProduct
from gateway.api.commerce_spec import PARSERS, parse_commerce
from gateway.api.newsletter_docs import inline_doc
from gateway.api.openapi import CLIENT_TOKEN, INSTANCE_ERRORS
from gateway.api.send import SEND_FAILS, IdempotencyKey, enqueue
from gateway.core.engine_gaps import NeonizeGap, gap_error
from gateway.core.models import EngineKind, Instance

router = APIRouter(prefix="/instances/{instance_id}/token/{token}", tags=["send"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)
Json = Annotated[Any, Body()]

BODIES: dict[str, type[BaseModel]] = {"send-product": SendProduct, "send-catalog": SendCatalog, "send-order": SendOrder,
          "order-status-update": OrderUpdateBody, "order-payment-update": OrderUpdateBody}
NEONIZE_GAPS = {"send-product": NeonizeGap.PRODUCT_MESSAGE, "order-status-update": NeonizeGap.ORDER_MESSAGE,
                "order-payment-update": NeonizeGap.ORDER_MESSAGE}


def refuse_engine_gap(action: str, instance: Instance) -> None:
    """501 before queueing what the instance's engine could never send."""
    gap = NEONIZE_GAPS.get(action)
    if gap is not None and instance.engine is EngineKind.NEONIZE:
        raise gap_error(gap)


def _route(action: str) -> None:
    async def send(instance: InstanceDep, zg: State, body: Json, key: IdempotencyKey = None) -> dict[str, str]:
        req = parse_commerce(action, body)
        refuse_engine_gap(action, instance)
        return await enqueue(zg, instance, req, key)

    send.__name__ = action.replace("-", "_")
    fails = (*SEND_FAILS, 501) if action in NEONIZE_GAPS else SEND_FAILS
    router.post(f"/{action}", **inline_doc(BODIES[action], ok=Sent, fails=fails))(send)


for _action in PARSERS:
    _route(_action)
