"""The gateway's error tree. The api maps every ``ZapgateError`` to a Z-API shaped body in one handler.

ZapgateError
├── AuthError
│   ├── PartnerUnauthorized          401 {"error": "Unauthorized"}
│   ├── ClientTokenMissing           400 {"error": "your client-token is not configured"}
│   ├── ClientTokenRejected          403 {"error": "Client-Token <masked> not allowed"}
│   └── InstanceNotFound             404 {"error": "Instance not found"}
├── InvalidInput                     400 {"error": ..., "message": ...} naming the field
├── NotFound                         404
├── Conflict                         409
├── PayloadTooLarge                  413
├── InstanceUnavailable              503 no worker runs the instance (yet)
├── ControlFailed                    502 the owning worker answered with an error
├── ServiceDown                      503 a backing service is unreachable
└── EngineError                      409 the engine refused the action
    ├── NotConnected
    └── AlreadyPaired
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from gateway.core.ids import mask


@dataclass
class ZapgateError(Exception):
    message: str = ""
    status: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL_ERROR"

    def body(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message}


class AuthError(ZapgateError):
    pass


@dataclass
class PartnerUnauthorized(AuthError):
    status: ClassVar[int] = 401

    def body(self) -> dict[str, object]:
        return {"error": "Unauthorized", "message": self.message or "invalid or missing partner token"}


@dataclass
class ClientTokenMissing(AuthError):
    status: ClassVar[int] = 400

    def body(self) -> dict[str, object]:
        return {"error": "your client-token is not configured"}


@dataclass
class ClientTokenRejected(AuthError):
    presented: str = ""
    status: ClassVar[int] = 403

    def body(self) -> dict[str, object]:
        return {"error": f"Client-Token {mask(self.presented)} not allowed"}


@dataclass
class InstanceNotFound(AuthError):
    status: ClassVar[int] = 404

    def body(self) -> dict[str, object]:
        return {"error": "Instance not found"}


@dataclass
class InvalidInput(ZapgateError):
    field: str = ""
    status: ClassVar[int] = 400
    code: ClassVar[str] = "INVALID_INPUT"

    def body(self) -> dict[str, object]:
        return {"error": f"{self.field}: {self.message}" if self.field else self.message,
                "message": self.message, "field": self.field}


@dataclass
class NotFound(ZapgateError):
    status: ClassVar[int] = 404
    code: ClassVar[str] = "NOT_FOUND"


@dataclass
class Conflict(ZapgateError):
    status: ClassVar[int] = 409
    code: ClassVar[str] = "CONFLICT"


@dataclass
class PayloadTooLarge(ZapgateError):
    limit: int = 0
    status: ClassVar[int] = 413
    code: ClassVar[str] = "PAYLOAD_TOO_LARGE"


@dataclass
class InstanceUnavailable(ZapgateError):
    status: ClassVar[int] = 503
    code: ClassVar[str] = "INSTANCE_NOT_RUNNING"


@dataclass
class ControlFailed(ZapgateError):
    status: ClassVar[int] = 502
    code: ClassVar[str] = "CONTROL_FAILED"


@dataclass
class ServiceDown(ZapgateError):
    services: list[str] = field(default_factory=list)
    status: ClassVar[int] = 503
    code: ClassVar[str] = "SERVICE_UNAVAILABLE"


@dataclass
class EngineError(ZapgateError):
    """The engine refused or failed an action (``transient``: worth retrying)."""

    transient: bool = True
    status: ClassVar[int] = 409
    code: ClassVar[str] = "ENGINE_ERROR"


@dataclass
class NotConnected(EngineError):
    code: ClassVar[str] = "NOT_CONNECTED"


@dataclass
class AlreadyPaired(EngineError):
    code: ClassVar[str] = "ALREADY_PAIRED"
