"""The send fast path (``gateway/api/send_fast.py``) answers exactly what the FastAPI route answers, for every case
it serves, hands every other case to the route, and is counted under the route's template."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from gateway.api.app import create_app
from gateway.core.config import Settings
from tests.support.api import CLIENT_TOKEN, PARTNER_TOKEN

PARTNER = {"Authorization": f"Bearer {PARTNER_TOKEN}"}
HEADERS = {"Client-Token": CLIENT_TOKEN}
TEXT = {"phone": "5511988887777", "message": "hi"}
ROUTE = "/instances/{instance_id}/token/{token}/send-text"


@pytest.fixture
async def clients(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """The same database behind two apps: with the fast path (the default) and without it."""
    fast, slow = create_app(settings), create_app(settings.model_copy(update={"api_fast_sends": False}))
    async with (fast.router.lifespan_context(fast), slow.router.lifespan_context(slow),
                httpx.AsyncClient(transport=httpx.ASGITransport(app=fast), base_url="http://zapgate.test") as a,
                httpx.AsyncClient(transport=httpx.ASGITransport(app=slow), base_url="http://zapgate.test") as b):
        yield a, b


def _fast_sends() -> float:
    return REGISTRY.get_sample_value("zapgate_api_fast_sends_total") or 0.0


def _requests_of(route: str) -> float:
    return REGISTRY.get_sample_value("zapgate_http_requests_total",
                                     {"method": "POST", "route": route, "status": "200"}) or 0.0


async def test_both_paths_answer_alike(clients: tuple[httpx.AsyncClient, httpx.AsyncClient]) -> None:
    fast, slow = clients
    r = await fast.post("/instances/integrator/on-demand", json={"name": "t", "engine": "sandbox"}, headers=PARTNER)
    inst = r.json()
    base = f"/instances/{inst['id']}/token/{inst['token']}"
    # (path, json body or raw content, headers, served by the fast path)
    cases: list[tuple[str, Any, dict[str, str], bool]] = [
        (f"{base}/send-text", TEXT, HEADERS, True),
        (f"{base}/send-location", {"phone": "5511988887777", "title": "Casa", "address": "Rua A, 1",
                                   "latitude": "-23.5", "longitude": "-46.6"}, HEADERS, True),
        (f"{base}/send-text", {"phone": "abc", "message": "hi"}, HEADERS, True),
        (f"{base}/send-text", {"phone": "5511988887777"}, HEADERS, True),
        (f"{base}/send-text", {**TEXT, "delayMessage": 99}, HEADERS, True),
        (f"/instances/{inst['id']}/token/{'0' * 24}/send-text", TEXT, HEADERS, True),
        (f"/instances/{'F' * 32}/token/{inst['token']}/send-text", TEXT, HEADERS, True),
        (f"{base}/send-text", TEXT, {"Client-Token": "Fwrongwrongwrong0123S"}, True),
        (f"{base}/send-text", TEXT, {}, True),
        (f"{base}/send-text", [TEXT], HEADERS, False),  # not an object: the route answers
        (f"{base}/send-text", "not json", HEADERS, False),
        (f"{base}/send-text", TEXT, {**HEADERS, "Idempotency-Key": "k-1"}, False),
        (f"/instances/{inst['id']}/token/{'0' * 65}/send-text", TEXT, HEADERS, False),
        (f"{base}/send-nothing", TEXT, HEADERS, False),
    ]
    for path, body, headers, served_fast in cases:
        before = _fast_sends()
        kw: dict[str, Any] = {"content": body} if isinstance(body, str) else {"json": body}
        a = await fast.post(path, headers=headers, **kw)
        assert _fast_sends() - before == (1 if served_fast else 0), (path, body)
        b = await slow.post(path, headers=headers, **kw)
        assert a.status_code == b.status_code, (path, body, a.text, b.text)
        assert a.headers["content-type"] == b.headers["content-type"]
        if a.status_code == 200 and "zaapId" in a.json():
            assert a.json().keys() == b.json().keys() == {"zaapId", "messageId", "id"}
            if "Idempotency-Key" not in headers:
                assert a.json()["zaapId"] != b.json()["zaapId"]
        else:
            assert a.json() == b.json(), (path, body)
    count = await fast.get(f"{base}/queue/count", headers=HEADERS)
    # send-text and send-location twice (both apps), the keyed send once: the same queue behind both
    assert count.json() == {"count": 5}, count.text


async def test_a_fast_send_is_counted_under_its_route(clients: tuple[httpx.AsyncClient, httpx.AsyncClient]) -> None:
    fast, _ = clients
    r = await fast.post("/instances/integrator/on-demand", json={"name": "t", "engine": "sandbox"}, headers=PARTNER)
    inst = r.json()
    before = _requests_of(ROUTE)
    sent = await fast.post(f"/instances/{inst['id']}/token/{inst['token']}/send-text", json=TEXT, headers=HEADERS)
    assert sent.status_code == 200, sent.text
    assert _requests_of(ROUTE) - before == 1
