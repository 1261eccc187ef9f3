"""The gateway's one error tree. The api maps every ``ZapgateError`` to a Z-API shaped body in one handler.

ZapgateError                         http_status()  body
├── AuthError
│   ├── PartnerUnauthorized          401 {"error": "Unauthorized"}
│   ├── ClientTokenMissing           400 {"error": "your client-token is not configured"}
│   ├── ClientTokenRejected          403 {"error": "Client-Token <masked> not allowed"}  (shown)
│   └── InstanceNotFound             404 {"error": "Instance not found"}
├── InvalidInput                     400 naming the field                                 (field)
├── NotFound                         404
│   ├── GroupNotFound                404 the instance is in no such group
│   ├── NewsletterNotFound           404 no such channel (or it was deleted)
│   ├── TagNotFound                  404 the account has no such label
│   ├── CatalogNotFound              404 the number has no catalog
│   ├── ProductNotFound              404 no such product in the catalog
│   └── CollectionNotFound           404 no such collection in the catalog
├── LinkExpired                      403 a signed media link is invalid or expired
├── Conflict                         409
├── PayloadTooLarge                  413                                                  (limit)
├── Throttled                        429 the caller must slow down                        (retry_after_s)
│   ├── RateLimited                  429 the instance's send rate limit
│   ├── AuthThrottled                429 too many failed authentications from this address
│   └── QueueFull                    429 the instance's queue holds its cap               (cap)
├── Unavailable                      503 the request could not be served now (Retry-After)  (retry_after_s)
│   ├── InstanceUnavailable          503 no worker runs the instance (yet)
│   ├── ServiceDown                  503 a backing service is unreachable                 (services)
│   ├── BusError                     503 NATS did not answer
│   │   └── NoResponder              503 nobody serves the subject (no worker runs the instance)
│   └── CaptureFull                  503 an instance's capture buffer is full             (instance_id, limit)
├── ControlFailed                    502 the owning worker did not answer
├── RemoteError                      the status the worker sent    an error raised in the worker, carried back
├── FetchError                       502 an outbound HTTP fetch failed (callers name their field)
│   ├── PrivateAddress               502 the target is a private, loopback or link-local address  (host)
│   ├── ResponseTooLarge             502 the body is larger than allowed                  (limit)
│   ├── TooManyRedirects             502
│   └── BadResponse                  502 a non-200 answer                                 (status_code)
├── EngineError                      409 the engine refused the action                    (transient)
│   ├── NotConnected
│   ├── Unsupported                  501 the engine's library cannot do it
│   ├── NotGroupAdmin                403 the action needs a group admin
│   ├── NotNewsletterAdmin           403 the action needs the channel's owner or an admin
│   └── AlreadyPaired
└── OperationalError                 500 start-up and maintenance failures (never an HTTP answer)
    ├── ProvisionError               a service could not be reused, started or installed
    └── MigrationError               the migrations directory or a migration is invalid

Every error is a dataclass: its fields say what happened; ``status`` and ``code`` are class constants that
no instance overwrites (``http_status()`` is the one place an instance decides its status).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass
class ZapgateError(Exception):
    message: str = ""
    status: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL_ERROR"

    def http_status(self) -> int:
        return self.status

    def headers(self) -> dict[str, str]:
        return {}

    def body(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message}


def _retry_after(seconds: float | None) -> dict[str, str]:
    return {} if seconds is None else {"Retry-After": str(max(1, round(seconds)))}


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
    shown: str = "***"  # the presented token, masked: the raw value never enters an exception
    status: ClassVar[int] = 403

    def body(self) -> dict[str, object]:
        return {"error": f"Client-Token {self.shown} not allowed"}


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
class LinkExpired(ZapgateError):
    status: ClassVar[int] = 403
    code: ClassVar[str] = "MEDIA_LINK_INVALID"


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
class Throttled(ZapgateError):
    retry_after_s: float | None = None
    status: ClassVar[int] = 429
    code: ClassVar[str] = "THROTTLED"

    def headers(self) -> dict[str, str]:
        return _retry_after(self.retry_after_s)


@dataclass
class RateLimited(Throttled):
    code: ClassVar[str] = "RATE_LIMITED"


@dataclass
class AuthThrottled(Throttled):
    code: ClassVar[str] = "TOO_MANY_AUTH_FAILURES"


@dataclass
class QueueFull(Throttled):
    cap: int = 0
    code: ClassVar[str] = "QUEUE_FULL"


@dataclass
class Unavailable(ZapgateError):
    retry_after_s: float | None = 2.0
    status: ClassVar[int] = 503
    code: ClassVar[str] = "SERVICE_UNAVAILABLE"

    def headers(self) -> dict[str, str]:
        return _retry_after(self.retry_after_s)


@dataclass
class InstanceUnavailable(Unavailable):
    code: ClassVar[str] = "INSTANCE_NOT_RUNNING"


@dataclass
class ServiceDown(Unavailable):
    services: list[str] = field(default_factory=list)


@dataclass
class BusError(Unavailable):
    code: ClassVar[str] = "BUS_UNAVAILABLE"


@dataclass
class NoResponder(BusError):
    """Nobody serves the subject (e.g. no worker runs the instance)."""

    subject: str = ""


@dataclass
class CaptureFull(Unavailable):
    """The instance's capture buffer is full: the event was not accepted (the caller must back off)."""

    instance_id: str = ""
    limit: int = 0
    code: ClassVar[str] = "CAPTURE_BUFFER_FULL"


