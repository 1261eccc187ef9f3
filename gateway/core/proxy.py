"""An instance's outbound proxy: parsed and checked from a URL, shown only with its password masked.

Schemes are the ones whatsmeow takes (``http``, ``https``: an HTTP CONNECT proxy; ``socks5``), with optional
``user:password@``. The password is a field of its own that no ``repr``, log line or answer shows: ``masked()``
is what the API answers and logs; ``url()`` (with the password) goes to the engine only. Read from Postgres,
the password is still sealed (``sealed``, see ``gateway/core/sealing.py``) until the worker or the proxy test
opens it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from gateway.core.errors import InvalidInput

SCHEMES = ("http", "https", "socks5")
MAX_URL_LEN = 2048
MASK = "****"


@dataclass(frozen=True, slots=True)
class ProxyConfig:
    scheme: str
    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)
    sealed: bytes | None = field(default=None, repr=False)  # the password as stored, until ``Sealer.opened``

    @property
    def has_password(self) -> bool:
        return bool(self.password or self.sealed)

    def _netloc(self, password: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        auth = ""
        if self.username or password:
            auth = quote(self.username, safe="") + (f":{password}" if password else "") + "@"
        return f"{auth}{host}:{self.port}"

    def url(self) -> str:
        """The full URL, password included: for the engine's connect only."""
        if self.sealed is not None:
            raise ValueError("the proxy password is still sealed: open it first (Sealer.opened)")
        return f"{self.scheme}://{self._netloc(quote(self.password, safe=''))}"

    def masked(self) -> str:
        """The URL as answers and logs show it: the password replaced by ``****``."""
        return f"{self.scheme}://{self._netloc(MASK if self.has_password else '')}"


def parse_proxy_url(raw: object, field_name: str = "value") -> ProxyConfig:
    """A proxy from ``scheme://[user[:password]@]host:port``, or ``InvalidInput`` naming what is wrong
    (the message never repeats the URL: it may hold a password)."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("must be a proxy URL such as socks5://user:password@host:1080", field=field_name)
    text = raw.strip()
    if len(text) > MAX_URL_LEN:
        raise InvalidInput(f"proxy URL longer than {MAX_URL_LEN} characters", field=field_name)
    if any(ord(c) < 33 or ord(c) == 127 for c in text):
        raise InvalidInput("proxy URL must not contain spaces or control characters", field=field_name)
    parts = urlsplit(text)
    if parts.scheme.lower() not in SCHEMES:
        raise InvalidInput(f"proxy URL scheme must be one of {', '.join(SCHEMES)}", field=field_name)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidInput("proxy URL must be scheme://[user:password@]host:port, without a path or query",
                           field=field_name)
    host = parts.hostname
    if not host:
        raise InvalidInput("proxy URL has no host", field=field_name)
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidInput("proxy URL has an invalid port", field=field_name) from exc
    if port is None or port == 0:
        raise InvalidInput("proxy URL needs a port (1-65535)", field=field_name)
    username, password = unquote(parts.username or ""), unquote(parts.password or "")
    if any(ord(c) < 32 or ord(c) == 127 for c in username + password):
        raise InvalidInput("proxy credentials must not contain control characters", field=field_name)
    if len(username) > 255 or len(password) > 255:
        raise InvalidInput("proxy user name and password are at most 255 characters each", field=field_name)
    return ProxyConfig(parts.scheme.lower(), host.lower(), port, username, password)
