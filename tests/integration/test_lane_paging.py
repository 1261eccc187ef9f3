"""A lane holds at most dispatch_lane_cap deliveries in memory; the rest wait in Postgres, in order."""

from __future__ import annotations

from typing import Any

from tests.support.stack import fast, open_stack


async def test_a_backlog_larger_than_the_lane_cap_is_paged_in_order(settings: Any) -> None:
    async for stack in open_stack(fast(settings, dispatch_lane_cap=3)):
        inst = await stack.paired()
        iid = inst["id"]
        seen_lengths: list[int] = []
        held = {"open": False}

        def decide(path: str, payload: Any, _nth: int) -> int:
            lane = stack.dispatcher.lanes.lanes.get(iid)
            seen_lengths.append(len(lane.queue) if lane is not None else 0)
            if path == "/received" and not held["open"]:
                return 503  # the partner is down: a backlog builds up behind the first message
            return 200

        stack.receiver.decide = decide
        h = stack.api.client_headers
        texts = [f"m{n}" for n in range(20)]
        for text in texts:
            r = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"), headers=h,
                                            json={"from": "5511988887777", "type": "text", "message": text})
            assert r.status_code == 200
        await stack.receiver.wait_for(lambda: len(seen_lengths) >= 3, timeout_s=10)
        assert stack.dispatcher.lanes.lanes[iid].overflow  # the rest is in Postgres only
        held["open"] = True
        await stack.receiver.wait_for(
            lambda: len([x for x in stack.receiver.unique() if x.path == "/received"]) == 20, timeout_s=30)
        got = [x.json["text"]["message"] for x in stack.receiver.unique() if x.path == "/received"]
        assert got == texts
        assert max(seen_lengths) <= 3
