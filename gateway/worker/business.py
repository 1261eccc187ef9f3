"""WhatsApp Business calls the api makes on an instance's engine (the control path): ``Action.BUSINESS`` with
an ``op`` (labels, chat notes, company profile).

Arguments arrive validated by the api (chats as JIDs, label ids as digits, a profile change as the plain JSON
of ``ProfileChange``); answers leave as plain JSON values of our own business types
(``gateway.core.events.to_plain``), which the api shapes as Z-API answers.
"""

from __future__ import annotations

from typing import Any

from gateway.core.business import BusinessOp, CategoryList, ProfileChange, TagList
from gateway.core.errors import InvalidInput, Unsupported
from gateway.core.events import from_plain, to_plain
from gateway.worker.engines.base import Engine
from gateway.worker.engines.business import BusinessMethods


def _op(args: dict[str, Any]) -> BusinessOp:
    try:
        return BusinessOp(str(args.get("op")))
    except ValueError as exc:
        raise InvalidInput("unknown business operation", field="op") from exc


def _color(args: dict[str, Any]) -> int | None:
    color = args.get("color")
    return None if color is None else int(color)


async def run_business_op(engine: Engine, args: dict[str, Any]) -> dict[str, Any]:
    op = _op(args)
    if not isinstance(engine, BusinessMethods):
        raise Unsupported("this engine does not manage WhatsApp Business labels, notes or profiles")
    tag, chat = str(args.get("tag", "")), str(args.get("chat", ""))
    if op is BusinessOp.TAGS:
        return {"tags": to_plain(TagList(tuple(await engine.list_tags())))}
    if op is BusinessOp.CREATE_TAG:
        return {"tag": to_plain(await engine.create_tag(str(args["name"]), _color(args)))}
    if op is BusinessOp.EDIT_TAG:
        name = args.get("name")
        await engine.edit_tag(tag, None if name is None else str(name), _color(args))
    elif op is BusinessOp.DELETE_TAG:
        await engine.delete_tag(tag)
    elif op is BusinessOp.TAG_CHAT:
        await engine.tag_chat(chat, tag, bool(args.get("assigned")))
    elif op is BusinessOp.NOTE:
        note = await engine.set_chat_note(chat, str(args.get("content", "")))
        return {"note": to_plain(note)}
    elif op is BusinessOp.PROFILE:
        phone = args.get("phone")
        return {"profile": to_plain(await engine.business_profile(None if phone is None else str(phone)))}
    elif op is BusinessOp.SET_PROFILE:
        await engine.set_business_profile(from_plain(ProfileChange, args["change"]))
    else:
        found = await engine.business_categories(str(args.get("query", "")))
        return {"categories": to_plain(CategoryList(tuple(found)))}
    return {}
