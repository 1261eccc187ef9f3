"""Partner API: Z-API's subscription, cancel and subscription/update paths, and the GET /instances filters."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api


def _on_demand(inst: dict[str, Any], action: str) -> str:
    return f"/instances/{inst['id']}/token/{inst['token']}/integrator/on-demand/{action}"


async def test_subscription_keeps_the_instance_and_refuses_the_calls_add_on(api: Api) -> None:
    inst = await api.create_instance(name="kept")
    r = await api.client.post(_on_demand(inst, "subscription"), headers=api.partner)
    assert (r.status_code, r.json()) == (201, {"value": True})
    r = await api.client.post(_on_demand(inst, "subscription"), json={"withCalls": False}, headers=api.partner)
    assert r.status_code == 201
    r = await api.client.post(_on_demand(inst, "subscription"), json={"withCalls": True}, headers=api.partner)
    assert r.status_code == 501 and r.json()["error"] == "NOT_SUPPORTED" and "calls" in r.json()["message"]
    r = await api.client.get(f"/instances/{inst['id']}", headers=api.partner)
    assert r.status_code == 200 and r.json()["name"] == "kept"


async def test_subscription_update_takes_only_with_calls_true_and_answers_501(api: Api) -> None:
    inst = await api.create_instance()
    for body in (None, {}, {"withCalls": False}):
        r = await api.client.put(_on_demand(inst, "subscription/update"), json=body, headers=api.partner)
        assert r.status_code == 400 and r.json()["field"] == "withCalls", body
    r = await api.client.put(_on_demand(inst, "subscription/update"), json={"withCalls": True}, headers=api.partner)
    assert r.status_code == 501 and "calls" in r.json()["message"]


async def test_cancel_deletes_the_instance_now(api: Api) -> None:
    inst = await api.create_instance()
    r = await api.client.post(_on_demand(inst, "cancel"), headers=api.partner)
    assert (r.status_code, r.json()) == (201, {"value": True})
    r = await api.client.get(f"/instances/{inst['id']}", headers=api.partner)
    assert r.status_code == 404
    r = await api.client.get(api.path(inst, "status"), headers=api.client_headers)
    assert r.status_code == 404
    r = await api.client.post(_on_demand(inst, "cancel"), headers=api.partner)
    assert r.status_code == 404


async def test_subscription_paths_need_the_partner_token_and_the_instance_token(api: Api) -> None:
    inst = await api.create_instance()
    r = await api.client.post(_on_demand(inst, "cancel"))
    assert r.status_code == 401
    r = await api.client.post(_on_demand(inst, "cancel"), headers=api.client_headers)
    assert r.status_code == 401  # the Client-Token is not the partner token
    wrong = {**inst, "token": "0" * 24}
    r = await api.client.post(_on_demand(wrong, "cancel"), headers=api.partner)
    assert r.status_code == 404 and r.json() == {"error": "Instance not found"}
    r = await api.client.get(f"/instances/{inst['id']}", headers=api.partner)
    assert r.status_code == 200  # still there


async def test_list_filters_by_middleware_and_query(api: Api) -> None:
    ids = [(await api.create_instance(name=f"shop-{i}"))["id"] for i in range(3)]
    r = await api.client.get("/instances?page=1&pageSize=10&middleware=web", headers=api.partner)
    body = r.json()
    assert body["total"] == 3 and [c["id"] for c in body["content"]] == ids
    assert {c["middleware"] for c in body["content"]} == {"web"}
    r = await api.client.get("/instances?page=1&pageSize=10&middleware=mobile", headers=api.partner)
    assert r.json() == {"total": 0, "totalPage": 0, "pageSize": 10, "page": 1, "content": []}
    r = await api.client.get("/instances?middleware=desktop", headers=api.partner)
    assert r.status_code == 400 and r.json()["field"] == "middleware"
    r = await api.client.get(f"/instances?query={ids[1][:12]}&middleware=web", headers=api.partner)
    assert [c["id"] for c in r.json()["content"]] == [ids[1]]  # query finds by id as well as by name
