"""What a user does to one instance from its page. Each form goes through the API's own handler or store
call, so its rules (URL checks, send validation, control timeouts, ownership) are the API's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from gateway.api import instance as instance_api
from gateway.api import queue as queue_api
from gateway.api import sandbox as sandbox_api
from gateway.api import send as send_api
from gateway.api import webhooks as webhooks_api
from gateway.api.auth import State
from gateway.api.dashboard.access import back, failure, mine, notify, posted
from gateway.api.dashboard.instance import render_instance
from gateway.api.dashboard.session import Viewer
from gateway.api.sendspec import parse_send
from gateway.api.state import AppState
from gateway.api.webhook_urls import validate_webhook_url
from gateway.core.errors import InvalidInput, ZapgateError
from gateway.core.ids import instance_token
from gateway.core.models import Instance

router = APIRouter(prefix="/dashboard/instances/{instance_id}", include_in_schema=False)
InstanceId = Annotated[str, Path(max_length=64)]
Action = Callable[[AppState, Viewer, Instance, dict[str, str]], Awaitable[str]]


async def _webhooks(zg: AppState, who: Viewer, inst: Instance, form: dict[str, str]) -> str:
    del who
    fields: dict[str, Any] = {}
    for kind in webhooks_api.EVERY:
        url = form.get(kind.api_field, "").strip()
        fields[kind.column] = (validate_webhook_url(url, allow_insecure=zg.settings.allow_insecure_webhooks,
                                                    field=kind.api_field) if url else None)
    fields["notify_sent_by_me"] = form.get("notifySentByMe") == "on"
    await zg.instances.update_fields(inst.id, **fields)
    return "Webhook URLs saved."


async def _send_test(zg: AppState, who: Viewer, inst: Instance, form: dict[str, str]) -> str:
    del who
    req = parse_send("send-text", {"phone": form.get("phone", ""), "message": form.get("message", "")},
                     max_media_bytes=zg.settings.max_media_bytes)
    sent = await send_api.enqueue(zg, inst, req)
    return f"Queued as {sent['zaapId']}."


async def _restart(zg: AppState, who: Viewer, inst: Instance, form: dict[str, str]) -> str:
    del who, form
    await instance_api.restart(inst.id, zg)
    return "Restarting the session."


async def _logout(zg: AppState, who: Viewer, inst: Instance, form: dict[str, str]) -> str:
    del who, form
    await instance_api.disconnect(inst.id, zg)
    return "Logged out: the phone is unlinked; pair it again with a new QR code."


async def _pair_code(zg: AppState, who: Viewer, inst: Instance, form: dict[str, str]) -> str:
    del who
    answer = await instance_api.phone_code(inst.id, zg, form.get("phone", ""))
    return f"Pairing code: {answer['value']}. On the phone: Linked devices, Link with phone number."


async def _scan(zg: AppState, who: Viewer, inst: Instance, form: dict[str, str]) -> str:
    del who
    answer = await sandbox_api.scan(inst, zg, {"phone": form.get("phone", "")})
    return f"The sandbox phone {answer['phone']} scanned the QR code."


async def _replay(zg: AppState, who: Viewer, inst: Instance, form: dict[str, str]) -> str:
    raw = form.get("id", "")
    if raw and not raw.isdigit():
        raise InvalidInput("must be a dead-letter id", field="id")
    answer = await webhooks_api.replay(inst.id, who.partner, zg, {"ids": [int(raw)]} if raw else None)
    return f"Replayed {answer['replayed']} dead letter(s)."


async def _cancel(zg: AppState, who: Viewer, inst: Instance, form: dict[str, str]) -> str:
    del who
    await queue_api.delete_queued(inst, zg, form.get("zaapId", "")[:64])
    return "Removed from the queue."


ACTIONS: dict[str, Action] = {"webhooks": _webhooks, "send-test": _send_test, "restart": _restart,
                              "logout": _logout, "pair-code": _pair_code, "sandbox-scan": _scan,
                              "replay": _replay, "cancel": _cancel}


def _action(path: str, act: Action) -> None:
    async def run(instance_id: InstanceId, request: Request, zg: State) -> Response:
        who, form = await posted(zg, request)
        inst = await mine(zg, who, instance_id)
        try:
            await notify(zg, who, await act(zg, who, inst, form))
        except ZapgateError as exc:
            await notify(zg, who, failure(exc), "error")
        return back(f"/dashboard/instances/{inst.id}")

    run.__name__ = path.replace("-", "_")
    router.post(f"/{path}")(run)


for _path, _act in ACTIONS.items():
    _action(_path, _act)


@router.post("/reveal-token")
async def reveal_token(instance_id: InstanceId, request: Request, zg: State) -> Response:
    """The instance token, shown on this one answer only (never stored, never in another page)."""
    who, _ = await posted(zg, request)
    inst = await mine(zg, who, instance_id)
    token = instance_token(zg.settings.secret_key.get_secret_value(), inst.id, inst.token_version)
    return await render_instance(zg, who, inst, revealed=("Instance token", token))


@router.post("/reveal-secret")
async def reveal_secret(instance_id: InstanceId, request: Request, zg: State) -> Response:
    who, _ = await posted(zg, request)
    inst = await mine(zg, who, instance_id)
    answer = await webhooks_api.get_secret(inst.id, who.partner, zg)
    return await render_instance(zg, who, inst, revealed=(f"Webhook signing secret (v{answer['version']})",
                                                          answer["secret"]))


@router.post("/rotate-secret")
async def rotate_secret(instance_id: InstanceId, request: Request, zg: State) -> Response:
    who, _ = await posted(zg, request)
    inst = await mine(zg, who, instance_id)
    answer = await webhooks_api.rotate_secret(inst.id, who.partner, zg)
    return await render_instance(zg, who, inst, revealed=(f"New webhook signing secret (v{answer['version']})",
                                                          answer["secret"]))
