"""The send routes' authentication cache: what it saves, and every way an entry ends early (this api's own
rotation or deletion, another api's broadcast, a failed authentication from the address)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.api.app import create_app
from gateway.core.config import Settings
from gateway.core.ids import hash_token
from gateway.core.names import Names
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from tests.support.api import CLIENT_TOKEN, PARTNER_TOKEN, Api
from tests.support.polling import eventually

PARTNER = {"Authorization": f"Bearer {PARTNER_TOKEN}"}
HEADERS = {"Client-Token": CLIENT_TOKEN}
TEXT = {"phone": "5511988887777", "message": "hi"}


def _send(inst: dict[str, Any], token: str | None = None) -> str:
    return f"/instances/{inst['id']}/token/{token or inst['token']}/send-text"


async def _lookups(api_app: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the instance lookups that reach Postgres."""
    calls: list[str] = []
    store: InstanceStore = api_app.state.zg.instances
    real = store.with_partner

    async def counted(instance_id: str) -> Any:
        calls.append(instance_id)
        return await real(instance_id)

    monkeypatch.setattr(store, "with_partner", counted)
    return calls


async def test_this_apis_rotation_and_deletion_end_the_entry_at_once(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    inst = await api.create_instance()
    lookups = await _lookups(api.app, monkeypatch)
    for _ in range(3):
        r = await api.client.post(_send(inst), json=TEXT, headers=HEADERS)
        assert r.status_code == 200, r.text
    assert lookups == [inst["id"]]  # three sends, one lookup

    rotated = await api.client.post(f"/instances/{inst['id']}/rotate-token", headers=PARTNER)
    assert rotated.status_code == 200, rotated.text
    old = await api.client.post(_send(inst), json=TEXT, headers=HEADERS)
    assert old.status_code == 404 and old.json() == {"error": "Instance not found"}
    new_token = rotated.json()["token"]
    assert (await api.client.post(_send(inst, new_token), json=TEXT, headers=HEADERS)).status_code == 200

    assert (await api.client.delete(f"/instances/{inst['id']}", headers=PARTNER)).status_code == 204
    gone = await api.client.post(_send(inst, new_token), json=TEXT, headers=HEADERS)
    assert gone.status_code == 404
    # the other routes never use the cache
    assert (await api.client.get(f"/instances/{inst['id']}/token/{new_token}/status", headers=HEADERS)).status_code \
        == 404


@pytest.fixture
async def long_cache(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"auth_cache_s": 10.0, "auth_failures_per_minute": 3,
                                                 "auth_block_s": 2}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://zapgate.test") as client:
            yield client


async def _instance(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.post("/instances/integrator/on-demand", json={"name": "t", "engine": "sandbox"}, headers=PARTNER)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


async def test_another_apis_rotation_reaches_this_one_over_nats(long_cache: httpx.AsyncClient,
                                                                settings: Settings) -> None:
    inst = await _instance(long_cache)
    assert (await long_cache.post(_send(inst), json=TEXT, headers=HEADERS)).status_code == 200
    db = await Database.connect(settings, max_size=1)
    bus = await Bus.connect(settings.nats_url)
    try:  # another api rotates the token: Postgres changes, and this api still holds the old entry...
        store = InstanceStore(db)
        found = await store.with_partner(inst["id"])
        assert found is not None
        assert await store.rotate_token(inst["id"], found[1].id, 1, hash_token("another-token"))
        assert (await long_cache.post(_send(inst), json=TEXT, headers=HEADERS)).status_code == 200
        # ...until that api's broadcast arrives, long before the entry's 10 s
        await bus.publish(Names.from_settings(settings).auth_forget_subject, inst["id"].encode())

        async def refused() -> bool:
            return (await long_cache.post(_send(inst), json=TEXT, headers=HEADERS)).status_code == 404

        await eventually(refused, timeout_s=2)
    finally:
        await bus.close()
        await db.close()


async def test_a_failed_authentication_ends_the_clean_address_entry(long_cache: httpx.AsyncClient) -> None:
    inst = await _instance(long_cache)
    assert (await long_cache.post(_send(inst), json=TEXT, headers=HEADERS)).status_code == 200  # address clean
    wrong = [(await long_cache.post(_send(inst, "0" * 24), json=TEXT, headers=HEADERS)).status_code
             for _ in range(3)]
    assert wrong == [404] * 3
    blocked = await long_cache.post(_send(inst), json=TEXT, headers=HEADERS)  # the right token, from a blocked address
    assert blocked.status_code == 429, blocked.text
    await asyncio.sleep(2.1)
    assert (await long_cache.post(_send(inst), json=TEXT, headers=HEADERS)).status_code == 200
