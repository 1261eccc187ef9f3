"""Partner API: auth, creation, validation, pagination, get and delete."""

from __future__ import annotations

import re
import time

from tests.support.api import Api


async def test_partner_auth_missing_wrong_right(api: Api) -> None:
    r = await api.client.get("/instances")
    assert r.status_code == 401 and r.json()["error"] == "Unauthorized"
    r = await api.client.get("/instances", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    r = await api.client.get("/instances", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401
    r = await api.client.get("/instances", headers=api.partner)
    assert r.status_code == 200 and r.json()["total"] == 0


async def test_create_instance_shape(api: Api) -> None:
    created = await api.create_instance(name="shop", receivedCallbackUrl="http://127.0.0.1:9/hook")
    assert re.fullmatch(r"[0-9A-F]{32}", created["id"])
    assert re.fullmatch(r"[0-9A-F]{24}", created["token"])
    assert isinstance(created["due"], int)
    assert 0 < created["due"] - time.time() * 1000 <= 30 * 86400 * 1000  # the current period, not 2126
    r = await api.client.get(f"/instances/{created['id']}", headers=api.partner)
    body = r.json()
    assert body["name"] == "shop" and body["engine"] == "sandbox"
    assert body["token"] == created["token"]
    assert body["receivedCallbackUrl"] == "http://127.0.0.1:9/hook"
    assert body["connectedCallbackUrl"] == ""


async def test_token_is_stored_hashed(api: Api) -> None:
    created = await api.create_instance()
    from gateway.infra.db.database import Database

    db = await Database.connect(api.settings, max_size=1)
    try:
        stored = await db.pool.fetchval("SELECT token_hash FROM instances WHERE id = $1", created["id"])
        partner = await db.pool.fetchrow("SELECT token_hash, client_token_hash FROM partners")
    finally:
        await db.close()
    assert created["token"] not in stored and len(stored) == 64
    assert "A1A1" not in partner["token_hash"]


async def test_create_validation_errors_are_400_naming_the_field(api: Api) -> None:
    r = await api.client.post("/instances/integrator/on-demand", json={"engine": "telepathy"},
                              headers=api.partner)
    assert r.status_code == 400
    assert r.json()["field"] == "engine" and r.json()["error"].startswith("engine:")
    r = await api.client.post("/instances/integrator/on-demand", json={"name": "x" * 121},
                              headers=api.partner)
    assert r.status_code == 400 and r.json()["field"] == "name"
    r = await api.client.post("/instances/integrator/on-demand", content=b"{not json",
                              headers={**api.partner, "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["field"] == "body"
    r = await api.client.post("/instances/integrator/on-demand",
                              json={"receivedCallbackUrl": "ftp://example.com/x"}, headers=api.partner)
    assert r.status_code == 400 and r.json()["field"] == "receivedCallbackUrl"


async def test_webhook_targets_refused_without_insecure_flag(settings: object) -> None:
    from tests.support.api import open_api

    strict = settings.model_copy(update={"allow_insecure_webhooks": False})  # type: ignore[attr-defined]
    async for api in open_api(strict):
        for url in ("http://example.com/hook", "https://127.0.0.1/hook", "https://10.1.2.3/x",
                    "https://localhost/x", "https://[::1]/x", "https://169.254.169.254/latest"):
            r = await api.client.post("/instances/integrator/on-demand",
                                      json={"connectedCallbackUrl": url}, headers=api.partner)
            assert r.status_code == 400, url
            assert r.json()["field"] == "connectedCallbackUrl"
        r = await api.client.post("/instances/integrator/on-demand",
                                  json={"connectedCallbackUrl": "https://93.184.215.14/hook"},
                                  headers=api.partner)
        assert r.status_code == 200, r.text


async def test_pagination_and_query(api: Api) -> None:
    ids = [(await api.create_instance(name=f"inst-{i}"))["id"] for i in range(7)]
    r = await api.client.get("/instances?page=1&pageSize=3", headers=api.partner)
    body = r.json()
    assert (body["total"], body["totalPage"], body["pageSize"], body["page"]) == (7, 3, 3, 1)
    seen = [c["id"] for c in body["content"]]
    for page in (2, 3):
        seen += [c["id"] for c in
                 (await api.client.get(f"/instances?page={page}&pageSize=3", headers=api.partner))
                 .json()["content"]]
    assert seen == ids
    r = await api.client.get("/instances?query=inst-4", headers=api.partner)
    assert [c["name"] for c in r.json()["content"]] == ["inst-4"]
    r = await api.client.get("/instances?pageSize=0", headers=api.partner)
    assert r.status_code == 400 and r.json()["field"] == "pageSize"
    r = await api.client.get("/instances?page=abc", headers=api.partner)
    assert r.status_code == 400 and r.json()["field"] == "page"


async def test_get_and_delete(api: Api) -> None:
    created = await api.create_instance()
    r = await api.client.delete(f"/instances/{created['id']}", headers=api.partner)
    assert r.status_code == 204
    r = await api.client.get(f"/instances/{created['id']}", headers=api.partner)
    assert r.status_code == 404 and r.json() == {"error": "Instance not found"}
    r = await api.client.delete(f"/instances/{created['id']}", headers=api.partner)
    assert r.status_code == 404
    r = await api.client.get(api.path(created, "status"), headers=api.client_headers)
    assert r.status_code == 404


async def test_unknown_route_and_method(api: Api) -> None:
    r = await api.client.get("/nope/nothing")
    assert r.status_code == 404
    assert r.json() == {"error": "NOT_FOUND", "message": "Unable to find matching target resource method"}
    r = await api.client.put("/health")
    assert r.status_code == 405 and r.json()["error"] == "METHOD_NOT_ALLOWED"


async def test_request_body_is_bounded(settings: object) -> None:
    from tests.support.api import open_api

    small = settings.model_copy(update={"max_body_bytes": 2048})  # type: ignore[attr-defined]
    async for api in open_api(small):
        r = await api.client.post("/instances/integrator/on-demand", json={"name": "x" * 5000},
                                  headers=api.partner)
        assert r.status_code == 413 and r.json()["error"] == "PAYLOAD_TOO_LARGE"

        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(10):
                yield b" " * 500

        r = await api.client.post("/instances/integrator/on-demand", content=chunks(),
                                  headers={**api.partner, "Content-Type": "application/json"})
        assert r.status_code == 413


async def test_request_id_is_echoed(api: Api) -> None:
    r = await api.client.get("/health", headers={"X-Request-Id": "abc123"})
    assert r.headers["x-request-id"] == "abc123"
    r = await api.client.get("/health")
    assert len(r.headers["x-request-id"]) == 32
