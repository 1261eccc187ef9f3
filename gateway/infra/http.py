"""Outbound HTTP with aiohttp (the only module importing it): webhook POSTs and bounded media GETs.

With ``public_only`` every connection is checked: literal IPs before connecting, host names by a resolver
that refuses private, loopback and link-local answers at every connection (DNS rebinding does not help).
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from gateway.core.addresses import is_public_address, refused_host
from gateway.core.errors import BadResponse, FetchError, PrivateAddress, ResponseTooLarge, TooManyRedirects


class _Refused(OSError):
    """Raised inside aiohttp's connector; becomes ``PrivateAddress`` at this module's edge."""


class PublicOnlyResolver(AbstractResolver):
    """Refuse host names that resolve to non-public addresses. Literal IPs never reach a resolver."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if any(not is_public_address(r["host"]) for r in results):
            raise _Refused(host)
        return results

    async def close(self) -> None:
        await self._inner.close()


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

    def __init__(self, limits: HttpLimits, *, public_only: bool) -> None:
        self.limits = limits
        self.public_only = public_only
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:
        return f"<HttpClient public_only={self.public_only} open={self._session is not None}>"

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            lim = self.limits
            connector = aiohttp.TCPConnector(limit=lim.max_connections, limit_per_host=lim.per_host,
                                             ttl_dns_cache=60,
                                             resolver=PublicOnlyResolver() if self.public_only else None)
            timeout = aiohttp.ClientTimeout(total=lim.total_timeout_s, connect=lim.connect_timeout_s)
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout,
                                                  auto_decompress=lim.decompress,
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
            return PostResult(None, f"{type(exc).__name__}: {exc}"[:300], took())

    async def get_bounded(self, url: str, *, max_bytes: int, max_redirects: int) -> bytes:
        """GET a body of at most ``max_bytes`` (streamed), following at most ``max_redirects`` redirects."""
        host = urlsplit(url).hostname or ""
        if self.public_only and refused_host(host):
            raise PrivateAddress("points to a private or loopback address", host=host)
        try:
            async with self._client().get(url, max_redirects=max_redirects, allow_redirects=True) as response:
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
        except _Refused as exc:
            raise PrivateAddress("points to a private or loopback address", host=str(exc)) from exc
        except aiohttp.TooManyRedirects as exc:
            raise TooManyRedirects("redirects too many times") from exc
        except TimeoutError as exc:
            raise FetchError("timed out") from exc
        except (aiohttp.ClientError, OSError) as exc:
            if isinstance(exc.__cause__, _Refused):
                raise PrivateAddress("points to a private or loopback address", host=host) from exc
            raise FetchError(type(exc).__name__) from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
