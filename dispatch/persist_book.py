"""Group commit of the pumps' batches: the partitions waiting to persist share one transaction.

Each partition's pump persists its fetched batch before acking it, one batch at a time. Under a steady load
the sixteen pumps' batches are small, and sixteen small transactions cost sixteen times the round trips of
one. Here the batches that arrive while one transaction is being written go together in the next; each pump
gets back its own share of what was stored (its deliveries, its redelivered instances). With nothing else
waiting a batch is written at once, as before.

One partition's bad batch must not hold the others back: when a shared transaction fails, each batch in it
is written again on its own, and only the one that fails alone gets the error (its pump retries it).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from dispatch.records import Persisted, PersistItem, Poison
from dispatch.settle import settle
from dispatch.store import DispatchStore

MAX_ITEMS = 2048  # events in one shared transaction (a single batch is never split)


@dataclass(slots=True)
class _Batch:
    items: list[PersistItem]
    poison: list[Poison]
    done: asyncio.Future[Persisted]
    instances: set[str]  # whose deliveries and redeliveries are this batch's


class PersistBook:
    """``submit`` a pump's batch; its future settles with that batch's ``Persisted`` once committed."""

    def __init__(self, store: DispatchStore, max_items: int = MAX_ITEMS) -> None:
        self.store = store
        self.max_items = max_items
        self._waiting: list[_Batch] = []
        self._writer: asyncio.Task[None] | None = None
        self.transactions = 0  # shared transactions committed (for tests and the profile)

    def __repr__(self) -> str:
        return f"<PersistBook waiting={len(self._waiting)} transactions={self.transactions}>"

    def submit(self, items: list[PersistItem], poison: list[Poison]) -> asyncio.Future[Persisted]:
        done: asyncio.Future[Persisted] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Batch(items, poison, done, {i.envelope.instance_id for i in items}))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="persist-book")
        return done

    def _take(self) -> list[_Batch]:
        taken, size = 0, 0
        while taken < len(self._waiting) and (taken == 0 or size + len(self._waiting[taken].items) <= self.max_items):
            size += len(self._waiting[taken].items)
            taken += 1
        batches, self._waiting = self._waiting[:taken], self._waiting[taken:]
        return batches

    async def _write(self) -> None:
        batches: list[_Batch] = []
        try:
            while self._waiting:
                batches = self._take()
                await self._write_some(batches)
        except asyncio.CancelledError:  # the loop is going away: no waiter is left hanging
            for b in [*batches, *self._waiting]:
                b.done.cancel()
            self._waiting = []
            raise

    async def _write_some(self, batches: list[_Batch]) -> None:
        try:
            stored = await self.store.persist_batch([i for b in batches for i in b.items],
                                                    [p for b in batches for p in b.poison])
        except Exception as exc:
            if len(batches) == 1:
                settle(batches[0].done, exc)
            else:
                await self._one_by_one(batches)
            return
        self.transactions += 1
        for b in batches:
            settle(b.done, Persisted([d for d in stored.created if d.instance_id in b.instances],
                                      stored.seen_before & b.instances))

    async def _one_by_one(self, batches: list[_Batch]) -> None:
        for b in batches:
            try:
                stored = await self.store.persist_batch(b.items, b.poison)
            except Exception as exc:
                settle(b.done, exc)
            else:
                self.transactions += 1
                settle(b.done, stored)

    async def close(self) -> None:
        """Wait for what is being written (a pump that was cancelled still has its batch committed)."""
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

