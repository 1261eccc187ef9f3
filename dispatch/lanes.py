"""Delivery lanes: one per instance, one delivery in flight, retries hold back only that instance.

Memory is bounded: a lane holds at most ``dispatch_lane_cap`` deliveries. Past that (or for a partition just
taken over) the lane *overflows*: new deliveries stay in Postgres only, and the lane pages them in, in id
order, when its queue is empty. The queue is kept sorted by delivery id, so late arrivals cannot overtake. A lane
told to *resume* (a partition taken over, a replay, a redelivered batch whose deliveries never reached it) reads
Postgres again from the oldest pending delivery before it delivers anything it had queued: a delivery added just
before the resume must not go ahead of older ones, nor move the lane past them.

A *held* delivery (a message whose media the worker is still downloading) stops its lane until the media
follow-up releases it (``add`` of the same id with the new payload wakes the lane) or its deadline passes; then
it goes as it is, with ``downloadError`` (the worker died during the download). Later deliveries wait behind it:
the partner sees the instance's messages in order, each with its media links.

A delivered webhook is *recorded behind*: the lane POSTs the next delivery while Postgres writes the last one's
outcome, with at most ``RECORD_WINDOW`` outcomes of a lane unwritten at once (during a Postgres outage the lane
stops there instead of POSTing on). A crash can therefore repeat those POSTs, in order, under the same
``webhook-id``, which receivers de-duplicate on; a failed attempt, a dead letter and the end of a lane still wait
for their writes.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from dispatch.attempts import LINGER_S, AttemptBook
from dispatch.deliver import Deliverer, sign
from dispatch.metrics import DEAD_LETTERED, DELIVERED, DELIVERY_LATENCY, LANES, RECORD_RETRIES, RETRIED
from dispatch.policy import CircuitBreaker, RetryPolicy
from dispatch.records import Attempt, Delivery
from dispatch.store import DispatchStore
from gateway.core.config import Settings
from gateway.core.ids import instance_token, webhook_secret
from gateway.core.models import CallbackKind, Instance

log = logging.getLogger(__name__)


InstanceLoader = Callable[[list[str]], Awaitable[dict[str, Instance]]]
T = TypeVar("T")

RECORD_WINDOW = 16  # delivered outcomes of one lane that may be unwritten while it POSTs the next


@functools.lru_cache(maxsize=16_384)
def _credentials(secret_key: str, instance_id: str, token_version: int, secret_version: int) -> tuple[str, str]:
    """The instance's token and webhook signing secret (two HMAC derivations, once per version, not per POST)."""
    return (instance_token(secret_key, instance_id, token_version),
            webhook_secret(secret_key, instance_id, secret_version))


@dataclass(slots=True)
class Lane:
    partition: int
    queue: list[Delivery] = field(default_factory=list)  # sorted by delivery id
    task: asyncio.Task[Any] | None = None
    delivering: int | None = None
    overflow: bool = False  # some pending deliveries of this instance are only in Postgres
    last_id: int = 0  # the highest delivery id this lane finished
    wake: asyncio.Event = field(default_factory=asyncio.Event)  # a held delivery was released
    recording: set[asyncio.Future[None]] = field(default_factory=set)  # delivered outcomes being written
    more: asyncio.Event = field(default_factory=asyncio.Event)  # added to while it waits for its writes
    rescan: bool = False  # resumed: Postgres may hold pending deliveries older than the queue's
    unwritten: set[int] = field(default_factory=set)  # delivered, outcome still being written (pending in Postgres)


