"""Z-API instance routes: ``/instances/{id}/token/{token}/<action>`` behind instance auth."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from gateway.api.auth import State, instance_auth
from gateway.state import InstanceStatus

router = APIRouter(prefix="/instances/{instance_id}/token/{token}", dependencies=[Depends(instance_auth)])

STATUS_CONNECTED = "You are already connected."
STATUS_RESTORE = "You need to restore the session."
STATUS_NOT_CONNECTED = "You are not connected."


def status_body(live: dict[str, str]) -> dict[str, Any]:
    status = live.get("status", InstanceStatus.STOPPED.value)
    if status == InstanceStatus.CONNECTED:
        return {"connected": True, "error": STATUS_CONNECTED, "smartphoneConnected": True}
    if status == InstanceStatus.DISCONNECTED and live.get("phone"):
        return {"connected": False, "error": STATUS_RESTORE, "smartphoneConnected": False}
    return {"connected": False, "error": STATUS_NOT_CONNECTED, "smartphoneConnected": False}


@router.get("/status")
async def status(instance_id: str, zg: State) -> dict[str, Any]:
    return status_body(await zg.state.get(instance_id))
