"""The api's side of the control plane: one request to the worker that owns an instance."""

from __future__ import annotations

from typing import Any

import orjson

from gateway.core.commands import Action, encode_request
from gateway.core.errors import BusError, ControlFailed, InstanceUnavailable, InvalidInput, NoResponder, RemoteError
from gateway.core.names import Names
from gateway.infra.bus import Bus


class ControlClient:
    """Used by the api: one request to the owning worker, errors mapped to Z-API shaped ones."""

    def __init__(self, bus: Bus, names: Names, timeout_s: float) -> None:
        self.bus = bus
        self.names = names
        self.timeout_s = timeout_s

    async def call(self, instance_id: str, action: Action, **args: Any) -> dict[str, Any]:
        try:
            request = encode_request(action, args)
        except orjson.JSONEncodeError as exc:  # the input guard refuses these first; never a 500
            raise InvalidInput(f"cannot be sent to the worker: {exc}", field="body") from exc
        try:
            data = await self.bus.request(self.names.control_subject(instance_id), request, self.timeout_s)
        except NoResponder as exc:
            raise InstanceUnavailable("no worker is running this instance yet; retry in a few seconds") from exc
        except BusError as exc:
            raise ControlFailed(f"the worker did not answer: {exc}") from exc
        reply = orjson.loads(data)
        if reply.get("ok"):
            result: dict[str, Any] = reply.get("result") or {}
            return result
        if reply.get("status") == 400:
            raise InvalidInput(reply.get("error", "invalid"), field=reply.get("field", ""))
        raise RemoteError(reply.get("error", "worker error"), remote_status=int(reply.get("status", 500)),
                          remote_code=reply.get("code", "INTERNAL_ERROR"))
