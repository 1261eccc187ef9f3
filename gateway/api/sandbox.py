"""Sandbox routes (only for ``engine = sandbox`` instances): drive the simulated phone, and read it.

``sandbox/call`` and ``sandbox/contact-event`` play what other people do (rules in the worker's
``engines/sandbox/calls.py``); ``GET sandbox/phone`` shows the phone's account and what left it (edits,
deletes, statuses, read receipts, presences, rejected calls...). Their bodies are documented inline.
"""

from __future__ import annotations

import random
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, ConfigDict, Field

from gateway.api.answers import Done, Inbound, Scanned
from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.bodies import Doc, Phone, SandboxInbound, SandboxPresence, SandboxScan
from gateway.api.group_docs import SandboxGroupEvent, SandboxGroupEventAnswer, example
from gateway.api.instance import control
from gateway.api.openapi import CLIENT_TOKEN, CONTROL_FAILS, INSTANCE_ERRORS, doc
from gateway.core.commands import Action
from gateway.core.errors import InvalidInput
from gateway.core.models import EngineKind, Instance
from gateway.core.phones import validate_phone
from gateway.core.sandbox_spec import build_inbound, parse_presence

router = APIRouter(prefix="/instances/{instance_id}/token/{token}/sandbox", tags=["sandbox"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)
Spec = Annotated[dict[str, Any], Body()]
CALL_OUTCOMES = ("missed", "rejected", "answered")
CONTACT_EVENTS = ("profile_name", "profile_picture", "label")


class SandboxCall(Doc):
    """A number calls the sandbox phone: ``CALL_VOICE``/``CALL_VIDEO``, then ``CALL_MISSED_*`` when missed."""

    model_config = example({"from": "5511988887777", "video": False, "outcome": "missed"})
    from_: Phone = Field(alias="from")
    video: bool = False
    outcome: Literal["missed", "rejected", "answered"] = "missed"


class SandboxCallAnswer(Doc):
    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [
        {"callId": "5C1E0A6B2F4D4E3A9B8C7D6E5F4A3B2C", "notifications": ["4150123456", "4150123457"]}]})
    callId: str
    notifications: list[str]


class SandboxContactEvent(Doc):
    """A contact changes its name or picture, or the phone's user labels its chat on the handset."""

    model_config = example({"type": "profile_name", "from": "5511988887777", "name": "Ana Lima"})
    type: Literal["profile_name", "profile_picture", "label"]
    from_: Phone = Field(alias="from")
    name: str = Field(None, min_length=1, max_length=25,  # type: ignore[assignment]
                      description="profile_name: the new push name")
    removed: bool = Field(False, description="profile_picture: the picture was removed")
    label: str = Field(None, min_length=1, max_length=32,  # type: ignore[assignment]
                       description="label: the label id")
    assigned: bool = Field(True, description="label: put on (true) or taken off (false)")


class SandboxContactEventAnswer(Doc):
    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [{"notificationId": "4150123458"}]})
    notificationId: str


class SandboxPhone(Doc):
    """The simulated phone's account and the records of what left it (newest last, the last 200 of each)."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [{
        "profile": {"name": "Loja", "about": "Hey there! I am using WhatsApp."}, "privacy": {"last_seen": "all"},
        "contacts": [], "pushNames": {}, "blocked": [], "presenceSubscriptions": ["5511988887777@s.whatsapp.net"],
        "chats": [], "edits": [{"id": "3EB0A1", "chat": "5511988887777@s.whatsapp.net", "editedId": "3EB0A0",
                                "text": "corrigido", "previous": "corigido"}],
        "deletes": [], "statuses": [], "statusReplies": [], "forwards": [], "reads": [], "presences": [],
        "calls": [], "rejectedCalls": [], "reports": []}]})
    profile: dict[str, Any]
    privacy: dict[str, Any]
    contacts: list[dict[str, Any]]
    pushNames: dict[str, str]
    blocked: list[str]
    presenceSubscriptions: list[str]
    chats: list[dict[str, Any]]
    edits: list[dict[str, Any]]
    deletes: list[dict[str, Any]]
    statuses: list[dict[str, Any]]
    statusReplies: list[dict[str, Any]]
    forwards: list[dict[str, Any]]
    reads: list[dict[str, Any]]
    presences: list[dict[str, Any]]
    calls: list[dict[str, Any]]
    rejectedCalls: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    commerce: list[dict[str, Any]] = Field(default_factory=list, description="products, catalogs, orders sent")


def _inline_doc(body: type[BaseModel], *, ok: type[BaseModel], fails: tuple[int, ...]) -> dict[str, Any]:
    """``doc`` with the body's schema inline (these bodies are not among ``bodies.BODIES``)."""
    documented = doc(ok=ok, fails=(*fails, 400, 413))
    schema = body.model_json_schema(mode="validation")
    documented["openapi_extra"] = {"requestBody": {"required": True,
                                                   "content": {"application/json": {"schema": schema}}}}
    return documented


