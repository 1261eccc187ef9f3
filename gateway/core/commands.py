"""Control plane: the api asks the worker that owns an instance to act on its live session.

Request: ``{"action": <Action>, "args": {...}}`` on ``zg.ctl.<instance>`` (core NATS request/reply).
Reply: ``{"ok": true, "result": {...}}`` or ``{"ok": false, "status", "code", "error", "field"}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

import orjson

from gateway.core.errors import ControlFailed, InstanceUnavailable, InvalidInput, ZapgateError
from gateway.core.names import Names
from gateway.infra.bus import Bus, BusError, NoResponder


class Action(StrEnum):
    PAIR_CODE = "pair_code"
    RESTART = "restart"
    LOGOUT = "logout"
    READ = "read"
    SANDBOX_SCAN = "sandbox.scan"
    SANDBOX_INBOUND = "sandbox.inbound"
    SANDBOX_PRESENCE = "sandbox.presence"
    SANDBOX_DISCONNECT = "sandbox.disconnect"


@dataclass
class RemoteError(ZapgateError):
    """An error raised in the worker, carried back with its status and body."""

    remote_status: int = 500
    remote_code: str = "INTERNAL_ERROR"
    field: str = ""
    status: ClassVar[int] = 500

    def body(self) -> dict[str, object]:
        out: dict[str, object] = {"error": self.remote_code, "message": self.message}
        if self.field:
            out["error"] = f"{self.field}: {self.message}"
            out["field"] = self.field
        return out


def encode_request(action: Action, args: dict[str, Any]) -> bytes:
    return orjson.dumps({"action": action.value, "args": args})


def decode_request(data: bytes) -> tuple[Action, dict[str, Any]]:
    raw = orjson.loads(data)
    return Action(raw["action"]), dict(raw.get("args") or {})


def ok_reply(result: dict[str, Any] | None = None) -> bytes:
    return orjson.dumps({"ok": True, "result": result or {}})


def error_reply(exc: ZapgateError) -> bytes:
    return orjson.dumps({"ok": False, "status": exc.status, "code": exc.code, "error": exc.message,
                         "field": getattr(exc, "field", "")})


class ControlClient:
    """Used by the api: one request to the owning worker, errors mapped to Z-API shaped ones."""

    def __init__(self, bus: Bus, names: Names, timeout_s: float) -> None:
        self.bus = bus
        self.names = names
        self.timeout_s = timeout_s

    async def call(self, instance_id: str, action: Action, **args: Any) -> dict[str, Any]:
        try:
            data = await self.bus.request(self.names.control_subject(instance_id), encode_request(action, args),
                                          self.timeout_s)
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
        err = RemoteError(reply.get("error", "worker error"), remote_status=int(reply.get("status", 500)),
                          remote_code=reply.get("code", "INTERNAL_ERROR"))
        err.status = err.remote_status  # type: ignore[misc]
        raise err
