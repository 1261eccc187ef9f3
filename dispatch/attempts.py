"""Group commit of delivery attempts: every lane's record waits for one statement shared by all that are waiting.

The lanes of one dispatcher do not pay a round trip each: while one batch is being written, the records that
arrive queue up and go together in the next. With no other record waiting, a record is written at once. (A lane
waits for a failed attempt's record before it retries; a delivered one is written behind it, see ``lanes``.)

A record written behind its lane may wait ``LINGER_S`` for others to share its statement: nobody waits for it, and
under a steady load the lanes' outcomes then go a few dozen to a statement instead of one or two.
"""

from __future__ import annotations

import asyncio

from dispatch.records import Attempt
from dispatch.settle import settle
from dispatch.store import DispatchStore

MAX_BATCH = 500
LINGER_S = 0.01


class AttemptBook:
    """Writes attempts in batches; ``record`` returns once its attempt is committed, or raises what the write did."""

    def __init__(self, store: DispatchStore, max_batch: int = MAX_BATCH) -> None:
        self.store = store
        self.max_batch = max_batch
        self._waiting: list[tuple[Attempt, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.batches = 0  # statements written (for tests and the benchmark's profile)

    def __repr__(self) -> str:
        return f"<AttemptBook waiting={len(self._waiting)} batches={self.batches}>"

    async def record(self, attempt: Attempt) -> None:
        await self.submit(attempt)

    def submit(self, attempt: Attempt, linger_s: float = 0.0) -> asyncio.Future[None]:
        """Queue the attempt for the next statement; the future settles when that statement did. With
        ``linger_s``, a statement not yet under way waits that long for more (a record submitted meanwhile
        without it waits as well)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((attempt, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(linger_s), name="attempt-book")
        return done

    async def _write(self, linger_s: float) -> None:
        if linger_s > 0:
            await asyncio.sleep(linger_s)
        while self._waiting:
            batch, self._waiting = self._waiting[:self.max_batch], self._waiting[self.max_batch:]
            try:
                await self.store.attempts([a for a, _ in batch])
            except Exception as exc:  # every waiter gets the failure, and retries its own record
                for _, done in batch:
                    settle(done, exc)
            else:
                self.batches += 1
                for _, done in batch:
                    settle(done, None)

    async def close(self) -> None:
        """Wait for the batch being written (a lane that was cancelled still gets its attempt recorded)."""
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

