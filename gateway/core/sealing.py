"""Secrets zapgate must read back (an instance's proxy password), sealed before they reach Postgres.

AES-256-GCM (``cryptography``) under a key derived from ``ZAPGATE_SECRET_KEY``, with a fresh 96-bit nonce per
seal, and the instance's id as associated data: a sealed value copied into another instance's row does not
open. A database dump or backup alone does not give the password; the secret key is needed as well. Changing
the secret key makes the sealed passwords unreadable (as it changes the instance tokens): set the proxies again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import replace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gateway.core.config import Settings
from gateway.core.proxy import ProxyConfig

VERSION = b"\x01"
_NONCE = 12


class Unsealable(ValueError):
    """A sealed value that does not open with this key (the secret key changed, or the value was altered)."""


class Sealer:
    def __init__(self, secret_key: str, purpose: str = "proxy-password") -> None:
        key = hmac.new(secret_key.encode(), f"zapgate sealed {purpose} v1".encode(), hashlib.sha256).digest()
        self._aead = AESGCM(key)

    @classmethod
    def of(cls, settings: Settings) -> Sealer:
        return cls(settings.secret_key.get_secret_value())

    def __repr__(self) -> str:
        return "<Sealer>"

    def seal(self, owner: str, secret: str) -> bytes:
        """``secret`` sealed for ``owner`` (an instance id): version, nonce, ciphertext with its tag."""
        nonce = os.urandom(_NONCE)
        return VERSION + nonce + self._aead.encrypt(nonce, secret.encode(), owner.encode())

    def open(self, owner: str, sealed: bytes) -> str:
        if len(sealed) < 1 + _NONCE + 16 or sealed[:1] != VERSION:
            raise Unsealable("not a sealed value of this version")
        try:
            return self._aead.decrypt(sealed[1:1 + _NONCE], sealed[1 + _NONCE:], owner.encode()).decode()
        except (InvalidTag, UnicodeDecodeError) as exc:
            raise Unsealable("does not open with this secret key") from exc

    def opened(self, owner: str, proxy: ProxyConfig | None) -> ProxyConfig | None:
        """``proxy`` with its password opened (``Unsealable`` if it does not open)."""
        if proxy is None or proxy.sealed is None:
            return proxy
        return replace(proxy, password=self.open(owner, proxy.sealed), sealed=None)
