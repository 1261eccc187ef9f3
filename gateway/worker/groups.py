"""Group calls the api makes on an instance's engine (the control path): ``Action.GROUP`` with an ``op``.

Arguments arrive validated by the api (group ids as JIDs, phones as digits); answers leave as plain JSON
values of our own group types (``gateway.core.events.to_plain``), which the api shapes as Z-API answers.
"""

from __future__ import annotations

import base64
from typing import Any

from gateway.core.errors import InvalidInput
from gateway.core.events import to_plain
from gateway.core.groups import (
    CommunityList,
    GroupList,
    GroupOp,
    GroupSettings,
    LinkResults,
    ParticipantAction,
    ParticipantResult,
    ParticipantResults,
)
from gateway.worker.engines.base import Engine


def _op(args: dict[str, Any]) -> GroupOp:
    try:
        return GroupOp(str(args.get("op")))
    except ValueError as exc:
        raise InvalidInput("unknown group operation", field="op") from exc


async def run_group_op(engine: Engine, args: dict[str, Any]) -> dict[str, Any]:
    op = _op(args)
    if op.value.startswith("community_"):
        return await _community_op(engine, op, args)
    group = str(args.get("group", ""))
    if op is GroupOp.LIST:
        return {"groups": to_plain(GroupList(tuple(await engine.list_groups())))}
    if op is GroupOp.INFO:
        return {"group": to_plain(await engine.group_info(group, with_invite_link=bool(args.get("withLink"))))}
    if op is GroupOp.CREATE:
        created = await engine.create_group(str(args["name"]), [str(p) for p in args["phones"]])
        await _invite_refused(engine, created.group.jid, created.results, bool(args.get("autoInvite")))
        return {"created": to_plain(created)}
    if op is GroupOp.NAME:
        await engine.set_group_name(group, str(args["name"]))
    elif op is GroupOp.DESCRIPTION:
        await engine.set_group_description(group, str(args["description"]))
    elif op is GroupOp.PHOTO:
        await engine.set_group_photo(group, base64.b64decode(str(args["jpeg"])))
    elif op is GroupOp.SETTINGS:
        await engine.set_group_settings(group, GroupSettings(**{k: args.get(k) for k in (
            "admin_only_message", "admin_only_settings", "require_admin_approval", "admin_only_add_member")}))
    elif op is GroupOp.PARTICIPANTS:
        action = ParticipantAction(str(args["change"]))
        results = await engine.update_participants(group, [str(p) for p in args["phones"]], action)
        if action is ParticipantAction.ADD:
            await _invite_refused(engine, group, results, bool(args.get("autoInvite")))
        return {"results": to_plain(ParticipantResults(tuple(results)))}
    elif op is GroupOp.REQUESTS:
        return {"requests": [to_plain(r) for r in await engine.join_requests(group)]}
    elif op is GroupOp.LEAVE:
        await engine.leave_group(group)
    elif op is GroupOp.LINK:
        return {"link": await engine.invite_link(group, reset=bool(args.get("reset")))}
    elif op is GroupOp.INVITE_INFO:
        return {"group": to_plain(await engine.invite_info(str(args["code"])))}
    else:
        return {"join": to_plain(await engine.join_with_link(str(args["code"])))}
    return {}


async def _invite_refused(engine: Engine, group: str, results: tuple[ParticipantResult, ...] | list[ParticipantResult],
                          auto_invite: bool) -> None:
    """autoInvite: whoever's privacy refused the add (403 with an invite code) gets a private invite."""
    if not auto_invite:
        return
    for result in results:
        if result.error == 403 and result.invite_code:
            await engine.send_group_invite(group, result, caption="")



async def _community_op(engine: Engine, op: GroupOp, args: dict[str, Any]) -> dict[str, Any]:
    community = str(args.get("community", ""))
    if op is GroupOp.COMMUNITY_CREATE:
        return {"community": to_plain(await engine.create_community(str(args["name"]),
                                                                      str(args.get("description") or "")))}
    if op is GroupOp.COMMUNITY_LIST:
        return {"communities": to_plain(CommunityList(tuple(await engine.list_communities())))}
    if op is GroupOp.COMMUNITY_INFO:
        return {"community": to_plain(await engine.community_info(community))}
    if op is GroupOp.COMMUNITY_LINK:
        results = await engine.link_groups(community, [str(g) for g in args["groups"]], link=bool(args["link"]))
        return {"results": to_plain(LinkResults(tuple(results)))}
    if op is GroupOp.COMMUNITY_SETTINGS:
        await engine.set_community_settings(community, str(args["who"]))
        return {}
    await engine.deactivate_community(community)
    return {}
