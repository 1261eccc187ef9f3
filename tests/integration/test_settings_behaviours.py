"""What the instance's settings promise, end to end on the sandbox: auto-read marks incoming messages read
(with the author in groups, statuses only with autoReadStatus), call reject rejects the call and queues the
configured message to the caller once, and a setting applies to what arrives right after it was answered."""

from __future__ import annotations

from typing import Any

from tests.support.polling import eventually
from tests.support.stack import Stack

US, ANA, BIA = "5511999990000", "5511988881111", "5511988882222"


async def _call(stack: Stack, inst: dict[str, Any], method: str, action: str, body: Any = None) -> Any:
    r = await stack.api.client.request(method, stack.api.path(inst, action), json=body,
                                       headers=stack.api.client_headers)
    assert r.status_code == 200, (action, r.text)
    return r.json() if r.content else None


async def test_auto_read_follows_the_settings(stack: Stack) -> None:
    inst = await stack.paired(US)
    engine = stack.engine(inst)
    before = (await _call(stack, inst, "POST", "sandbox/inbound", {"from": ANA, "type": "text", "message": "1"}))
    await _call(stack, inst, "PUT", "update-auto-read-message", {"value": True})
    read = await _call(stack, inst, "POST", "sandbox/inbound", {"from": ANA, "type": "text", "message": "2"})
    status = await _call(stack, inst, "POST", "sandbox/inbound",
                         {"from": BIA, "type": "text", "message": "story", "status": True})

    async def marked() -> bool:
        return any(mid == read["messageId"] for _chat, mid in engine.reads)

    await eventually(marked, timeout_s=10)
    ids = [mid for _chat, mid in engine.reads]
    assert before["messageId"] not in ids and status["messageId"] not in ids  # off then; statuses need their own
    assert (f"{ANA}@s.whatsapp.net", read["messageId"]) in engine.reads

    await _call(stack, inst, "PUT", "update-auto-read-status", {"value": True})
    seen = await _call(stack, inst, "POST", "sandbox/inbound",
                       {"from": BIA, "type": "text", "message": "story 2", "status": True})
    await eventually(lambda: _has(engine.reads, seen["messageId"]), timeout_s=10)
    records = await _call(stack, inst, "GET", "sandbox/phone")
    [story] = [r for r in records["reads"] if seen["messageId"] in r["messageIds"]]
    assert story["sender"] == f"{BIA}@s.whatsapp.net"  # a status is read naming its author

    await _call(stack, inst, "PUT", "update-auto-read-message", {"value": False})
    after = await _call(stack, inst, "POST", "sandbox/inbound", {"from": ANA, "type": "text", "message": "3"})
    later = await _call(stack, inst, "POST", "sandbox/inbound", {"from": ANA, "type": "text", "message": "4"})
    await stack.receiver.wait_for(lambda: any(x.json.get("messageId") == later["messageId"]
                                              for x in stack.receiver.unique()))
    assert not _ids(engine.reads) & {after["messageId"], later["messageId"]}


async def _has(reads: list[tuple[str, str]], message_id: str) -> bool:
    return message_id in _ids(reads)


def _ids(reads: list[tuple[str, str]]) -> set[str]:
    return {mid for _chat, mid in reads}


async def test_call_reject_rejects_and_answers_once(stack: Stack) -> None:
    inst = await stack.paired(US)
    engine = stack.engine(inst)
    ignored = await _call(stack, inst, "POST", "sandbox/call", {"from": ANA, "outcome": "missed"})
    await _call(stack, inst, "PUT", "update-call-reject-auto", {"value": True})
    await _call(stack, inst, "PUT", "update-call-reject-message", {"value": "Não atendo ligações, escreva aqui"})
    call = await _call(stack, inst, "POST", "sandbox/call", {"from": BIA, "video": True, "outcome": "rejected"})

    async def rejected() -> bool:
        records = await _call(stack, inst, "GET", "sandbox/phone")
        return any(call["callId"] in str(r) for r in records["rejectedCalls"])

    await eventually(rejected, timeout_s=10)
    records = await _call(stack, inst, "GET", "sandbox/phone")
    assert not any(ignored["callId"] in str(r) for r in records["rejectedCalls"])  # before the setting
    await eventually(lambda: _sent_to(engine, BIA), timeout_s=10)
    [answer] = [o for o in engine.sent if o.to == f"{BIA}@s.whatsapp.net"]
    assert getattr(answer.content, "text", None) == "Não atendo ligações, escreva aqui"
    rec = stack.receiver
    await rec.wait_for(lambda: any(x.path == "/delivery" and x.json.get("zaapId") == answer.zaap_id
                                   for x in rec.unique()))
    notes = [x.json for x in rec.unique() if x.json.get("notification", "").startswith("CALL_")]
    assert {(n["notification"], n["callId"]) for n in notes} >= {
        ("CALL_VOICE", ignored["callId"]), ("CALL_MISSED_VOICE", ignored["callId"]), ("CALL_VIDEO", call["callId"])}


async def _sent_to(engine: Any, phone: str) -> bool:
    return any(o.to == f"{phone}@s.whatsapp.net" for o in engine.sent)


async def test_a_missed_settings_notice_is_caught_up_by_the_workers_refresh(stack: Stack) -> None:
    """Settings changed in Postgres without the worker being told (NATS away) reach every session in one
    query at the worker's next refresh round."""
    first, second = await stack.paired(US), await stack.instance()
    for inst in (first, second):
        await stack.worker.store.update_fields(inst["id"], auto_read_message=True, call_reject_message="busy")
        assert stack.worker.sessions[inst["id"]].instance.auto_read_message is False  # nobody told it
    assert await stack.worker.refresh_settings_once() == 2
    for inst in (first, second):
        fresh = stack.worker.sessions[inst["id"]].instance
        assert fresh.auto_read_message is True and fresh.call_reject_message == "busy"
