"""``GET restore-session`` (Z-API instance/restore-session): reconnect from the saved session after a disconnection.

Mapped onto our session lifecycle: the owning worker restarts the instance's engine from its paired device (no
new QR code, as ``restart`` does) and answers ``{"value": true}``; when the instance is connected there is
nothing to restore and it answers the same without restarting. An instance that was never paired (or was
logged out) has no session to restore: 409 ``ENGINE_ERROR`` saying so. Progress arrives as usual: the
``ConnectedCallback`` webhook once connected (docs/sessions.md).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from gateway.api.answers import Done
from gateway.api.auth import State, instance_auth
from gateway.api.instance import control
from gateway.api.openapi import CLIENT_TOKEN, CONTROL_FAILS, INSTANCE_ERRORS, doc
from gateway.core.commands import Action

router = APIRouter(prefix="/instances/{instance_id}/token/{token}", tags=["instance"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)


@router.get("/restore-session", **doc(ok=Done, fails=CONTROL_FAILS))
async def restore_session(instance_id: str, zg: State) -> dict[str, Any]:
    await control(zg).call(instance_id, Action.RESTART, restore=True)
    return {"value": True}
