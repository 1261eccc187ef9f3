"""Z-API's partner subscription paths, mapped onto a self-hosted instance's lifecycle (no billing here).

Z-API bills instances: a new one is a 2-day trial deleted unless ``subscription`` is called; ``cancel`` keeps
it usable 30 more days (already paid for), then deletes it; ``subscription/update`` adds the calls add-on.
zapgate bills nothing and its instances never expire, so:

- ``subscription``: confirms the instance is kept (it always is) → 201 ``{"value": true}``; ``withCalls:
  true`` → 501, as a linked device cannot place calls;
- ``cancel``: ends the instance now, as ``DELETE /instances/{id}`` does (logged out, queue dropped, history
  kept per retention) → 201 ``{"value": true}``; there is no paid period left to honour;
- ``subscription/update``: ``withCalls: true`` (the only value Z-API takes) → 501 for the same reason.

All three take the partner token (``Authorization: Bearer``) like the other partner routes, and the
instance's id and token in the path like Z-API; a token that does not match is the usual 404.
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path
from pydantic import BaseModel, ConfigDict

from gateway.api.answers import Done
from gateway.api.auth import PartnerDep, State
from gateway.api.openapi import PARTNER_ERRORS, PARTNER_TOKEN, doc
from gateway.api.partner import owned_instance
from gateway.api.state import AppState
from gateway.api.unsupported import CALLS
from gateway.core.errors import InstanceNotFound, InvalidInput, Unsupported
from gateway.core.ids import token_matches
from gateway.core.models import Instance, Partner

router = APIRouter(prefix="/instances/{instance_id}/token/{token}/integrator/on-demand", tags=["partner"],
                   dependencies=[Depends(PARTNER_TOKEN)], responses=PARTNER_ERRORS)
Token = Annotated[str, Path(max_length=64)]


class Subscription(BaseModel):
    """``withCalls``: the calls add-on, which a linked device cannot have (``true`` answers 501)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{"withCalls": True}]})
    withCalls: bool | None = None


Body_ = Annotated[Subscription | None, Body()]


async def _instance(zg: AppState, instance_id: str, token: str, partner: Partner) -> Instance:
    inst = await owned_instance(zg, instance_id, partner.id)
    if not token_matches(token, inst.token_hash):
        raise InstanceNotFound()
    return inst


@router.post("/subscription", **doc(ok=Done, status=201, fails=(404, 501)))
async def subscribe(instance_id: str, token: Token, partner: PartnerDep, zg: State,
                    body: Body_ = None) -> dict[str, Any]:
    """Keep the instance (zapgate instances never expire: nothing changes); the calls add-on is 501."""
    await _instance(zg, instance_id, token, partner)
    if body is not None and body.withCalls:
        raise Unsupported(CALLS)
    return {"value": True}


@router.put("/subscription/update", **doc(ok=Done, status=201, fails=(404, 501)))
async def update_subscription(instance_id: str, token: Token, partner: PartnerDep, zg: State,
                              body: Body_ = None) -> dict[str, Any]:
    """Z-API's upgrade to the calls add-on (``withCalls: true``): a linked device cannot place calls (501)."""
    await _instance(zg, instance_id, token, partner)
    if body is None or body.withCalls is not True:
        raise InvalidInput("is required and must be true", field="withCalls")
    raise Unsupported(CALLS)


@router.post("/cancel", **doc(ok=Done, status=201, fails=(404,)))
async def cancel(instance_id: str, token: Token, partner: PartnerDep, zg: State) -> dict[str, Any]:
    """End the instance now, like ``DELETE /instances/{id}`` (no paid period to run out on a self-hosted
    gateway): it is logged out, its queue dropped, its history kept per retention."""
    inst = await _instance(zg, instance_id, token, partner)
    await zg.instances.soft_delete(inst.id, partner.id)
    await zg.forget_instance(inst.id)
    if zg.bus is not None:  # wake placement now; without NATS the workers' placement loop finds it anyway
        with contextlib.suppress(Exception):
            await zg.bus.publish(zg.names.placement_subject, inst.id.encode())
    return {"value": True}
