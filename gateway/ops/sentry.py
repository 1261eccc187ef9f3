"""Sentry set-up with a ``before_send`` that strips tokens, Client-Token values and phone numbers.

Frame local variables are never sent (``include_local_variables=False``): request handlers hold raw tokens in
locals (the auth dependencies' bearer header and instance token), and filtering by variable name only
catches the names it knows. What is sent is scrubbed by key, by shape and by value (``register_secret``).
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from gateway.core.config import Settings
from gateway.ops.logs import redact, register_secret

FILTERED = "[Filtered]"
# compared lower-cased with ``_`` read as ``-``
_SECRET_KEYS = frozenset({
    "authorization", "proxy-authorization", "client-token", "z-api-token", "partner-token", "token", "cookie",
    "set-cookie", "x-api-key", "webhook-signature", "webhook-secret", "secret-key", "secret", "password",
})


def _is_secret_name(name: object) -> bool:
    return isinstance(name, str) and name.lower().replace("_", "-") in _SECRET_KEYS


def _is_phone_like(value: int) -> bool:
    return 10 <= len(str(abs(value))) <= 15


def scrub(value: Any) -> Any:
    """Recursively redact an event: secret-named keys and header pairs filtered, strings redacted,
    phone-sized integers masked."""
    if isinstance(value, dict):
        return {k: (FILTERED if _is_secret_name(k) else scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        pair = len(value) == 2 and _is_secret_name(value[0])  # a header pair: ["authorization", "Bearer …"]
        items = [value[0], FILTERED] if pair else [scrub(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int) and not isinstance(value, bool) and _is_phone_like(value):
        return redact(str(value))
    return value


def before_send(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    scrubbed: dict[str, Any] = scrub(event)
    return scrubbed


def register_settings_secrets(settings: Settings) -> None:
    """Register every secret setting (secret key, partner and client tokens, ...) for redaction by value."""
    for _name, value in settings:
        if isinstance(value, SecretStr):
            register_secret(value.get_secret_value())


def init_sentry(settings: Settings, role: str, *, transport: Any = None) -> bool:
    """Register the settings' secrets for redaction, then report errors to Sentry when a DSN is set.

    ``transport`` (a ``sentry_sdk.transport.Transport``) replaces the HTTP transport, for tests."""
    register_settings_secrets(settings)
    if settings.sentry_dsn is None:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.env.value,
        server_name=role,
        # no PII: ``send_default_pii`` is left unset, which means off (SDK 2.x deprecates setting it)
        include_local_variables=False,
        before_send=before_send,  # type: ignore[arg-type]
        traces_sample_rate=0.0,
        transport=transport,
    )
    return True
