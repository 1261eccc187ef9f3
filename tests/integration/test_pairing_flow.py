"""Pairing end to end over HTTP with an in-process worker running the sandbox engine."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from PIL import Image

from gateway.core.config import Settings
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.kv.state import connect_redis
from gateway.worker.worker import Worker
from tests.support.api import Api, open_api
from tests.support.polling import eventually


@pytest.fixture
async def stack(settings: Settings) -> AsyncIterator[tuple[Api, Worker]]:
    s = settings.model_copy(update={"placement_interval_s": 0.2, "lease_ttl_s": 3.0,
                                    "sandbox_reconnect_delay_s": 0.1, "sandbox_receipt_delay_s": 0.0})
    db = await Database.connect(s)
    redis = connect_redis(s.redis_url)
    bus = await Bus.connect(s.nats_url)
    worker = Worker(s, "w-test", db=db, bus=bus, redis=redis)
    stop = asyncio.Event()
    runner = asyncio.create_task(worker.run(stop))
    try:
        async for api in open_api(s):
            yield api, worker
    finally:
        stop.set()
        await asyncio.wait_for(runner, 15)
        await bus.close()
        await redis.aclose()
        await db.close()


async def _status(api: Api, inst: dict[str, Any]) -> dict[str, Any]:
    r = await api.client.get(api.path(inst, "status"), headers=api.client_headers)
    body: dict[str, Any] = r.json()
    return body


async def test_pairing_restart_disconnect(stack: tuple[Api, Worker]) -> None:
    api, worker = stack
    inst = await api.create_instance(name="pair-me")
    h = api.client_headers

    async def qr_image() -> Any:
        r = await api.client.get(api.path(inst, "qr-code/image"), headers=h)
        return r.json() if r.status_code == 200 else None

    image = (await eventually(qr_image))["value"]
    assert image.startswith("data:image/png;base64,")
    png = Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1])))
    png.verify()
    assert png.format == "PNG" and png.size[0] > 100
    qr = (await api.client.get(api.path(inst, "qr-code"), headers=h)).json()["value"]
    assert qr.startswith("2@")
    assert (await _status(api, inst))["connected"] is False

    r = await api.client.post(api.path(inst, "sandbox/scan"), json={"phone": "5511999990000"}, headers=h)
    assert r.status_code == 200, r.text
    await eventually(lambda: _connected(api, inst))
    assert (await _status(api, inst)) == {"connected": True, "error": "You are already connected.",
                                          "smartphoneConnected": True}
    already = (await api.client.get(api.path(inst, "qr-code"), headers=h)).json()
    assert already["connected"] is True and already["value"] is None
    device = (await api.client.get(api.path(inst, "device"), headers=h)).json()
    assert device["phone"] == "5511999990000"

    # restart keeps it paired: no new QR
    r = await api.client.get(api.path(inst, "restart"), headers=h)
    assert r.json() == {"value": True}
    await eventually(lambda: _connected(api, inst))
    store = InstanceStore(worker.store.db)
    history = [s for s, _ in await store.status_history(inst["id"])]
    assert history.index("CONNECTED") > history.index("QR_PENDING")
    assert "QR_PENDING" not in history[history.index("CONNECTED"):]

    # disconnect logs out: not connected, a new QR is shown for re-pairing
    r = await api.client.get(api.path(inst, "disconnect"), headers=h)
    assert r.json() == {"value": True}

    async def not_connected_with_qr() -> bool:
        st = await _status(api, inst)
        r = await api.client.get(api.path(inst, "qr-code"), headers=h)
        return st["connected"] is False and r.status_code == 200 and r.json().get("value", "") != qr

    await eventually(not_connected_with_qr)
    history = [s for s, _ in await store.status_history(inst["id"])]
    assert "LOGGED_OUT" in history


async def _connected(api: Api, inst: dict[str, Any]) -> bool:
    return bool((await _status(api, inst))["connected"])


async def test_worker_restores_paired_session_without_qr(settings: Settings) -> None:
    """A new worker (after a restart) reconnects a paired sandbox instance without a QR."""
    s = settings.model_copy(update={"placement_interval_s": 0.2})
    async for api in open_api(s):
        inst = await api.create_instance()
        db = await Database.connect(s)
        await InstanceStore(db).update_fields(inst["id"], device_jid="5511988880000:1@s.whatsapp.net",
                                              phone="5511988880000")
        redis = connect_redis(s.redis_url)
        bus = await Bus.connect(s.nats_url)
        worker = Worker(s, "w-restore", db=db, bus=bus, redis=redis)
        await worker.start()
        await worker.place()
        try:
            await eventually(lambda: _connected(api, inst))
            history = [st for st, _ in await InstanceStore(db).status_history(inst["id"])]
            assert "QR_PENDING" not in history
        finally:
            await worker.close()
            await bus.close()
            await redis.aclose()
            await db.close()


async def test_control_errors(stack: tuple[Api, Worker], settings: Settings) -> None:
    api, _worker = stack
    h = api.client_headers
    real = await api.create_instance(engine="neonize")
    r = await api.client.post(api.path(real, "sandbox/scan"), json={"phone": "5511999990000"}, headers=h)
    assert r.status_code == 400 and r.json()["field"] == "engine"
    sandbox = await api.create_instance()
    r = await api.client.post(api.path(sandbox, "sandbox/scan"), json={"phone": "12"}, headers=h)
    assert r.status_code == 400 and r.json()["field"] == "phone"
    r = await api.client.post(api.path(sandbox, "sandbox/inbound"), json={"from": "5511999990000", "type": "x"},
                              headers=h)
    assert r.status_code == 400 and r.json()["field"] == "type"
    r = await api.client.get(api.path(sandbox, "phone-code/abc"), headers=h)
    assert r.status_code == 400 and r.json()["field"] == "phone"
    r = await api.client.put(api.path(sandbox, "update-name"), json={"value": 5}, headers=h)
    assert r.status_code == 400 and r.json()["field"] == "value"
    r = await api.client.put(api.path(sandbox, "update-name"), json={"value": "renamed"}, headers=h)
    assert r.json() == {"value": True}
    for action, value in (("update-auto-read-message", True), ("update-call-reject-auto", True),
                          ("update-call-reject-message", "busy")):
        r = await api.client.put(api.path(sandbox, action), json={"value": value}, headers=h)
        assert r.json() == {"value": True}, action
    me = (await api.client.get(api.path(sandbox, "me"), headers=h)).json()
    assert (me["name"], me["autoReadMessage"], me["callRejectAuto"], me["callRejectMessage"]) == (
        "renamed", True, True, "busy")


async def test_no_worker_gives_clear_error(api: Api) -> None:
    inst = await api.create_instance()
    r = await api.client.get(api.path(inst, "restart"), headers=api.client_headers)
    assert r.status_code == 503 and r.json()["error"] == "INSTANCE_NOT_RUNNING"
    r = await api.client.get(api.path(inst, "qr-code"), headers=api.client_headers)
    assert r.status_code == 503


async def test_pair_code_and_sandbox_traffic(stack: tuple[Api, Worker]) -> None:
    api, worker = stack
    h = api.client_headers
    inst = await api.create_instance()
    await eventually(lambda: _has_session(worker, inst["id"]))
    await eventually(lambda: _qr_ready(api, inst))
    r = await api.client.get(api.path(inst, "phone-code/5511977770000"), headers=h)
    assert r.status_code == 200 and len(r.json()["value"]) == 8
    r = await api.client.post(api.path(inst, "sandbox/inbound"), json={"from": "5511977770000", "message": "x"},
                              headers=h)
    assert r.status_code == 409 and r.json()["error"] == "NOT_CONNECTED"
    await api.client.post(api.path(inst, "sandbox/scan"), json={"phone": "5511977770000"}, headers=h)
    await eventually(lambda: _connected(api, inst))
    r = await api.client.get(api.path(inst, "phone-code/5511977770000"), headers=h)
    assert r.status_code == 409 and r.json()["error"] == "ALREADY_PAIRED"
    r = await api.client.post(api.path(inst, "sandbox/inbound"),
                              json={"from": "5511977770000", "type": "text", "message": "oi"}, headers=h)
    assert r.status_code == 200 and r.json()["messageId"].startswith("3EB0")
    r = await api.client.post(api.path(inst, "sandbox/presence"), json={"from": "5511977770000",
                                                                       "status": "COMPOSING"}, headers=h)
    assert r.json() == {"value": True}
    r = await api.client.post(api.path(inst, "sandbox/disconnect"), headers=h)
    assert r.json() == {"value": True}
    await eventually(lambda: _connected(api, inst))  # reconnects by itself
    history = [s for s, _ in await InstanceStore(worker.store.db).status_history(inst["id"])]
    assert history[-2:] == ["DISCONNECTED", "CONNECTED"]
    assert worker.sessions[inst["id"]].events_seen >= 5


async def _has_session(worker: Worker, instance_id: str) -> bool:
    return instance_id in worker.sessions


async def _qr_ready(api: Api, inst: dict[str, Any]) -> bool:
    return (await api.client.get(api.path(inst, "qr-code"), headers=api.client_headers)).status_code == 200
