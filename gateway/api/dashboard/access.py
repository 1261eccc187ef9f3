"""Gatekeeping every dashboard route: a session for every page and fragment, CSRF and same origin for
every state-changing form, and the partner's ownership of the instance a route names."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from gateway.api.dashboard.forms import read_form
from gateway.api.dashboard.render import HEADERS, page
from gateway.api.dashboard.session import FRAGMENT_HEADER, Viewer, csrf_ok, same_origin, viewer
from gateway.api.partner import owned_instance
from gateway.api.state import AppState
from gateway.core.errors import InstanceNotFound, ZapgateError
from gateway.core.models import Instance


class SignInRequired(Exception):
    """No (live) session: pages redirect to the sign-in form, fragments and data answer 401."""


class Forbidden(Exception):
    """A state-changing request without our CSRF token, or from another origin."""


async def signed_in(zg: AppState, request: Request) -> Viewer:
    found = await viewer(zg, request)
    if found is None:
        raise SignInRequired
    return found


async def posted(zg: AppState, request: Request) -> tuple[Viewer, dict[str, str]]:
    """The viewer and the form of a state-changing request that passed the session, origin and CSRF checks."""
    who = await signed_in(zg, request)
    if not same_origin(request):
        raise Forbidden
    form = await read_form(request)
    if not csrf_ok(who.session.csrf, form.get("csrf")):
        raise Forbidden
    return who, form


class PageNotFound(Exception):
    """The instance a dashboard route names is not one of the signed-in partner's."""


async def mine(zg: AppState, who: Viewer, instance_id: str) -> Instance:
    try:
        return await owned_instance(zg, instance_id, who.partner.id)
    except InstanceNotFound as exc:
        raise PageNotFound from exc


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=HEADERS)


async def notify(zg: AppState, who: Viewer, notice: str, kind: str = "ok") -> None:
    if zg.dashboard_sessions is not None:
        await zg.dashboard_sessions.notify(who.session.sid, notice, kind)


def failure(exc: ZapgateError) -> str:
    field = getattr(exc, "field", "")
    return f"{field}: {exc.message}" if field else exc.message or exc.code


async def on_sign_in_required(request: Request, exc: Exception) -> Response:
    del exc
    if request.method == "GET" and FRAGMENT_HEADER not in request.headers:
        return RedirectResponse("/dashboard/login", status_code=303, headers=HEADERS)
    return Response(status_code=401, headers=HEADERS)


async def on_forbidden(request: Request, exc: Exception) -> Response:
    del request, exc
    return page("error.html", None, status=403, title="Forbidden",
                message="This form was not sent from a page of this dashboard (missing or wrong CSRF token). "
                        "Reload the page and try again.")


async def on_not_found(request: Request, exc: Exception) -> Response:
    del exc
    who = await viewer(request.app.state.zg, request)
    return page("error.html", who, status=404, title="Not found",
                message="No instance of yours has this id (it may have been deleted).")
