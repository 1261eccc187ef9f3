"""Jinja2 pages and fragments with the dashboard's security headers (no inline script, no framing, no cache)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi.responses import HTMLResponse, JSONResponse

from gateway.api.dashboard.session import Viewer

HERE = Path(__file__).parent
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
                               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _when(value: datetime | int | None) -> str:
    if value is None or value == 0:
        return "—"
    moment = datetime.fromtimestamp(value / 1000, UTC) if isinstance(value, int) else value.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _ago(value: datetime | None) -> str:
    if value is None:
        return "never"
    seconds = int((datetime.now(UTC) - value).total_seconds())
    for unit, size in (("d", 86_400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{max(seconds, 0)} s ago"


ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                         undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
ENV.filters["when"] = _when
ENV.filters["ago"] = _ago


def page(template: str, viewer: Viewer | None, status: int = 200, **context: Any) -> HTMLResponse:
    notice = (viewer.session.notice, viewer.session.notice_kind) if viewer and viewer.session.notice else None
    html = ENV.get_template(template).render(viewer=viewer, csrf=viewer.session.csrf if viewer else "",
                                             notice=notice, **context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def data(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=HEADERS)
