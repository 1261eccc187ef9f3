"""The public-address rule: IPv4 carried inside IPv6 is judged as IPv4; deprecated local ranges refused."""

from __future__ import annotations

import pytest

from gateway.core.addresses import is_public_address, refused_host


@pytest.mark.parametrize("address", [
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b:1::808:808",  # local-use NAT64 prefix: never public
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "fec0::1",  # site-local (deprecated)
    "::7f00:1",  # IPv4-compatible 127.0.0.1
    "::a00:1",  # IPv4-compatible 10.0.0.1
    "::ffff:10.0.0.1",  # IPv4-mapped
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "::1", "fe80::1", "fc00::1", "ff02::1", "127.0.0.1", "10.1.2.3", "169.254.169.254", "100.64.0.1", "0.0.0.0",  # noqa: S104
])
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(address)
    assert refused_host(address) and refused_host(f"[{address}]")


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "64:ff9b::808:808", "2002:808:808::1",
                                     "::ffff:8.8.8.8"])
def test_public_addresses(address: str) -> None:
    assert is_public_address(address)
    assert not refused_host(address)


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST.", "a.localhost", "metadata.google.internal"])
def test_local_names(host: str) -> None:
    assert refused_host(host)


def test_names_are_left_to_the_resolver() -> None:
    assert not refused_host("example.com")
