"""Webhook HTTP delivery: one shared client (``gateway.infra.http``), signed bodies, outcomes to retry on."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from gateway.core.config import Settings
from gateway.infra.http import HttpClient, HttpLimits

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
        limits = HttpLimits(total_timeout_s=settings.webhook_timeout_s,
                            connect_timeout_s=min(5.0, settings.webhook_timeout_s),
                            max_connections=settings.webhook_max_connections, per_host=64,
                            user_agent="zapgate-webhooks/0.1", decompress=False)
        self.http = HttpClient(limits, public_only=not settings.allow_insecure_webhooks)

    async def post(self, url: str, body: bytes, headers: dict[str, Any]) -> Outcome:
        result = await self.http.post(url, body, headers)
        return Outcome(result.status, result.error, result.latency_ms, _retry_after(result.retry_after))

    async def close(self) -> None:
        await self.http.close()
