"""Fair placement of instances across live workers (pure: no I/O, no clock)."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass


def affinity(worker_id: str, instance_id: str) -> int:
    """Rendezvous hash: each worker prefers a different, stable subset of instances."""
    return int.from_bytes(hashlib.blake2b(f"{worker_id}/{instance_id}".encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True, slots=True)
class Plan:
    target: int
    try_acquire: list[str]  # in preference order; stop once the target is reached
    release: list[str]  # owned instances to hand over (over target) or to stop (no longer wanted)


def plan(wanted: list[str], workers: list[str], me: str, owned: set[str]) -> Plan:
    """No worker takes more than ``ceil(wanted / live workers)``; extra leases are handed over."""
    live = set(workers) | {me}
    wanted_set = set(wanted)
    target = math.ceil(len(wanted_set) / len(live)) if wanted_set else 0
    unwanted = sorted(owned - wanted_set)
    keep = sorted(owned & wanted_set, key=lambda i: affinity(me, i), reverse=True)
    shed = keep[target:]
    room = max(0, target - len(keep))
    candidates = sorted(wanted_set - owned, key=lambda i: affinity(me, i), reverse=True) if room else []
    return Plan(target=target, try_acquire=candidates, release=unwanted + shed)
