"""The instance list (search, pages), create and delete: the partner API's own handlers do the work."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from gateway.api import partner as partner_api
from gateway.api.auth import State
from gateway.api.dashboard.access import back, failure, mine, notify, posted, signed_in
from gateway.api.dashboard.render import page
from gateway.api.dashboard.views import rows
from gateway.api.webhooks import EVERY
from gateway.core.errors import ZapgateError
from gateway.core.models import EngineKind

router = APIRouter(prefix="/dashboard", include_in_schema=False)
PAGE_SIZE = 20


@router.get("/instances")
async def instance_list(request: Request, zg: State,
                        q: Annotated[str | None, Query(max_length=120)] = None,
                        page_no: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1) -> Response:
    who = await signed_in(zg, request)
    total, items = await zg.instances.page(who.partner.id, page_no, PAGE_SIZE, q or None)
    return page("instances.html", who, rows=await rows(zg, items), q=q or "", page_no=page_no,
                pages=max(1, math.ceil(total / PAGE_SIZE)), total=total, engines=[e.value for e in EngineKind])


@router.post("/instances")
async def create(request: Request, zg: State) -> Response:
    who, form = await posted(zg, request)
    url = form.get("webhook", "").strip() or None
    try:
        body = partner_api.CreateInstance.model_validate(
            {"name": form.get("name", ""), "engine": form.get("engine", "sandbox"),
             **{kind.api_field: url for kind in EVERY}})
        created = await partner_api.create_instance(body, who.partner, zg)
    except ValidationError as exc:
        first = exc.errors()[0]
        await notify(zg, who, f"{first['loc'][-1]}: {first['msg']}", "error")
        return back("/dashboard/instances")
    except ZapgateError as exc:
        await notify(zg, who, failure(exc), "error")
        return back("/dashboard/instances")
    await notify(zg, who, "Instance created. Pair a phone below.")
    return back(f"/dashboard/instances/{created['id']}")


@router.get("/instances/{instance_id}/delete")
async def confirm_delete(instance_id: str, request: Request, zg: State) -> Response:
    who = await signed_in(zg, request)
    return page("confirm_delete.html", who, instance=await mine(zg, who, instance_id))


@router.post("/instances/{instance_id}/delete")
async def delete(instance_id: str, request: Request, zg: State) -> Response:
    who, form = await posted(zg, request)
    inst = await mine(zg, who, instance_id)
    if form.get("confirm") != inst.id:
        await notify(zg, who, "Type the instance id to confirm the deletion.", "error")
        return back(f"/dashboard/instances/{inst.id}/delete")
    await partner_api.delete_instance(inst.id, who.partner, zg)
    await notify(zg, who, f"Instance {inst.name or inst.id} deleted.")
    return back("/dashboard/instances")
