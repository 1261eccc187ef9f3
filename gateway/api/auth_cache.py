"""What the send routes' authentication may remember for a second: the instance lookup and a clean address.

A send is the hottest request; its authentication asked Postgres (the instance and its partner) and Redis (is
the address blocked?) every time. Both answers are kept here for ``auth_cache_s``, positive answers only: an
unknown instance or a failed token is looked up again each time, and the token itself is still compared in
constant time against the stored hash on every request.

What ends an entry early: this api deleting the instance or rotating its token (``forget``), the same done by
another api (the ``auth_forget_subject`` broadcast), and a failed authentication from the address. Without
NATS, another api's deletion or rotation reaches this one within ``auth_cache_s``.
"""

from __future__ import annotations

import time
from typing import TypeVar

from gateway.core.models import Instance, Partner

MAX_ENTRIES = 100_000  # past this, the oldest entry goes
V = TypeVar("V")


class AuthCache:
    def __init__(self, ttl_s: float, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._instances: dict[str, tuple[float, Instance, Partner]] = {}
        self._clean: dict[str, float] = {}  # address -> until when it was seen not blocked

    def __repr__(self) -> str:
        return f"<AuthCache ttl={self.ttl_s}s instances={len(self._instances)} addresses={len(self._clean)}>"

    @property
    def enabled(self) -> bool:
        return self.ttl_s > 0

    def instance(self, instance_id: str) -> tuple[Instance, Partner] | None:
        entry = self._instances.get(instance_id)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._instances[instance_id]
            return None
        return entry[1], entry[2]

    def keep_instance(self, instance: Instance, partner: Partner) -> None:
        if self.enabled:
            _bounded_put(self._instances, instance.id, (time.monotonic() + self.ttl_s, instance, partner),
                         self.max_entries)

    def forget(self, instance_id: str) -> None:
        self._instances.pop(instance_id, None)

    def address_clean(self, address: str) -> bool:
        until = self._clean.get(address)
        if until is None:
            return False
        if until <= time.monotonic():
            del self._clean[address]
            return False
        return True

    def keep_address_clean(self, address: str) -> None:
        if self.enabled:
            _bounded_put(self._clean, address, time.monotonic() + self.ttl_s, self.max_entries)

    def forget_address(self, address: str) -> None:
        self._clean.pop(address, None)


def _bounded_put(entries: dict[str, V], key: str, value: V, limit: int) -> None:
    entries.pop(key, None)  # re-inserted at the end: the dict's order is the order of expiry
    while len(entries) >= limit:
        del entries[next(iter(entries))]
    entries[key] = value
