"""``restore-session`` on our session lifecycle (a paired instance reconnects from its saved device; a connected one
is left alone; a never-paired one has nothing to restore) and ``chat-messages``, a documented 501 for every engine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.core.config import Settings
from tests.support.polling import eventually
from tests.support.stack import Stack, fast, open_stack

US = "5511999990000"


@pytest.fixture
async def slow_reconnect(settings: Settings) -> AsyncIterator[Stack]:
    """A stack whose simulated phone, once dropped, stays disconnected (until restored)."""
    async for s in open_stack(fast(settings, sandbox_reconnect_delay_s=120)):
        yield s


async def _get(stack: Stack, inst: dict[str, str], action: str, status: int) -> dict[str, object]:
    r = await stack.api.client.get(stack.api.path(inst, action), headers=stack.api.client_headers)
    assert r.status_code == status, (action, r.status_code, r.text)
    body: dict[str, object] = r.json()
    return body


def _connects(stack: Stack) -> int:
    return sum(x.path == "/connected" for x in stack.receiver.unique())


async def test_restore_reconnects_a_dropped_session_from_its_device(slow_reconnect: Stack) -> None:
    stack = slow_reconnect
    inst = await stack.paired(US)
    await stack.receiver.wait_for(lambda: _connects(stack) == 1)
    connected = stack.engine(inst)
    assert await _get(stack, inst, "restore-session", 200) == {"value": True}
    assert stack.engine(inst) is connected  # connected: nothing to restore, nothing restarted

    r = await stack.api.client.post(stack.api.path(inst, "sandbox/disconnect"), headers=stack.api.client_headers)
    assert r.status_code == 200, r.text
    assert (await _get(stack, inst, "status", 200))["error"] == "You need to restore the session."
    assert await _get(stack, inst, "restore-session", 200) == {"value": True}
    await stack.receiver.wait_for(lambda: _connects(stack) == 2)
    restored = stack.engine(inst)
    assert restored is not connected and restored.phone == US and restored.qr is None  # no new QR: same device
    await eventually(lambda: _status_connected(stack, inst))


async def _status_connected(stack: Stack, inst: dict[str, str]) -> bool:
    return (await _get(stack, inst, "status", 200))["connected"] is True


async def test_an_unpaired_instance_has_no_session_to_restore(stack: Stack) -> None:
    inst = await stack.instance()
    refused = await _get(stack, inst, "restore-session", 409)
    assert refused["error"] == "ENGINE_ERROR" and "no saved session" in str(refused["message"])


async def test_chat_messages_is_a_documented_501(stack: Stack) -> None:
    inst = await stack.paired(US)
    answer = await _get(stack, inst, f"chat-messages/{US}?amount=10", 501)
    assert answer["error"] == "NOT_SUPPORTED" and "webhooks" in str(answer["message"])
    document = (await stack.api.client.get("/openapi.json")).json()
    operation = document["paths"]["/instances/{instance_id}/token/{token}/chat-messages/{phone}"]["get"]
    assert "unsupported" in operation["tags"] and "501" in operation["responses"]
