"""Retry schedule and per-URL circuit breaker (pure: the caller passes the clock)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from gateway.core.config import Settings


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    initial_s: float
    max_s: float
    total_s: float
    jitter: float = 0.2

    @classmethod
    def from_settings(cls, s: Settings) -> RetryPolicy:
        return cls(s.webhook_retry_initial_s, s.webhook_retry_max_s, s.webhook_retry_total_s)

    def delay(self, attempt: int, retry_after_s: float | None, rng: random.Random) -> float:
        """Delay after ``attempt`` failed attempts: exponential with ±jitter, or the server's Retry-After."""
        if retry_after_s is not None:
            return min(retry_after_s, self.max_s)
        base = min(self.max_s, self.initial_s * 2 ** max(0, attempt - 1))
        return float(base * (1 + rng.uniform(-self.jitter, self.jitter)))

    def exhausted(self, elapsed_s: float) -> bool:
        return elapsed_s >= self.total_s


@dataclass(slots=True)
class _Circuit:
    failures: int = 0
    open_until: float = 0.0


@dataclass(slots=True)
class CircuitBreaker:
    """After ``threshold`` consecutive failures a URL is left alone for ``cooldown_s`` (then one probe)."""

    threshold: int
    cooldown_s: float
    circuits: dict[str, _Circuit] = field(default_factory=dict)

    def wait_s(self, url: str, now: float) -> float:
        circuit = self.circuits.get(url)
        return max(0.0, circuit.open_until - now) if circuit else 0.0

    def record(self, url: str, ok: bool, now: float) -> None:
        circuit = self.circuits.setdefault(url, _Circuit())
        if ok:
            circuit.failures, circuit.open_until = 0, 0.0
            return
        circuit.failures += 1
        if circuit.failures >= self.threshold:
            circuit.open_until = now + self.cooldown_s

    def is_open(self, url: str, now: float) -> bool:
        return self.wait_s(url, now) > 0
