"""What dispatch stores and reads back: the events' deliveries, the poison, the attempts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gateway.core.events import Envelope
from gateway.core.models import Instance


@dataclass(frozen=True, slots=True)
class NewDelivery:
    hook: str
    webhook_id: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class PersistItem:
    envelope: Envelope
    body: bytes
    partition: int
    deliveries: list[NewDelivery]
    hold_s: float = 0.0  # > 0: a message whose media is being downloaded; its deliveries wait this long at most


@dataclass(frozen=True, slots=True)
class Poison:
    """An event dispatch could not decode or transform: stored with the reason instead of the pipeline."""

    partition: int
    stream_seq: int
    body: bytes
    reason: str
    instance_id: str | None = None
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    instance_id: str
    partition: int
    hook: str
    webhook_id: str
    payload: bytes
    attempts: int
    first_try_at: datetime | None
    held_until: datetime | None = None  # set: the lane waits here for the media follow-up, until then at most
    instance: Instance | None = field(default=None, compare=False)  # as read at persist time, if fresh


@dataclass(frozen=True, slots=True)
class Persisted:
    created: list[Delivery]  # the deliveries of the events stored now, in id order
    seen_before: set[str]  # instances with an event (one with webhooks) that was stored by an earlier fetch


@dataclass(frozen=True, slots=True)
class Attempt:
    """One POST of a delivery and what came of it."""

    delivery: Delivery
    url: str
    status: int | None
    latency_ms: int
    error: str | None
    outcome: str | None  # 'delivered' / 'dead' close the delivery; None: it will be tried again


def delivery_of(row: Any) -> Delivery:
    """A ``deliveries`` row (its ``DELIVERY_COLS``) as a ``Delivery``."""
    return Delivery(id=row["id"], instance_id=row["instance_id"], partition=row["partition"], hook=row["hook"],
                    webhook_id=row["webhook_id"], payload=bytes(row["payload"]), attempts=row["attempts"],
                    first_try_at=row["first_try_at"], held_until=row["held_until"])
