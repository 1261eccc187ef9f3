"""Fetch outbound media from a URL: timeouts, a size cap, bounded redirects, no private targets."""

from __future__ import annotations

from gateway.core.config import Settings
from gateway.core.errors import (
    BadResponse,
    FetchError,
    InvalidInput,
    PrivateAddress,
    ResponseTooLarge,
    TooManyRedirects,
)
from gateway.infra.http import HttpClient, HttpLimits


class MediaFetcher:
    """One HTTP client per process for media downloads; failures become ``InvalidInput`` naming the field."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        limits = HttpLimits(total_timeout_s=settings.media_fetch_timeout_s, connect_timeout_s=10,
                            max_connections=64, user_agent="zapgate-media/0.1")
        self.http = HttpClient(limits, public_only=not settings.allow_private_media)

    async def fetch(self, url: str, field: str, max_bytes: int) -> bytes:
        try:
            return await self.http.get_bounded(url, max_bytes=max_bytes,
                                               max_redirects=self.settings.media_fetch_max_redirects)
        except PrivateAddress as exc:
            raise InvalidInput("points to a private or loopback address", field=field) from exc
        except (ResponseTooLarge, TooManyRedirects) as exc:
            raise InvalidInput(exc.message, field=field) from exc
        except (BadResponse, FetchError) as exc:
            raise InvalidInput(f"could not be fetched: {exc.message}", field=field) from exc

    async def close(self) -> None:
        await self.http.close()
