"""Z-API send endpoints: validate, record and queue; answer ``{zaapId, messageId, id}`` once durable.

``messageId`` (and ``id``) is the zaapId: WhatsApp assigns the real id only when the message leaves the
queue (neonize cannot choose it). The DeliveryCallback carries both; every endpoint that takes a
``messageId`` (reply, react, delete, forward, poll vote, edit) accepts either, resolved at send time.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Response
from fastapi.responses import Response as RawResponse

from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.instance import control
from gateway.api.sendspec import PARSERS, SendRequest, parse_send
from gateway.api.state import AppState
from gateway.core import content as c
from gateway.core.commands import Action, Outgoing
from gateway.core.errors import InvalidInput, RateLimited
from gateway.core.events import dumps
from gateway.core.ids import new_zaap_id
from gateway.core.models import Instance
from gateway.core.phones import phone_to_jid
from gateway.infra.bus import publish_once
from gateway.infra.db.outbox import OutboxStore
from gateway.ops.metrics import OUTBOX_QUEUED

router = APIRouter(prefix="/instances/{instance_id}/token/{token}", dependencies=[Depends(instance_auth)])
Json = Annotated[Any, Body()]


async def enqueue(zg: AppState, instance: Instance, req: SendRequest) -> dict[str, str]:
    if zg.rate_limiter is not None:
        wait = await zg.rate_limiter.take(f"send:{instance.id}")
        if wait > 0:
            raise RateLimited(f"too many sends for this instance; retry in {wait:.1f}s", retry_after_s=wait)
    bus = zg.need_bus()
    zaap_id = new_zaap_id()
    body = req.outgoing.content
    if req.media is not None:
        ref = await zg.media.outbound(instance.id, req.media_kind, req.media, req.media_field)
        body = c.with_media(body, ref)
    outgoing = Outgoing(to=req.outgoing.to, content=body, quoted_id=req.outgoing.quoted_id,
                        mentions=req.outgoing.mentions, edit_id=req.outgoing.edit_id, zaap_id=zaap_id)
    subject = zg.names.outbox_subject(instance.id)

    async def publish() -> None:
        await publish_once(bus, subject, zaap_id.encode(), zaap_id, {})

    await OutboxStore(zg.db).enqueue(
        zaap_id=zaap_id, instance_id=instance.id, kind=req.kind, phone=req.phone, payload=dumps(outgoing),
        media=None, delay_message=req.delay_message_s, delay_typing=req.delay_typing_s,
        cap=zg.settings.queue_cap, publish=publish)
    OUTBOX_QUEUED.inc()
    return {"zaapId": zaap_id, "messageId": zaap_id, "id": zaap_id}


def _body(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidInput("request body must be a JSON object", field="body")
    return raw


def _route(action: str) -> None:
    async def send(instance: InstanceDep, zg: State, body: Json) -> dict[str, str]:
        req = parse_send(action, _body(body), max_media_bytes=zg.settings.max_media_bytes)
        return await enqueue(zg, instance, req)

    send.__name__ = action.replace("-", "_")
    router.post(f"/{action}")(send)


for _action in PARSERS:
    _route(_action)


@router.post("/send-document/{extension}")
async def send_document(instance: InstanceDep, zg: State, body: Json,
                        extension: Annotated[str, Path(max_length=10)]) -> dict[str, str]:
    req = parse_send("send-document", _body(body), max_media_bytes=zg.settings.max_media_bytes, extension=extension)
    return await enqueue(zg, instance, req)


@router.delete("/messages", status_code=204)
async def delete_message(instance: InstanceDep, zg: State,
                         message_id: Annotated[str | None, Query(alias="messageId", max_length=128)] = None,
                         phone: Annotated[str | None, Query(max_length=64)] = None,
                         owner: Annotated[str, Query(pattern="^(true|false)$")] = "true") -> Response:
    if not message_id:
        raise InvalidInput("is required", field="messageId")
    to = phone_to_jid(phone)
    req = SendRequest(kind="delete-message", phone=str(phone),
                      outgoing=Outgoing(to=to, content=c.Revoke(message_id, from_me=owner == "true")),
                      delay_message_s=0.0)
    await enqueue(zg, instance, req)
    return RawResponse(status_code=204)


@router.post("/read-message", status_code=204)
async def read_message(instance: InstanceDep, zg: State, body: Json) -> Response:
    raw = _body(body)
    chat = phone_to_jid(raw.get("phone"))
    message_id = raw.get("messageId")
    if not isinstance(message_id, str) or not message_id or len(message_id) > 128:
        raise InvalidInput("is required", field="messageId")
    await control(zg).call(instance.id, Action.READ, chat=chat, messageId=message_id)
    return RawResponse(status_code=204)



