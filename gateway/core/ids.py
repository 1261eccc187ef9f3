"""Identifiers and secrets: id formats, token derivation, hashing and constant-time checks.

Instance tokens are never stored: the token is derived from the server secret and the instance id
(``HMAC-SHA256(secret_key, "token:<id>:<version>")``), only its SHA-256 is kept, and the api derives
it again when it must show it (partner listing) or send it (``z-api-token`` webhook header).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import NewType

InstanceId = NewType("InstanceId", str)
PartnerId = NewType("PartnerId", int)
WaMessageId = NewType("WaMessageId", str)
ZaapId = NewType("ZaapId", str)
WorkerId = NewType("WorkerId", str)

INSTANCE_ID_LEN = 32
INSTANCE_TOKEN_LEN = 24


def new_instance_id() -> InstanceId:
    return InstanceId(secrets.token_hex(INSTANCE_ID_LEN // 2).upper())


def new_zaap_id() -> ZaapId:
    return ZaapId(secrets.token_hex(16).upper())


def is_instance_id(value: str) -> bool:
    return len(value) == INSTANCE_ID_LEN and all(c in "0123456789ABCDEF" for c in value)


def _derive(secret_key: str, label: str) -> str:
    return hmac.new(secret_key.encode(), label.encode(), hashlib.sha256).hexdigest().upper()


def instance_token(secret_key: str, instance_id: str, version: int) -> str:
    """The instance's API token (24 upper-hex), derived, never stored."""
    return _derive(secret_key, f"token:{instance_id}:{version}")[:INSTANCE_TOKEN_LEN]


def webhook_secret(secret_key: str, instance_id: str, version: int) -> str:
    """The per-instance webhook signing secret; bump ``version`` to rotate it."""
    return "whsec_" + _derive(secret_key, f"webhook:{instance_id}:{version}").lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token against a stored hash."""
    return hmac.compare_digest(hash_token(token).encode(), stored_hash.encode())


def mask(secret: str) -> str:
    """A display form that never reveals a secret: ``F1a2***``."""
    return (secret[:4] if len(secret) > 8 else "") + "***"


def generate_token(nbytes: int = 24) -> str:
    return secrets.token_hex(nbytes).upper()
