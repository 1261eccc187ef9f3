"""Z-API send endpoints: validate, record and queue; answer ``{zaapId, messageId, id}`` once durable.

``messageId`` (and ``id``) is the zaapId: WhatsApp assigns the real id only when the message leaves the
queue (neonize cannot choose it). The DeliveryCallback carries both; every endpoint that takes a
``messageId`` (reply, react, delete, forward, poll vote, edit) accepts either, resolved at send time.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Response
from fastapi.responses import Response as RawResponse

from gateway.api.answers import Sent
from gateway.api.auth import SendInstanceDep, State, send_instance_auth
from gateway.api.bodies import SEND_BODIES, ReadMessage, SendDocument
from gateway.api.instance import control
from gateway.api.openapi import CLIENT_TOKEN, CONTROL_FAILS, INSTANCE_ERRORS, doc
from gateway.api.sendspec import PARSERS, SendRequest, parse_send
from gateway.api.state import AppState
from gateway.core import content as c
from gateway.core.commands import Action, Outgoing
from gateway.core.errors import InvalidInput, NotFound, RateLimited
from gateway.core.events import dumps
from gateway.core.ids import new_zaap_id
from gateway.core.models import Instance
from gateway.core.phones import phone_to_jid
from gateway.infra.db.originals import Originals
from gateway.infra.db.outbox import OutboxStore
from gateway.infra.db.outbox_batch import QueuedSend
from gateway.ops.metrics import OUTBOX_QUEUED

log = logging.getLogger(__name__)
router = APIRouter(prefix="/instances/{instance_id}/token/{token}", tags=["send"],
                   dependencies=[Depends(send_instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)
SEND_FAILS = (429, 502)  # rate limit or queue full; a media URL that could not be fetched
Json = Annotated[Any, Body()]


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200,
                                              pattern=r"^[\x21-\x7e]+$")]


async def enqueue(zg: AppState, instance: Instance, req: SendRequest, key: str | None = None) -> dict[str, str]:
    """Commit the send to Postgres (the queue's truth), then ring the instance's bell (best effort).

    The answer means the row is committed: a send is accepted while NATS is away (the worker's reconcile
    loop finds it). ``key`` (``Idempotency-Key``) answers a retried request with the first send's ids.
    """
    if zg.rate_limiter is not None:
        wait = await zg.rate_limiter.take(f"send:{instance.id}")
        if wait > 0:
            raise RateLimited(f"too many sends for this instance; retry in {wait:.1f}s", retry_after_s=wait)
    zaap_id = new_zaap_id()
    body = req.outgoing.content
    if req.media is not None:
        ref = await zg.media.outbound(instance.id, req.media_kind, req.media, req.media_field)
        body = c.with_media(body, ref)
        if req.media_max_bytes is not None and ref.file_length > req.media_max_bytes:
            raise InvalidInput(f"is larger than {req.media_max_bytes} bytes", field=req.media_field)
    outgoing = dataclasses.replace(req.outgoing, content=body, zaap_id=zaap_id)
    if zg.enqueues is not None:
        answered, queued = await zg.enqueues.enqueue(QueuedSend(
            zaap_id=zaap_id, instance_id=instance.id, kind=req.kind, phone=req.phone, payload=dumps(outgoing),
            delay_message=req.delay_message_s, delay_typing=req.delay_typing_s, idempotency_key=key))
    else:
        answered, queued = await OutboxStore(zg.db).enqueue(
            zaap_id=zaap_id, instance_id=instance.id, kind=req.kind, phone=req.phone, payload=dumps(outgoing),
            media=None, delay_message=req.delay_message_s, delay_typing=req.delay_typing_s,
            cap=zg.settings.queue_cap, idempotency_key=key, key_ttl_s=zg.settings.idempotency_key_ttl_s)
    if queued:
        OUTBOX_QUEUED.inc()
        await _ring(zg, instance.id)
    return {"zaapId": answered, "messageId": answered, "id": answered}


async def _ring(zg: AppState, instance_id: str) -> None:
    """Wake the instance's sender now; when NATS is away the worker's reconcile loop does it instead."""
    if zg.bus is None:
        return
    try:
        await zg.bus.publish(zg.names.bell_subject(instance_id), b"")
    except Exception as exc:
        log.info("bell not rung (%s): the reconcile loop will find the send", type(exc).__name__,
                 extra={"instance_id": instance_id})


def _body(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidInput("request body must be a JSON object", field="body")
    return raw


async def accept(zg: AppState, instance: Instance, action: str, raw: Any, key: str | None = None) -> dict[str, str]:
    """One send route's work once the caller is authenticated (also ``send_fast.SendFastPath``'s)."""
    req = parse_send(action, _body(raw), max_media_bytes=zg.settings.max_media_bytes)
    return await enqueue(zg, instance, req, key)


def _route(action: str) -> None:
    async def send(instance: SendInstanceDep, zg: State, body: Json, key: IdempotencyKey = None) -> dict[str, str]:
        return await accept(zg, instance, action, body, key)

    send.__name__ = action.replace("-", "_")
    router.post(f"/{action}", **doc(SEND_BODIES[action], ok=Sent, fails=SEND_FAILS))(send)


for _action in PARSERS:
    _route(_action)


@router.post("/send-document/{extension}", **doc(SendDocument, ok=Sent, fails=SEND_FAILS))
async def send_document(instance: SendInstanceDep, zg: State, body: Json,
                        extension: Annotated[str, Path(max_length=10)], key: IdempotencyKey = None) -> dict[str, str]:
    req = parse_send("send-document", _body(body), max_media_bytes=zg.settings.max_media_bytes, extension=extension)
    return await enqueue(zg, instance, req, key)


@router.delete("/messages", **doc(status=204, fails=(404, 429)))
async def delete_message(instance: SendInstanceDep, zg: State, *,
                         message_id: Annotated[str | None, Query(alias="messageId", max_length=128)] = None,
                         phone: Annotated[str | None, Query(max_length=64)] = None,
                         owner: Annotated[str, Query(pattern="^(true|false)$")] = "true",
                         key: IdempotencyKey = None) -> Response:
    """Delete a message for everyone. ``owner=false`` deletes someone else's message in a group (the phone
    must be an admin there): the gateway must have seen that message, to name its author."""
    if not message_id:
        raise InvalidInput("is required", field="messageId")
    to = phone_to_jid(phone)
    sender = ""
    if owner == "false" and to.endswith("@g.us"):
        sender = await _author(zg, instance, message_id) or ""
        if not sender:
            raise NotFound("the gateway has no record of who wrote this message, so it cannot delete it")
    revoke = c.Revoke(message_id, from_me=owner == "true", sender=sender)
    req = SendRequest(kind="delete-message", phone=str(phone), outgoing=Outgoing(to=to, content=revoke),
                      delay_message_s=0.0)
    await enqueue(zg, instance, req, key)
    return RawResponse(status_code=204)


async def _author(zg: AppState, instance: Instance, message_id: str) -> str | None:
    """The JID of who wrote a message the gateway stored (None: it never saw it, or did not record it)."""
    author = await Originals(zg.db).author(instance.id, message_id)
    return author.sender if author is not None else None


@router.post("/read-message", **doc(ReadMessage, status=204, fails=CONTROL_FAILS))
async def read_message(instance: SendInstanceDep, zg: State, body: Json) -> Response:
    raw = _body(body)
    chat = phone_to_jid(raw.get("phone"))
    message_id = raw.get("messageId")
    if not isinstance(message_id, str) or not message_id or len(message_id) > 128:
        raise InvalidInput("is required", field="messageId")
    args: dict[str, Any] = {"chat": chat, "messageId": message_id}
    if chat.endswith("@g.us") and (sender := await _author(zg, instance, message_id)):
        args["sender"] = sender  # a receipt in a group names the message's author
    await control(zg).call(instance.id, Action.READ, **args)
    return RawResponse(status_code=204)
