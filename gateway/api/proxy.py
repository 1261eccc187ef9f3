"""An instance's outbound proxy: ``update-proxy`` (set or clear), ``proxy`` (read, password masked), ``proxy/test``.

Not a Z-API route: Z-API runs the connections itself. Operators of many numbers route each through its own
proxy (as Zé da API, a Z-API compatible whatsmeow gateway, lets them). The proxy is an ``http``, ``https``
or ``socks5`` URL with optional ``user:password@``, applied on the instance's next connect (``restart``
applies it now). Its host must be public unless ``ZAPGATE_ALLOW_INSECURE_WEBHOOKS`` allows private and
loopback targets (the same rule as webhook URLs). The password is stored sealed in its own column
(``gateway/core/sealing.py``) and never answered, logged or sent to metrics: answers show ``****``.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import Body
from pydantic import BaseModel, ConfigDict

from gateway.api.account import instance_router
from gateway.api.answers import Done
from gateway.api.auth import InstanceDep, State
from gateway.api.instance import settings_changed
from gateway.api.openapi import doc
from gateway.api.webhook_urls import resolve
from gateway.core.addresses import is_public_address, refused_host
from gateway.core.errors import InvalidInput
from gateway.core.proxy import ProxyConfig, parse_proxy_url
from gateway.core.sealing import Sealer, Unsealable
from gateway.infra.db.instances import proxy_fields
from gateway.infra.proxy_probe import ProxyFailed, probe

log = logging.getLogger(__name__)
router = instance_router("proxy")
EXAMPLE = "socks5://user:secret@proxy.example.com:1080"
PRIVATE = "proxy host is a private or loopback address"


class ProxyValue(BaseModel):
    """``value``: the proxy URL, ``scheme://[user:password@]host:port`` (http, https, socks5); null or "" clears it."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{"value": EXAMPLE}]})
    value: str | None = None


class ProxyView(BaseModel):
    """The instance's proxy, password masked (``value`` null: none)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "value": "socks5://user:****@proxy.example.com:1080", "scheme": "socks5", "host": "proxy.example.com",
        "port": 1080, "username": "user", "hasPassword": True}]})
    value: str | None
    scheme: str | None = None
    host: str | None = None
    port: int | None = None
    username: str | None = None
    hasPassword: bool = False


class ProxyTest(BaseModel):
    """Whether a tunnel to ``target`` opened through the proxy, and how long it took (``error``: why not)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"ok": True, "latencyMs": 182, "target": "web.whatsapp.com:443", "proxy": "socks5://user:****@p.io:1080"},
        {"ok": False, "error": "the proxy refused the credentials (407)", "target": "web.whatsapp.com:443",
         "proxy": "http://user:****@p.io:3128"}]})
    ok: bool
    target: str
    proxy: str
    latencyMs: int | None = None
    error: str | None = None


def proxy_addresses(host: str, *, allow_private: bool) -> list[str]:
    """The addresses of the proxy's host, or ``InvalidInput`` for a private one (unless allowed). A name
    that does not resolve here gives an empty list."""
    if not allow_private and refused_host(host):
        raise InvalidInput(PRIVATE, field="value")
    addresses = resolve(host.strip("[]"))
    if not allow_private and any(not is_public_address(a) for a in addresses):
        raise InvalidInput(PRIVATE, field="value")
    return addresses


def view(proxy: ProxyConfig | None) -> dict[str, Any]:
    if proxy is None:
        return {"value": None, "hasPassword": False}
    return {"value": proxy.masked(), "scheme": proxy.scheme, "host": proxy.host, "port": proxy.port,
            "username": proxy.username, "hasPassword": proxy.has_password}


async def _update(instance: InstanceDep, zg: State, body: ProxyValue | None) -> dict[str, bool]:
    raw = body.value if body is not None else None
    proxy = None
    if raw is not None and raw.strip():
        proxy = parse_proxy_url(raw)
        proxy_addresses(proxy.host, allow_private=zg.settings.allow_insecure_webhooks)
    await zg.instances.update_fields(instance.id, **proxy_fields(proxy, Sealer.of(zg.settings), instance.id))
    log.info("proxy %s (applied on the next connect)", proxy.masked() if proxy else "cleared",
             extra={"instance_id": instance.id})
    await settings_changed(zg, instance.id)
    return {"value": True}


Update = Annotated[ProxyValue | None, Body()]


@router.put("/update-proxy", **doc(ok=Done))
async def update_proxy(instance: InstanceDep, zg: State, body: Update = None) -> dict[str, bool]:
    """Set the proxy the instance connects through (null or "" clears it), from its next connect on."""
    return await _update(instance, zg, body)


@router.post("/update-proxy", **doc(ok=Done))
async def update_proxy_post(instance: InstanceDep, zg: State, body: Update = None) -> dict[str, bool]:
    """The same as ``PUT update-proxy`` (some clients only POST)."""
    return await _update(instance, zg, body)


@router.get("/proxy", **doc(ok=ProxyView))
async def get_proxy(instance: InstanceDep) -> dict[str, Any]:
    """The instance's proxy, its password shown as ``****``."""
    return view(instance.proxy)


@router.post("/proxy/test", **doc(ok=ProxyTest))
async def test_proxy(instance: InstanceDep, zg: State, body: Update = None) -> dict[str, Any]:
    """Open a tunnel through the proxy (the one in ``value``, else the stored one) to the configured target
    (``ZAPGATE_PROXY_TEST_TARGET``): the proxy is reachable, takes the credentials and reaches WhatsApp."""
    raw = body.value if body is not None else None
    proxy = parse_proxy_url(raw) if raw is not None and raw.strip() else instance.proxy
    if proxy is None:
        raise InvalidInput("the instance has no proxy: give one in value or set it with update-proxy",
                           field="value")
    host, _, port = zg.settings.proxy_test_target.rpartition(":")
    answer: dict[str, Any] = {"target": zg.settings.proxy_test_target, "proxy": proxy.masked()}
    try:
        proxy = Sealer.of(zg.settings).opened(instance.id, proxy) or proxy
    except Unsealable:
        return {**answer, "ok": False, "error": "the stored password does not open with this ZAPGATE_SECRET_KEY: "
                                                "set the proxy again"}
    addresses = proxy_addresses(proxy.host, allow_private=zg.settings.allow_insecure_webhooks)
    if not addresses:
        return {**answer, "ok": False, "error": "the proxy host does not resolve"}
    try:
        result = await probe(proxy, addresses[0], (host, int(port)), zg.settings.proxy_test_timeout_s)
    except ProxyFailed as exc:
        return {**answer, "ok": False, "error": exc.reason}
    return {**answer, "ok": True, "latencyMs": result.latency_ms}
