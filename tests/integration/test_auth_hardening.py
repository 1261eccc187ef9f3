"""Failed authentications are limited per client address; instance tokens rotate; secret-key rotation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.api.app import create_app
from gateway.core.config import Settings
from gateway.core.ids import hash_token, instance_token
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from tests.support.api import CLIENT_TOKEN, PARTNER_TOKEN, Api

GUESSER, NEIGHBOUR = ("203.0.113.7", 5000), ("203.0.113.8", 5000)
PARTNER = {"Authorization": f"Bearer {PARTNER_TOKEN}"}


@pytest.fixture
async def clients(settings: Settings) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """One app, two client addresses."""
    app = create_app(settings.model_copy(update={"auth_failures_per_minute": 5, "auth_block_s": 2}))
    async with app.router.lifespan_context(app):
        out = {}
        for name, address in (("guesser", GUESSER), ("neighbour", NEIGHBOUR)):
            transport = httpx.ASGITransport(app=app, client=address)
            out[name] = httpx.AsyncClient(transport=transport, base_url="http://zapgate.test")
        try:
            yield out
        finally:
            for c in out.values():
                await c.aclose()


async def _instance(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.post("/instances/integrator/on-demand", json={"name": "t", "engine": "sandbox"},
                          headers=PARTNER)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


async def test_failed_authentications_block_the_address_for_a_while(
        clients: dict[str, httpx.AsyncClient]) -> None:
    guesser, neighbour = clients["guesser"], clients["neighbour"]
    inst = await _instance(neighbour)
    right = f"/instances/{inst['id']}/token/{inst['token']}/status"
    wrong = f"/instances/{inst['id']}/token/{'0' * 24}/status"
    statuses = [(await guesser.get(wrong, headers={"Client-Token": CLIENT_TOKEN})).status_code for _ in range(5)]
    assert statuses == [404] * 5
    blocked = await guesser.get(right, headers={"Client-Token": CLIENT_TOKEN})  # even the right token now
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "TOO_MANY_AUTH_FAILURES" and 1 <= int(blocked.headers["Retry-After"]) <= 2
    assert (await guesser.get("/instances", headers=PARTNER)).status_code == 429  # partner routes too
    assert (await neighbour.get(right, headers={"Client-Token": CLIENT_TOKEN})).status_code == 200  # per address
    await asyncio.sleep(2.1)  # the block lapses by itself
    assert (await guesser.get(right, headers={"Client-Token": CLIENT_TOKEN})).status_code == 200


async def test_wrong_client_tokens_and_partner_tokens_count(clients: dict[str, httpx.AsyncClient]) -> None:
    guesser = clients["guesser"]
    inst = await _instance(clients["neighbour"])
    right = f"/instances/{inst['id']}/token/{inst['token']}/status"
    for _ in range(3):
        assert (await guesser.get(right, headers={"Client-Token": "Fguess"})).status_code == 403
    for _ in range(2):
        assert (await guesser.get("/instances", headers={"Authorization": "Bearer guess"})).status_code == 401
    assert (await guesser.get(right, headers={"Client-Token": CLIENT_TOKEN})).status_code == 429


async def test_successes_do_not_count(clients: dict[str, httpx.AsyncClient]) -> None:
    client = clients["guesser"]
    inst = await _instance(client)
    right = f"/instances/{inst['id']}/token/{inst['token']}/status"
    for _ in range(20):
        assert (await client.get(right, headers={"Client-Token": CLIENT_TOKEN})).status_code == 200


async def test_rotating_an_instance_token_refuses_the_old_one_at_once(api: Api) -> None:
    inst = await api.create_instance()
    r = await api.client.post(f"/instances/{inst['id']}/rotate-token", headers=api.partner)
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["id"] == inst["id"] and new["token"] != inst["token"] and len(new["token"]) == 24
    old_path, new_path = api.path(inst, "status"), api.path(new, "status")
    assert (await api.client.get(old_path, headers=api.client_headers)).status_code == 404
    assert (await api.client.get(new_path, headers=api.client_headers)).status_code == 200
    listed = await api.client.get(f"/instances/{inst['id']}", headers=api.partner)
    assert listed.json()["token"] == new["token"]
    assert (await api.client.post(f"/instances/{'A' * 32}/rotate-token", headers=api.partner)).status_code == 404
    assert (await api.client.post(f"/instances/{inst['id']}/rotate-token")).status_code == 401


async def test_changing_the_secret_key_and_rehashing(api: Api) -> None:
    """The documented secret rotation: new key, ``zapgate rehash-tokens``; old tokens refused, new ones work."""
    inst = await api.create_instance()
    new_secret = "rotated-secret-key-" + "y" * 32
    db = await Database.connect(api.settings, max_size=1)
    try:
        count = await InstanceStore(db).rehash_tokens(
            lambda iid, version: hash_token(instance_token(new_secret, iid, version)))
    finally:
        await db.close()
    assert count >= 1
    assert (await api.client.get(api.path(inst, "status"), headers=api.client_headers)).status_code == 404
    new_token = instance_token(new_secret, inst["id"], 1)
    ok = await api.client.get(f"/instances/{inst['id']}/token/{new_token}/status", headers=api.client_headers)
    assert ok.status_code == 200
