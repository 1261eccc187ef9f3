"""Sign in with the partner token, sign out. The token is checked by the API's own partner lookup and
throttled by the same failed-attempt guard; it is never stored in the browser, only the session cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gateway.api.auth import State, charge_failure, refuse_blocked
from gateway.api.dashboard.access import back, posted
from gateway.api.dashboard.forms import read_form
from gateway.api.dashboard.render import page
from gateway.api.dashboard.session import (
    clear_session_cookie,
    login_token,
    login_token_ok,
    same_origin,
    set_login_cookie,
    set_session_cookie,
    viewer,
)
from gateway.core.errors import AuthThrottled, InvalidInput, PartnerUnauthorized
from gateway.core.ids import hash_token

router = APIRouter(prefix="/dashboard", include_in_schema=False)
MAX_TOKEN = 256


def _form(zg: State, request: Request, error: str = "", status: int = 200) -> Response:
    token = login_token(zg, request)
    response = page("signin.html", None, status=status, login_csrf=token, error=error)
    set_login_cookie(zg, request, response, token)
    return response


@router.get("/login")
async def sign_in_form(request: Request, zg: State) -> Response:
    if await viewer(zg, request) is not None:
        return back("/dashboard")
    return _form(zg, request)


@router.post("/login")
async def sign_in(request: Request, zg: State) -> Response:
    try:
        form = await read_form(request)
    except InvalidInput as exc:
        return _form(zg, request, exc.message, status=400)
    if not same_origin(request) or not login_token_ok(zg, request, form.get("csrf")):
        return _form(zg, request, "The sign-in form expired; please try again.", status=403)
    try:
        address = await refuse_blocked(request, zg)
    except AuthThrottled as exc:
        return _form(zg, request, f"Too many failed sign-ins; try again in {int(exc.retry_after_s or 0) + 1} s.",
                     status=429)
    token = form.get("token", "").strip()
    partner = (await zg.instances.partner_by_token_hash(hash_token(token))
               if token and len(token) <= MAX_TOKEN else None)
    if partner is None or zg.dashboard_sessions is None:
        await charge_failure(zg, address, PartnerUnauthorized("invalid partner token"))
        return _form(zg, request, "That partner token is not valid.", status=401)
    session = await zg.dashboard_sessions.open(hash_token(token))
    response = back("/dashboard")
    set_session_cookie(zg, request, response, session.sid)
    return response


@router.post("/logout")
async def sign_out(request: Request, zg: State) -> Response:
    who, _ = await posted(zg, request)
    if zg.dashboard_sessions is not None:
        await zg.dashboard_sessions.close(who.session.sid)
    response = back("/dashboard/login")
    clear_session_cookie(response)
    return response
