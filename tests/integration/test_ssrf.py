"""Media fetching checks every hop: a public-looking URL that redirects inward is refused.

A resolver stub maps ``public.example`` to a local server on 127.0.0.2, and the address policy treats
127.0.0.2 (only) as public, so the first hop is allowed exactly as a real public host would be. The
"internal" server on 127.0.0.1 counts every request it receives: a refusal must never reach it.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from gateway.core.addresses import is_public_address
from gateway.core.errors import FetchError, PrivateAddress, TooManyRedirects
from gateway.infra.http import HttpClient, HttpLimits

FAKE_PUBLIC = "127.0.0.2"
LIMITS = HttpLimits(total_timeout_s=5, connect_timeout_s=2, max_connections=8)


def policy(address: str) -> bool:
    return address == FAKE_PUBLIC or is_public_address(address)


class StubResolver(AbstractResolver):
    """DNS as the test wants it: public-looking names answer with local addresses."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        address = self.names[host]
        return [ResolveResult(hostname=host, host=address, port=port, family=socket.AF_INET, proto=0,
                              flags=socket.AI_NUMERICHOST)]

    async def close(self) -> None:
        return None


@dataclass
class Servers:
    public_port: int
    internal_port: int
    internal_hits: list[str] = field(default_factory=list)
    redirect_to: str = ""
    status: int = 302


@pytest.fixture
async def servers() -> AsyncIterator[Servers]:
    internal = web.Application()
    public = web.Application()
    state = Servers(0, 0)

    async def secret(request: web.Request) -> web.Response:
        state.internal_hits.append(request.path)
        return web.Response(body=b"instance metadata: secret")

    async def hop(request: web.Request) -> web.Response:
        return web.Response(status=state.status, headers={"Location": state.redirect_to})

    async def loop(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "/loop"})

    async def image(request: web.Request) -> web.Response:
        return web.Response(body=b"public bytes")

    internal.router.add_get("/{tail:.*}", secret)
    public.router.add_get("/hop", hop)
    public.router.add_get("/loop", loop)
    public.router.add_get("/image", image)
    runners = []
    for app, host in ((internal, "127.0.0.1"), (public, FAKE_PUBLIC)):
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, host, 0)
        await site.start()
        runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        if host == FAKE_PUBLIC:
            state.public_port = port
        else:
            state.internal_port = port
    yield state
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def client() -> AsyncIterator[HttpClient]:
    http = HttpClient(LIMITS, public_only=True, is_public=policy,
                      resolver=StubResolver({"public.example": FAKE_PUBLIC, "inside.example": "127.0.0.1",
                                             "mapped.example": "127.0.0.1"}))
    yield http
    await http.close()


async def test_a_public_url_is_fetched(servers: Servers, client: HttpClient) -> None:
    body = await client.get_bounded(f"http://public.example:{servers.public_port}/image", max_bytes=100,
                                    max_redirects=3)
    assert body == b"public bytes"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("target", [
    "http://127.0.0.1:{port}/latest/meta-data",  # literal v4 (aiohttp never resolves it)
    "http://[::ffff:127.0.0.1]:{port}/x",  # v4-mapped v6 literal
    "http://localhost:{port}/x",  # a local name
    "http://inside.example:{port}/x",  # a name whose DNS answer is private
    "//127.0.0.1:{port}/scheme-relative",  # scheme-relative Location
])
async def test_every_redirect_hop_is_checked(servers: Servers, client: HttpClient, status: int, target: str) -> None:
    servers.status = status
    servers.redirect_to = target.format(port=servers.internal_port)
    with pytest.raises(PrivateAddress):
        await client.get_bounded(f"http://public.example:{servers.public_port}/hop", max_bytes=100,
                                 max_redirects=3)
    assert servers.internal_hits == []


async def test_a_numeric_host_is_never_fetched(servers: Servers, client: HttpClient) -> None:
    servers.redirect_to = f"http://2130706433:{servers.internal_port}/decimal"  # 127.0.0.1 as one number
    with pytest.raises((PrivateAddress, FetchError)):
        await client.get_bounded(f"http://public.example:{servers.public_port}/hop", max_bytes=100,
                                 max_redirects=3)
    assert servers.internal_hits == []


async def test_a_redirect_to_another_scheme_is_refused(servers: Servers, client: HttpClient) -> None:
    servers.redirect_to = "file:///etc/passwd"
    with pytest.raises(Exception, match="http"):
        await client.get_bounded(f"http://public.example:{servers.public_port}/hop", max_bytes=100,
                                 max_redirects=3)


async def test_redirects_are_bounded(servers: Servers, client: HttpClient) -> None:
    with pytest.raises(TooManyRedirects):
        await client.get_bounded(f"http://public.example:{servers.public_port}/loop", max_bytes=100,
                                 max_redirects=3)


async def test_the_socket_is_refused_even_when_nothing_else_checks(servers: Servers) -> None:
    """The last line: a name the resolver is not asked about still cannot open a socket inward."""
    http = HttpClient(LIMITS, public_only=True, is_public=policy)
    try:
        factory_only = http._client().connector
        assert factory_only is not None
        with pytest.raises(PrivateAddress):
            # Bypass the URL check: the connector alone must refuse the literal private peer.
            await http._get_once(f"http://127.0.0.1:{servers.internal_port}/direct", 100)
    finally:
        await http.close()
    assert servers.internal_hits == []


async def test_webhook_posts_cannot_reach_private_peers(servers: Servers) -> None:
    http = HttpClient(LIMITS, public_only=True, is_public=policy)
    try:
        result = await http.post(f"http://127.0.0.1:{servers.internal_port}/hook", b"{}", {})
    finally:
        await http.close()
    assert result.status is None and result.error is not None and "non-public" in result.error
    assert servers.internal_hits == []


async def test_a_host_idna_cannot_encode_is_a_bad_url_not_a_crash() -> None:
    http = HttpClient(LIMITS, public_only=True)  # the real resolver: getaddrinfo raises UnicodeError for "."
    try:
        with pytest.raises(FetchError, match="not a valid URL"):
            await http.get_bounded("https://./x.png", max_bytes=1024, max_redirects=0)
    finally:
        await http.close()
