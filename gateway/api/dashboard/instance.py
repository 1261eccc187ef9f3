"""One instance: its page, the panels the page refreshes, and the live status and QR it polls."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from gateway.api import instance as instance_api
from gateway.api import queue as queue_api
from gateway.api.auth import State
from gateway.api.dashboard.access import mine, signed_in
from gateway.api.dashboard.render import data, page
from gateway.api.dashboard.session import Viewer
from gateway.api.dashboard.views import Row, recent_traffic, rows, status_label, webhooks
from gateway.api.state import AppState
from gateway.api.webhooks import EVERY
from gateway.core.errors import ZapgateError
from gateway.core.models import EngineKind, Instance
from gateway.infra.db.dashboard import DashboardReads
from gateway.infra.db.deliveries import DeliveryLog
from gateway.infra.db.outbox import OutboxStore

router = APIRouter(prefix="/dashboard/instances/{instance_id}", include_in_schema=False)
InstanceId = Annotated[str, Path(max_length=64)]
Panel = Literal["history", "traffic", "deliveries", "dead", "queue"]
PANELS: tuple[Panel, ...] = ("history", "traffic", "deliveries", "dead", "queue")
LIMIT = 20


async def panel_context(zg: AppState, inst: Instance, name: Panel) -> dict[str, Any]:
    if name == "history":
        return {"history": await DashboardReads(zg.db).status_history(inst.id, LIMIT)}
    if name == "traffic":
        return {"traffic": await recent_traffic(zg, inst.id)}
    if name == "deliveries":
        return {"deliveries": await DeliveryLog(zg.db).deliveries(inst.id, None, LIMIT)}
    if name == "dead":
        return {"dead": await DeliveryLog(zg.db).dead_letters(inst.id, LIMIT)}
    return {"queue": [queue_api.queue_item(r) for r in await OutboxStore(zg.db).page(inst.id, 0, LIMIT)]}


async def render_instance(zg: AppState, who: Viewer, inst: Instance, status: int = 200,
                          **extra: Any) -> Response:
    row: Row = (await rows(zg, [inst]))[0]
    context: dict[str, Any] = {}
    for name in PANELS:
        context.update(await panel_context(zg, inst, name))
    hooks = [(kind, url) for kind, url in webhooks(inst) if kind in EVERY]
    return page("instance.html", who, status=status, row=row, inst=inst, hooks=hooks,
                sandbox=inst.engine is EngineKind.SANDBOX, revealed=extra.pop("revealed", None),
                panels=PANELS, **context, **extra)


@router.get("")
async def instance_page(instance_id: InstanceId, request: Request, zg: State) -> Response:
    who = await signed_in(zg, request)
    return await render_instance(zg, who, await mine(zg, who, instance_id))


@router.get("/panel/{name}")
async def panel(instance_id: InstanceId, name: Panel, request: Request, zg: State) -> Response:
    who = await signed_in(zg, request)
    inst = await mine(zg, who, instance_id)
    return page(f"panels/{name}.html", who, inst=inst, **await panel_context(zg, inst, name))


@router.get("/live")
async def live(instance_id: InstanceId, request: Request, zg: State) -> Response:
    """Status, phone, owning worker and the current QR code (a PNG data URI) while one is shown."""
    who = await signed_in(zg, request)
    inst = await mine(zg, who, instance_id)
    state = await zg.state.get(inst.id)
    qr: str | None = None
    if state.get("qr") and status_label(state.get("status", "")) != "connected":
        try:
            answer = await instance_api.qr_code_image(inst.id, zg)
            qr = answer.get("value") or None
        except ZapgateError:
            qr = None
    return data({"status": state.get("status", "STOPPED"), "label": status_label(state.get("status", "")),
                 "phone": state.get("phone") or inst.phone or "", "worker": state.get("owner", ""),
                 "error": state.get("error", ""), "qr": qr})
