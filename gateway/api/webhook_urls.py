"""Webhook target validation: HTTPS only and no private, loopback or link-local targets unless allowed."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from gateway.core.addresses import is_public_address, refused_host
from gateway.core.errors import InvalidInput

MAX_URL_LEN = 2048


def resolve(host: str) -> list[str]:
    """All addresses of a host name; an empty list when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def validate_webhook_url(url: str, *, allow_insecure: bool, field: str = "value") -> str:
    """Return the URL when it is an acceptable webhook target, else raise ``InvalidInput``.

    Host names are resolved; a name that resolves to a private address is refused. A name that does
    not resolve now is accepted (the deliverer checks the address again at every connection).
    """
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput("must be a non-empty URL", field=field)
    url = url.strip()
    if len(url) > MAX_URL_LEN:
        raise InvalidInput(f"URL longer than {MAX_URL_LEN} characters", field=field)
    parts = urlsplit(url)
    allowed = ("https", "http") if allow_insecure else ("https",)
    if parts.scheme not in allowed:
        raise InvalidInput("webhook URL must use https" if not allow_insecure
                           else "webhook URL must use http or https", field=field)
    host = parts.hostname
    if not host:
        raise InvalidInput("webhook URL has no host", field=field)
    if parts.username or parts.password:
        raise InvalidInput("credentials in webhook URLs are not allowed", field=field)
    try:
        _ = parts.port
    except ValueError as exc:
        raise InvalidInput("webhook URL has an invalid port", field=field) from exc
    if allow_insecure:
        return url
    if refused_host(host):
        raise InvalidInput("webhook URL points to a private or loopback address", field=field)
    if any(not is_public_address(a) for a in resolve(host)):
        raise InvalidInput("webhook URL points to a private or loopback address", field=field)
    return url
