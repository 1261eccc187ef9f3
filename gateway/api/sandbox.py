"""Sandbox routes (only for ``engine = sandbox`` instances): drive the simulated phone."""

from __future__ import annotations

import random
import time
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.instance import control
from gateway.core.commands import Action
from gateway.core.errors import InvalidInput
from gateway.core.models import EngineKind, Instance
from gateway.core.phones import validate_phone
from gateway.core.sandbox_spec import build_inbound, parse_presence

router = APIRouter(prefix="/instances/{instance_id}/token/{token}/sandbox",
                   dependencies=[Depends(instance_auth)])
Spec = Annotated[dict[str, Any], Body()]


def _sandbox_only(instance: Instance) -> None:
    if instance.engine is not EngineKind.SANDBOX:
        raise InvalidInput("sandbox routes only work for instances created with engine=sandbox", field="engine")


@router.post("/scan")
async def scan(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    _sandbox_only(instance)
    phone = validate_phone(body.get("phone"), "phone")
    result = await control(zg).call(instance.id, Action.SANDBOX_SCAN, phone=phone)
    return {"value": True, "phone": phone, "deviceJid": result["deviceJid"]}


@router.post("/inbound")
async def inbound(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    _sandbox_only(instance)
    build_inbound(body, random.Random(0), int(time.time() * 1000))  # noqa: S311 - validation only
    result = await control(zg).call(instance.id, Action.SANDBOX_INBOUND, **body)
    return {"messageId": result["messageId"]}


@router.post("/presence")
async def presence(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    _sandbox_only(instance)
    parse_presence(body)
    await control(zg).call(instance.id, Action.SANDBOX_PRESENCE, **body)
    return {"value": True}


@router.post("/disconnect")
async def disconnect(instance: InstanceDep, zg: State) -> dict[str, Any]:
    _sandbox_only(instance)
    await control(zg).call(instance.id, Action.SANDBOX_DISCONNECT)
    return {"value": True}
