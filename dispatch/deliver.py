"""Webhook HTTP delivery with aiohttp (the only module importing it): one shared session, signed bodies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from gateway.core.config import Settings
from gateway.media.fetch import PublicOnlyResolver

RETRYABLE_STATUS = {408, 429}


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` (Standard Webhooks scheme)."""
    mac = hmac.new(secret.encode(), f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secret: str, webhook_id: str, timestamp: int, body: bytes, signature: str) -> bool:
    return any(hmac.compare_digest(sign(secret, webhook_id, timestamp, body), s) for s in signature.split())


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int | None
    error: str | None
    latency_ms: int
    retry_after_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status in RETRYABLE_STATUS or self.status >= 500


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class Deliverer:
    def __init__(self, settings: Settings) -> None:
        resolver = None if settings.allow_insecure_webhooks else PublicOnlyResolver()
        connector = aiohttp.TCPConnector(limit=settings.webhook_max_connections, limit_per_host=64,
                                         ttl_dns_cache=60, resolver=resolver)
        timeout = aiohttp.ClientTimeout(total=settings.webhook_timeout_s, connect=min(5.0, settings.webhook_timeout_s))
        self.session = aiohttp.ClientSession(connector=connector, timeout=timeout, auto_decompress=False,
                                             headers={"User-Agent": "zapgate-webhooks/0.1"})

    async def post(self, url: str, body: bytes, headers: dict[str, Any]) -> Outcome:
        start = time.perf_counter()
        try:
            async with self.session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                await response.read()
                return Outcome(response.status, None if response.status < 300 else f"HTTP {response.status}",
                               int((time.perf_counter() - start) * 1000),
                               _retry_after(response.headers.get("Retry-After")))
        except TimeoutError:
            return Outcome(None, "timeout", int((time.perf_counter() - start) * 1000))
        except (aiohttp.ClientError, OSError) as exc:
            return Outcome(None, f"{type(exc).__name__}: {exc}"[:300], int((time.perf_counter() - start) * 1000))

    async def close(self) -> None:
        await self.session.close()
