"""``ZAPGATE_NATS_URL`` names one server or several of one cluster, separated by commas."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.core.config import Settings
from gateway.infra.bus import servers


def test_several_servers_are_accepted_and_split() -> None:
    url = "nats://n1.internal:4222, nats://n2.internal:4222,tls://n3.internal:4223"
    assert Settings(nats_url=url).nats_url == url
    assert servers(url) == ["nats://n1.internal:4222", "nats://n2.internal:4222", "tls://n3.internal:4223"]
    assert servers("nats://127.0.0.1:4222") == ["nats://127.0.0.1:4222"]


@pytest.mark.parametrize("url", ["nats://n1:4222,http://n2:4222", "nats://n1:4222,nats://n2:port", "nats://n1:4222,"])
def test_each_server_must_be_a_nats_url(url: str) -> None:
    with pytest.raises(ValidationError, match="ZAPGATE_NATS_URL"):
        Settings(nats_url=url)
