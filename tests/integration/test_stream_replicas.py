"""ZAPGATE_STREAM_REPLICAS reaches JetStream: ZG_EVENTS gets that many replicas. The test server is one node,
so 1 is created as asked and 3 is refused by the server (on a 3-node cluster it is created with 3)."""

from __future__ import annotations

import pytest

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.infra.bus import Bus, delete_stream
from gateway.infra.streams import ensure_events


async def test_events_stream_gets_the_configured_replicas(settings: Settings) -> None:
    names = Names.from_settings(settings)
    bus = await Bus.connect(settings.nats_url)
    try:
        await ensure_events(bus, names, settings)
        info = await bus.js.stream_info(names.events_stream)
        assert info.config.num_replicas == settings.stream_replicas == 1
        await delete_stream(bus, names.events_stream)
        with pytest.raises(Exception, match=r"(?i)replica"):
            await ensure_events(bus, names, settings.model_copy(update={"stream_replicas": 3}))
    finally:
        await delete_stream(bus, names.events_stream)
        await bus.close()