class Lanes:
    """All lanes of one dispatcher. ``add()`` in order; ``drain()`` waits until every queue is empty."""

    def __init__(self, settings: Settings, store: DispatchStore, deliverer: Deliverer, load: InstanceLoader) -> None:
        self.settings = settings
        self.store = store
        self.book = AttemptBook(store)
        self.deliverer = deliverer
        self.load = load
        self.policy = RetryPolicy.from_settings(settings)
        self.breaker = CircuitBreaker(settings.webhook_breaker_failures, settings.webhook_breaker_cooldown_s)
        self.lanes: dict[str, Lane] = {}
        self.queued: set[int] = set()
        self.rng = random.Random()  # noqa: S311 - jitter, not security
        self.delivered = 0
        self.dead = 0
        self._recording: set[asyncio.Future[None]] = set()  # of every lane, stopped ones included
        self._idle = asyncio.Event()
        self._idle.set()

    def __repr__(self) -> str:
        return f"<Lanes lanes={len(self.lanes)} queued={len(self.queued)} delivered={self.delivered} dead={self.dead}>"

    def add(self, delivery: Delivery) -> None:
        if delivery.id in self.queued:
            self._refresh(delivery)
            return
        lane = self._lane(delivery.instance_id, delivery.partition)
        if lane.overflow or len(lane.queue) >= self.settings.dispatch_lane_cap:
            lane.overflow = True  # it stays in Postgres; the lane pages it in when it gets there
        else:
            self._insert(lane, delivery)
        self._start(delivery.instance_id, lane)

    def _refresh(self, delivery: Delivery) -> None:
        """A queued delivery came again: released from its hold, with its media follow-up's payload."""
        lane = self.lanes.get(delivery.instance_id)
        if lane is None:
            return
        at = bisect.bisect_left(lane.queue, delivery.id, key=lambda d: d.id)
        if at < len(lane.queue) and lane.queue[at].id == delivery.id and lane.delivering != delivery.id:
            lane.queue[at] = delivery
            lane.wake.set()

    def resume(self, instance_id: str, partition: int) -> None:
        """Deliver what Postgres holds pending for the instance (a partition taken over, a replay, a redelivered
        batch), from its oldest: the lane reads Postgres again before it delivers anything it had queued."""
        lane = self._lane(instance_id, partition)
        lane.overflow = True
        lane.rescan = True  # re-opened (replayed) deliveries are older than what the lane finished
        self._start(instance_id, lane)

    def _lane(self, instance_id: str, partition: int) -> Lane:
        lane = self.lanes.get(instance_id)
        if lane is None:
            lane = self.lanes[instance_id] = Lane(partition)
            LANES.set(len(self.lanes))
        return lane

    def _insert(self, lane: Lane, delivery: Delivery) -> None:
        if delivery.id in self.queued or delivery.id <= lane.last_id or delivery.id in lane.unwritten:
            return
        self.queued.add(delivery.id)
        bisect.insort(lane.queue, delivery, key=lambda d: d.id)

    def _start(self, instance_id: str, lane: Lane) -> None:
        self._idle.clear()
        lane.more.set()
        if lane.task is None or lane.task.done():
            lane.task = asyncio.create_task(self._run(instance_id, lane), name=f"lane-{instance_id}")

    async def _page_in(self, instance_id: str, lane: Lane) -> None:
        """Load the next deliveries from Postgres; when the backlog is done, stop overflowing."""
        cap = self.settings.dispatch_lane_cap
        page = await self.store.pending_of(lane.partition, instance_id, lane.last_id, cap)
        for delivery in page:
            self._insert(lane, delivery)
        if len(page) < cap:
            lane.overflow = False
            # anything dropped while we were querying was committed before this second look
            for delivery in await self.store.pending_of(lane.partition, instance_id, lane.last_id, cap):
                self._insert(lane, delivery)

    async def _run(self, instance_id: str, lane: Lane) -> None:
        while True:
            lane.more.clear()
            await self._run_queue(instance_id, lane)
            if not lane.recording:
                break
            if lane.more.is_set():
                continue
            # a lane ends once its outcomes are written (its window holds until then); new work wakes it
            more = asyncio.ensure_future(lane.more.wait())
            waits: set[asyncio.Future[Any]] = {*lane.recording, more}
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                more.cancel()
        lane.delivering = None
        self.lanes.pop(instance_id, None)
        LANES.set(len(self.lanes))
        if not self.lanes:
            self._idle.set()

    async def _run_queue(self, instance_id: str, lane: Lane) -> None:
        while lane.queue or lane.overflow:
            if len(lane.recording) >= RECORD_WINDOW:  # the window is full: no POST until a write is done
                await asyncio.wait(set(lane.recording), return_when=asyncio.FIRST_COMPLETED)
                continue  # the queue may have changed meanwhile (closed, or an earlier delivery put back)
            if lane.rescan:  # nothing is in flight here: what is queued is pending in Postgres too
                lane.rescan = False
                lane.last_id = 0  # the pending deliveries may be older than what the lane finished
                for queued in lane.queue:
                    self.queued.discard(queued.id)
                lane.queue.clear()
            if not lane.queue:
                await self._guarded(instance_id, "paging in deliveries", self._page_in(instance_id, lane))
                continue
            delivery = lane.queue[0]
            if delivery.held_until is not None:
                ok, released = await self._guarded(instance_id, f"releasing held delivery {delivery.id}",
                                                   self._held(lane, delivery))
                if not ok or released is None:
                    continue  # failed, still held (woken: look again), or closed meanwhile (dropped)
                delivery = released
            lane.delivering = delivery.id
            ok, _ = await self._guarded(instance_id, f"delivery {delivery.id}", self._deliver(delivery, lane))
            if not ok:
                continue
            lane.queue.pop(0)
            lane.last_id = max(lane.last_id, delivery.id)
            self.queued.discard(delivery.id)

    @staticmethod
    async def _guarded(instance_id: str, what: str, work: Awaitable[T]) -> tuple[bool, T | None]:
        """Run one step of a lane; an unexpected failure is logged and retried by the caller a second later."""
        try:
            return True, await work
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed unexpectedly; retrying", what, extra={"instance_id": instance_id})
            await asyncio.sleep(1)
            return False, None

    async def _held(self, lane: Lane, delivery: Delivery) -> Delivery | None:
        """Wait at a held delivery until woken or until its deadline; past the deadline, unhold it in Postgres
        (a follow-up that committed first has released it with its payload) and return it to deliver."""
        assert delivery.held_until is not None
        wait_s = delivery.held_until.timestamp() - time.time()
        if wait_s > 0:
            lane.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lane.wake.wait(), wait_s)
            return None
        fresh = await self.store.unhold(delivery.id)
        if fresh is None:  # closed elsewhere (the instance deleted, a replay): nothing to deliver
            lane.queue.pop(0)
            self.queued.discard(delivery.id)
            lane.last_id = max(lane.last_id, delivery.id)
            return None
        log.warning("delivery %s was held until %s: delivering it as it is now", delivery.id,
                    delivery.held_until.isoformat(), extra={"instance_id": fresh.instance_id})
        lane.queue[0] = fresh
        return fresh

    async def _deliver(self, d: Delivery, lane: Lane) -> None:
        """Attempt until delivered or dead-lettered (state lives in Postgres: a restart resumes here).

        The first attempt uses the instance as it was read when the event was persisted (after the event
        was captured, so after any configuration the API had answered for); a retry, or a delivery resumed
        from Postgres, reads the instance again: a changed URL applies from then on.
        """
        attempts = d.attempts
        first = time.time() if d.first_try_at is None else d.first_try_at.timestamp()
        snapshot = d.instance
        while True:
            instance = snapshot if snapshot is not None else (await self.load([d.instance_id])).get(d.instance_id)
            snapshot = None
            url = instance.callbacks.get(CallbackKind(d.hook)) if instance is not None else None
            if instance is None or not url:
                await self.store.skip(d, "instance deleted" if instance is None else "no webhook URL configured")
                return
            if (wait := self.breaker.wait_s(url, time.monotonic())) > 0:
                await asyncio.sleep(wait)
                continue
            token, secret = _credentials(self.settings.secret_key.get_secret_value(), instance.id,
                                         instance.token_version, instance.webhook_secret_version)
            stamp = int(time.time())
            headers = {"Content-Type": "application/json", "z-api-token": token,
                       "webhook-id": d.webhook_id, "webhook-timestamp": str(stamp),
                       "webhook-signature": sign(secret, d.webhook_id, stamp, d.payload)}
            outcome = await self.deliverer.post(url, d.payload, headers)
            attempts += 1
            self.breaker.record(url, outcome.ok or not outcome.retryable, time.monotonic())
            if outcome.ok:
                self._record_behind(lane, Attempt(d, url, outcome.status, outcome.latency_ms, None, "delivered"))
                self.delivered += 1
                DELIVERED.labels(d.hook).inc()
                DELIVERY_LATENCY.labels(d.hook).observe(outcome.latency_ms / 1000)
                return
            give_up = not outcome.retryable or self.policy.exhausted(time.time() - first)
            await self._record(Attempt(d, url, outcome.status, outcome.latency_ms, outcome.error,
                                       "dead" if give_up else None))
            if give_up:
                self.dead += 1
                DEAD_LETTERED.labels(d.hook).inc()
                log.warning("dead letter %s after %d attempts: %s", d.webhook_id, attempts, outcome.error,
                            extra={"instance_id": d.instance_id})
                return
            RETRIED.labels(d.hook).inc()
            await asyncio.sleep(self.policy.delay(attempts, outcome.retry_after_s, self.rng))

    def _record_behind(self, lane: Lane, attempt: Attempt) -> None:
        """Write a delivered outcome while the lane goes on (``_run_queue`` keeps the window). The write is the
        book's future, no task of its own (10,000 lanes at once are 10,000 of them); a failed one is retried by
        a task, which takes its place in the window before the lane can see it free."""
        written = self.book.submit(attempt, linger_s=LINGER_S)
        self._track(lane, written)
        lane.unwritten.add(attempt.delivery.id)
        written.add_done_callback(functools.partial(self._written, lane, attempt))

    def _track(self, lane: Lane, write: asyncio.Future[None]) -> None:
        lane.recording.add(write)
        self._recording.add(write)

    def _untrack(self, lane: Lane, write: asyncio.Future[None]) -> None:
        lane.recording.discard(write)
        self._recording.discard(write)

    def _written(self, lane: Lane, attempt: Attempt, written: asyncio.Future[None]) -> None:
        self._untrack(lane, written)
        if written.cancelled() or written.exception() is None:
            lane.unwritten.discard(attempt.delivery.id)
            return
        retry = asyncio.ensure_future(self._record(attempt, failed=written.exception()))
        self._track(lane, retry)
        retry.add_done_callback(functools.partial(self._rewritten, lane, attempt.delivery.id))

    def _rewritten(self, lane: Lane, delivery_id: int, retry: asyncio.Future[None]) -> None:
        self._untrack(lane, retry)
        lane.unwritten.discard(delivery_id)

    async def _record(self, attempt: Attempt, failed: BaseException | None = None) -> None:
        """Record an attempt, retrying the write (never the POST) until Postgres takes it.

        The outcome is held here meanwhile, so a Postgres outage costs no repeated POSTs; only a crash
        during the outage can repeat them (the lane's unwritten ones; the receiver de-duplicates on ``webhook-id``).
        """
        d = attempt.delivery
        delay = 0.2
        while True:
            if failed is not None:
                RECORD_RETRIES.inc()
                log.warning("recording delivery %s failed (%s); retrying the write in %.1fs", d.id,
                            type(failed).__name__, delay, extra={"instance_id": d.instance_id})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            try:
                await asyncio.shield(self.book.record(attempt))
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failed = exc

    def instances(self) -> set[str]:
        return set(self.lanes)

    async def stop_instances(self, instance_ids: set[str]) -> None:
        """Stop lanes (their pending rows stay in Postgres for the next owner)."""
        for instance_id in instance_ids:
            lane = self.lanes.pop(instance_id, None)
            if lane is None:
                continue
            for d in lane.queue:
                self.queued.discard(d.id)
            if lane.task is not None:
                lane.task.cancel()
                await asyncio.gather(lane.task, return_exceptions=True)
        LANES.set(len(self.lanes))
        if not self.lanes:
            self._idle.set()

    async def drain(self, timeout_s: float = 30.0) -> bool:
        try:
            await asyncio.wait_for(self._idle.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def close(self, record_timeout_s: float = 5.0) -> None:
        """Stop every lane; outcomes still being written get ``record_timeout_s`` (Postgres may be away)."""
        await self.stop_instances(set(self.lanes))
        if self._recording:
            _done, late = await asyncio.wait(set(self._recording), timeout=record_timeout_s)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self.book.close()
