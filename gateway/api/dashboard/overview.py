"""The overview: instances by status, deliveries and failures per minute, consumer lag, queue depth."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gateway.api.auth import State
from gateway.api.dashboard.access import signed_in
from gateway.api.dashboard.render import data, page
from gateway.api.dashboard.session import Viewer
from gateway.api.dashboard.views import status_label
from gateway.api.state import AppState
from gateway.infra.bus import consumer_lag
from gateway.infra.db.dashboard import DashboardReads

router = APIRouter(prefix="/dashboard", include_in_schema=False)
MAX_COUNTED = 10_000
LABELS = ("connected", "QR pending", "disconnected", "error")


async def figures(zg: AppState, who: Viewer) -> dict[str, object]:
    reads = DashboardReads(zg.db)
    ids = await reads.instance_ids(who.partner.id, MAX_COUNTED)
    counted = Counter(status_label(s) for s in await zg.state.statuses(ids))
    lag: int | None = None
    if zg.bus is not None:
        try:
            lag = await consumer_lag(zg.bus, zg.names.events_stream)
        except Exception:  # NATS away or slow: the figure is left out, the page still shows
            lag = None
    return {"instances": len(ids), "statuses": {label: counted.get(label, 0) for label in LABELS},
            "consumerLag": lag, **await reads.totals(who.partner.id), **await reads.minute_series(who.partner.id)}


@router.get("")
async def overview(request: Request, zg: State) -> Response:
    who = await signed_in(zg, request)
    return page("overview.html", who, figures=await figures(zg, who))


@router.get("/overview.json")
async def overview_data(request: Request, zg: State) -> Response:
    who = await signed_in(zg, request)
    return data(await figures(zg, who))
