"""Z-API group routes: validated here, run by the worker that owns the instance, answered in Z-API's shapes.

A group the instance is not in answers 404 ``GROUP_NOT_FOUND``; an action that needs a group admin 403
``NOT_GROUP_ADMIN``; what the engine's library cannot do 501 ``NOT_SUPPORTED``. Phones the change did not
apply to are listed in ``failed`` (Z-API answers only ``value``; the list is ours).
"""

from __future__ import annotations

import base64
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from gateway.api import group_docs as d
from gateway.api.account import Json
from gateway.api.account import fields as json_fields
from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.bodies import Doc
from gateway.api.group_views import created_answer, done, invite_metadata, list_item, metadata
from gateway.api.instance import control
from gateway.api.openapi import CLIENT_TOKEN, CONTROL_FAILS, INSTANCE_ERRORS, doc
from gateway.api.sendspec import Body as Fields
from gateway.api.state import AppState
from gateway.core.commands import Action
from gateway.core.errors import GroupNotFound, InvalidInput, ZapgateError
from gateway.core.events import from_plain
from gateway.core.groups import (
    Community,
    CreatedGroup,
    GroupInfo,
    GroupList,
    GroupOp,
    JoinResult,
    ParticipantAction,
    ParticipantResults,
    group_phone,
    invite_code,
    parse_group_id,
)
from gateway.core.phones import validate_phone
from gateway.media.input import parse_media

