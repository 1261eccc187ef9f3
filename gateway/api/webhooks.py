"""Z-API webhook configuration (``PUT update-webhook-*``) and the partner's delivery log and replay."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from gateway.api.answers import DeadLetters, Deliveries, Done, Replayed, WebhookSecret
from gateway.api.auth import InstanceDep, PartnerDep, State, instance_auth
from gateway.api.bodies import EveryWebhooks, NotifySentByMe, ReplayRequest, WebhookValue
from gateway.api.openapi import CLIENT_TOKEN, INSTANCE_ERRORS, PARTNER_ERRORS, PARTNER_TOKEN, doc, errors
from gateway.api.partner import owned_instance
from gateway.api.webhook_urls import validate_webhook_url
from gateway.core.errors import InvalidInput
from gateway.core.ids import webhook_secret
from gateway.core.models import CallbackKind
from gateway.infra.db.deliveries import DeliveryLog

router = APIRouter(prefix="/instances/{instance_id}/token/{token}", tags=["webhooks"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)
partner_router = APIRouter(prefix="/instances/{instance_id}", tags=["partner"], dependencies=[Depends(PARTNER_TOKEN)],
                           responses={**PARTNER_ERRORS, **errors(404)})
Value = Annotated[dict[str, Any], Body()]

SINGLE = {
    "update-webhook-received": CallbackKind.RECEIVED,
    "update-webhook-delivery": CallbackKind.DELIVERY,
    "update-webhook-message-status": CallbackKind.MESSAGE_STATUS,
    "update-webhook-connected": CallbackKind.CONNECTED,
    "update-webhook-disconnected": CallbackKind.DISCONNECTED,
    "update-webhook-chat-presence": CallbackKind.PRESENCE_CHAT,
}
EVERY = (CallbackKind.RECEIVED, CallbackKind.DELIVERY, CallbackKind.MESSAGE_STATUS, CallbackKind.CONNECTED,
         CallbackKind.DISCONNECTED, CallbackKind.PRESENCE_CHAT)


def _url(zg: Any, body: dict[str, Any]) -> str | None:
    if "value" not in body:
        raise InvalidInput("is required", field="value")
    value = body["value"]
    if value is None or value == "":
        return None  # clears the webhook
    if not isinstance(value, str):
        raise InvalidInput("must be a URL string", field="value")
    return validate_webhook_url(value, allow_insecure=zg.settings.allow_insecure_webhooks, field="value")


def _flag(body: dict[str, Any], key: str) -> bool | None:
    if key not in body:
        return None
    if not isinstance(body[key], bool):
        raise InvalidInput("must be true or false", field=key)
    return bool(body[key])


def _single(path: str, kind: CallbackKind) -> None:
    async def update(instance: InstanceDep, zg: State, body: Value) -> dict[str, bool]:
        await zg.instances.update_fields(instance.id, **{kind.column: _url(zg, body)})
        return {"value": True}

    update.__name__ = path.replace("-", "_")
    router.put(f"/{path}", **doc(WebhookValue, ok=Done))(update)


for _path, _kind in SINGLE.items():
    _single(_path, _kind)


@router.put("/update-webhook-received-delivery", **doc(WebhookValue, ok=Done))
async def update_received_delivery(instance: InstanceDep, zg: State, body: Value) -> dict[str, bool]:
    url = _url(zg, body)
    await zg.instances.update_fields(instance.id, received_callback_url=url,
                                     received_and_delivery_callback_url=url, notify_sent_by_me=url is not None)
    return {"value": True}


@router.put("/update-every-webhooks", **doc(EveryWebhooks, ok=Done))
async def update_every(instance: InstanceDep, zg: State, body: Value) -> dict[str, bool]:
    url = _url(zg, body)
    fields: dict[str, Any] = {kind.column: url for kind in EVERY}
    notify = _flag(body, "notifySentByMe")
    if notify is None:
        notify = _flag(body, "receivedAndDeliveryCallback")
    if notify is not None:
        fields["notify_sent_by_me"] = notify
    await zg.instances.update_fields(instance.id, **fields)
    return {"value": True}


@router.put("/update-notify-sent-by-me", **doc(NotifySentByMe, ok=Done))
async def update_notify(instance: InstanceDep, zg: State, body: Value) -> dict[str, bool]:
    notify = _flag(body, "notifySentByMe")
    if notify is None:
        notify = _flag(body, "value")
    if notify is None:
        raise InvalidInput("is required", field="notifySentByMe")
    await zg.instances.update_fields(instance.id, notify_sent_by_me=notify)
    return {"value": True}


# --- partner API: delivery log, dead letters, replay, signing secret ------------------------------

@partner_router.get("/deliveries", **doc(ok=Deliveries))
async def deliveries(instance_id: str, partner: PartnerDep, zg: State,
                     status: Annotated[str | None, Query(pattern="^(pending|delivered|dead|skipped)$")] = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    inst = await owned_instance(zg, instance_id, partner.id)
    return {"deliveries": await DeliveryLog(zg.db).deliveries(inst.id, status, limit)}


@partner_router.get("/dead-letters", **doc(ok=DeadLetters))
async def dead_letters(instance_id: str, partner: PartnerDep, zg: State,
                       limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    inst = await owned_instance(zg, instance_id, partner.id)
    return {"deadLetters": await DeliveryLog(zg.db).dead_letters(inst.id, limit)}


@partner_router.post("/dead-letters/replay", **doc(ReplayRequest, ok=Replayed, optional_body=True))
async def replay(instance_id: str, partner: PartnerDep, zg: State,
                 body: Annotated[dict[str, Any] | None, Body()] = None) -> dict[str, Any]:
    inst = await owned_instance(zg, instance_id, partner.id)
    ids = (body or {}).get("ids")
    if ids is not None and (not isinstance(ids, list)
                            or not all(isinstance(i, int) and -(2**63) <= i < 2**63 for i in ids)):
        raise InvalidInput("must be a list of dead-letter ids", field="ids")
    count, partitions = await DeliveryLog(zg.db).replay(inst.id, ids)
    bus = zg.need_bus()
    for partition in partitions:
        await bus.publish(zg.names.replay_subject, str(partition).encode())
    return {"replayed": count}


@partner_router.get("/webhook-secret", **doc(ok=WebhookSecret))
async def get_secret(instance_id: str, partner: PartnerDep, zg: State) -> dict[str, Any]:
    inst = await owned_instance(zg, instance_id, partner.id)
    return {"secret": webhook_secret(zg.settings.secret_key.get_secret_value(), inst.id,
                                     inst.webhook_secret_version), "version": inst.webhook_secret_version}


@partner_router.post("/webhook-secret/rotate", **doc(ok=WebhookSecret))
async def rotate_secret(instance_id: str, partner: PartnerDep, zg: State) -> dict[str, Any]:
    inst = await owned_instance(zg, instance_id, partner.id)
    version = inst.webhook_secret_version + 1
    await zg.instances.update_fields(inst.id, webhook_secret_version=version)
    return {"secret": webhook_secret(zg.settings.secret_key.get_secret_value(), inst.id, version),
            "version": version}
