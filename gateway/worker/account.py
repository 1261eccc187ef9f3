"""Contact, chat, profile and privacy calls the api makes on an instance's engine: ``Action.ACCOUNT``.

Arguments arrive validated by the api (chats as JIDs, phones as digits, settings by name); answers leave
as plain JSON values of our own types (``gateway.core.events.to_plain``), which the api shapes as Z-API's.
"""

from __future__ import annotations

import base64
from typing import Any

from gateway.core.account import AccountOp, ChatAction, ContactList, NewContact, PhoneChecks, PrivacyName
from gateway.core.errors import InvalidInput
from gateway.core.events import to_plain
from gateway.worker.engines.base import Engine


def _op(args: dict[str, Any]) -> AccountOp:
    try:
        return AccountOp(str(args.get("op")))
    except ValueError as exc:
        raise InvalidInput("unknown account operation", field="op") from exc


def _phones(args: dict[str, Any]) -> list[str]:
    return [str(p) for p in args.get("phones") or []]


async def run_account_op(engine: Engine, args: dict[str, Any]) -> dict[str, Any]:
    op = _op(args)
    jid = str(args.get("jid", ""))
    if op is AccountOp.PHONE_CHECK:
        return {"checks": to_plain(PhoneChecks(tuple(await engine.check_phones(_phones(args)))))}
    if op is AccountOp.CONTACTS:
        return {"contacts": to_plain(ContactList(tuple(await engine.list_contacts())))}
    if op is AccountOp.CONTACT:
        return {"contact": to_plain(await engine.contact_info(jid))}
    if op is AccountOp.PICTURE:
        return {"url": await engine.profile_picture(jid)}
    if op is AccountOp.CONTACT_ADD:
        new = [NewContact(str(c["phone"]), str(c["first_name"]), str(c.get("last_name") or ""))
               for c in args.get("contacts") or []]
        return {"errors": await engine.add_contacts(new)}
    if op is AccountOp.CONTACT_REMOVE:
        return {"errors": await engine.remove_contacts(_phones(args))}
    if op is AccountOp.BLOCKED:
        return {"phones": await engine.blocked_contacts()}
    if op is AccountOp.PRIVACY:
        return {"privacy": to_plain(await engine.privacy_settings())}
    if op is AccountOp.DISALLOWED:
        return {"phones": await engine.disallowed_contacts(PrivacyName(str(args["setting"])))}
    await _change(engine, op, jid, args)
    return {}


async def _change(engine: Engine, op: AccountOp, jid: str, args: dict[str, Any]) -> None:
    if op is AccountOp.BLOCK:
        await engine.set_blocked(jid, bool(args["block"]))
    elif op is AccountOp.REPORT:
        await engine.report_contact(jid)
    elif op is AccountOp.CHAT:
        await engine.modify_chat(jid, ChatAction(str(args["change"])))
    elif op is AccountOp.CHAT_EXPIRATION:
        await engine.set_chat_expiration(jid, int(args["seconds"]))
    elif op is AccountOp.PROFILE_NAME:
        await engine.set_profile_name(str(args["value"]))
    elif op is AccountOp.PROFILE_ABOUT:
        await engine.set_profile_about(str(args["value"]))
    elif op is AccountOp.PROFILE_PHOTO:
        await engine.set_profile_photo(base64.b64decode(str(args["jpeg"])))
    elif op is AccountOp.PRIVACY_SET:
        await engine.set_privacy(PrivacyName(str(args["setting"])), str(args["value"]),
                                 [str(p) for p in args.get("add") or []], [str(p) for p in args.get("remove") or []])
    else:
        await engine.set_default_expiration(int(args["seconds"]))
