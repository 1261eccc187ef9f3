"""The per-instance proxy: update-proxy validation and storage, the masked answers, the proxy test through a
real local proxy, and the sandbox's next connect going through it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from gateway.cli import _rehash_tokens
from gateway.core.config import Settings
from gateway.core.proxy import ProxyConfig
from gateway.core.sealing import Sealer, Unsealable
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from tests.support.api import Api, open_api
from tests.support.polling import eventually
from tests.support.proxy_server import proxy_server
from tests.support.stack import Stack, fast, open_stack

SECRET = "pr0xy-s3cret"


async def _set(api: Api, inst: dict[str, Any], value: Any, method: str = "PUT") -> Any:
    return await api.client.request(method, api.path(inst, "update-proxy"), json={"value": value},
                                    headers=api.client_headers)


async def test_update_proxy_stores_it_and_answers_it_masked(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    inst = await api.create_instance()
    r = await api.client.get(api.path(inst, "proxy"), headers=api.client_headers)
    assert r.json() == {"value": None, "hasPassword": False}
    with caplog.at_level(logging.DEBUG):
        r = await _set(api, inst, f"socks5://bob:{SECRET}@proxy.example.com:1080")
    assert (r.status_code, r.json()) == (200, {"value": True})
    r = await api.client.get(api.path(inst, "proxy"), headers=api.client_headers)
    assert r.json() == {"value": "socks5://bob:****@proxy.example.com:1080", "scheme": "socks5",
                        "host": "proxy.example.com", "port": 1080, "username": "bob", "hasPassword": True}
    for path in ("proxy", "me", "status"):
        answer = await api.client.get(api.path(inst, path), headers=api.client_headers)
        assert SECRET not in answer.text
    partner_view = await api.client.get(f"/instances/{inst['id']}", headers=api.partner)
    assert SECRET not in partner_view.text
    assert SECRET not in caplog.text and "socks5://bob:****@proxy.example.com:1080" in caplog.text
    db = await Database.connect(api.settings, max_size=1)
    try:
        row = await db.pool.fetchrow("SELECT proxy_scheme, proxy_host, proxy_port, proxy_username, proxy_password, "
                                     "proxy_password_sealed FROM instances WHERE id = $1", inst["id"])
    finally:
        await db.close()
    assert tuple(row)[:5] == ("socks5", "proxy.example.com", 1080, "bob", "")  # never in clear
    assert SECRET.encode() not in row["proxy_password_sealed"]
    assert Sealer.of(api.settings).open(inst["id"], row["proxy_password_sealed"]) == SECRET
    r = await _set(api, inst, "http://proxy.example.com:3128", method="POST")  # POST works the same
    assert r.status_code == 200
    r = await api.client.get(api.path(inst, "proxy"), headers=api.client_headers)
    assert r.json()["value"] == "http://proxy.example.com:3128" and r.json()["hasPassword"] is False
    for cleared in (None, ""):
        await _set(api, inst, "http://proxy.example.com:3128")
        assert (await _set(api, inst, cleared)).json() == {"value": True}
        r = await api.client.get(api.path(inst, "proxy"), headers=api.client_headers)
        assert r.json()["value"] is None


async def test_update_proxy_refuses_bad_urls_with_400_naming_value(api: Api) -> None:
    inst = await api.create_instance()
    for bad in ("ftp://h.io:21", "http://h.io", "http://h.io:8080/x", "http://h .io:1", 42, ["x"]):
        r = await _set(api, inst, bad)
        assert r.status_code == 400 and r.json()["field"] == "value", bad
    r = await api.client.put(api.path(inst, "update-proxy"), json={"value": "socks5://h.io:1"})
    assert r.status_code == 400  # no Client-Token


async def test_a_private_proxy_host_needs_the_insecure_setting(settings: Settings) -> None:
    strict = settings.model_copy(update={"allow_insecure_webhooks": False})
    async for api in open_api(strict):
        inst = await api.create_instance()
        for host in ("127.0.0.1", "10.1.2.3", "localhost", "[::1]", "169.254.169.254", "192.168.0.1"):
            r = await _set(api, inst, f"http://u:{SECRET}@{host}:3128")
            assert r.status_code == 400 and "private or loopback" in r.json()["message"], host
            assert SECRET not in r.text
        assert (await _set(api, inst, "socks5://93.184.215.14:1080")).status_code == 200
        r = await api.client.post(api.path(inst, "proxy/test"), json={"value": "http://127.0.0.1:3128"},
                                  headers=api.client_headers)
        assert r.status_code == 400 and r.json()["field"] == "value"


@pytest.mark.parametrize("kind", ["http", "socks5"])
async def test_the_proxy_test_opens_a_tunnel_through_a_real_proxy(settings: Settings, kind: str) -> None:
    s = settings.model_copy(update={"proxy_test_target": "web.whatsapp.com:443", "proxy_test_timeout_s": 5})
    async with proxy_server(kind, user="bob", password=SECRET) as proxy:
        async for api in open_api(s):
            inst = await api.create_instance()
            r = await api.client.post(api.path(inst, "proxy/test"), headers=api.client_headers)
            assert r.status_code == 400 and r.json()["field"] == "value"  # no proxy yet
            await _set(api, inst, f"{kind}://bob:{SECRET}@127.0.0.1:{proxy.port}")
            r = await api.client.post(api.path(inst, "proxy/test"), headers=api.client_headers)
            body = r.json()
            assert r.status_code == 200 and body["ok"] is True and body["target"] == "web.whatsapp.com:443"
            assert isinstance(body["latencyMs"], int) and SECRET not in r.text
            assert body["proxy"] == f"{kind}://bob:****@127.0.0.1:{proxy.port}"
            assert [(x.target, x.user, x.password) for x in proxy.seen] == [("web.whatsapp.com:443", "bob", SECRET)]
            wrong = f"{kind}://bob:nope@127.0.0.1:{proxy.port}"  # a proxy to try before saving it
            r = await api.client.post(api.path(inst, "proxy/test"), json={"value": wrong}, headers=api.client_headers)
            assert r.json()["ok"] is False and "credentials" in r.json()["error"]
    async for api in open_api(s):  # the proxy is gone: refused connection, answered, not raised
        inst = await api.create_instance()
        await _set(api, inst, f"{kind}://127.0.0.1:{proxy.port}")
        r = await api.client.post(api.path(inst, "proxy/test"), headers=api.client_headers)
        assert r.status_code == 200 and r.json()["ok"] is False and "unreachable" in r.json()["error"]


@pytest.fixture
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async for s in open_stack(fast(settings, send_gap_s="0")):
        yield s


async def test_the_proxy_applies_on_the_next_connect(stack: Stack) -> None:
    api = stack.api
    inst = await stack.paired()
    before = stack.engine(inst)
    assert before.connected_through is None
    assert (await _set(api, inst, f"socks5://bob:{SECRET}@proxy.example.com:1080")).status_code == 200
    session = stack.worker.sessions[inst["id"]]
    assert session.instance.proxy is not None and session.instance.proxy.password == ""  # sealed until the connect
    opened = session.opened_proxy()
    assert opened is not None and opened.password == SECRET  # told at once
    assert stack.engine(inst) is before and before.connected_through is None  # this connection stays as it is
    r = await api.client.get(api.path(inst, "restart"), headers=api.client_headers)
    assert r.status_code == 200
    await eventually(lambda: _reconnected(stack, inst, before))
    assert stack.engine(inst).connected_through == "socks5://bob:****@proxy.example.com:1080"
    await _set(api, inst, None)
    await api.client.get(api.path(inst, "restart"), headers=api.client_headers)
    await eventually(lambda: _direct(stack, inst))


async def _reconnected(stack: Stack, inst: dict[str, Any], before: object) -> bool:
    engine = stack.engine(inst)
    return engine is not before and engine.connected


async def _direct(stack: Stack, inst: dict[str, Any]) -> bool:
    engine = stack.engine(inst)
    return engine.connected and engine.connected_through is None


async def test_a_password_stored_in_clear_is_sealed_when_the_api_starts(settings: Settings) -> None:
    async for api in open_api(settings):
        inst = await api.create_instance()
        await _set(api, inst, "socks5://bob@proxy.example.com:1080")  # an older version's row, below
    db = await Database.connect(settings, max_size=1)
    try:
        await db.pool.execute("UPDATE instances SET proxy_password = $2, proxy_password_sealed = NULL WHERE id = $1",
                              inst["id"], SECRET)
        async for api in open_api(settings):
            r = await api.client.get(api.path(inst, "proxy"), headers=api.client_headers)
            assert r.json()["hasPassword"] is True
            row = await db.pool.fetchrow("SELECT proxy_password, proxy_password_sealed FROM instances WHERE id = $1",
                                         inst["id"])
            assert row["proxy_password"] == ""
            assert Sealer.of(settings).open(inst["id"], row["proxy_password_sealed"]) == SECRET
    finally:
        await db.close()


async def test_a_sealed_password_opens_only_for_its_instance_and_key(settings: Settings) -> None:
    async for api in open_api(settings):
        inst, other = await api.create_instance(), await api.create_instance()
        await _set(api, inst, f"socks5://bob:{SECRET}@proxy.example.com:1080")
        db = await Database.connect(settings, max_size=1)
        try:  # the sealed value copied to another instance's row does not open there
            await db.pool.execute(
                "UPDATE instances SET proxy_scheme = 'socks5', proxy_host = 'proxy.example.com', proxy_port = 1080, "
                "proxy_password_sealed = (SELECT proxy_password_sealed FROM instances WHERE id = $1) WHERE id = $2",
                inst["id"], other["id"])
        finally:
            await db.close()
        r = await api.client.post(api.path(other, "proxy/test"), headers=api.client_headers)
        assert r.status_code == 200 and r.json()["ok"] is False and "set the proxy again" in r.json()["error"]
        assert SECRET not in r.text
    rotated = settings.model_copy(update={"secret_key": SecretStr("another-secret-key-of-at-least-32-chars")})
    stored = await _stored_proxy(settings, inst["id"])
    with pytest.raises(Unsealable):
        Sealer.of(rotated).opened(inst["id"], stored)
    opened = Sealer.of(settings).opened(inst["id"], stored)
    assert opened is not None and opened.url() == f"socks5://bob:{SECRET}@proxy.example.com:1080"
    with pytest.raises(ValueError, match="sealed"):
        stored.url()  # never handed on sealed


async def _stored_proxy(settings: Settings, instance_id: str) -> ProxyConfig:
    db = await Database.connect(settings, max_size=1)
    try:
        found = await InstanceStore(db).get(instance_id)
    finally:
        await db.close()
    assert found is not None and found.proxy is not None and found.proxy.sealed is not None
    return found.proxy


async def test_rotating_the_secret_key_seals_the_passwords_again(settings: Settings) -> None:
    async for api in open_api(settings):
        inst = await api.create_instance()
        await _set(api, inst, f"socks5://bob:{SECRET}@proxy.example.com:1080")
    new_key = SecretStr("rotated-secret-key-" + "z" * 32)
    rotated = settings.model_copy(update={"secret_key": new_key, "previous_secret_key": settings.secret_key})
    count, resealed = await _rehash_tokens(rotated)  # what `zapgate rehash-tokens` runs
    assert count >= 1 and resealed is not None and resealed[0] >= 1 and resealed[1] == 0
    stored = await _stored_proxy(settings, inst["id"])
    opened = Sealer.of(rotated).opened(inst["id"], stored)
    assert opened is not None and opened.password == SECRET
    with pytest.raises(Unsealable):
        Sealer.of(settings).opened(inst["id"], stored)
    again = await _rehash_tokens(rotated)  # run twice by mistake: the old key no longer opens them, none is lost
    assert again[1] is not None and again[1][0] == 0 and again[1][1] >= 1
    assert Sealer.of(rotated).opened(inst["id"], await _stored_proxy(settings, inst["id"])) == opened
