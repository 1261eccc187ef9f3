"""Channel calls the api makes on an instance's engine (the control path): ``Action.NEWSLETTER`` with an ``op``.

Arguments arrive validated by the api (channel ids as ``<digits>@newsletter``, phones as digits); answers
leave as plain JSON values of our own channel types (``gateway.core.events.to_plain``), which the api shapes
as Z-API answers.
"""

from __future__ import annotations

import base64
from typing import Any

from gateway.core.errors import InvalidInput, Unsupported
from gateway.core.events import to_plain
from gateway.core.newsletters import NewsletterList, NewsletterOp, NewsletterSearch
from gateway.worker.engines.base import Engine
from gateway.worker.engines.newsletters import NewsletterMethods


def _op(args: dict[str, Any]) -> NewsletterOp:
    try:
        return NewsletterOp(str(args.get("op")))
    except ValueError as exc:
        raise InvalidInput("unknown channel operation", field="op") from exc


async def run_newsletter_op(engine: Engine, args: dict[str, Any]) -> dict[str, Any]:
    op = _op(args)
    if not isinstance(engine, NewsletterMethods):
        raise Unsupported("this engine does not manage channels")
    jid, phone = str(args.get("id", "")), str(args.get("phone", ""))
    if op is NewsletterOp.LIST:
        return {"newsletters": to_plain(NewsletterList(tuple(await engine.list_newsletters())))}
    if op is NewsletterOp.INFO:
        return {"newsletter": to_plain(await engine.newsletter_info(jid))}
    if op is NewsletterOp.CREATE:
        created = await engine.create_newsletter(str(args["name"]), str(args.get("description") or ""))
        return {"newsletter": to_plain(created)}
    if op is NewsletterOp.SEARCH:
        search = NewsletterSearch(limit=int(args["limit"]), country_codes=tuple(str(c) for c in args["countries"]),
                                  view=args.get("view") or None, text=str(args.get("text") or ""))
        return {"newsletters": to_plain(NewsletterList(tuple(await engine.search_newsletters(search))))}
    if op is NewsletterOp.ADMIN_INVITE:
        return {"sent": to_plain(await engine.send_newsletter_admin_invite(jid, phone, str(args.get("caption", ""))))}
    await _change(engine, op, jid, phone, args)
    return {}


async def _change(engine: NewsletterMethods, op: NewsletterOp, jid: str, phone: str, args: dict[str, Any]) -> None:
    if op is NewsletterOp.NAME:
        await engine.set_newsletter_name(jid, str(args["name"]))
    elif op is NewsletterOp.DESCRIPTION:
        await engine.set_newsletter_description(jid, str(args["description"]))
    elif op is NewsletterOp.PICTURE:
        await engine.set_newsletter_picture(jid, base64.b64decode(str(args["jpeg"])))
    elif op in (NewsletterOp.FOLLOW, NewsletterOp.UNFOLLOW):
        await engine.follow_newsletter(jid, op is NewsletterOp.FOLLOW)
    elif op in (NewsletterOp.MUTE, NewsletterOp.UNMUTE):
        await engine.mute_newsletter(jid, op is NewsletterOp.MUTE)
    elif op is NewsletterOp.DELETE:
        await engine.delete_newsletter(jid)
    elif op is NewsletterOp.SETTINGS:
        await engine.set_newsletter_reactions(jid, str(args["reactionCodes"]))
    elif op is NewsletterOp.ACCEPT_ADMIN:
        await engine.accept_newsletter_admin_invite(jid)
    elif op is NewsletterOp.REVOKE_ADMIN_INVITE:
        await engine.revoke_newsletter_admin_invite(jid, phone)
    elif op is NewsletterOp.REMOVE_ADMIN:
        await engine.remove_newsletter_admin(jid, phone)
    else:
        await engine.transfer_newsletter_ownership(jid, phone, bool(args.get("quitAdmin")))
