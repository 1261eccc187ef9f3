"""What the contact, chat, profile and privacy routes share: the call to the owning worker and input reads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from gateway.api.auth import instance_auth
from gateway.api.instance import control
from gateway.api.openapi import CLIENT_TOKEN, CONTROL_FAILS, INSTANCE_ERRORS
from gateway.api.sendspec import Body as Fields
from gateway.api.state import AppState
from gateway.core.account import AccountOp
from gateway.core.commands import Action
from gateway.core.errors import InvalidInput
from gateway.core.events import Address
from gateway.core.groups import group_phone

PREFIX = "/instances/{instance_id}/token/{token}"
ACCOUNT_FAILS = (*CONTROL_FAILS, 501)  # a control call, and what the engine's library cannot do
Json = Annotated[Any, Body()]


def instance_router(tag: str) -> APIRouter:
    return APIRouter(prefix=PREFIX, tags=[tag], dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)],
                     responses=INSTANCE_ERRORS)


async def account_op(zg: AppState, instance_id: str, op: AccountOp, **args: Any) -> dict[str, Any]:
    return await control(zg).call(instance_id, Action.ACCOUNT, op=op.value, **args)


def fields(raw: Any) -> Fields:
    if not isinstance(raw, dict):
        raise InvalidInput("request body must be a JSON object", field="body")
    return Fields(raw, 0)


def items(raw: Any, max_items: int) -> list[Any]:
    """An array body: not empty, at most ``max_items`` long."""
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("request body must be a non-empty JSON array", field="body")
    if len(raw) > max_items:
        raise InvalidInput(f"must have at most {max_items} items", field="body")
    return raw


def chat_phone(jid: str) -> str:
    """A chat JID as Z-API writes it: digits, ``<id>-group``, or the JID itself (``@lid``, channels)."""
    user, _, server = jid.partition("@")
    if server == "s.whatsapp.net":
        return user
    if server == "g.us":
        return group_phone(jid)
    return jid


def address_phone(a: Address) -> str:
    return a.phone or chat_phone(a.jid)
