"""A ``ZAPGATE_NATS_URL`` list reaches the cluster through whichever of its servers answers (real NATS)."""

from __future__ import annotations

from gateway.core.config import Settings
from gateway.infra.bus import Bus, probe_jetstream
from tests.support.processes import free_port


async def test_a_list_whose_first_server_is_down_connects_through_the_next(settings: Settings) -> None:
    url = f"nats://127.0.0.1:{free_port()},{settings.nats_url}"  # nothing listens on the first
    assert await probe_jetstream(url) == "ok"
    bus = await Bus.connect(url)
    try:
        await bus.ping()
    finally:
        await bus.close()
    assert await probe_jetstream(f"nats://127.0.0.1:{free_port()},nats://127.0.0.1:{free_port()}") == "down"
