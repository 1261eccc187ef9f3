"""Sentry set-up with a ``before_send`` that strips tokens, Client-Token values and phone numbers."""

from __future__ import annotations

from typing import Any

from gateway.core.config import Settings
from gateway.ops.logs import redact

_SECRET_KEYS = {"authorization", "client-token", "z-api-token", "token", "cookie", "x-api-key",
                "webhook-signature", "partner_token", "client_token", "secret_key", "secret"}


def scrub(value: Any) -> Any:
    """Recursively redact an event: secret-named keys dropped, strings redacted."""
    if isinstance(value, dict):
        return {k: ("[Filtered]" if str(k).lower() in _SECRET_KEYS else scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, tuple):
        return tuple(scrub(v) for v in value)
    if isinstance(value, str):
        return redact(value)
    return value


def before_send(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    scrubbed: dict[str, Any] = scrub(event)
    return scrubbed


def init_sentry(settings: Settings, role: str) -> bool:
    if settings.sentry_dsn is None:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.env.value,
        server_name=role,
        send_default_pii=False,
        before_send=before_send,  # type: ignore[arg-type]
        traces_sample_rate=0.0,
    )
    return True
