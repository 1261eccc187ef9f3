"""Dashboard security over HTTP (no browser): sessions, cookie flags, CSRF, origin, throttling, no secrets in pages."""

from __future__ import annotations

import re

import httpx
import pytest

from gateway.core.config import Settings
from gateway.infra.kv.state import connect_redis
from tests.support.api import PARTNER_TOKEN, Api, open_api

PAGES = ("/dashboard", "/dashboard/instances", "/dashboard/overview.json")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


async def _sign_in(client: httpx.AsyncClient, token: str = PARTNER_TOKEN) -> httpx.Response:
    form = await client.get("/dashboard/login")
    assert form.status_code == 200
    return await client.post("/dashboard/login", data={"csrf": _csrf(form.text), "token": token})


async def test_without_a_session_pages_redirect_and_parts_answer_401(api: Api) -> None:
    created = await api.create_instance(name="hidden-shop")
    instance_pages = [f"/dashboard/instances/{created['id']}", f"/dashboard/instances/{created['id']}/live",
                      f"/dashboard/instances/{created['id']}/panel/deliveries"]
    for path in (*PAGES, *instance_pages):
        r = await api.client.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/dashboard/login", path
        r = await api.client.get(path, headers={"X-Dashboard-Fragment": "1"})
        assert r.status_code == 401 and "hidden-shop" not in r.text, path
    r = await api.client.post(f"/dashboard/instances/{created['id']}/restart", data={"csrf": "x"})
    assert r.status_code == 401
    r = await api.client.get("/dashboard/login")
    assert "hidden-shop" not in r.text and created["id"] not in r.text


