"""Z-API's `due`: the end of the current 30-day period since creation, never a century away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.api.partner import due_ms


def ms(d: datetime) -> int:
    return int(d.timestamp() * 1000)


def test_due_is_the_end_of_the_current_period() -> None:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    assert due_ms(created, created) == ms(created + timedelta(days=30))
    assert due_ms(created, created + timedelta(days=29, hours=23)) == ms(created + timedelta(days=30))
    assert due_ms(created, created + timedelta(days=30)) == ms(created + timedelta(days=60))
    assert due_ms(created, created + timedelta(days=400)) == ms(created + timedelta(days=420))


def test_due_is_always_ahead_and_within_thirty_days() -> None:
    created = datetime(2025, 3, 7, 12, 30, tzinfo=UTC)
    for hours in range(0, 24 * 200, 37):
        now = created + timedelta(hours=hours)
        due = due_ms(created, now)
        assert ms(now) < due <= ms(now + timedelta(days=30))
