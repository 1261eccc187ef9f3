"""Who is looking: the signed, HttpOnly, ``SameSite=Strict`` session cookie, CSRF checks and sign-in throttling.

The cookie carries only a random session id and its HMAC; the session itself (partner, CSRF secret) is in
Redis under the id's hash. Every request re-reads the partner by the token hash the session was opened
with, so a rotated partner token or a deleted partner ends every session at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response

from gateway.api.state import AppState
from gateway.core.models import Partner
from gateway.infra.kv.sessions import DashboardSession

COOKIE = "zg_dash"
LOGIN_COOKIE = "zg_dash_login"  # double-submit CSRF token of the sign-in form (no session exists yet)
PATH = "/dashboard"
FRAGMENT_HEADER = "x-dashboard-fragment"  # sent by the page's own script when it refreshes a part of it


@dataclass(frozen=True, slots=True)
class Viewer:
    session: DashboardSession
    partner: Partner


def _key(zg: AppState) -> bytes:
    return hmac.new(zg.settings.secret_key.get_secret_value().encode(), b"zapgate dashboard cookie",
                    hashlib.sha256).digest()


def _sign(zg: AppState, value: str) -> str:
    mac = hmac.new(_key(zg), value.encode(), hashlib.sha256).digest()
    return f"{value}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def _unsign(zg: AppState, signed: str | None) -> str | None:
    if not signed or "." not in signed or len(signed) > 200:
        return None
    value = signed.rsplit(".", 1)[0]
    return value if hmac.compare_digest(_sign(zg, value).encode(), signed.encode()) else None


def _secure(zg: AppState, request: Request) -> bool:
    return zg.settings.dashboard_cookie_secure or request.url.scheme == "https"


def set_session_cookie(zg: AppState, request: Request, response: Response, sid: str) -> None:
    response.set_cookie(COOKIE, _sign(zg, sid), max_age=zg.settings.dashboard_session_ttl_s, path=PATH,
                        httponly=True, samesite="strict", secure=_secure(zg, request))


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="strict")


async def viewer(zg: AppState, request: Request) -> Viewer | None:
    """The signed-in partner behind this request, or None."""
    sid = _unsign(zg, request.cookies.get(COOKIE))
    if sid is None or zg.dashboard_sessions is None:
        return None
    page_view = request.method == "GET" and FRAGMENT_HEADER not in request.headers
    session = await zg.dashboard_sessions.load(sid, take_notice=page_view)
    if session is None:
        return None
    partner = await zg.instances.partner_by_token_hash(session.partner_token_hash)
    return None if partner is None else Viewer(session, partner)


def csrf_ok(expected: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(expected.encode(), str(presented).encode())


def same_origin(request: Request) -> bool:
    """A state-changing request must not come from another site: its Origin, when sent, is ours."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


def login_token(zg: AppState, request: Request) -> str:
    """The sign-in form's CSRF token: the one in the login cookie when it is ours, else a new one."""
    return _unsign(zg, request.cookies.get(LOGIN_COOKIE)) or secrets.token_urlsafe(24)


def set_login_cookie(zg: AppState, request: Request, response: Response, token: str) -> None:
    response.set_cookie(LOGIN_COOKIE, _sign(zg, token), max_age=3600, path=PATH, httponly=True,
                        samesite="strict", secure=_secure(zg, request))


def login_token_ok(zg: AppState, request: Request, presented: str | None) -> bool:
    expected = _unsign(zg, request.cookies.get(LOGIN_COOKIE))
    return expected is not None and csrf_ok(expected, presented)
