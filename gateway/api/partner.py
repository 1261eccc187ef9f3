"""Partner API (Z-API integrator paths): create, list, get and delete instances."""

from __future__ import annotations

import contextlib
import math
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gateway.api.answers import CreatedInstance, InstancePage, InstanceView, RotatedToken
from gateway.api.auth import PartnerDep, State
from gateway.api.openapi import PARTNER_ERRORS, PARTNER_TOKEN, doc
from gateway.api.state import AppState
from gateway.api.webhook_urls import validate_webhook_url
from gateway.core.errors import Conflict, InstanceNotFound
from gateway.core.ids import hash_token, instance_token, new_instance_id
from gateway.core.models import CallbackKind, EngineKind, Instance
from gateway.core.status import InstanceStatus

router = APIRouter(prefix="/instances", tags=["partner"], dependencies=[Depends(PARTNER_TOKEN)],
                   responses=PARTNER_ERRORS)

MAX_PAGE_SIZE = 100


class CreateInstance(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    name: Annotated[str, Field(max_length=120)] = ""
    engine: EngineKind = EngineKind.NEONIZE
    deliveryCallbackUrl: str | None = None
    receivedCallbackUrl: str | None = None
    receivedAndDeliveryCallbackUrl: str | None = None
    messageStatusCallbackUrl: str | None = None
    connectedCallbackUrl: str | None = None
    disconnectedCallbackUrl: str | None = None
    presenceChatCallbackUrl: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if any(ord(c) < 32 for c in v):
            raise ValueError("must not contain control characters")
        return v.strip()


DUE_PERIOD = timedelta(days=30)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def due_ms(created: datetime, now: datetime) -> int:
    """Z-API's ``due``: zapgate instances never expire, so it is the end of the current 30-day period
    since creation (always in the future, at most 30 days away; it moves on by itself)."""
    periods = max(0, (now - created) // DUE_PERIOD) + 1
    return _ms(created + periods * DUE_PERIOD)


def instance_view(zg: AppState, inst: Instance, live: dict[str, str]) -> dict[str, Any]:
    status = live.get("status", InstanceStatus.STOPPED.value)
    view: dict[str, Any] = {
        "id": inst.id,
        "token": instance_token(zg.settings.secret_key.get_secret_value(), inst.id, inst.token_version),
        "name": inst.name,
        "engine": inst.engine.value,
        "created": inst.created_at.isoformat(),
        "due": due_ms(inst.created_at, datetime.now(UTC)),
        "paymentStatus": "PAID",
        "middleware": "web",
        "phoneConnected": status == InstanceStatus.CONNECTED,
        "whatsappConnected": status == InstanceStatus.CONNECTED,
        "status": status,
        "receiveCallbackSentByMe": inst.notify_sent_by_me,
    }
    for kind in CallbackKind:
        view[kind.api_field] = inst.callbacks.get(kind) or ""
    return view


@router.post("/integrator/on-demand", **doc(ok=CreatedInstance, fails=(413,)))
async def create_instance(body: CreateInstance, partner: PartnerDep, zg: State) -> dict[str, Any]:
    allow = zg.settings.allow_insecure_webhooks
    callbacks: dict[CallbackKind, str | None] = {}
    for kind in CallbackKind:
        url = getattr(body, kind.api_field)
        callbacks[kind] = (validate_webhook_url(url, allow_insecure=allow, field=kind.api_field)
                           if url else None)
    notify = False
    if callbacks[CallbackKind.RECEIVED_AND_DELIVERY]:
        callbacks[CallbackKind.RECEIVED] = callbacks[CallbackKind.RECEIVED] or callbacks[
            CallbackKind.RECEIVED_AND_DELIVERY]
        notify = True
    instance_id = new_instance_id()
    token = instance_token(zg.settings.secret_key.get_secret_value(), instance_id, 1)
    inst = await zg.instances.create(instance_id=instance_id, partner_id=partner.id, name=body.name,
                                     engine=body.engine, token_hash=hash_token(token),
                                     callbacks=callbacks, notify_sent_by_me=notify)
    await zg.need_bus().publish(zg.names.placement_subject, inst.id.encode())
    return {"id": inst.id, "token": token, "due": due_ms(inst.created_at, datetime.now(UTC))}


@router.get("", **doc(ok=InstancePage))
async def list_instances(
    partner: PartnerDep,
    zg: State,
    *,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE)] = 15,
    query: Annotated[str | None, Query(max_length=120)] = None,
    middleware: Annotated[Literal["web", "mobile"] | None, Query()] = None,
) -> dict[str, Any]:
    """Z-API's filters: ``query`` (part of the name or id), ``middleware`` (``web``: every zapgate instance,
    as all are linked devices; ``mobile``: none)."""
    if middleware == "mobile":
        return {"total": 0, "totalPage": 0, "pageSize": page_size, "page": page, "content": []}
    total, items = await zg.instances.page(partner.id, page, page_size, query)
    content = [instance_view(zg, inst, await zg.state.get(inst.id)) for inst in items]
    return {"total": total, "totalPage": math.ceil(total / page_size) if total else 0,
            "pageSize": page_size, "page": page, "content": content}


async def owned_instance(zg: AppState, instance_id: str, partner_id: int) -> Instance:
    inst = await zg.instances.get(instance_id)
    if inst is None or inst.partner_id != partner_id:
        raise InstanceNotFound()
    return inst


@router.get("/{instance_id}", **doc(ok=InstanceView, fails=(404,)))
async def get_instance(instance_id: str, partner: PartnerDep, zg: State) -> dict[str, Any]:
    inst = await owned_instance(zg, instance_id, partner.id)
    return instance_view(zg, inst, await zg.state.get(inst.id))


@router.post("/{instance_id}/rotate-token", **doc(ok=RotatedToken, fails=(404, 409)))
async def rotate_token(instance_id: str, partner: PartnerDep, zg: State) -> dict[str, Any]:
    """A new instance token; the old one is refused from this answer on (webhooks carry the new one)."""
    inst = await owned_instance(zg, instance_id, partner.id)
    token = instance_token(zg.settings.secret_key.get_secret_value(), inst.id, inst.token_version + 1)
    if not await zg.instances.rotate_token(inst.id, partner.id, inst.token_version, hash_token(token)):
        raise Conflict("the token was rotated or the instance deleted meanwhile; retry")
    await zg.forget_instance(inst.id)
    return {"id": inst.id, "token": token}


@router.delete("/{instance_id}", **doc(status=204, fails=(404,)))
async def delete_instance(instance_id: str, partner: PartnerDep, zg: State) -> Response:
    inst = await owned_instance(zg, instance_id, partner.id)
    await zg.instances.soft_delete(inst.id, partner.id)
    await zg.forget_instance(inst.id)
    if zg.bus is not None:  # wake placement now; without NATS the workers' placement loop finds it anyway
        with contextlib.suppress(Exception):
            await zg.bus.publish(zg.names.placement_subject, inst.id.encode())
    return Response(status_code=204)
