"""Which network addresses and host names are public: the rule every outbound URL check shares (pure)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

_BLOCKED_HOSTS = {"localhost", "localhost.localdomain", "ip6-localhost", "metadata.google.internal"}

# IPv6 prefixes that carry an IPv4 address in their last 32 bits: the v4 address decides.
_V4_IN_LOW_BITS = (
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64, well-known prefix (RFC 6052)
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # NAT64, local use (RFC 8215): never public
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated), e.g. ::7f00:1 = 127.0.0.1
)
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def _v4_public(ip: ipaddress.IPv4Address) -> bool:
    return ip.is_global and not ip.is_multicast


def is_public_address(address: str) -> bool:
    """True only for a global unicast address; IPv4 carried inside IPv6 is judged as IPv4."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv4Address):
        return _v4_public(ip)
    if ip.ipv4_mapped is not None:
        return _v4_public(ip.ipv4_mapped)
    if ip in _LOCAL_NAT64 or ip.is_site_local:
        return False
    if any(ip in net for net in _V4_IN_LOW_BITS):
        return _v4_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None and not _v4_public(ip.sixtofour):
        return False
    if ip.teredo is not None:
        return False  # 2001::/32 is not global; say so explicitly
    return ip.is_global and not ip.is_multicast


def refused_host(host: str, is_public: Callable[[str], bool] = is_public_address) -> bool:
    """True for local names and literal non-public IPs: what can be refused without a DNS lookup."""
    name = host.lower().strip("[]").rstrip(".")
    if name in _BLOCKED_HOSTS or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return not is_public(name)
