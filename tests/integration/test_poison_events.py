"""An event dispatch cannot decode or transform is stored with its reason; the partition moves on."""

from __future__ import annotations

import orjson

from gateway.core import content as c
from gateway.core.events import Address, Connected, Disconnected, Envelope, MessageReceived, encode
from gateway.core.names import Names
from gateway.infra.bus import publish_once
from tests.support.polling import eventually
from tests.support.stack import Stack


def _malformed(instance_id: str) -> bytes:
    """A well-formed envelope whose message has no chat (a buggy producer): decodes, cannot be transformed."""
    me = Address(jid="5511999990000@s.whatsapp.net", phone="5511999990000")
    ev = MessageReceived(message_id="3EB0POISON", chat=me, sender=me, from_me=False, is_group=False,
                         timestamp_ms=1, content=c.Text("poison"))
    raw = orjson.loads(encode(Envelope(instance_id, 1, f"{instance_id}:msg:3EB0POISON:new", 1, ev)))
    raw["event"]["chat"] = None
    return orjson.dumps(raw)


async def test_poison_is_recorded_and_later_events_are_delivered(stack: Stack) -> None:
    inst = await stack.paired()
    names = Names.from_settings(stack.settings)
    subject = names.event_subject(names.partition_of(inst["id"]), inst["id"])
    bus = stack.worker.bus
    await publish_once(bus, subject, _malformed(inst["id"]), "poison-1", {})
    await publish_once(bus, subject, b"\x00not json at all", "poison-2", {})
    r = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"), headers=stack.api.client_headers,
                                    json={"from": "5511988887777", "type": "text", "message": "after"})
    assert r.status_code == 200, r.text

    async def delivered() -> bool:
        return any(h.json.get("text", {}).get("message") == "after" for h in stack.receiver.hits)

    await eventually(delivered, timeout_s=15)
    poison = await stack.dispatcher.store.poison()
    reasons = sorted(p["reason"].split(":")[0] for p in poison)
    assert reasons == ["transform", "undecodable"], poison
    assert {p["event_id"] for p in poison} == {f"{inst['id']}:msg:3EB0POISON:new", None}
    assert not any(h.json.get("messageId") == "3EB0POISON" for h in stack.receiver.hits)


async def test_state_events_under_a_stale_fence_are_dropped_messages_are_kept(stack: Stack) -> None:
    inst = await stack.paired()
    names = Names.from_settings(stack.settings)
    iid = inst["id"]
    subject = names.event_subject(names.partition_of(iid), iid)
    bus = stack.worker.bus
    real = stack.worker.sessions[iid].lease.fence  # the running owner's fence
    alice = Address(jid="5511988887777@s.whatsapp.net", phone="5511988887777")
    newer = Envelope(iid, 1, f"{iid}:Connected:t:1", 1, Connected(phone="5511999990000", is_business=False),
                     real + 100)
    stale_state = Envelope(iid, 2, f"{iid}:Disconnected:t:2", 2, Disconnected(reason="old owner", will_reconnect=True),
                           real + 99)
    stale_message = Envelope(iid, 3, f"{iid}:msg:3EB0STALEMSG:new", 3,
                             MessageReceived(message_id="3EB0STALEMSG", chat=alice, sender=alice, from_me=False,
                                             is_group=False, timestamp_ms=1, content=c.Text("still real")), real + 99)
    for n, env in enumerate((newer, stale_state, stale_message)):
        await publish_once(bus, subject, encode(env), f"fence-{n}", {})

    async def delivered() -> bool:
        return any(h.json.get("messageId") == "3EB0STALEMSG" for h in stack.receiver.hits)

    await eventually(delivered, timeout_s=15)
    assert not any(h.json.get("type") == "DisconnectedCallback" and h.json.get("error") == "old owner"
                   for h in stack.receiver.hits)
    poison = await stack.dispatcher.store.poison(iid)
    assert f"stale fence {real + 99} < {real + 100}" in [p["reason"] for p in poison]  # (the worker's own too)
