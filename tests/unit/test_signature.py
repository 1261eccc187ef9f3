"""Webhook signatures verify with the instance secret; a tampered body or wrong secret fails."""

from __future__ import annotations

import random

from dispatch.deliver import sign, verify
from dispatch.policy import CircuitBreaker, RetryPolicy


def test_signature_round_trip_and_tamper() -> None:
    body = b'{"type":"ReceivedCallback","messageId":"3EB0"}'
    sig = sign("whsec_abc", "wh_1", 1700000000, body)
    assert sig.startswith("v1,")
    assert verify("whsec_abc", "wh_1", 1700000000, body, sig)
    assert not verify("whsec_abc", "wh_1", 1700000000, body.replace(b"3EB0", b"3EB1"), sig)
    assert not verify("whsec_other", "wh_1", 1700000000, body, sig)
    assert not verify("whsec_abc", "wh_2", 1700000000, body, sig)
    assert not verify("whsec_abc", "wh_1", 1700000001, body, sig)
    assert verify("whsec_abc", "wh_1", 1700000000, body, f"v1,old {sig}")  # rotated secrets: several sigs


def test_retry_schedule() -> None:
    p = RetryPolicy(initial_s=1, max_s=300, total_s=86400, jitter=0)
    rng = random.Random(1)
    assert [p.delay(n, None, rng) for n in (1, 2, 3, 9, 10, 20)] == [1, 2, 4, 256, 300, 300]
    assert p.delay(1, 42, rng) == 42 and p.delay(1, 10_000, rng) == 300
    assert not p.exhausted(86399) and p.exhausted(86400)
    jittered = RetryPolicy(initial_s=10, max_s=300, total_s=1, jitter=0.2)
    assert all(8 <= jittered.delay(1, None, rng) <= 12 for _ in range(100))


def test_circuit_breaker() -> None:
    b = CircuitBreaker(threshold=3, cooldown_s=30)
    for t in (0, 1):
        b.record("u", False, t)
    assert not b.is_open("u", 2)
    b.record("u", False, 2)
    assert b.is_open("u", 3) and b.wait_s("u", 12) == 20
    assert not b.is_open("u", 33)
    b.record("u", True, 33)
    assert b.wait_s("u", 33) == 0 and not b.is_open("other", 0)
