"""Outbound HTTP with aiohttp (the only module importing it): webhook POSTs and bounded media GETs.

With ``public_only`` every connection is checked twice, whatever led to it (a URL, a redirect, a DNS
answer that changed since the last check): host names by a resolver that refuses any non-public answer,
and every socket by its factory, which refuses a non-public peer address before connecting (aiohttp never
asks the resolver about literal IPs). Media GETs follow redirects one hop at a time, each hop checked.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from gateway.core.addresses import is_public_address, refused_host
from gateway.core.errors import BadResponse, FetchError, PrivateAddress, ResponseTooLarge, TooManyRedirects

AddressPolicy = Callable[[str], bool]
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_REFUSED = "refused a non-public address"


class _Refused(OSError):
    """Raised inside aiohttp's connector; becomes ``PrivateAddress`` at this module's edge."""

    def __init__(self, host: str) -> None:
        super().__init__(f"{_REFUSED}: {host}")
        self.host = host


def _refusal(exc: BaseException) -> _Refused | None:
    """The refusal behind an aiohttp connection error, if that is what it was."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, _Refused):
            return seen
        inner = getattr(seen, "os_error", None)
        if isinstance(inner, _Refused):
            return inner
        if _REFUSED in str(seen):  # several addresses tried: happy eyeballs joins the errors into one
            return _Refused(str(seen).rsplit(": ", 1)[-1])
        seen = seen.__cause__
    return None


class PublicOnlyResolver(AbstractResolver):
    """Refuse host names that resolve to non-public addresses. Literal IPs never reach a resolver."""

    def __init__(self, inner: AbstractResolver | None = None, is_public: AddressPolicy = is_public_address) -> None:
        self._inner = inner or DefaultResolver()
        self._is_public = is_public

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if any(not self._is_public(r["host"]) for r in results):
            raise _Refused(host)
        return results

    async def close(self) -> None:
        await self._inner.close()


def guarded_socket_factory(is_public: AddressPolicy) -> Callable[[Any], socket.socket]:
    """A socket factory for aiohttp's connector that refuses to open a socket to a non-public peer."""

    def create(addr_info: Any) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        host = str(sockaddr[0]).split("%", 1)[0]
        if not is_public(host):
            raise _Refused(host)
        return socket.socket(family=family, type=type_, proto=proto)

    return create


@dataclass(frozen=True, slots=True)
class PostResult:
    status: int | None  # None: no answer (timeout, refused, unreachable)
    error: str | None
    latency_ms: int
    retry_after: str | None = None


@dataclass(frozen=True, slots=True)
class HttpLimits:
    total_timeout_s: float
    connect_timeout_s: float
    max_connections: int
    per_host: int = 0  # 0: no per-host limit
    user_agent: str = "zapgate/0.1"
    decompress: bool = True


class HttpClient:
    """One aiohttp session (opened on first use, inside the running loop) with explicit limits."""

    def __init__(self, limits: HttpLimits, *, public_only: bool, resolver: AbstractResolver | None = None,
                 is_public: AddressPolicy = is_public_address) -> None:
        self.limits = limits
        self.public_only = public_only
        self._resolver = resolver  # tests map public-looking names to local servers
        self._is_public = is_public
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:
        return f"<HttpClient public_only={self.public_only} open={self._session is not None}>"

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            lim = self.limits
            guarded = self.public_only
            resolver = PublicOnlyResolver(self._resolver, self._is_public) if guarded else self._resolver
            connector = aiohttp.TCPConnector(
                limit=lim.max_connections, limit_per_host=lim.per_host, ttl_dns_cache=60, resolver=resolver,
                socket_factory=guarded_socket_factory(self._is_public) if guarded else None)
            timeout = aiohttp.ClientTimeout(total=lim.total_timeout_s, connect=lim.connect_timeout_s)
            # no cookie jar: every partner's webhooks and media go through this one session, so a cookie one
            # receiver set would be sent with another partner's requests to that host
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout,
                                                  auto_decompress=lim.decompress, cookie_jar=aiohttp.DummyCookieJar(),
                                                  headers={"User-Agent": lim.user_agent})
        return self._session

    async def post(self, url: str, body: bytes, headers: dict[str, Any]) -> PostResult:
        """POST without following redirects; never raises for network failures (they are the result)."""
        start = time.perf_counter()

        def took() -> int:
            return int((time.perf_counter() - start) * 1000)

        try:
            async with self._client().post(url, data=body, headers=headers, allow_redirects=False) as response:
                await response.read()
                return PostResult(response.status, None if response.status < 300 else f"HTTP {response.status}",
                                  took(), response.headers.get("Retry-After"))
        except TimeoutError:
            return PostResult(None, "timeout", took())
        except (aiohttp.ClientError, OSError) as exc:
            if (refused := _refusal(exc)) is not None:
                return PostResult(None, f"{_REFUSED}: {refused.host}", took())
            return PostResult(None, f"{type(exc).__name__}: {exc}"[:300], took())
        except ValueError as exc:  # a host IDNA cannot encode
            return PostResult(None, f"invalid URL ({type(exc).__name__})", took())

    def _check_target(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("must be an http(s) URL")
        if self.public_only and refused_host(parts.hostname, self._is_public):
            raise PrivateAddress("points to a private or loopback address", host=parts.hostname)

    async def get_bounded(self, url: str, *, max_bytes: int, max_redirects: int) -> bytes:
        """GET a body of at most ``max_bytes`` (streamed), following at most ``max_redirects`` redirects.

        Each redirect is a new request, its target checked like the first URL was."""
        for _hop in range(max_redirects + 1):
            self._check_target(url)
            location = await self._get_once(url, max_bytes)
            if isinstance(location, bytes):
                return location
            url = location
        raise TooManyRedirects("redirects too many times")

    async def _get_once(self, url: str, max_bytes: int) -> bytes | str:
        """The body, or the absolute URL a redirect points to."""
        try:
            async with self._client().get(url, allow_redirects=False) as response:
                if response.status in _REDIRECTS:
                    target = response.headers.get("Location")
                    if not target:
                        raise BadResponse(f"HTTP {response.status} without a Location", status_code=response.status)
                    return urljoin(url, target)
                if response.status != 200:
                    raise BadResponse(f"HTTP {response.status} from {url}", status_code=response.status)
                if response.content_length is not None and response.content_length > max_bytes:
                    raise ResponseTooLarge(f"is larger than {max_bytes} bytes", limit=max_bytes)
                chunks, size = [], 0
                async for chunk in response.content.iter_chunked(65536):
                    size += len(chunk)
                    if size > max_bytes:
                        raise ResponseTooLarge(f"is larger than {max_bytes} bytes", limit=max_bytes)
                    chunks.append(chunk)
                return b"".join(chunks)
        except TimeoutError as exc:
            raise FetchError("timed out") from exc
        except (aiohttp.ClientError, OSError) as exc:
            if (refused := _refusal(exc)) is not None:
                raise PrivateAddress("points to a private or loopback address", host=refused.host) from exc
            raise FetchError(type(exc).__name__) from exc
        except ValueError as exc:  # a host IDNA cannot encode ("https://."): the URL is bad, not the server
            raise FetchError(f"is not a valid URL ({type(exc).__name__})") from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

