"""Z-API community routes. A community is a parent group (its id is the community id) with linked groups,
one of them its announcement group; members and admins change through ``add-participant`` & co with
``communityId`` (see ``groups.py``)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from gateway.api import group_docs as d
from gateway.api.account import Json
from gateway.api.account import fields as json_fields
from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.groups import GROUP_FAILS, community, group_op
from gateway.api.openapi import CLIENT_TOKEN, INSTANCE_ERRORS, doc
from gateway.core.errors import InvalidInput
from gateway.core.events import from_plain
from gateway.core.groups import Community, CommunityList, GroupOp, LinkResults, group_phone, parse_group_id
from gateway.media.input import parse_media

router = APIRouter(prefix="/instances/{instance_id}/token/{token}", tags=["communities"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)
CommunityPath = Annotated[str, Path(max_length=64, description="the community's id")]


def community_id(jid: str) -> str:
    return jid.removesuffix("@g.us")


def _view(c: Community) -> dict[str, Any]:
    return {"id": community_id(c.jid), "subGroups": [
        {"name": g.name, "phone": group_phone(g.jid), "isGroupAnnouncement": g.is_announcement}
        for g in c.sub_groups]}


@router.post("/communities", **doc(d.CreateCommunity, ok=d.CommunityAnswer, fails=GROUP_FAILS))
async def create_community(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    name = fields.str_("name", required=True, max_len=100).strip()
    description = fields.str_("description", max_len=2048, allow_empty=True)
    created = from_plain(Community, (await group_op(zg, instance.id, GroupOp.COMMUNITY_CREATE, name=name,
                                               description=description))["community"])
    return _view(created)


@router.get("/communities", **doc(ok=list[d.CommunityListItem], fails=GROUP_FAILS))
async def list_communities(instance: InstanceDep, zg: State,
                           page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                           page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000)] = 100
                           ) -> list[dict[str, Any]]:
    found = from_plain(CommunityList, (await group_op(zg, instance.id, GroupOp.COMMUNITY_LIST))["communities"])
    ordered = sorted(found.communities, key=lambda c: (c.name.lower(), c.jid))
    return [{"name": c.name, "id": community_id(c.jid)} for c in ordered[(page - 1) * page_size: page * page_size]]


@router.get("/communities-metadata/{community_id}", **doc(ok=d.CommunityMetadata, fails=GROUP_FAILS))
async def community_metadata(instance: InstanceDep, zg: State, community_id: CommunityPath) -> dict[str, Any]:
    found = await community(zg, instance.id, parse_group_id(community_id, "communityId"))
    return {"name": found.name, "description": found.description, **_view(found)}


async def _link(zg: Any, instance_id: str, body: Any, link: bool) -> dict[str, Any]:
    fields = json_fields(body)
    jid = parse_group_id(fields.raw.get("communityId"), "communityId")
    groups = [parse_group_id(g, f"groupsPhones.{i}") for i, g in enumerate(fields.list_("groupsPhones"))]
    reply = await group_op(zg, instance_id, GroupOp.COMMUNITY_LINK, community=jid, groups=groups, link=link)
    failed = [{"phone": group_phone(r.group_jid), "error": r.error}
              for r in from_plain(LinkResults, reply["results"]).results if r.error]
    return {"success": True, **({"failed": failed} if failed else {})}


@router.post("/communities/link", **doc(d.CommunityGroups, ok=d.LinkAnswer, fails=GROUP_FAILS))
async def link_groups(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    return await _link(zg, instance.id, body, link=True)


@router.post("/communities/unlink", **doc(d.CommunityGroups, ok=d.LinkAnswer, fails=GROUP_FAILS))
async def unlink_groups(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    return await _link(zg, instance.id, body, link=False)


@router.post("/communities/settings", **doc(d.CommunitySettings, ok=d.Success, fails=GROUP_FAILS))
async def community_settings(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    jid = parse_group_id(fields.raw.get("communityId"), "communityId")
    who = fields.str_("whoCanAddNewGroups", required=True)
    if who not in ("admins", "all"):
        raise InvalidInput("must be admins or all", field="whoCanAddNewGroups")
    await group_op(zg, instance.id, GroupOp.COMMUNITY_SETTINGS, community=jid, who=who)
    return {"success": True}


@router.delete("/communities/{community_id}", **doc(ok=d.Success, fails=GROUP_FAILS))
async def deactivate_community(instance: InstanceDep, zg: State, community_id: CommunityPath) -> dict[str, Any]:
    jid = parse_group_id(community_id, "communityId")
    await group_op(zg, instance.id, GroupOp.COMMUNITY_DEACTIVATE, community=jid)
    return {"success": True}


@router.post("/update-community-description", **doc(d.CommunityDescription, ok=d.GroupDone, fails=GROUP_FAILS))
async def update_community_description(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    jid = parse_group_id(fields.raw.get("communityId"), "communityId")
    text = fields.str_("communityDescription", required=True, max_len=2048, allow_empty=True)
    await community(zg, instance.id, jid)  # a community, not any group
    await group_op(zg, instance.id, GroupOp.DESCRIPTION, group=jid, description=text)
    return {"value": True}


@router.post("/update-community-photo", **doc(d.CommunityPhoto, ok=d.GroupDone, fails=(*GROUP_FAILS, 413)))
async def update_community_photo(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    jid = parse_group_id(fields.raw.get("communityId"), "communityId")
    given = parse_media(fields.raw.get("communityPhoto"), "communityPhoto", "image", zg.settings.max_media_bytes)
    await community(zg, instance.id, jid)  # a community, not any group: before fetching anything
    jpeg = await zg.media.picture(given, "communityPhoto")
    await group_op(zg, instance.id, GroupOp.PHOTO, group=jid, jpeg=base64.b64encode(jpeg).decode())
    return {"value": True}
