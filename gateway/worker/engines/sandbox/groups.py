"""The sandbox phone's group world: the groups it knows, changed by it or by others, with WhatsApp's rules.

Every change is made on a copy, stored (``EngineContext.group_store``, Postgres in a worker), swapped in, and
only then told as ``GroupNotified`` events, one per change, in order, each awaited until durable. The phone
is told only about groups it is in (a group it left is kept, unseen, so its invite link still resolves).
Join requests (``MEMBERSHIP_APPROVAL_REQUEST``, ``REVOKED_MEMBERSHIP_REQUESTS``) reach it only as an admin.

Rules, as WhatsApp applies them (``NotGroupAdmin`` otherwise):
- subject, description and photo: any member, only admins while ``adminOnlySettings`` is on;
- settings, remove, promote, demote, approve, reject, resetting the invite link: admins;
- add: admins, any member while ``adminOnlyAddMember`` is off (then, with ``requireAdminApproval`` on, the add
  becomes a join request ``non_admin_add``); seeing the invite link: admins, any member while
  ``adminOnlyAddMember`` is off (WhatsApp's member link mode).
Per-phone results: 404 not on WhatsApp (or not a member / no request, for the other actions), 403 needs an
invite (with a private invite code), 409 already a member, 406 the creator cannot be removed or demoted, nor
can one remove oneself (leave instead).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from gateway.core.errors import GroupNotFound, InvalidInput, NotGroupAdmin
from gateway.core.events import Address, EngineEvent, GroupNotified
from gateway.core.groups import GroupSettings, JoinResult, ParticipantAction, ParticipantResult, notification_id
from gateway.core.phones import phone_address
from gateway.worker.engines.base import GroupStateStore
from gateway.worker.engines.sandbox.group_state import (
    PRIVATE_INVITE_TTL_S,
    Request,
    Role,
    SandboxGroup,
    invite_link_of,
    needs_invite,
    new_group_jid,
    new_invite_code,
    on_whatsapp,
)

JOINED_BY_LINK = "GROUP_PARTICIPANT_INVITE"  # how WhatsApp tells a join through an invite link
_TOLD_TO_ADMINS = frozenset({"MEMBERSHIP_APPROVAL_REQUEST", "REVOKED_MEMBERSHIP_REQUESTS"})


def _on_off(value: bool) -> str:
    return "on" if value else "off"


class GroupWorld:
    """The groups one instance's simulated phone knows. ``me()`` is the phone's number (None: unpaired)."""

    def __init__(self, instance_id: str, store: GroupStateStore | None, *,
                 emit: Callable[[EngineEvent], Awaitable[None]], rng: random.Random, clock: Callable[[], int],
                 me: Callable[[], str | None]) -> None:
        self.instance_id = instance_id
        self.store = store
        self.emit = emit
        self.rng = rng
        self.clock = clock
        self.me = me
        self.groups: dict[str, SandboxGroup] = {}
        self.loaded = False
        self._lock = asyncio.Lock()
        self._last_ms = 0
        self._told: list[str] = []  # notification ids of the change in progress
        self._actor_name = ""  # the push name the change in progress is told with

    def __repr__(self) -> str:
        return f"<GroupWorld {self.instance_id} groups={len(self.groups)}>"

    # plumbing --------------------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def change(self, actor_name: str = "") -> AsyncIterator[list[str]]:
        """One change at a time, on a loaded world; yields the ids of the notifications it tells."""
        async with self._lock:
            if not self.loaded:
                if self.store is not None:
                    for state in await self.store.load_groups(self.instance_id):
                        group = SandboxGroup.from_state(state)
                        self.groups[group.jid] = group
                self.loaded = True
            self._told, self._actor_name = [], actor_name
            yield self._told

    def _phone(self) -> str:
        phone = self.me()
        assert phone is not None, "group calls need a paired phone"
        return phone

    def visible(self, jid: str) -> SandboxGroup:
        """A group the phone is in (what it can see of WhatsApp), else ``GroupNotFound``."""
        group = self.groups.get(jid)
        if group is None or group.deactivated or group.member(self._phone()) is None:
            raise GroupNotFound(f"the instance is not in the group {jid}")
        return group

    def by_code(self, code: str) -> SandboxGroup:
        group = next((g for g in self.groups.values() if g.invite_code == code and not g.deactivated), None)
        if group is None:
            raise GroupNotFound("no group has this invite link: it is invalid or was reset")
        return group

    def new_jid(self) -> str:
        """A group id no group of this world has (a seeded rng repeats itself after a worker change)."""
        jid = new_group_jid(self.rng)
        while jid in self.groups:
            jid = new_group_jid(self.rng)
        return jid

    def new_code(self) -> str:
        taken = {g.invite_code for g in self.groups.values()}
        code = new_invite_code(self.rng)
        while code in taken:
            code = new_invite_code(self.rng)
        return code

    def now_ms(self) -> int:
        """Strictly increasing, so two equal changes never share a notification id."""
        self._last_ms = max(self.clock(), self._last_ms + 1)
        return self._last_ms

    async def commit(self, group: SandboxGroup) -> None:
        if self.store is not None:
            await self.store.save_group(self.instance_id, group.jid, group.to_state())
        self.groups[group.jid] = group

    async def tell(self, group: SandboxGroup, kind: str, actor: str, *, participants: tuple[str, ...] = (),
                   parameters: tuple[str, ...] = (), force: bool = False, **extra: Any) -> None:
        """Emit one notification, if the phone is in the group (``force``: it just left or was removed)."""
        me = self._phone()
        if not force and group.member(me) is None:
            return
        if kind in _TOLD_TO_ADMINS and not group.is_admin(me):
            return
        at = self.now_ms()
        people: tuple[Address, ...] = tuple(phone_address(p) for p in participants)
        nid = notification_id(group.jid, kind, at, actor, *participants, *parameters)
        await self.emit(GroupNotified(group=group.address(), kind=kind, timestamp_ms=at, notification_id=nid,
                                      actor=phone_address(actor), actor_name=self._actor_name, from_me=actor == me,
                                      participants=people, parameters=parameters, subject=group.subject, **extra))
        self._told.append(nid)

    # checks ----------------------------------------------------------------------------------------
    def editable(self, jid: str, actor: str) -> SandboxGroup:
        """A copy of a group the phone sees and ``actor`` is in, to change."""
        group = self.visible(jid)
        if group.member(actor) is None:
            raise InvalidInput(f"{actor} is not a member of the group", field="by")
        return group.clone()

    @staticmethod
    def need_admin(group: SandboxGroup, actor: str, what: str) -> None:
        if not group.is_admin(actor):
            raise NotGroupAdmin(f"only group admins can {what} ({actor} is not an admin of {group.jid})")

    # changes (the caller holds ``change()``) -----------------------------------------------------------
    def new_group(self, actor: str, subject: str, *, jid: str | None = None) -> SandboxGroup:
        """A new group ``actor`` creates (its super admin), not stored yet."""
        now = self.now_ms()
        group = SandboxGroup(jid=jid or self.new_jid(), subject=subject, owner=actor, created_ms=now,
                             invite_code=self.new_code(), subject_time_ms=now, subject_owner=actor)
        group.add_member(actor, Role.SUPER_ADMIN)
        return group

    async def create(self, actor: str, subject: str, phones: list[str], *, jid: str | None = None
                     ) -> tuple[SandboxGroup, list[ParticipantResult]]:
        group = self.new_group(actor, subject, jid=jid)
        results = [self._add_result(group, phone) for phone in phones]
        await self.commit(group)
        await self.tell(group, "GROUP_CREATE", actor, parameters=(subject,))
        return group, results

    def _add_result(self, group: SandboxGroup, phone: str) -> ParticipantResult:
        """Add one phone if WhatsApp would (the sandbox rules), and say what happened."""
        address = phone_address(phone)
        if group.member(phone) is not None:
            return ParticipantResult(address, error=409)
        if not on_whatsapp(phone):
            return ParticipantResult(address, error=404)
        if needs_invite(phone):
            return ParticipantResult(address, error=403, invite_code=self.new_code(),
                                     invite_expiration_s=self.clock() // 1000 + PRIVATE_INVITE_TTL_S)
        group.add_member(phone)
        return ParticipantResult(address)

    async def set_subject(self, actor: str, jid: str, subject: str) -> None:
        group = self.editable(jid, actor)
        if group.admin_only_settings:
            self.need_admin(group, actor, "change the subject while only admins edit the group info")
        group.subject, group.subject_time_ms, group.subject_owner = subject, self.now_ms(), actor
        await self.commit(group)
        await self.tell(group, "GROUP_CHANGE_SUBJECT", actor, parameters=(subject,))

    async def set_description(self, actor: str, jid: str, text: str) -> None:
        group = self.editable(jid, actor)
        if group.admin_only_settings:
            self.need_admin(group, actor, "change the description while only admins edit the group info")
        group.description = text
        await self.commit(group)
        await self.tell(group, "GROUP_CHANGE_DESCRIPTION", actor, parameters=(text,) if text else ())

    async def set_photo(self, actor: str, jid: str, jpeg: bytes) -> None:
        group = self.editable(jid, actor)
        if group.admin_only_settings:
            self.need_admin(group, actor, "change the photo while only admins edit the group info")
        group.photo_sha256, group.photo_size = hashlib.sha256(jpeg).hexdigest(), len(jpeg)
        await self.commit(group)
        await self.tell(group, "GROUP_CHANGE_ICON", actor)

    async def set_settings(self, actor: str, jid: str, change: GroupSettings) -> None:
        group = self.editable(jid, actor)
        self.need_admin(group, actor, "change the group settings")
        told: list[tuple[str, bool]] = []
        for name, kind in (("admin_only_message", "GROUP_CHANGE_ANNOUNCE"),
                           ("admin_only_settings", "GROUP_CHANGE_RESTRICT"),
                           ("require_admin_approval", "GROUP_MEMBERSHIP_JOIN_APPROVAL_MODE"),
                           ("admin_only_add_member", "GROUP_MEMBER_LINK_PROPERTY_UPDATE")):
            wanted = getattr(change, name)
            if wanted is not None and wanted != getattr(group, name):
                setattr(group, name, wanted)
                told.append((kind, wanted))
        await self.commit(group)
        for kind, value in told:
            if kind == "GROUP_MEMBER_LINK_PROPERTY_UPDATE":
                await self.tell(group, kind, actor, link_mode="ADMIN_LINK" if value else "ALL_MEMBER_LINK")
            else:
                await self.tell(group, kind, actor, parameters=(_on_off(value),))

    async def update(self, actor: str, jid: str, phones: list[str], action: ParticipantAction
                     ) -> list[ParticipantResult]:
        group = self.editable(jid, actor)
        if action is ParticipantAction.ADD:
            return await self._add(group, actor, phones)
        self.need_admin(group, actor, f"{action.value} participants")
        results: list[ParticipantResult] = []
        done: list[str] = []
        for phone in dict.fromkeys(phones):
            error = self._apply(group, actor, phone, action)
            results.append(ParticipantResult(phone_address(phone), error=max(error, 0)))
            if error == 0:
                done.append(phone)
        await self.commit(group)
        me = self._phone()
        if action is ParticipantAction.REJECT:
            for phone in done:
                await self.tell(group, "REVOKED_MEMBERSHIP_REQUESTS", actor, participants=(phone,))
        elif done:
            kind = {ParticipantAction.REMOVE: "GROUP_PARTICIPANT_REMOVE", ParticipantAction.APPROVE:
                    "GROUP_PARTICIPANT_ADD", ParticipantAction.PROMOTE: "GROUP_PARTICIPANT_PROMOTE",
                    ParticipantAction.DEMOTE: "GROUP_PARTICIPANT_DEMOTE"}[action]
            await self.tell(group, kind, actor, participants=tuple(done), force=me in done)
        return results

    @staticmethod
    def _apply(group: SandboxGroup, actor: str, phone: str, action: ParticipantAction) -> int:
        """One phone of a remove/promote/demote/approve/reject: 0 done, -1 nothing to do, else the error."""
        member = group.member(phone)
        if action in (ParticipantAction.APPROVE, ParticipantAction.REJECT):
            if group.request(phone) is None:
                return 404
            if action is ParticipantAction.APPROVE:
                group.add_member(phone)
            else:
                group.drop_request(phone)
            return 0
        if member is None:
            return 404
        if action is ParticipantAction.PROMOTE:
            if member.is_admin:
                return -1
            member.role = Role.ADMIN
            return 0
        if member.role is Role.SUPER_ADMIN or (action is ParticipantAction.REMOVE and phone == actor):
            return 406
        if action is ParticipantAction.DEMOTE:
            if not member.is_admin:
                return -1
            member.role = Role.MEMBER
            return 0
        group.remove_member(phone)
        return 0

    async def _add(self, group: SandboxGroup, actor: str, phones: list[str]) -> list[ParticipantResult]:
        if group.admin_only_add_member:
            self.need_admin(group, actor, "add participants")
        if not group.is_admin(actor) and group.require_admin_approval:
            return await self._ask_to_add(group, actor, phones)
        results = [self._add_result(group, phone) for phone in dict.fromkeys(phones)]
        await self.commit(group)
        added = tuple(r.address.phone or "" for r in results if r.error == 0)
        if added:
            await self.tell(group, "GROUP_PARTICIPANT_ADD", actor, participants=added)
        return results

    async def _ask_to_add(self, group: SandboxGroup, actor: str, phones: list[str]) -> list[ParticipantResult]:
        """A member adds while joining needs approval: WhatsApp files a join request for the admins."""
        results: list[ParticipantResult] = []
        asked: list[str] = []
        for phone in dict.fromkeys(phones):
            if group.member(phone) is not None:
                results.append(ParticipantResult(phone_address(phone), error=409))
            elif not on_whatsapp(phone):
                results.append(ParticipantResult(phone_address(phone), error=404))
            else:
                group.drop_request(phone)
                group.requests.append(Request(phone, self.clock(), "non_admin_add", actor))
                asked.append(phone)
                results.append(ParticipantResult(phone_address(phone)))
        await self.commit(group)
        for phone in asked:
            await self.tell(group, "MEMBERSHIP_APPROVAL_REQUEST", actor, participants=(phone, actor),
                            request_method="non_admin_add")
        return results

    async def leave(self, actor: str, jid: str) -> None:
        group = self.editable(jid, actor)
        group.remove_member(actor)
        await self.commit(group)
        await self.tell(group, "GROUP_PARTICIPANT_LEAVE", actor, participants=(actor,), force=True)

    async def invite_link(self, actor: str, jid: str, *, reset: bool) -> str:
        group = self.editable(jid, actor)
        if reset:
            self.need_admin(group, actor, "reset the invite link")
            group.invite_code = self.new_code()
            await self.commit(group)
        elif not group.members_see_link():
            self.need_admin(group, actor, "see the invite link")
        return invite_link_of(group.invite_code)

    async def join(self, actor: str, group: SandboxGroup, *, kind: str = JOINED_BY_LINK) -> JoinResult:
        """``actor`` uses the group's invite link: joins, or asks to when approval is required."""
        if group.member(actor) is not None:
            return JoinResult(group.jid)
        group = group.clone()
        if group.require_admin_approval:
            if group.request(actor) is None:
                group.requests.append(Request(actor, self.clock()))
                await self.commit(group)
                await self.tell(group, "MEMBERSHIP_APPROVAL_REQUEST", actor, participants=(actor,),
                                request_method="invite_link")
            return JoinResult(group.jid, pending_approval=True)
        group.add_member(actor)
        await self.commit(group)
        await self.tell(group, kind, actor, participants=(actor,))
        return JoinResult(group.jid)

