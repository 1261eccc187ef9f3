"""The shared outbound client keeps no cookies: one dispatcher POSTs every partner's webhooks and one worker
fetches every partner's media through it, so a cookie one receiver set would go to that host with another
partner's requests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from gateway.infra.http import HttpClient, HttpLimits
from tests.support.processes import free_port


@pytest.fixture
async def cookie_setter() -> AsyncIterator[tuple[str, list[str | None]]]:
    """A server on loopback that sets a session cookie on every answer and notes the Cookie header it got."""
    seen: list[str | None] = []

    async def answer(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Cookie"))
        response = web.Response(body=b"ok")
        response.set_cookie("session", "partner-a-secret", path="/")
        return response

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://localhost:{port}", seen  # a name: aiohttp keeps no cookies of an IP address
    finally:
        await runner.cleanup()


async def test_a_cookie_set_by_one_receiver_is_never_sent_back(cookie_setter: tuple[str, list[str | None]]) -> None:
    base, seen = cookie_setter
    client = HttpClient(HttpLimits(total_timeout_s=5, connect_timeout_s=2, max_connections=4), public_only=False)
    try:
        for hook in ("/partner-a/received", "/partner-b/received"):
            result = await client.post(base + hook, b"{}", {"Content-Type": "application/json"})
            assert result.status == 200
        assert await client.get_bounded(base + "/media.jpg", max_bytes=100, max_redirects=0) == b"ok"
    finally:
        await client.close()
    assert seen == [None, None, None]
