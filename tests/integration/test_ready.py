"""/health and /ready, with /ready turning 503 and naming what is down."""

from __future__ import annotations

import pytest

from gateway.core.config import Settings
from tests.support.api import Api, open_api


async def test_ready_when_all_up(api: Api) -> None:
    assert (await api.client.get("/health")).json() == {"status": "ok"}
    r = await api.client.get("/ready")
    assert r.status_code == 200
    assert r.json()["checks"] == {"postgres": "ok", "redis": "ok", "nats": "ok", "events_stream": "ok"}


@pytest.mark.parametrize(("field", "url", "down"), [
    ("redis_url", "redis://127.0.0.1:1/0", "redis"),
    ("nats_url", "nats://127.0.0.1:1", "nats"),
    ("database_url", "postgresql://zapgate:zapgate@127.0.0.1:1/zapgate", "postgres"),
])
async def test_ready_503_names_the_service(settings: Settings, field: str, url: str, down: str) -> None:
    broken = settings.model_copy(update={field: url})
    async for api in open_api(broken):
        r = await api.client.get("/ready")
        assert r.status_code == 503
        assert r.json()["down"] == [down]
        assert down in r.json()["message"]
        assert (await api.client.get("/health")).status_code == 200


async def test_metrics_exposed(api: Api) -> None:
    inst = await api.create_instance()
    await api.client.get(api.path(inst, "status"), headers=api.client_headers)
    r = await api.client.get("/metrics")
    assert r.status_code == 200 and "zapgate_http_requests_total" in r.text
    assert "/instances/{instance_id}/token/{token}/status" in r.text
    assert inst["token"] not in r.text and inst["id"] not in r.text


@pytest.mark.parametrize(("field", "url", "service", "route"), [
    ("database_url", "postgresql://zapgate:zapgate@127.0.0.1:1/zapgate", "postgres", "status"),
    ("redis_url", "redis://127.0.0.1:1/0", "redis", "status"),
    ("nats_url", "nats://127.0.0.1:1", "nats", "restart"),  # needs the owning worker (sends do not: Postgres)
])
async def test_outages_answer_503_with_retry_after_not_500(settings: Settings, field: str, url: str, service: str,
                                                           route: str) -> None:
    async for healthy in open_api(settings):
        inst = await healthy.create_instance()
    broken = settings.model_copy(update={field: url})
    async for api in open_api(broken):
        path = api.path(inst, route)
        r = await api.client.get(path, headers=api.client_headers)
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "SERVICE_UNAVAILABLE" and service in r.json()["message"].lower()
        assert int(r.headers["Retry-After"]) >= 1
