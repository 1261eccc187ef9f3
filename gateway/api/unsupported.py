"""Z-API routes a linked device cannot serve: 501 with a Z-API error saying why (never the unknown-route body).

zapgate runs each instance as a linked device (a WhatsApp multi-device companion, like WhatsApp Web). Only
the primary phone registers a number, manages two-step verification and the account's e-mail, and WhatsApp
gives companions no way to place calls; Z-API's ``mobile`` instances and its calls add-on do what these
routes promise.
"""

from __future__ import annotations

from gateway.api.account import instance_router
from gateway.api.openapi import doc
from gateway.core.errors import Unsupported

router = instance_router("unsupported")

REGISTRATION = ("a linked device (WhatsApp multi-device companion) cannot register a phone number: pair the "
                "instance with a phone by QR code (qr-code) or pairing code (phone-code) instead")
SECURITY = ("a linked device (WhatsApp multi-device companion) cannot manage the account's two-step "
            "verification PIN or e-mail: change them in WhatsApp on the phone")
CALLS = ("a linked device (WhatsApp multi-device companion) cannot place calls: WhatsApp's companion protocol "
         "offers no outgoing calls, SIP or call tokens")

ROUTES: tuple[tuple[str, str, str], ...] = (
    *(("POST", f"/mobile/{name}", REGISTRATION) for name in (
        "registration-available", "request-registration-code", "respond-captcha", "confirm-registration-code",
        "confirm-pin-code", "recovery-pin-code", "request-unbanning")),
    ("GET", "/security/two-fa-code", SECURITY), ("POST", "/security/two-fa-code", SECURITY),
    ("POST", "/security/two-fa-code/remove", SECURITY), ("GET", "/security/email", SECURITY),
    ("POST", "/security/email", SECURITY), ("POST", "/security/email/remove", SECURITY),
    ("POST", "/security/verify-email", SECURITY),
    ("POST", "/send-call", CALLS), ("GET", "/call-token", CALLS), ("GET", "/sip-info", CALLS),
    ("POST", "/sip-token", CALLS),
)


def _route(method: str, path: str, why: str) -> None:
    async def unsupported() -> None:
        raise Unsupported(why)

    unsupported.__name__ = f"{method.lower()}_{path.strip('/').replace('/', '_').replace('-', '_')}"
    unsupported.__doc__ = f"Answers 501: {why}."
    documented = doc(status=501, fails=(501,))
    documented["responses"][501]["content"] = {"application/json": {"example": Unsupported(why).body()}}
    router.add_api_route(path, unsupported, methods=[method], **documented)


for _method, _path, _why in ROUTES:
    _route(_method, _path, _why)
