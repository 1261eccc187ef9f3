"""Whatever the API answered 200 for applies to every event captured after it (no stale configuration)."""

from __future__ import annotations

from tests.support.polling import eventually
from tests.support.stack import Stack


async def test_a_webhook_url_set_then_an_event_at_once_goes_to_the_new_url(stack: Stack) -> None:
    inst = await stack.paired()
    h = stack.api.client_headers
    rounds = 15
    for n in range(rounds):
        r = await stack.api.client.put(stack.api.path(inst, "update-webhook-received"),
                                       json={"value": f"{stack.receiver.url}/round{n}"}, headers=h)
        assert r.status_code == 200, r.text
        r = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"),
                                        json={"from": "5511988887777", "type": "text", "message": f"m{n}"}, headers=h)
        assert r.status_code == 200, r.text

    async def all_arrived() -> bool:
        return sum(1 for hit in stack.receiver.hits if hit.path.startswith("/round")) >= rounds

    await eventually(all_arrived, timeout_s=20)
    got = {hit.json["text"]["message"]: hit.path for hit in stack.receiver.hits if hit.path.startswith("/round")}
    assert sorted(got) == sorted(f"m{n}" for n in range(rounds))  # every event, once
    # m<n> was captured after round<n>'s URL was answered 200: it goes there or to a URL set later, never to
    # one that was replaced before it was captured
    assert [(m, p) for m, p in got.items() if int(p.removeprefix("/round")) < int(m[1:])] == []


async def test_a_url_removed_stops_deliveries_of_later_events(stack: Stack) -> None:
    inst = await stack.paired()
    h = stack.api.client_headers
    r = await stack.api.client.put(stack.api.path(inst, "update-webhook-received"), json={"value": ""}, headers=h)
    assert r.status_code == 200, r.text
    await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"),
                                json={"from": "5511988887777", "type": "text", "message": "nobody"}, headers=h)

    async def stored() -> bool:  # the event is in Postgres, decided against "no URL"
        return bool(await stack.dispatcher.store.db.pool.fetchval(
            "SELECT count(*) FROM events WHERE instance_id = $1 AND position('nobody'::bytea in body) > 0",
            inst["id"]))

    await eventually(stored)
    r = await stack.api.client.put(stack.api.path(inst, "update-webhook-received"),
                                   json={"value": f"{stack.receiver.url}/back"}, headers=h)
    await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"),
                                json={"from": "5511988887777", "type": "text", "message": "back"}, headers=h)

    async def arrived() -> bool:
        return any(hit.path == "/back" for hit in stack.receiver.hits)

    await eventually(arrived, timeout_s=20)
    received = [hit.json["text"]["message"] for hit in stack.receiver.hits
                if hit.json.get("type") == "ReceivedCallback"]
    assert received == ["back"]
