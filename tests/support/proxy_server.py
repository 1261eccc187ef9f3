"""A real local proxy for tests: HTTP CONNECT and SOCKS5 (with user/password), on a free loopback port.

It records what each client asked (the CONNECT line and its Proxy-Authorization, or the SOCKS5 target and
credentials), answers that the tunnel is open (or refuses wrong credentials), then closes: nothing is
forwarded, so tests need no network.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass, field


@dataclass
class Seen:
    target: str
    user: str = ""
    password: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ProxyServer:
    kind: str  # "http" or "socks5"
    user: str = ""
    password: str = ""
    seen: list[Seen] = field(default_factory=list)
    port: int = 0

    def _allowed(self, user: str, password: str) -> bool:
        return not self.user or (user, password) == (self.user, self.password)

    async def _http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = (await reader.readuntil(b"\r\n")).decode("latin-1").strip()
        headers: dict[str, str] = {}
        while (raw := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        user = password = ""
        auth = headers.get("proxy-authorization", "")
        if auth.lower().startswith("basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        self.seen.append(Seen(line.split()[1] if len(line.split()) > 1 else line, user, password, headers))
        ok = self._allowed(user, password)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n" if ok else
                     b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n")

    async def _socks5(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        user = password = ""
        if 2 in methods:
            writer.write(b"\x05\x02")
            _, size = await reader.readexactly(2)
            user = (await reader.readexactly(size)).decode()
            password = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
            writer.write(b"\x01\x00" if self._allowed(user, password) else b"\x01\x01")
            if not self._allowed(user, password):
                self.seen.append(Seen("", user, password))
                return
        else:
            writer.write(b"\x05\x00" if not self.user else b"\x05\xff")
        _, _, _, kind = await reader.readexactly(4)
        if kind == 3:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        else:
            host = ".".join(str(b) for b in await reader.readexactly(4 if kind == 1 else 16))
        (port,) = struct.unpack(">H", await reader.readexactly(2))
        self.seen.append(Seen(f"{host}:{port}", user, password))
        writer.write(b"\x05\x00\x00\x01\x7f\x00\x00\x01" + struct.pack(">H", port))

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            await (self._http(reader, writer) if self.kind == "http" else self._socks5(reader, writer))
            await writer.drain()
        writer.close()


@contextlib.asynccontextmanager
async def proxy_server(kind: str, user: str = "", password: str = "") -> AsyncIterator[ProxyServer]:
    proxy = ProxyServer(kind, user, password)
    server = await asyncio.start_server(proxy._serve, "127.0.0.1", 0)
    proxy.port = server.sockets[0].getsockname()[1]
    try:
        yield proxy
    finally:
        server.close()
        await server.wait_closed()
