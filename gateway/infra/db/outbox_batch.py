"""Group commit for the api's accepted sends: the rows that arrive while earlier ones are being written share
one statement (``zapgate_enqueue_many``, migration 0021).

A request waits for its own row's commit, as with ``OutboxStore.enqueue``: the answer still means the row is
in Postgres. At most ``in_flight`` statements run at once; a request that finds one free is written at once (a
quiet api pays no wait), and under load the rows pile up behind the running statements and leave together, so
the round trip, the transaction and the locks are paid once per batch instead of once per send. Each row
keeps its meaning (request order, exact cap, Idempotency-Key); if a batch fails, its rows are written one by
one, so one bad row never fails the others.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from gateway.infra.db.database import Database
from gateway.infra.db.outbox import OutboxStore, queue_full

_MANY = ("SELECT ord, zaap_id, queued FROM zapgate_enqueue_many($1::text[], $2::text[], $3::text[], $4::text[], "
         "$5::bytea[], $6::float8[], $7::float8[], $8::text[], $9, $10) ORDER BY ord")


@dataclass(frozen=True, slots=True)
class QueuedSend:
    """One send to commit: the row ``OutboxStore.enqueue`` would write (no stored media: the api never has any)."""

    zaap_id: str
    instance_id: str
    kind: str
    phone: str
    payload: bytes
    delay_message: float | None
    delay_typing: float
    idempotency_key: str | None


class EnqueueBatcher:
    def __init__(self, db: Database, *, cap: int, key_ttl_s: float, in_flight: int = 4,
                 max_batch: int = 256) -> None:
        self.db = db
        self.cap = cap
        self.key_ttl_s = key_ttl_s
        self.in_flight = in_flight
        self.max_batch = max_batch
        self._pending: list[tuple[QueuedSend, asyncio.Future[tuple[str | None, bool]]]] = []
        self._running = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self.statements = 0  # statements run, batches and single rows alike (tests, the benchmark's profile)

    async def enqueue(self, send: QueuedSend) -> tuple[str, bool]:
        """Commit the row; (zaap_id answered, queued now), as ``OutboxStore.enqueue``. Raises QueueFull."""
        done: asyncio.Future[tuple[str | None, bool]] = asyncio.get_running_loop().create_future()
        self._pending.append((send, done))
        if self._running < self.in_flight:
            self._start()
        answered, queued = await asyncio.shield(done)  # a caller cancelled mid-write must not cancel the others
        if answered is None:
            raise queue_full(self.cap)
        return answered, queued

    def _start(self) -> None:
        self._running += 1
        task = asyncio.get_running_loop().create_task(self._drain())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending[:self.max_batch], self._pending[self.max_batch:]
                await self._write(batch)
        finally:
            self._running -= 1

    async def _write(self, batch: list[tuple[QueuedSend, asyncio.Future[tuple[str | None, bool]]]]) -> None:
        sends = [s for s, _ in batch]
        self.statements += 1
        try:
            answers = await self._many(sends) if len(sends) > 1 else [await self._one(sends[0])]
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][1], exc)
                return
            for item in batch:  # one by one: a row the batch could not take fails alone
                await self._write([item])
            return
        for (_, done), answer in zip(batch, answers, strict=True):
            _settle(done, answer)

    async def _many(self, sends: list[QueuedSend]) -> list[tuple[str | None, bool]]:
        rows = await self.db.pool.fetch(
            _MANY, [s.zaap_id for s in sends], [s.instance_id for s in sends], [s.kind for s in sends],
            [s.phone for s in sends], [s.payload for s in sends], [s.delay_message for s in sends],
            [s.delay_typing for s in sends], [s.idempotency_key for s in sends], self.cap, self.key_ttl_s)
        if len(rows) != len(sends):
            raise RuntimeError(f"zapgate_enqueue_many answered {len(rows)} rows for {len(sends)} sends")
        return [(r["zaap_id"], bool(r["queued"])) for r in rows]

    async def _one(self, s: QueuedSend) -> tuple[str | None, bool]:
        """A row alone (raises QueueFull, which reaches its caller as it is)."""
        return await OutboxStore(self.db).enqueue(
            zaap_id=s.zaap_id, instance_id=s.instance_id, kind=s.kind, phone=s.phone, payload=s.payload,
            media=None, delay_message=s.delay_message, delay_typing=s.delay_typing, cap=self.cap,
            idempotency_key=s.idempotency_key, key_ttl_s=self.key_ttl_s)

    async def close(self) -> None:
        """Let the statements under way finish (the requests waiting on them get their answers)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _settle(done: asyncio.Future[tuple[str | None, bool]], outcome: tuple[str | None, bool] | Exception) -> None:
    if done.done():
        return
    if isinstance(outcome, Exception):
        done.set_exception(outcome)
    else:
        done.set_result(outcome)
