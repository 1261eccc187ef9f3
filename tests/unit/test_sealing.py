"""Sealed secrets (``gateway/core/sealing.py``): AES-256-GCM under the secret key, bound to their owner."""

from __future__ import annotations

import pytest

from gateway.core.proxy import ProxyConfig
from gateway.core.sealing import Sealer, Unsealable

KEY = "k" * 40
OWNER = "A20DA9C0183A2D35A260F53F5D2B9244"


def test_a_sealed_secret_opens_with_its_key_and_owner_only() -> None:
    sealer = Sealer(KEY)
    sealed = sealer.seal(OWNER, "pässword")
    assert b"password" not in sealed and "pässword".encode() not in sealed
    assert sealer.open(OWNER, sealed) == "pässword"
    assert sealer.seal(OWNER, "pässword") != sealed  # a fresh nonce each time
    with pytest.raises(Unsealable):
        sealer.open("B" + OWNER[1:], sealed)
    with pytest.raises(Unsealable):
        Sealer("j" * 40).open(OWNER, sealed)
    with pytest.raises(Unsealable):
        Sealer(KEY, purpose="another").open(OWNER, sealed)


@pytest.mark.parametrize("damage", [
    lambda b: b[:-1],  # truncated tag
    lambda b: b[:5] + bytes([b[5] ^ 1]) + b[6:],  # a nonce bit flipped
    lambda b: b[:-3] + bytes([b[-3] ^ 1]) + b[-2:],  # a ciphertext or tag bit flipped
    lambda b: b"\x02" + b[1:],  # an unknown version
    lambda b: b"",
])
def test_an_altered_value_does_not_open(damage: object) -> None:
    sealer = Sealer(KEY)
    sealed = sealer.seal(OWNER, "secret")
    with pytest.raises(Unsealable):
        sealer.open(OWNER, damage(sealed))  # type: ignore[operator]


def test_a_proxy_is_opened_only_when_sealed() -> None:
    sealer = Sealer(KEY)
    clear = ProxyConfig("socks5", "p.example.com", 1080, "bob", "old-clear")  # as an older version stored it
    assert sealer.opened(OWNER, clear) is clear and sealer.opened(OWNER, None) is None
    sealed = ProxyConfig("socks5", "p.example.com", 1080, "bob", sealed=sealer.seal(OWNER, "s3cret"))
    assert sealed.has_password and sealed.masked() == "socks5://bob:****@p.example.com:1080"
    assert "s3cret" not in repr(sealed) and "sealed" not in repr(sealed)
    opened = sealer.opened(OWNER, sealed)
    assert opened is not None and opened.url() == "socks5://bob:s3cret@p.example.com:1080"
    with pytest.raises(ValueError, match="sealed"):
        sealed.url()
