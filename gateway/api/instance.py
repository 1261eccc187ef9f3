"""Z-API instance routes: ``/instances/{id}/token/{token}/<action>`` behind instance auth."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Body, Depends, Path

from gateway.api.answers import ConnectionStatus, Device, Done, Me, QrCode, TextValue
from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.bodies import CallRejectMessageValue, FlagValue, NameValue
from gateway.api.control import ControlClient
from gateway.api.openapi import CLIENT_TOKEN, CONTROL_FAILS, INSTANCE_ERRORS, doc
from gateway.api.partner import instance_view
from gateway.api.state import AppState
from gateway.core.commands import Action
from gateway.core.errors import InstanceUnavailable, InvalidInput, ZapgateError
from gateway.core.models import Instance
from gateway.core.phones import validate_phone
from gateway.core.status import InstanceStatus

log = logging.getLogger(__name__)
router = APIRouter(prefix="/instances/{instance_id}/token/{token}", tags=["instance"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)

STATUS_CONNECTED = "You are already connected."
STATUS_RESTORE = "You need to restore the session."
STATUS_NOT_CONNECTED = "You are not connected."
Value = Annotated[dict[str, Any], Body()]
SETTINGS_NOTICE_TIMEOUT_S = 2.0


def status_body(live: dict[str, str]) -> dict[str, Any]:
    status = live.get("status", InstanceStatus.STOPPED.value)
    if status == InstanceStatus.CONNECTED:
        return {"connected": True, "error": STATUS_CONNECTED, "smartphoneConnected": True}
    if status in (InstanceStatus.DISCONNECTED, InstanceStatus.CONNECTING) and live.get("phone"):
        return {"connected": False, "error": STATUS_RESTORE, "smartphoneConnected": False}
    return {"connected": False, "error": STATUS_NOT_CONNECTED, "smartphoneConnected": False}


def control(zg: AppState, timeout_s: float | None = None) -> ControlClient:
    return ControlClient(zg.need_bus(), zg.names, timeout_s or zg.settings.control_timeout_s, zg.leases)


async def settings_changed(zg: AppState, instance_id: str) -> None:
    """Tell the owning worker the instance's settings changed. Best effort: the worker also reads them again
    on its own, so a worker that is away or slow costs a delay, never the change (already stored)."""
    try:
        await control(zg, SETTINGS_NOTICE_TIMEOUT_S).call(instance_id, Action.SETTINGS)
    except ZapgateError as exc:
        log.info("settings change not announced to the worker (%s)", exc.code, extra={"instance_id": instance_id})


async def _current_qr(zg: AppState, instance_id: str) -> str | dict[str, Any]:
    live = await zg.state.get(instance_id)
    if live.get("status") == InstanceStatus.CONNECTED:
        return {"connected": True, "error": STATUS_CONNECTED, "value": None}
    if not live.get("owner") or live.get("status") in (None, InstanceStatus.STOPPED):
        raise InstanceUnavailable("no worker is running this instance yet; retry in a few seconds")
    if not live.get("qr"):
        raise InstanceUnavailable(f"no QR code yet (status {live.get('status')}); retry in a few seconds")
    return live["qr"]


@router.get("/status", **doc(ok=ConnectionStatus))
async def status(instance_id: str, zg: State) -> dict[str, Any]:
    return status_body(await zg.state.get(instance_id))


@router.get("/qr-code", **doc(ok=QrCode))
async def qr_code(instance_id: str, zg: State) -> dict[str, Any]:
    qr = await _current_qr(zg, instance_id)
    return qr if isinstance(qr, dict) else {"value": qr}


@router.get("/qr-code/image", **doc(ok=QrCode))
async def qr_code_image(instance_id: str, zg: State) -> dict[str, Any]:
    qr = await _current_qr(zg, instance_id)
    if isinstance(qr, dict):
        return qr
    return {"value": segno.make_qr(qr).png_data_uri(scale=6, border=2)}


@router.get("/phone-code/{phone}", **doc(ok=TextValue, fails=CONTROL_FAILS))
async def phone_code(instance_id: str, zg: State, phone: Annotated[str, Path(max_length=20)]) -> dict[str, Any]:
    validate_phone(phone, "phone")
    result = await control(zg).call(instance_id, Action.PAIR_CODE, phone=phone)
    return {"value": result["code"]}


@router.get("/restart", **doc(ok=Done, fails=CONTROL_FAILS))
async def restart(instance_id: str, zg: State) -> dict[str, Any]:
    await control(zg).call(instance_id, Action.RESTART)
    return {"value": True}


@router.get("/disconnect", **doc(ok=Done, fails=CONTROL_FAILS))
async def disconnect(instance_id: str, zg: State) -> dict[str, Any]:
    await control(zg).call(instance_id, Action.LOGOUT)
    return {"value": True}


@router.get("/device", **doc(ok=Device))
async def device(instance: InstanceDep, zg: State) -> dict[str, Any]:
    live = await zg.state.get(instance.id)
    return {"phone": live.get("phone") or instance.phone or "", "imgUrl": None, "about": "",
            "name": instance.name, "device": {"sessionName": "zapgate", "device_model": "zapgate"},
            "originalDevice": "android", "sessionId": 0, "isBusiness": live.get("is_business") == "1",
            "connected": live.get("status") == InstanceStatus.CONNECTED}


@router.get("/me", **doc(ok=Me))
async def me(instance: InstanceDep, zg: State) -> dict[str, Any]:
    view = instance_view(zg, instance, await zg.state.get(instance.id))
    view.update({"connected": view["whatsappConnected"], "callRejectAuto": instance.call_reject_auto,
                 "callRejectMessage": instance.call_reject_message or "",
                 "autoReadMessage": instance.auto_read_message, "autoReadStatus": instance.auto_read_status,
                 "initialDataCallbackUrl": ""})
    return view


def _value(body: dict[str, Any], kind: type, what: str) -> Any:
    if "value" not in body:
        raise InvalidInput("is required", field="value")
    value = body["value"]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidInput(f"must be {what}", field="value")
    return value


async def _update(zg: AppState, instance: Instance, *, behaviour: bool = False, **fields: Any) -> dict[str, bool]:
    """Store the fields; ``behaviour``: the worker acts on them (auto-read, call reject), so tell it."""
    await zg.instances.update_fields(instance.id, **fields)
    if behaviour:
        await settings_changed(zg, instance.id)
    return {"value": True}


@router.put("/update-name", **doc(NameValue, ok=Done))
async def update_name(instance: InstanceDep, zg: State, body: Value) -> dict[str, bool]:
    name = _value(body, str, "a string")
    if len(name) > 120:
        raise InvalidInput("must be at most 120 characters", field="value")
    return await _update(zg, instance, name=name.strip())


@router.put("/update-auto-read-message", **doc(FlagValue, ok=Done))
async def update_auto_read(instance: InstanceDep, zg: State, body: Value) -> dict[str, bool]:
    return await _update(zg, instance, behaviour=True, auto_read_message=_value(body, bool, "true or false"))


@router.put("/update-auto-read-status", **doc(FlagValue, ok=Done))
async def update_auto_read_status(instance: InstanceDep, zg: State, body: Value) -> dict[str, bool]:
    """Mark the statuses (stories) contacts post as seen as they arrive."""
    return await _update(zg, instance, behaviour=True, auto_read_status=_value(body, bool, "true or false"))


@router.put("/update-call-reject-auto", **doc(FlagValue, ok=Done))
async def update_call_reject(instance: InstanceDep, zg: State, body: Value) -> dict[str, bool]:
    return await _update(zg, instance, behaviour=True, call_reject_auto=_value(body, bool, "true or false"))


@router.put("/update-call-reject-message", **doc(CallRejectMessageValue, ok=Done))
async def update_call_reject_message(instance: InstanceDep, zg: State, body: Value) -> dict[str, bool]:
    message = _value(body, str, "a string")
    if len(message) > 1000:
        raise InvalidInput("must be at most 1000 characters", field="value")
    return await _update(zg, instance, behaviour=True, call_reject_message=message)
