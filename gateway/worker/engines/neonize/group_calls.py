"""The neonize engine's group methods: one bounded FFI call each (shared FFI lock), errors mapped to ours.

neonize 0.5.2 exports no call for approving or rejecting join requests, nor for the join-approval and
member-add modes (whatsmeow's ``UpdateGroupRequestParticipants``, ``SetGroupJoinApprovalMode`` and
``SetGroupMemberAddMode`` are not in its shared library), nor for a community's "who can add groups"
setting or its deactivation: those raise ``Unsupported`` before anything is sent. Every call is a network
IQ without a timeout of its own; ``asyncio.wait_for`` bounds the wait (the Go call itself cannot be
cancelled and finishes in its pool thread). A method that makes several calls bounds them all together.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from gateway.core.engine_gaps import NeonizeGap, gap_error
from gateway.core.errors import EngineError, GroupNotFound, InvalidInput, NotConnected, ZapgateError
from gateway.core.events import GroupNotified
from gateway.core.groups import (
    Community,
    CreatedGroup,
    GroupInfo,
    GroupSettings,
    JoinRequest,
    JoinResult,
    LinkResult,
    ParticipantAction,
    ParticipantResult,
    invite_code,
)
from gateway.worker.engines.neonize import groups
from gateway.worker.engines.neonize.runtime import NeonizeRuntime
from gateway.worker.engines.neonize.translate import PHONE_SERVER, device_jid_proto, jid_string

log = logging.getLogger(__name__)


def user_jid(phone: str) -> Any:
    """Digits (or a full JID) → the ``JID`` protobuf of a user."""
    value = phone.strip()
    if "@" in value:
        return device_jid_proto(value)
    return device_jid_proto(f"{''.join(ch for ch in value if ch.isdigit())}@{PHONE_SERVER}")


class GroupCalls:
    """What the engine does for groups; the engine's methods delegate here.

    ``subjects`` (group JID → subject) is shared with the event translation, so notifications and
    invites carry the group's name.
    """

    def __init__(self, client: Any, runtime: NeonizeRuntime, *, connected: Callable[[], bool],
                 me: Callable[[], groups.Me], timeout_s: float) -> None:
        self.client = client
        self.runtime = runtime
        self.connected = connected
        self.me = me
        self.timeout_s = timeout_s
        self.subjects: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"<GroupCalls subjects={len(self.subjects)} timeout_s={self.timeout_s}>"

    # events (Go callback thread; no FFI) ------------------------------------------------------------
    def on_joined(self, proto: Any) -> list[GroupNotified]:
        return groups.joined(proto, self.me(), self.subjects, int(time.time() * 1000))

    def on_changed(self, proto: Any) -> list[GroupNotified]:
        return groups.changed(proto, self.me(), self.subjects)

    def on_picture(self, proto: Any) -> list[GroupNotified]:
        return groups.picture(proto, self.me(), self.subjects)

    # calls --------------------------------------------------------------------------------------------
    def _deadline(self) -> float:
        """For a method that makes several calls: all of them within ``timeout_s``."""
        return asyncio.get_running_loop().time() + self.timeout_s

    async def _call(self, what: str, method: str, *args: Any, deadline: float | None = None, **kwargs: Any) -> Any:
        if not self.connected():
            raise NotConnected("the instance is not connected")
        limit = self.timeout_s if deadline is None else deadline - asyncio.get_running_loop().time()
        if limit <= 0:  # checked here: a call started with no time left would still reach WhatsApp
            raise EngineError(f"{what}: not sent, WhatsApp did not answer within {self.timeout_s:g}s")
        fn = getattr(self.client, method)
        if kwargs:
            fn = functools.partial(fn, **kwargs)
        try:
            return await asyncio.wait_for(self.runtime.call(fn, *args), limit)
        except TimeoutError:
            raise EngineError(f"{what}: WhatsApp did not answer within {self.timeout_s:g}s") from None
        except ZapgateError:
            raise
        except Exception as exc:
            raise groups.group_error(what, exc) from exc

    def _info(self, proto: Any) -> GroupInfo:
        info = groups.group_info(proto)
        if info.jid:
            self.subjects[info.jid] = info.subject
        return info

    async def list_groups(self) -> list[GroupInfo]:
        return [self._info(g) for g in await self._call("list groups", "get_joined_groups")]

    async def group_info(self, group: str, *, with_invite_link: bool = False) -> GroupInfo:
        jid = device_jid_proto(group)
        info = self._info(await self._call("group info", "get_group_info", jid))
        if not with_invite_link:
            return info
        try:
            link = await self._call("invite link", "get_group_invite_link", jid, False)
        except NotConnected:
            raise
        except ZapgateError as err:
            reason = groups.invite_link_error(err.__cause__ or err)
            if reason is None:
                raise
            return dataclasses.replace(info, invite_link_error=reason)
        return dataclasses.replace(info, invite_link=str(link))

    async def create_group(self, name: str, phones: list[str]) -> CreatedGroup:
        proto = await self._call("create group", "create_group", name, [user_jid(p) for p in phones])
        info = self._info(proto)
        mine = self.me()
        results = tuple(groups.participant_result(p) for p in proto.Participants)
        return CreatedGroup(group=info, results=tuple(r for r in results if not mine.owns(r.address)))

    async def set_group_name(self, group: str, name: str) -> None:
        await self._call("set group name", "set_group_name", device_jid_proto(group), name)
        self.subjects[group] = name

    async def set_group_description(self, group: str, description: str) -> None:
        # the description is whatsmeow's topic; empty ids: whatsmeow reads the previous one and makes a new one
        await self._call("set group description", "set_group_topic", device_jid_proto(group), "", "", description)

    async def set_group_photo(self, group: str, jpeg: bytes) -> None:
        await self._call("set group photo", "set_group_photo", device_jid_proto(group), bytes(jpeg))

    async def set_group_settings(self, group: str, change: GroupSettings) -> None:
        if change.require_admin_approval is not None:
            raise gap_error(NeonizeGap.JOIN_APPROVAL_MODE)
        if change.admin_only_add_member is not None:
            raise gap_error(NeonizeGap.MEMBER_ADD_MODE)
        jid = device_jid_proto(group)
        if change.admin_only_message is not None:
            await self._call("set group announce", "set_group_announce", jid, change.admin_only_message)
        if change.admin_only_settings is not None:
            await self._call("set group locked", "set_group_locked", jid, change.admin_only_settings)

    async def update_participants(self, group: str, phones: list[str], action: ParticipantAction
                                  ) -> list[ParticipantResult]:
        from neonize.utils.enum import ParticipantChange

        if action in (ParticipantAction.APPROVE, ParticipantAction.REJECT):
            raise gap_error(NeonizeGap.JOIN_REQUESTS, action.value)
        change = {ParticipantAction.ADD: ParticipantChange.ADD, ParticipantAction.REMOVE: ParticipantChange.REMOVE,
                  ParticipantAction.PROMOTE: ParticipantChange.PROMOTE,
                  ParticipantAction.DEMOTE: ParticipantChange.DEMOTE}[action]
        out = await self._call(f"{action.value} participants", "update_group_participants", device_jid_proto(group),
                               [user_jid(p) for p in phones], change)
        return [groups.participant_result(p) for p in out]

    async def join_requests(self, group: str) -> list[JoinRequest]:
        out = await self._call("join requests", "get_group_request_participants", device_jid_proto(group))
        return [groups.join_request(r) for r in out]

    async def leave_group(self, group: str) -> None:
        await self._call("leave group", "leave_group", device_jid_proto(group))

    async def invite_link(self, group: str, *, reset: bool = False) -> str:
        link = await self._call("reset invite link" if reset else "invite link", "get_group_invite_link",
                                device_jid_proto(group), reset)
        return str(link)

    async def invite_info(self, code: str) -> GroupInfo:
        bare = _code(code)
        info = self._info(await self._call("invite info", "get_group_info_from_link", bare))
        return dataclasses.replace(info, invite_link=groups.INVITE_LINK_PREFIX + bare)

    async def join_with_link(self, code: str) -> JoinResult:
        # whatsmeow answers the group JID whether we joined or our request awaits approval: not told apart
        jid = await self._call("join group", "join_group_with_link", _code(code))
        return JoinResult(group_jid=jid_string(jid))

    async def send_group_invite(self, group: str, result: ParticipantResult, caption: str) -> None:
        from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

        if not result.invite_code:
            raise EngineError(f"WhatsApp offered no invite code for {result.address.jid}", transient=False)
        name = self.subjects.get(group)
        if name is None:
            name = (await self.group_info(group)).subject
        invite = E.GroupInviteMessage(groupJID=group, inviteCode=result.invite_code,
                                      inviteExpiration=int(result.invite_expiration_s or 0), groupName=name,
                                      caption=caption, groupType=E.GroupInviteMessage.DEFAULT)
        await self._call("send group invite", "send_message", device_jid_proto(result.address.jid),
                         E.Message(groupInviteMessage=invite))

    # communities --------------------------------------------------------------------------------------
    def _community(self, parent: GroupInfo, targets: Any, description: str | None = None) -> Community:
        out = groups.community(parent, targets, description)
        self.subjects.update((g.jid, g.name) for g in out.sub_groups if g.jid)
        return out

    async def create_community(self, name: str, description: str) -> Community:
        """The parent group, then its description, then its sub-groups (WhatsApp adds the announcement group).

        Once the parent exists nothing raises (a retry would make a second community): a description or
        sub-group call that fails is logged and shows in the answer (description ``""``, no sub-groups).
        """
        from neonize.proto.Neonize_pb2 import GroupParent

        deadline = self._deadline()
        parent = GroupParent(IsParent=True, DefaultMembershipApprovalMode="request_required")
        info = self._info(await self._call("create community", "create_group", name, [], group_parent=parent,
                                           deadline=deadline))
        if not info.jid:
            raise EngineError("create community: WhatsApp's answer has no community id", transient=False)
        jid, described, targets = device_jid_proto(info.jid), info.description, []
        if description:
            try:
                await self._call("set community description", "set_group_topic", jid, "", "", description,
                                 deadline=deadline)
                described = description
            except ZapgateError as err:
                log.warning("community %s created without its description: %s", info.jid, err)
        try:
            targets = await self._call("community sub-groups", "get_sub_groups", jid, deadline=deadline)
        except ZapgateError as err:
            log.warning("community %s created; its sub-groups could not be read: %s", info.jid, err)
        return self._community(info, targets, described)

    async def list_communities(self) -> list[Community]:
        """The joined parent groups, each with its sub-groups (one call per community, all within ``timeout_s``).

        The list itself is complete or an error; a community whose sub-groups could not be read (we left it
        meanwhile, time ran out) is listed without them (every community has at least its announcement group).
        """
        deadline = self._deadline()
        joined = [self._info(g) for g in await self._call("list communities", "get_joined_groups", deadline=deadline)]
        out = []
        for info in joined:
            if not info.is_community:
                continue
            targets: Any = []
            try:
                targets = await self._call("community sub-groups", "get_sub_groups", device_jid_proto(info.jid),
                                           deadline=deadline)
            except NotConnected:
                raise
            except ZapgateError as err:
                log.warning("community %s listed without its sub-groups: %s", info.jid, err)
            out.append(self._community(info, targets))
        return out

    async def community_info(self, community: str) -> Community:
        deadline, jid = self._deadline(), device_jid_proto(community)
        info = self._info(await self._call("community info", "get_group_info", jid, deadline=deadline))
        if not info.is_community:
            raise GroupNotFound(f"community info: {community} is a group, not a community")
        return self._community(info, await self._call("community sub-groups", "get_sub_groups", jid,
                                                      deadline=deadline))

    async def link_groups(self, community: str, group_jids: list[str], *, link: bool) -> list[LinkResult]:
        """One ``link_group``/``unlink_group`` call per group, in order, all within ``timeout_s``.

        A group's failure is its result's code (by whatsmeow's error text: 404, 403, 409, 406, else 500);
        only a disconnected instance raises, before anything is sent.
        """
        if not self.connected():
            raise NotConnected("the instance is not connected")
        what, method = ("link group", "link_group") if link else ("unlink group", "unlink_group")
        deadline, parent = self._deadline(), device_jid_proto(community)
        results = []
        for group in group_jids:
            try:
                await self._call(what, method, parent, device_jid_proto(group), deadline=deadline)
            except ZapgateError as err:
                code = groups.link_error(err.__cause__ or err)
                log.info("%s %s to %s failed (%d): %s", what, group, community, code, err)
                results.append(LinkResult(group_jid=group, error=code))
            else:
                results.append(LinkResult(group_jid=group))
        return results

    async def set_community_settings(self, community: str, who_can_add_groups: str) -> None:
        raise gap_error(NeonizeGap.COMMUNITY_SETTINGS)

    async def deactivate_community(self, community: str) -> None:
        raise gap_error(NeonizeGap.COMMUNITY_DEACTIVATE)


def _code(link: str) -> str:
    code = invite_code(link)
    if not code:
        raise InvalidInput("must be a WhatsApp invite link or code", field="url")
    return code
