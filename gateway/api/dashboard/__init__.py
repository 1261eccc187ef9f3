"""The dashboard, served by the api role at ``/dashboard``: server-rendered pages and a little of our own
JavaScript (no build step), calling the same handlers and stores as the API."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gateway.api.dashboard import actions, instance, instances, overview, signin
from gateway.api.dashboard.access import (
    Forbidden,
    PageNotFound,
    SignInRequired,
    on_forbidden,
    on_not_found,
    on_sign_in_required,
)
from gateway.api.dashboard.render import HERE


def install(app: FastAPI) -> None:
    for module in (signin, overview, instances, instance, actions):
        app.include_router(module.router)
    app.mount("/dashboard/static", StaticFiles(directory=HERE / "static"), name="dashboard-static")
    app.add_exception_handler(SignInRequired, on_sign_in_required)
    app.add_exception_handler(Forbidden, on_forbidden)
    app.add_exception_handler(PageNotFound, on_not_found)
