"""Fetch outbound media from a URL (aiohttp): timeouts, a size cap, bounded redirects, no private targets."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from gateway.api.webhook_urls import is_public_address, refused_host
from gateway.core.config import Settings
from gateway.core.errors import InvalidInput


class PublicOnlyResolver(AbstractResolver):
    """Refuse host names that resolve to private, loopback or link-local addresses (checked at every
    connection, so DNS rebinding does not help). Literal IPs never reach a resolver: check them apart.
    Shared with the webhook deliverer."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if any(not is_public_address(r["host"]) for r in results):
            raise PrivateAddress(host)
        return results

    async def close(self) -> None:
        await self._inner.close()


class PrivateAddress(OSError):
    pass



class MediaFetcher:
    """One aiohttp session per process for media downloads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            resolver = None if self.settings.allow_private_media else PublicOnlyResolver()
            connector = aiohttp.TCPConnector(limit=64, ttl_dns_cache=60, resolver=resolver)
            timeout = aiohttp.ClientTimeout(total=self.settings.media_fetch_timeout_s, connect=10)
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout,
                                                  headers={"User-Agent": "zapgate-media/0.1"})
        return self._session

    async def fetch(self, url: str, field: str, max_bytes: int) -> bytes:
        host = urlsplit(url).hostname or ""
        if not self.settings.allow_private_media and refused_host(host):
            raise InvalidInput("points to a private or loopback address", field=field)  # literals skip the resolver
        try:
            async with self._client().get(url, max_redirects=self.settings.media_fetch_max_redirects,
                                          allow_redirects=True) as response:
                if response.status != 200:
                    raise InvalidInput(f"could not be fetched: HTTP {response.status} from {url}", field=field)
                if response.content_length is not None and response.content_length > max_bytes:
                    raise InvalidInput(f"is larger than {max_bytes} bytes", field=field)
                chunks, size = [], 0
                async for chunk in response.content.iter_chunked(65536):
                    size += len(chunk)
                    if size > max_bytes:
                        raise InvalidInput(f"is larger than {max_bytes} bytes", field=field)
                    chunks.append(chunk)
                return b"".join(chunks)
        except PrivateAddress as exc:
            raise InvalidInput("points to a private or loopback address", field=field) from exc
        except aiohttp.TooManyRedirects as exc:
            raise InvalidInput("redirects too many times", field=field) from exc
        except TimeoutError as exc:
            raise InvalidInput("could not be fetched: timed out", field=field) from exc
        except (aiohttp.ClientError, OSError) as exc:
            if isinstance(exc.__cause__, PrivateAddress):
                raise InvalidInput("points to a private or loopback address", field=field) from exc
            raise InvalidInput(f"could not be fetched: {type(exc).__name__}", field=field) from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
