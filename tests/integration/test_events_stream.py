"""ZG_EVENTS never drops an undelivered event: full means publishes are refused, and /ready says so."""

from __future__ import annotations

import pytest

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.infra.bus import Bus, publish_once, pull_consumer, stream_usage
from gateway.infra.streams import CAP_HEADROOM, ensure_events
from tests.support.api import open_api
from tests.support.polling import eventually


async def test_full_stream_refuses_new_events_keeps_old_ones_and_drains_by_acks(settings: Settings) -> None:
    s = settings.model_copy(update={"events_max_bytes": 64 * 1024})
    names = Names.from_settings(s)
    bus = await Bus.connect(s.nats_url)
    try:
        await ensure_events(bus, names, s)
        partition = names.partition_of("I1")
        subject = names.event_subject(partition, "I1")
        accepted = 0
        with pytest.raises(Exception, match="maximum bytes"):
            for n in range(1000):
                await publish_once(bus, subject, b"x" * 1024, f"e{n}", {})
                accepted += 1
        assert 0 < accepted < 1000
        usage = await stream_usage(bus, names.events_stream)
        assert usage is not None and usage.retention == "interest" and usage.full
        assert usage.messages == accepted  # nothing old was deleted to make room

        async for api in open_api(s):
            r = await api.client.get("/ready")
            assert r.status_code == 503 and r.json()["checks"]["events_stream"] == "full", r.text

        # dispatch's consumer (declared with the stream) acknowledges: the events leave, room returns
        consumer = await pull_consumer(bus, names.events_stream, names.dispatch_durable(partition),
                                       names.partition_subject(partition), ack_wait_s=30, max_ack_pending=4096)
        got = 0
        while got < accepted:
            batch = await consumer.fetch(256, 2.0)
            assert batch, f"only {got} of {accepted} events came back"
            for msg in batch:
                await msg.ack()
            got += len(batch)
        await consumer.close()

        async def emptied() -> bool:  # acks are applied by the server asynchronously
            usage = await stream_usage(bus, names.events_stream)
            return usage is not None and usage.messages == 0

        await eventually(emptied)
        await publish_once(bus, subject, b"y" * 1024, "after", {})
        usage = await stream_usage(bus, names.events_stream)
        assert usage is not None and usage.messages == 1 and not usage.full
    finally:
        await bus.close()


async def test_a_drained_limits_stream_from_an_older_version_is_replaced(settings: Settings) -> None:
    from gateway.infra.bus import ensure_stream

    names = Names.from_settings(settings)
    bus = await Bus.connect(settings.nats_url)
    try:
        await ensure_stream(bus, names.events_stream, [names.event_subjects], retention="limits", max_age_s=3600,
                            max_bytes=-1, duplicate_window_s=120)
        await ensure_events(bus, names, settings)
        usage = await stream_usage(bus, names.events_stream)
        assert usage is not None and usage.retention == "interest"
    finally:
        await bus.close()


async def test_a_lower_cap_never_deletes_undelivered_events(settings: Settings) -> None:
    """JetStream deletes a stream's oldest messages when its cap comes down below what it holds (whatever the
    discard policy): a lower ``ZAPGATE_EVENTS_MAX_BYTES`` waits until the stream has room for it."""
    names = Names.from_settings(settings)
    bus = await Bus.connect(settings.nats_url)
    try:
        await ensure_events(bus, names, settings.model_copy(update={"events_max_bytes": 64 << 20}))
        subject = names.event_subject(names.partition_of("I1"), "I1")
        for n in range(2000):  # about 2 MiB that no dispatcher has acknowledged
            await publish_once(bus, subject, b"x" * 1024, f"e{n}", {})
        held = await stream_usage(bus, names.events_stream)
        assert held is not None and held.messages == 2000

        await ensure_events(bus, names, settings.model_copy(update={"events_max_bytes": 1 << 20}))
        usage = await stream_usage(bus, names.events_stream)
        assert usage is not None and usage.messages == 2000  # nothing deleted
        assert usage.max_bytes == held.bytes + CAP_HEADROOM  # the cap came down only to what leaves room

        await ensure_events(bus, names, settings.model_copy(update={"events_max_bytes": 8 << 20}))
        usage = await stream_usage(bus, names.events_stream)
        assert usage is not None and usage.messages == 2000 and usage.max_bytes == 8 << 20  # room to spare: applied
    finally:
        await bus.close()