def _choice(body: dict[str, Any], key: str, allowed: tuple[str, ...], default: str | None = None) -> None:
    if body.get(key, default) not in allowed:
        raise InvalidInput(f"must be one of {', '.join(allowed)}", field=key)


def _sandbox_only(instance: Instance) -> None:
    if instance.engine is not EngineKind.SANDBOX:
        raise InvalidInput("sandbox routes only work for instances created with engine=sandbox", field="engine")


@router.post("/scan", **doc(SandboxScan, ok=Scanned, fails=CONTROL_FAILS))
async def scan(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    _sandbox_only(instance)
    phone = validate_phone(body.get("phone"), "phone")
    result = await control(zg).call(instance.id, Action.SANDBOX_SCAN, phone=phone)
    return {"value": True, "phone": phone, "deviceJid": result["deviceJid"]}


@router.post("/inbound", **doc(SandboxInbound, ok=Inbound, fails=CONTROL_FAILS))
async def inbound(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    _sandbox_only(instance)
    try:
        build_inbound(body, random.Random(0), int(time.time() * 1000))  # noqa: S311 - validation only
    except (TypeError, ValueError, OverflowError) as exc:  # a field of a type the spec does not expect
        raise InvalidInput(f"a field has the wrong type ({exc})", field="body") from exc
    result = await control(zg).call(instance.id, Action.SANDBOX_INBOUND, **body)
    return {"messageId": result["messageId"]}


@router.post("/presence", **doc(SandboxPresence, ok=Done, fails=CONTROL_FAILS))
async def presence(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    _sandbox_only(instance)
    parse_presence(body)
    await control(zg).call(instance.id, Action.SANDBOX_PRESENCE, **body)
    return {"value": True}


@router.post("/disconnect", **doc(ok=Done, fails=CONTROL_FAILS))
async def disconnect(instance: InstanceDep, zg: State) -> dict[str, Any]:
    _sandbox_only(instance)
    await control(zg).call(instance.id, Action.SANDBOX_DISCONNECT)
    return {"value": True}


@router.post("/group-event", **doc(SandboxGroupEvent, ok=SandboxGroupEventAnswer, fails=(*CONTROL_FAILS, 403)))
async def group_event(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    """Someone else changes a group (joins, leaves, renames, asks to join, adds the phone to a new group...);
    the instance's webhooks tell it like WhatsApp's group notifications."""
    _sandbox_only(instance)
    return await control(zg).call(instance.id, Action.SANDBOX_GROUP_EVENT, **body)


@router.post("/call", **_inline_doc(SandboxCall, ok=SandboxCallAnswer, fails=CONTROL_FAILS))
async def call(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    """A number calls the phone; the instance's webhooks tell it like WhatsApp's call notifications (and its
    ``callRejectAuto`` rejects it)."""
    _sandbox_only(instance)
    validate_phone(body.get("from"), "from")
    _choice(body, "outcome", CALL_OUTCOMES, "missed")
    if not isinstance(body.get("video", False), bool):
        raise InvalidInput("must be true or false", field="video")
    return await control(zg).call(instance.id, Action.SANDBOX_CALL, **body)


@router.post("/contact-event", **_inline_doc(SandboxContactEvent, ok=SandboxContactEventAnswer, fails=CONTROL_FAILS))
async def contact_event(instance: InstanceDep, zg: State, body: Spec) -> dict[str, Any]:
    """A contact renames itself or changes its picture, or the phone labels a chat: told as Z-API's
    ``PROFILE_NAME_UPDATED``, ``PROFILE_PICTURE_UPDATED``, ``CHAT_LABEL_ASSOCIATION`` notifications."""
    _sandbox_only(instance)
    _choice(body, "type", CONTACT_EVENTS)
    validate_phone(body.get("from"), "from")
    return await control(zg).call(instance.id, Action.SANDBOX_CONTACT_EVENT, **body)


@router.get("/phone", **doc(ok=SandboxPhone, fails=CONTROL_FAILS))
async def phone(instance: InstanceDep, zg: State) -> dict[str, Any]:
    """What the simulated phone keeps: profile, privacy, contacts, blocked numbers, chats, and the records of
    what left it (edits, deletes, statuses, status replies, forwards, read receipts, presences, calls)."""
    _sandbox_only(instance)
    return await control(zg).call(instance.id, Action.SANDBOX_PHONE)
