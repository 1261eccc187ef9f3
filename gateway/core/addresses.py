"""Which network addresses and host names are public: the rule every outbound URL check shares (pure)."""

from __future__ import annotations

import ipaddress

_BLOCKED_HOSTS = {"localhost", "localhost.localdomain", "ip6-localhost", "metadata.google.internal"}


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def refused_host(host: str) -> bool:
    """True for local names and literal non-public IPs: what can be refused without a DNS lookup."""
    name = host.lower().strip("[]")
    if name in _BLOCKED_HOSTS or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return not is_public_address(name)
