"""The proxy test: open a tunnel through an instance's proxy to a target, the way the engine's connect would.

An HTTP(S) proxy is asked ``CONNECT host:port`` (with ``Proxy-Authorization: Basic`` when it has a user);
a SOCKS5 proxy gets the RFC 1928 greeting, the RFC 1929 user/password step when it has a user, then a
CONNECT to the target by name. Nothing goes through the tunnel: it is closed once the proxy says it is open.
The proxy is reached at ``address`` (the caller resolved and checked it), never by resolving its name again.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ssl
import struct
import time
from dataclasses import dataclass

from gateway.core.proxy import ProxyConfig

_SOCKS_REPLIES = {1: "general failure", 2: "connection not allowed by ruleset", 3: "network unreachable",
                  4: "host unreachable", 5: "connection refused by the target", 6: "TTL expired",
                  7: "command not supported", 8: "address type not supported"}
MAX_STATUS_LINE = 1024


class ProxyFailed(Exception):
    """The proxy could not be used; ``reason`` says why (never with the proxy's password)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ProbeResult:
    latency_ms: int


async def probe(proxy: ProxyConfig, address: str, target: tuple[str, int], timeout_s: float) -> ProbeResult:
    """Open a tunnel to ``target`` through ``proxy`` (at ``address``) within ``timeout_s``, or ``ProxyFailed``."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout_s):
            await _tunnel(proxy, address, target)
    except TimeoutError as exc:
        raise ProxyFailed(f"no tunnel within {timeout_s:g} s") from exc
    except OSError as exc:
        raise ProxyFailed(f"proxy unreachable: {type(exc).__name__}: {exc.strerror or exc}") from exc
    except (asyncio.IncompleteReadError, ConnectionError) as exc:
        raise ProxyFailed("the proxy closed the connection") from exc
    return ProbeResult(latency_ms=round((time.monotonic() - started) * 1000))


async def _tunnel(proxy: ProxyConfig, address: str, target: tuple[str, int]) -> None:
    tls = ssl.create_default_context() if proxy.scheme == "https" else None
    reader, writer = await asyncio.open_connection(address, proxy.port, ssl=tls,
                                                   server_hostname=proxy.host if tls else None)
    try:
        if proxy.scheme == "socks5":
            await _socks5(reader, writer, proxy, target)
        else:
            await _http_connect(reader, writer, proxy, target)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def _http_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, proxy: ProxyConfig,
                        target: tuple[str, int]) -> None:
    where = f"{target[0]}:{target[1]}"
    lines = [f"CONNECT {where} HTTP/1.1", f"Host: {where}"]
    if proxy.username or proxy.password:
        pair = f"{proxy.username}:{proxy.password}".encode()
        lines.append(f"Proxy-Authorization: Basic {base64.b64encode(pair).decode()}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    status = await reader.readuntil(b"\r\n")
    parts = status[:MAX_STATUS_LINE].decode("latin-1").split()
    code = parts[1] if len(parts) > 1 and parts[0].startswith("HTTP/") else ""
    if code == "407":
        raise ProxyFailed("the proxy refused the credentials (407)")
    if code != "200":
        raise ProxyFailed(f"the proxy refused the tunnel ({code or 'not an HTTP answer'})")


async def _socks5(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, proxy: ProxyConfig,
                  target: tuple[str, int]) -> None:
    with_user = bool(proxy.username or proxy.password)
    writer.write(b"\x05\x01\x02" if with_user else b"\x05\x01\x00")
    version, method = await reader.readexactly(2)
    if version != 5 or method == 0xFF or method != (2 if with_user else 0):
        raise ProxyFailed("the SOCKS5 proxy accepts none of our authentication methods")
    if with_user:
        user, password = proxy.username.encode(), proxy.password.encode()
        writer.write(bytes([1, len(user)]) + user + bytes([len(password)]) + password)
        if (await reader.readexactly(2))[1] != 0:
            raise ProxyFailed("the SOCKS5 proxy refused the credentials")
    host = target[0].encode("idna")
    writer.write(b"\x05\x01\x00\x03" + bytes([len(host)]) + host + struct.pack(">H", target[1]))
    head = await reader.readexactly(4)
    if head[0] != 5 or head[1] != 0:
        raise ProxyFailed(f"the SOCKS5 proxy could not connect: {_SOCKS_REPLIES.get(head[1], f'code {head[1]}')}")
    size = {1: 4, 4: 16}.get(head[3]) or (await reader.readexactly(1))[0]
    await reader.readexactly(size + 2)  # the bound address and port