async def test_sign_in_sets_a_strict_http_only_cookie_and_sign_out_ends_the_session(api: Api) -> None:
    r = await _sign_in(api.client)
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("zg_dash="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/dashboard"} <= flags
    assert any(f.startswith("max-age=") for f in flags)
    assert PARTNER_TOKEN not in cookie
    page = await api.client.get("/dashboard")
    assert page.status_code == 200 and "Overview" in page.text
    assert page.headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in page.headers[
        "content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"] and "<script>" not in page.text
    stolen = api.client.cookies.get("zg_dash", path="/dashboard") or ""
    out = await api.client.post("/dashboard/logout", data={"csrf": _csrf(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/dashboard/login"
    api.client.cookies.set("zg_dash", stolen, domain="zapgate.test", path="/dashboard")  # replayed after sign-out
    again = await api.client.get("/dashboard")
    assert again.status_code == 303


async def test_a_secure_cookie_over_https_or_when_configured(settings: Settings) -> None:
    async for api in open_api(settings.model_copy(update={"dashboard_cookie_secure": True})):
        r = await api.client.get("/dashboard/login")
        assert "secure" in r.headers["set-cookie"].lower()
    async for api in open_api(settings):
        r = await api.client.get("/dashboard/login")
        assert "secure" not in r.headers["set-cookie"].lower()  # plain http, not configured
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api.app),
                                     base_url="https://zapgate.test") as tls:
            signed = await _sign_in(tls)
            cookie = next(h for h in signed.headers.get_list("set-cookie") if h.startswith("zg_dash="))
            assert "secure" in cookie.lower()


async def test_a_forged_or_tampered_cookie_is_not_a_session(api: Api) -> None:
    await _sign_in(api.client)
    real = api.client.cookies.get("zg_dash", path="/dashboard") or ""
    sid, sig = real.rsplit(".", 1)
    for forged in (f"{sid}.{'A' * len(sig)}", f"{sid[:-1]}x.{sig}", sid, "", "a" * 300):
        api.client.cookies.clear()
        api.client.cookies.set("zg_dash", forged, domain="zapgate.test", path="/dashboard")
        r = await api.client.get("/dashboard")
        assert r.status_code == 303, forged


async def test_every_state_changing_form_needs_the_csrf_token_and_our_origin(api: Api) -> None:
    created = await api.create_instance(name="keep-me")
    await _sign_in(api.client)
    page = await api.client.get(f"/dashboard/instances/{created['id']}")
    token = _csrf(page.text)
    posts = [("/dashboard/instances", {"name": "x", "engine": "sandbox"}),
             (f"/dashboard/instances/{created['id']}/delete", {"confirm": created["id"]}),
             (f"/dashboard/instances/{created['id']}/rotate-secret", {}),
             (f"/dashboard/instances/{created['id']}/reveal-token", {}),
             (f"/dashboard/instances/{created['id']}/webhooks", {}),
             ("/dashboard/logout", {})]
    for path, form in posts:
        missing = await api.client.post(path, data=form)
        wrong = await api.client.post(path, data={**form, "csrf": token[:-2] + "xx"})
        foreign = await api.client.post(path, data={**form, "csrf": token},
                                        headers={"Origin": "https://evil.example"})
        assert (missing.status_code, wrong.status_code, foreign.status_code) == (403, 403, 403), path
        assert created["token"] not in wrong.text
    listed = await api.client.get("/instances", headers=api.partner)
    assert [i["name"] for i in listed.json()["content"]] == ["keep-me"]  # nothing was created or deleted
    assert (await api.client.get("/dashboard")).status_code == 200  # and the session still stands


async def test_no_instance_token_in_any_page_unless_revealed(api: Api) -> None:
    created = await api.create_instance(name="secretive")
    await _sign_in(api.client)
    for path in ("/dashboard", "/dashboard/instances", f"/dashboard/instances/{created['id']}",
                 f"/dashboard/instances/{created['id']}/live", "/dashboard/overview.json",
                 *(f"/dashboard/instances/{created['id']}/panel/{p}"
                   for p in ("history", "traffic", "deliveries", "dead", "queue"))):
        r = await api.client.get(path, headers={"X-Dashboard-Fragment": "1"} if "panel" in path else {})
        assert r.status_code == 200, path
        assert created["token"] not in r.text and PARTNER_TOKEN not in r.text, path
    page = await api.client.get(f"/dashboard/instances/{created['id']}")
    revealed = await api.client.post(f"/dashboard/instances/{created['id']}/reveal-token",
                                     data={"csrf": _csrf(page.text)})
    assert revealed.status_code == 200 and created["token"] in revealed.text
    assert revealed.headers["cache-control"] == "no-store"


async def test_another_partners_instance_is_not_found(api: Api, settings: Settings) -> None:
    from gateway.core.ids import hash_token
    from gateway.infra.db.database import Database
    from gateway.infra.db.instances import InstanceStore

    db = await Database.connect(settings, max_size=1)
    try:
        await InstanceStore(db).upsert_partner("other", hash_token("OTHER-" + "9" * 30), hash_token("c" * 32))
    finally:
        await db.close()
    created = await api.create_instance(name="not-yours")
    await _sign_in(api.client, "OTHER-" + "9" * 30)
    r = await api.client.get(f"/dashboard/instances/{created['id']}")
    assert r.status_code == 404 and "not-yours" not in r.text
    listing = await api.client.get("/dashboard/instances")
    assert "not-yours" not in listing.text
    page = await api.client.get("/dashboard")
    gone = await api.client.post(f"/dashboard/instances/{created['id']}/delete",
                                 data={"csrf": _csrf(page.text), "confirm": created["id"]})
    assert gone.status_code == 404
    assert (await api.client.get(f"/instances/{created['id']}", headers=api.partner)).status_code == 200


async def test_failed_sign_ins_are_throttled_like_the_api(settings: Settings) -> None:
    async for api in open_api(settings.model_copy(update={"auth_failures_per_minute": 3, "auth_block_s": 60})):
        codes = [(await _sign_in(api.client, "wrong-token")).status_code for _ in range(4)]
        assert codes[:3] == [401, 401, 401] and codes[3] == 429
        r = await _sign_in(api.client)  # even the right token waits out the block
        assert r.status_code == 429 and "zg_dash=" not in r.headers.get("set-cookie", "")
        api_answer = await api.client.get("/instances", headers=api.partner)
        assert api_answer.status_code == 429  # the same guard as the API


@pytest.mark.parametrize("body", [b"token=%00", b"csrf=\xff\xfe", b"a=1&" * 100])
async def test_malformed_forms_are_refused_with_400(api: Api, body: bytes) -> None:
    r = await api.client.post("/dashboard/login", content=body,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code in (400, 403)
    assert r.status_code != 500


async def test_redis_holds_no_session_id(api: Api, settings: Settings) -> None:
    await _sign_in(api.client)
    sid = (api.client.cookies.get("zg_dash", path="/dashboard") or "").rsplit(".", 1)[0]
    redis = connect_redis(settings.redis_url)
    try:
        keys = [k async for k in redis.scan_iter(match=f"{settings.redis_prefix}:dash:*")]
        assert len(keys) == 1 and sid not in keys[0]
        ttl = await redis.ttl(keys[0])
        assert 0 < ttl <= settings.dashboard_session_ttl_s
    finally:
        await redis.aclose()
