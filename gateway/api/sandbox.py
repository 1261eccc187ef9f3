"""Sandbox routes (only for ``engine = sandbox`` instances): drive the simulated phone."""

from __future__ import annotations

import random
import time
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from gateway.api.answers import Done, Inbound, Scanned
from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.bodies import SandboxInbound, SandboxPresence, SandboxScan
from gateway.api.group_docs import SandboxGroupEvent, SandboxGroupEventAnswer
from gateway.api.instance import control
from gateway.api.openapi import CLIENT_TOKEN, CONTROL_FAILS, INSTANCE_ERRORS, doc
from gateway.core.commands import Action
from gateway.core.errors import InvalidInput
from gateway.core.models import EngineKind, Instance
from gateway.core.phones import validate_phone
from gateway.core.sandbox_spec import build_inbound, parse_presence

router = APIRouter(prefix="/instances/{instance_id}/token/{token}/sandbox", tags=["sandbox"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)
Spec = Annotated[dict[str, Any], Body()]


def _sandbox_only(instance: Instance) -> None:
    if instance.engine is not EngineKind.SANDBOX:
        raise InvalidInput("sandbox routes only work for instances created with engine=sandbox", field="engine")


@router.post("/scan", **doc(SandboxScan, ok=Scanned, fails=CONTROL_FAILS))
async def scan(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    _sandbox_only(instance)
    phone = validate_phone(body.get("phone"), "phone")
    result = await control(zg).call(instance.id, Action.SANDBOX_SCAN, phone=phone)
    return {"value": True, "phone": phone, "deviceJid": result["deviceJid"]}


@router.post("/inbound", **doc(SandboxInbound, ok=Inbound, fails=CONTROL_FAILS))
async def inbound(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    _sandbox_only(instance)
    try:
        build_inbound(body, random.Random(0), int(time.time() * 1000))  # noqa: S311 - validation only
    except (TypeError, ValueError, OverflowError) as exc:  # a field of a type the spec does not expect
        raise InvalidInput(f"a field has the wrong type ({exc})", field="body") from exc
    result = await control(zg).call(instance.id, Action.SANDBOX_INBOUND, **body)
    return {"messageId": result["messageId"]}


@router.post("/presence", **doc(SandboxPresence, ok=Done, fails=CONTROL_FAILS))
async def presence(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    _sandbox_only(instance)
    parse_presence(body)
    await control(zg).call(instance.id, Action.SANDBOX_PRESENCE, **body)
    return {"value": True}


@router.post("/disconnect", **doc(ok=Done, fails=CONTROL_FAILS))
async def disconnect(instance: InstanceDep, zg: State) -> dict[str, Any]:
    _sandbox_only(instance)
    await control(zg).call(instance.id, Action.SANDBOX_DISCONNECT)
    return {"value": True}


@router.post("/group-event", **doc(SandboxGroupEvent, ok=SandboxGroupEventAnswer, fails=(*CONTROL_FAILS, 403)))
async def group_event(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    """Someone else changes a group (joins, leaves, renames, asks to join, adds the phone to a new group...);
    the instance's webhooks tell it like WhatsApp's group notifications."""
    _sandbox_only(instance)
    return await control(zg).call(instance.id, Action.SANDBOX_GROUP_EVENT, **body)