@dataclass
class ControlFailed(ZapgateError):
    status: ClassVar[int] = 502
    code: ClassVar[str] = "CONTROL_FAILED"


@dataclass
class RemoteError(ZapgateError):
    """An error raised in the worker, carried back with its status and body."""

    remote_status: int = 500
    remote_code: str = "INTERNAL_ERROR"
    field: str = ""

    def http_status(self) -> int:
        return self.remote_status

    def headers(self) -> dict[str, str]:
        return _retry_after(2.0) if self.remote_status in (429, 503) else {}

    def body(self) -> dict[str, object]:
        out: dict[str, object] = {"error": self.remote_code, "message": self.message}
        if self.field:
            out["error"] = f"{self.field}: {self.message}"
            out["field"] = self.field
        return out


@dataclass
class FetchError(ZapgateError):
    status: ClassVar[int] = 502
    code: ClassVar[str] = "FETCH_FAILED"


@dataclass
class PrivateAddress(FetchError):
    host: str = ""


@dataclass
class ResponseTooLarge(FetchError):
    limit: int = 0


@dataclass
class TooManyRedirects(FetchError):
    pass


@dataclass
class BadResponse(FetchError):
    status_code: int = 0


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
class Unsupported(EngineError):
    """What the engine's library cannot do (never retried)."""

    transient: bool = False
    status: ClassVar[int] = 501
    code: ClassVar[str] = "NOT_SUPPORTED"


@dataclass
class NotGroupAdmin(EngineError):
    transient: bool = False
    status: ClassVar[int] = 403
    code: ClassVar[str] = "NOT_GROUP_ADMIN"


@dataclass
class GroupNotFound(NotFound):
    code: ClassVar[str] = "GROUP_NOT_FOUND"


@dataclass
class NotNewsletterAdmin(EngineError):
    transient: bool = False
    status: ClassVar[int] = 403
    code: ClassVar[str] = "NOT_NEWSLETTER_ADMIN"


@dataclass
class NewsletterNotFound(NotFound):
    code: ClassVar[str] = "NEWSLETTER_NOT_FOUND"


@dataclass
class TagNotFound(NotFound):
    code: ClassVar[str] = "TAG_NOT_FOUND"


@dataclass
class CatalogNotFound(NotFound):
    """The number has no catalog (not a business account, or not on WhatsApp)."""

    code: ClassVar[str] = "CATALOG_NOT_FOUND"


@dataclass
class ProductNotFound(NotFound):
    code: ClassVar[str] = "PRODUCT_NOT_FOUND"


@dataclass
class CollectionNotFound(NotFound):
    code: ClassVar[str] = "COLLECTION_NOT_FOUND"


@dataclass
class AlreadyPaired(EngineError):
    code: ClassVar[str] = "ALREADY_PAIRED"


@dataclass
class OperationalError(ZapgateError):
    code: ClassVar[str] = "OPERATIONAL_ERROR"


@dataclass
class ProvisionError(OperationalError):
    pass


@dataclass
class MigrationError(OperationalError):
    pass
