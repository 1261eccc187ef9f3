"""The neonize engine connects through the instance's proxy: a real neonize client, a real local proxy (no
network: the proxy answers, WhatsApp is never reached)."""

from __future__ import annotations

from typing import Any

import pytest
from neonize._binder import ProxySettings

from gateway.core.config import Settings
from gateway.core.events import Disconnected
from gateway.core.proxy import parse_proxy_url
from gateway.infra.db.database import ensure_database
from gateway.worker.engines.base import EngineContext
from gateway.worker.engines.neonize.engine import NeonizeEngine
from gateway.worker.engines.neonize.runtime import device_store_database
from tests.support.polling import eventually
from tests.support.proxy_server import ProxyServer, proxy_server

SECRET = "pr0xy-s3cret"


def _engine(settings: Settings, proxy_url: str | None, seen: list[Any], name: str) -> NeonizeEngine:
    proxy = parse_proxy_url(proxy_url) if proxy_url else None
    s = settings.model_copy(update={"neonize_connect_retries": 0})
    return NeonizeEngine(EngineContext(instance_id=name, settings=s, emit=seen.append, proxy=proxy))


async def test_the_client_gets_the_proxy_settings(settings: Settings) -> None:
    engine = _engine(settings, f"socks5://bob:{SECRET}@proxy.example.com:1080", [], "NZPROXYSET")
    got = engine.proxy_settings()
    assert isinstance(got, ProxySettings)
    assert got.proxy_address == f"socks5://bob:{SECRET}@proxy.example.com:1080"
    assert (got.no_websocket, got.only_login, got.no_media) == (False, False, False)  # everything goes through it
    assert _engine(settings, None, [], "NZPROXYNONE").proxy_settings() is None


@pytest.mark.parametrize("kind", ["http", "socks5"])
async def test_the_connect_goes_through_the_proxy(settings: Settings, kind: str) -> None:
    await ensure_database(settings.database_url, device_store_database(settings))
    seen: list[Any] = []
    async with proxy_server(kind, user="bob", password=SECRET) as proxy:
        engine = _engine(settings, f"{kind}://bob:{SECRET}@127.0.0.1:{proxy.port}", seen, f"NZPROXY{kind.upper()}")
        await engine.connect()
        try:
            await eventually(lambda: _asked(proxy), timeout_s=20)
            assert proxy.seen[0].target == "web.whatsapp.com:443"
            assert (proxy.seen[0].user, proxy.seen[0].password) == ("bob", SECRET)
            await eventually(lambda: _failed(seen), timeout_s=30)  # the tunnel leads nowhere: the connect fails
        finally:
            await engine.disconnect()


async def _asked(proxy: ProxyServer) -> bool:
    return bool(proxy.seen)


async def _failed(seen: list[Any]) -> bool:
    return any(isinstance(e, Disconnected) for e in seen)
