"""Chats end to end on the sandbox: messages and the phone's changes reach dispatch's ``chats`` table, and
``GET chats`` shows them in Z-API's shape (real booleans and numbers)."""

from __future__ import annotations

from typing import Any

from tests.integration.test_account_api import ANA, BIA, GONE, US, Client
from tests.support.polling import eventually
from tests.support.stack import Stack


async def _chat(c: Client, phone: str, **expected: Any) -> dict[str, Any]:
    """The chat once it shows ``expected`` (dispatch keeps the table a moment after the event)."""
    async def shows() -> dict[str, Any] | None:
        r = await c.api.client.get(c.api.path(c.inst, f"chats/{phone}"), headers=c.api.client_headers)
        if r.status_code != 200:
            return None
        chat: dict[str, Any] = r.json()
        return chat if all(chat.get(k) == v for k, v in expected.items()) else None

    found: dict[str, Any] = await eventually(shows)
    return found


async def test_a_chat_through_the_api(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    for text in ("oi", "tudo bem?"):
        await c.call("POST", "sandbox/inbound", {"from": ANA, "type": "text", "message": text, "senderName": "Ana"})
    chat = await _chat(c, ANA, unread=2)
    assert chat["isGroup"] is False and chat["archived"] is False and chat["pinned"] is False
    assert chat["messagesUnread"] == 2 and chat["isMuted"] is False and chat["muteEndTime"] is None
    assert isinstance(chat["lastMessageTime"], int) and chat["lastMessageTime"] > 1_700_000_000_000
    assert chat["isMarkedSpam"] is False and chat["profileThumbnail"] is None

    await c.call("POST", "sandbox/inbound", {"from": BIA, "type": "text", "message": "olá"})
    await _chat(c, BIA, unread=1)
    listed = await c.call("GET", "chats?page=1&pageSize=10")
    assert [x["phone"] for x in listed] == [BIA, ANA]  # newest first
    assert await c.call("GET", "chats?page=2&pageSize=1") == [listed[1]]

    for action in ("read", "pin", "mute"):
        assert await c.call("POST", "modify-chat", {"phone": ANA, "action": action}) == {"value": True}
    chat = await _chat(c, ANA, unread=0, pinned=True, isMuted=True)
    assert chat["muteEndTime"] == -1 or chat["muteEndTime"] > chat["lastMessageTime"]
    assert (await c.call("GET", "chats"))[0]["phone"] == ANA  # pinned first
    await c.call("POST", "modify-chat", {"phone": ANA, "action": "archive"})
    await _chat(c, ANA, archived=True, pinned=False)  # as on WhatsApp: an archived chat is not pinned

    for action in ("unarchive", "unmute", "unread"):
        await c.call("POST", "modify-chat", {"phone": ANA, "action": action})
    chat = await _chat(c, ANA, archived=False, pinned=False, isMuted=False, markedUnread=True)
    assert chat["muteEndTime"] is None

    assert await c.call("POST", "send-chat-expiration", {"phone": ANA, "chatExpiration": "7_DAYS"}) == {"value": True}
    await _chat(c, ANA, messageExpirationSeconds=604_800)
    await c.call("POST", "send-chat-expiration", {"phone": ANA, "chatExpiration": "OFF"})
    await _chat(c, ANA, messageExpirationSeconds=None)

    await c.call("POST", "modify-chat", {"phone": BIA, "action": "delete"})
    await eventually(lambda: _gone(c, BIA))


async def _gone(c: Client, phone: str) -> bool:
    r = await c.api.client.get(c.api.path(c.inst, f"chats/{phone}"), headers=c.api.client_headers)
    return r.status_code == 404


async def test_chat_errors_are_z_api_shaped(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    assert (await c.call("GET", f"chats/{ANA}", status=404))["error"] == "NOT_FOUND"
    assert (await c.call("GET", "chats/not-a-phone", status=400))["field"] == "phone"
    assert (await c.call("GET", "chats?pageSize=0", status=400))["field"] == "pageSize"
    assert (await c.call("POST", "modify-chat", {"phone": ANA, "action": "star"}, status=400))["field"] == "action"
    assert (await c.call("POST", "modify-chat", {"action": "read"}, status=400))["field"] == "phone"
    await c.call("POST", "modify-chat", {"phone": GONE, "action": "archive"}, status=404)
    bad = await c.call("POST", "send-chat-expiration", {"phone": ANA, "chatExpiration": "1_YEAR"}, status=400)
    assert bad["field"] == "chatExpiration"
