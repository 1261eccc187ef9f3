"""Commands: what the api asks of a worker (control requests, messages to send), as our own types.

Request: ``{"action": <Action>, "args": {...}}`` on ``zg.ctl.<instance>`` (core NATS request/reply).
Reply: ``{"ok": true, "result": {...}}`` or ``{"ok": false, "status", "code", "error", "field"}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson

from gateway.core.content import Content
from gateway.core.errors import ZapgateError


class Action(StrEnum):
    PAIR_CODE = "pair_code"
    RESTART = "restart"
    LOGOUT = "logout"
    READ = "read"
    GROUP = "group"  # args: {"op": <GroupOp>, ...}
    ACCOUNT = "account"  # args: {"op": <AccountOp>, ...} (contacts, chats, profile, privacy)
    NEWSLETTER = "newsletter"  # args: {"op": <NewsletterOp>, ...} (channels)
    CATALOG = "catalog"  # args: {"op": <CatalogOp>, ...} (WhatsApp Business products and collections)
    BUSINESS = "business"  # args: {"op": <BusinessOp>, ...} (WhatsApp Business labels, notes, company profile)
    SETTINGS = "settings"  # the instance's settings changed in Postgres: read them again
    SANDBOX_SCAN = "sandbox.scan"
    SANDBOX_INBOUND = "sandbox.inbound"
    SANDBOX_PRESENCE = "sandbox.presence"
    SANDBOX_DISCONNECT = "sandbox.disconnect"
    SANDBOX_GROUP_EVENT = "sandbox.group_event"
    SANDBOX_NEWSLETTER_EVENT = "sandbox.newsletter_event"  # someone else's channel (or a follower) acts
    SANDBOX_CALL = "sandbox.call"  # args: {"from", "video"?, "outcome"?: "missed"|"answered"}
    SANDBOX_CONTACT_EVENT = "sandbox.contact_event"  # args: {"type": profile_name|profile_picture|label|..., ...}
    SANDBOX_PHONE = "sandbox.phone"  # the simulated phone's records (what left: edits, deletes, statuses...)


def encode_request(action: Action, args: dict[str, Any]) -> bytes:
    return orjson.dumps({"action": action.value, "args": args})


def decode_request(data: bytes) -> tuple[Action, dict[str, Any]]:
    raw = orjson.loads(data)
    return Action(raw["action"]), dict(raw.get("args") or {})


def ok_reply(result: dict[str, Any] | None = None) -> bytes:
    return orjson.dumps({"ok": True, "result": result or {}})


def error_reply(exc: ZapgateError) -> bytes:
    return orjson.dumps({"ok": False, "status": exc.http_status(), "code": exc.code, "error": exc.message,
                         "field": getattr(exc, "field", "")})


class Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()  # "the engine cannot tell whether that message left"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to send: destination JID, content and send options."""

    to: str
    content: Content
    quoted_id: str | None = None
    quoted_chat: str | None = None  # the quoted message's chat when not ``to`` (``status@broadcast``)
    quoted_participant: str | None = None  # the quoted message's sender JID (a status's author, a member)
    mentions: tuple[str, ...] = ()
    edit_id: str | None = None
    zaap_id: str = ""
