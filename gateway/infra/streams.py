"""The events JetStream stream and its dispatch consumers, defined once: capture and dispatch both declare it.

``ZG_EVENTS`` never drops an undelivered event: interest retention (an event leaves the stream once the
dispatch consumer of its partition acknowledged it, i.e. after it is in Postgres), no age limit by
default, and a byte cap with discard-new: when full, publishes are refused and capture waits, instead of
old events being deleted. The 16 dispatch consumers are declared with the stream, so interest exists
before the first event is published even on a fresh server with no dispatcher running yet.
"""

from __future__ import annotations

import logging

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.infra.bus import (
    Bus,
    StreamUsage,
    delete_stream,
    ensure_consumer,
    ensure_stream,
    stream_drained,
    stream_usage,
)

log = logging.getLogger(__name__)

DUPLICATE_WINDOW_S = 120
CAP_HEADROOM = 1 << 20  # bytes above what the stream holds that a lower cap must leave (events keep coming)


async def ensure_events(bus: Bus, names: Names, settings: Settings) -> None:
    """``ZG_EVENTS`` (interest retention, discard-new) and its per-partition dispatch consumers."""
    existing = await stream_usage(bus, names.events_stream)
    if (existing is not None and existing.retention != "interest"
            and not await _migrate_limits_stream(bus, names, existing)):
        return
    await ensure_stream(bus, names.events_stream, [names.event_subjects], retention="interest",
                        max_age_s=settings.events_max_age_s, max_bytes=safe_cap(settings.events_max_bytes, existing),
                        duplicate_window_s=DUPLICATE_WINDOW_S, discard_new=True, replicas=settings.stream_replicas)
    for partition in range(names.partitions):
        await ensure_consumer(bus, names.events_stream, names.dispatch_durable(partition),
                              names.partition_subject(partition), ack_wait_s=settings.dispatch_ack_wait_s,
                              max_ack_pending=settings.dispatch_batch)


def safe_cap(wanted: int, existing: StreamUsage | None) -> int:
    """A byte cap for the events stream that deletes nothing.

    When a stream's cap comes down below what it holds, JetStream deletes its oldest messages at once, whatever
    the discard policy (measured with nats-server 2.9: 7 messages, the cap lowered to what 5 of them took, the
    first two were gone). Those are the oldest undelivered events. So a lower ``ZAPGATE_EVENTS_MAX_BYTES`` is
    applied only with ``CAP_HEADROOM`` to spare above what the stream holds (publishes go on while this runs);
    otherwise the cap in force stays (or, for an uncapped stream, what it holds plus the headroom), and the
    configured cap applies at a later start, once dispatch has drained the stream below it.
    """
    if existing is None or wanted < 0 or existing.bytes + CAP_HEADROOM <= wanted or 0 <= existing.max_bytes <= wanted:
        return wanted  # no cap, room to spare, or a raise: nothing is deleted
    floor = existing.bytes + CAP_HEADROOM
    kept = floor if existing.max_bytes < 0 else min(existing.max_bytes, floor)  # both above ``wanted`` here
    log.warning("ZAPGATE_EVENTS_MAX_BYTES (%d) is below what the events stream holds (%d bytes): lowering the cap "
                "now would delete undelivered events, so it stays at %d until a start after dispatch drained it",
                wanted, existing.bytes, kept)
    return kept


async def _migrate_limits_stream(bus: Bus, names: Names, existing: StreamUsage) -> bool:
    """A stream made by an older zapgate (limits retention) is replaced once dispatch has drained it.

    JetStream cannot change a stream's retention in place. Everything acknowledged is already in
    Postgres, so a drained stream can be recreated; until then it is used as it is (and logged).
    """
    if not await stream_drained(bus, names.events_stream):
        log.warning("%s still uses %s retention with undelivered events; it is replaced once dispatch has "
                    "drained it", names.events_stream, existing.retention)
        return False
    log.info("replacing %s (%s retention, drained) with interest retention", names.events_stream,
             existing.retention)
    await delete_stream(bus, names.events_stream)
    return True


async def events_usage(bus: Bus, names: Names) -> StreamUsage | None:
    return await stream_usage(bus, names.events_stream)