log = logging.getLogger(__name__)
router = APIRouter(prefix="/instances/{instance_id}/token/{token}", tags=["groups"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)
GroupPath = Annotated[str, Path(max_length=64, description="`<id>-group`, `<id>@g.us` or `<id>`")]
InviteUrl = Annotated[str | None, Query(max_length=256, description="the invite link (or its code)")]
GROUP_FAILS = (*CONTROL_FAILS, 501)
MAX_PHONES = 256


def _phones(body: Fields) -> list[str]:
    return [validate_phone(p, f"phones.{i}") for i, p in enumerate(body.list_("phones", max_items=MAX_PHONES))]


def _group(body: Fields, *keys: str) -> str:
    for key in keys:
        if body.raw.get(key) is not None:
            return parse_group_id(body.raw[key], key)
    raise InvalidInput("is required", field=keys[0])


def _subject(body: Fields, key: str) -> str:
    name = body.str_(key, required=True, max_len=100).strip()
    if len(name) > 25:
        raise InvalidInput("must be at most 25 characters (WhatsApp's limit for a group subject)", field=key)
    return name


async def group_op(zg: AppState, instance_id: str, op: GroupOp, **args: Any) -> dict[str, Any]:
    return await control(zg).call(instance_id, Action.GROUP, op=op.value, **args)


async def community(zg: AppState, instance_id: str, community_jid: str) -> Community:
    reply = await group_op(zg, instance_id, GroupOp.COMMUNITY_INFO, community=community_jid)
    return from_plain(Community, reply["community"])


async def _members_of(zg: AppState, instance_id: str, fields: Fields) -> str:
    """The group whose members change: ``groupId``, or a community's announcement group (Z-API manages a
    community's members through it)."""
    if fields.raw.get("groupId") is not None or fields.raw.get("communityId") is None:
        return _group(fields, "groupId")
    found = await community(zg, instance_id, parse_group_id(fields.raw["communityId"], "communityId"))
    if found.announcement_jid is None:
        raise GroupNotFound("the community has no announcement group")
    return found.announcement_jid


@router.get("/groups", **doc(ok=list[d.GroupListItem], fails=GROUP_FAILS))
async def list_groups(instance: InstanceDep, zg: State,
                      page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                      page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
    groups = from_plain(GroupList, (await group_op(zg, instance.id, GroupOp.LIST))["groups"]).groups
    ordered = sorted(groups, key=lambda g: (g.subject.lower(), g.jid))
    return [list_item(g) for g in ordered[(page - 1) * page_size: page * page_size]]


@router.post("/create-group", **doc(d.CreateGroup, ok=d.CreatedGroupAnswer, fails=GROUP_FAILS))
async def create_group(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    name, phones, auto_invite = _subject(fields, "groupName"), _phones(fields), fields.bool_("autoInvite")
    created = from_plain(CreatedGroup, (await group_op(zg, instance.id, GroupOp.CREATE, name=name, phones=phones,
                                                  autoInvite=auto_invite))["created"])
    return created_answer(created, await _link_if_any(zg, instance.id, created.group.jid), auto_invite)


async def _link_if_any(zg: AppState, instance_id: str, group: str) -> str | None:
    """The new group's invite link; ``None`` when it cannot be read now. The group exists either way: a
    failure here must not make the partner retry (and create it twice)."""
    try:
        link: str = (await group_op(zg, instance_id, GroupOp.LINK, group=group))["link"]
    except ZapgateError as exc:
        log.warning("new group %s: invite link not read (%s)", group, exc.code, extra={"instance_id": instance_id})
        return None
    return link


@router.post("/update-group-name", **doc(d.GroupName, ok=d.GroupDone, fails=GROUP_FAILS))
async def update_group_name(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    group, name = _group(fields, "groupId"), _subject(fields, "groupName")
    await group_op(zg, instance.id, GroupOp.NAME, group=group, name=name)
    return done()


@router.post("/update-group-description", **doc(d.GroupDescription, ok=d.GroupDone, fails=GROUP_FAILS))
async def update_group_description(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    group = _group(fields, "groupId")
    text = fields.str_("groupDescription", required=True, max_len=2048, allow_empty=True)
    await group_op(zg, instance.id, GroupOp.DESCRIPTION, group=group, description=text)
    return done()


@router.post("/update-group-photo", **doc(d.GroupPhoto, ok=d.GroupDone, fails=(*GROUP_FAILS, 413)))
async def update_group_photo(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    group = _group(fields, "groupId", "groupID")
    given = parse_media(fields.raw.get("groupPhoto"), "groupPhoto", "image", zg.settings.max_media_bytes)
    jpeg = await zg.media.picture(given, "groupPhoto")
    await group_op(zg, instance.id, GroupOp.PHOTO, group=group, jpeg=base64.b64encode(jpeg).decode())
    return done()


_SETTINGS = {"adminOnlyMessage": "admin_only_message", "adminOnlySettings": "admin_only_settings",
             "requireAdminApproval": "require_admin_approval", "adminOnlyAddMember": "admin_only_add_member"}


@router.post("/update-group-settings", **doc(d.GroupSettingsBody, ok=d.GroupDone, fails=GROUP_FAILS))
async def update_group_settings(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    group = _group(fields, "phone", "groupId")
    change = {ours: fields.bool_(theirs) for theirs, ours in _SETTINGS.items() if fields.raw.get(theirs) is not None}
    if not change:
        raise InvalidInput(f"name at least one of {', '.join(_SETTINGS)}", field="body")
    await group_op(zg, instance.id, GroupOp.SETTINGS, group=group, **change)
    return done()


def _participants_route(path: str, action: ParticipantAction, model: type[Doc]) -> None:
    async def change(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
        fields = json_fields(body)
        group = await _members_of(zg, instance.id, fields)
        auto_invite = action is ParticipantAction.ADD and fields.bool_("autoInvite")
        reply = await group_op(zg, instance.id, GroupOp.PARTICIPANTS, group=group, phones=_phones(fields),
                          change=action.value, autoInvite=auto_invite)
        return done(from_plain(ParticipantResults, reply["results"]).results, auto_invite)

    change.__name__ = path.replace("-", "_")
    router.post(f"/{path}", **doc(model, ok=d.GroupDone, fails=GROUP_FAILS))(change)


for _path, _action, _model in (
        ("add-participant", ParticipantAction.ADD, d.AddParticipants),
        ("remove-participant", ParticipantAction.REMOVE, d.GroupParticipants),
        ("approve-participant", ParticipantAction.APPROVE, d.GroupParticipants),
        ("reject-participant", ParticipantAction.REJECT, d.GroupParticipants),
        ("add-admin", ParticipantAction.PROMOTE, d.GroupParticipants),
        ("remove-admin", ParticipantAction.DEMOTE, d.GroupParticipants)):
    _participants_route(_path, _action, _model)


@router.post("/leave-group", **doc(d.GroupRef, ok=d.GroupDone, fails=GROUP_FAILS))
async def leave_group(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    await group_op(zg, instance.id, GroupOp.LEAVE, group=_group(json_fields(body), "groupId"))
    return done()


async def _metadata(zg: AppState, instance_id: str, group_id: str, with_link: bool) -> dict[str, Any]:
    group = parse_group_id(group_id, "groupId")
    reply = await group_op(zg, instance_id, GroupOp.INFO, group=group, withLink=with_link)
    info = from_plain(GroupInfo, reply["group"])
    return metadata(info)


@router.get("/group-metadata/{group_id}", **doc(ok=d.GroupMetadata, fails=GROUP_FAILS))
async def group_metadata(instance: InstanceDep, zg: State, group_id: GroupPath) -> dict[str, Any]:
    return await _metadata(zg, instance.id, group_id, with_link=True)


@router.get("/light-group-metadata/{group_id}", **doc(ok=d.GroupMetadata, fails=GROUP_FAILS))
async def light_group_metadata(instance: InstanceDep, zg: State, group_id: GroupPath) -> dict[str, Any]:
    return await _metadata(zg, instance.id, group_id, with_link=False)


def _code(url: str | None, upper: str | None) -> str:
    value = url if url is not None else upper
    code = invite_code(value or "")
    if not code or len(code) > 64 or not code.isascii() or not code.isalnum():
        raise InvalidInput("must be a WhatsApp group invite link (https://chat.whatsapp.com/<code>)", field="url")
    return code


@router.get("/group-invitation-metadata", **doc(ok=d.InvitationMetadata, fails=GROUP_FAILS))
async def group_invitation_metadata(instance: InstanceDep, zg: State, url: InviteUrl = None,
                                    url_upper: Annotated[str | None, Query(alias="URL", max_length=256)] = None
                                    ) -> dict[str, Any]:
    code = _code(url, url_upper)
    info = from_plain(GroupInfo, (await group_op(zg, instance.id, GroupOp.INVITE_INFO, code=code))["group"])
    return invite_metadata(info, code)


async def _link(zg: AppState, instance_id: str, group_id: str, reset: bool) -> str:
    group = parse_group_id(group_id, "groupId")
    link: str = (await group_op(zg, instance_id, GroupOp.LINK, group=group, reset=reset))["link"]
    return link


@router.get("/group-invitation-link/{group_id}", **doc(ok=d.InvitationLink, fails=GROUP_FAILS))
@router.post("/group-invitation-link/{group_id}", **doc(ok=d.InvitationLink, fails=GROUP_FAILS))
async def group_invitation_link(instance: InstanceDep, zg: State, group_id: GroupPath) -> dict[str, Any]:
    link = await _link(zg, instance.id, group_id, reset=False)
    return {"phone": group_phone(parse_group_id(group_id)), "invitationLink": link}


@router.post("/redefine-invitation-link/{group_id}", **doc(ok=d.NewInvitationLink, fails=GROUP_FAILS))
async def redefine_invitation_link(instance: InstanceDep, zg: State, group_id: GroupPath) -> dict[str, Any]:
    return {"invitationLink": await _link(zg, instance.id, group_id, reset=True)}


@router.get("/accept-invite-group", **doc(ok=d.Success, fails=GROUP_FAILS))
async def accept_invite_group(instance: InstanceDep, zg: State, url: InviteUrl = None,
                              url_upper: Annotated[str | None, Query(alias="URL", max_length=256)] = None
                              ) -> dict[str, Any]:
    joined = from_plain(JoinResult, (await group_op(zg, instance.id, GroupOp.JOIN, code=_code(url, url_upper)))["join"])
    return {"success": True, "pending": joined.pending_approval}
