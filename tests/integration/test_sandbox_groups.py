"""The sandbox engine's groups, driven directly: WhatsApp's rules, the notifications they tell, and a group
world kept in Postgres that a new engine (a worker change) finds again."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any

import pytest

from gateway.core.config import Settings
from gateway.core.errors import GroupNotFound, InvalidInput, NotConnected, NotGroupAdmin
from gateway.core.events import EngineEvent, GroupNotified
from gateway.core.groups import GroupSettings, ParticipantAction
from gateway.core.models import EngineKind, InstanceId, PartnerId
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.db.sandbox_groups import SandboxGroupStore
from gateway.worker.engines.base import EngineContext
from gateway.worker.engines.sandbox.engine import SandboxEngine

ME = "5511999990000"
ALICE, BOB, DAVE, ERIN, FRANK = "5511911110001", "5511911110002", "5511911110004", "5511911110005", "5511911110006"
NEEDS_INVITE, NOT_ON_WA = "5511911110403", "5511911110404"
JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 100


@dataclass
class Rig:
    settings: Settings
    db: Database
    store: SandboxGroupStore
    instance_id: str
    events: list[EngineEvent] = field(default_factory=list)

    async def engine(self, *, paired: bool = True) -> SandboxEngine:
        """A sandbox engine for the instance, as a worker builds it (a new one = a worker change)."""

        def emit(event: EngineEvent) -> Awaitable[None]:
            self.events.append(event)
            stored: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            stored.set_result(None)  # as if JetStream stored it at once
            return stored

        engine = SandboxEngine(EngineContext(instance_id=self.instance_id, settings=self.settings, emit=emit,
                                             device_jid=f"{ME}:1@s.whatsapp.net" if paired else None,
                                             group_store=self.store))
        await engine.connect()
        return engine

    def told(self) -> list[GroupNotified]:
        """The group notifications emitted since the last call."""
        out = [e for e in self.events if isinstance(e, GroupNotified)]
        self.events.clear()
        return out


@pytest.fixture
async def rig(settings: Settings) -> AsyncIterator[Rig]:
    db = await Database.connect(settings, max_size=2)
    partner = await db.pool.fetchval("SELECT id FROM partners ORDER BY id LIMIT 1")
    instance_id = secrets.token_hex(16).upper()
    await InstanceStore(db).create(instance_id=InstanceId(instance_id), partner_id=PartnerId(partner),
                                   name="groups", engine=EngineKind.SANDBOX, token_hash="x", callbacks={},
                                   notify_sent_by_me=False)
    r = Rig(settings, db, SandboxGroupStore(db), instance_id)
    try:
        yield r
    finally:
        await db.close()


def _kinds(told: list[GroupNotified]) -> list[str]:
    return [n.kind for n in told]


def _people(n: GroupNotified) -> list[str | None]:
    return [p.phone for p in n.participants]


def _gid(jid: str) -> str:
    return jid.removesuffix("@g.us") + "-group"


async def test_create_then_add_with_whatsapps_per_phone_answers(rig: Rig) -> None:
    engine = await rig.engine()
    created = await engine.create_group("Team", [ALICE, NEEDS_INVITE, NOT_ON_WA, ALICE])
    group = created.group
    assert re.fullmatch(r"120363\d{12}@g\.us", group.jid)
    assert [(r.address.phone, r.error) for r in created.results] == [(ALICE, 0), (NEEDS_INVITE, 403),
                                                                     (NOT_ON_WA, 404)]
    invite = created.results[1]
    assert invite.invite_code and len(invite.invite_code) == 22 and invite.invite_expiration_s
    assert [(p.address.phone, p.is_admin, p.is_super_admin) for p in group.participants] == [
        (ME, True, True), (ALICE, False, False)]
    assert group.owner is not None and group.owner.phone == ME and group.subject == "Team"
    [create] = rig.told()
    assert (create.kind, create.parameters, create.from_me, create.subject) == ("GROUP_CREATE", ("Team",), True, "Team")
    assert create.actor is not None and create.actor.phone == ME and create.group.jid == group.jid
    assert re.fullmatch(r"\d{10}", create.notification_id)

    results = await engine.update_participants(group.jid, [ALICE, DAVE, NOT_ON_WA, NEEDS_INVITE], ParticipantAction.ADD)
    assert [r.error for r in results] == [409, 0, 404, 403]
    [add] = rig.told()
    assert add.kind == "GROUP_PARTICIPANT_ADD" and _people(add) == [DAVE] and add.from_me
    info = await engine.group_info(_gid(group.jid))
    assert [p.address.phone for p in info.participants] == [ME, ALICE, DAVE]
    assert [g.jid for g in await engine.list_groups()] == [group.jid]

    await engine.send_group_invite(group.jid, invite, caption="join us")
    assert engine.group_invites == [(group.jid, NEEDS_INVITE, invite.invite_code, "join us")]


async def test_a_full_group_life_tells_each_change(rig: Rig) -> None:
    engine = await rig.engine()
    jid = (await engine.create_group("Life", [ALICE, BOB])).group.jid
    rig.told()

    assert [r.error for r in await engine.update_participants(jid, [BOB], ParticipantAction.PROMOTE)] == [0]
    assert [r.error for r in await engine.update_participants(jid, [BOB], ParticipantAction.PROMOTE)] == [0]
    assert [r.error for r in await engine.update_participants(jid, [ME], ParticipantAction.DEMOTE)] == [406]
    assert [r.error for r in await engine.update_participants(jid, [ALICE, DAVE], ParticipantAction.REMOVE)] == [0, 404]
    assert [r.error for r in await engine.update_participants(jid, [BOB], ParticipantAction.DEMOTE)] == [0]
    told = rig.told()
    assert _kinds(told) == ["GROUP_PARTICIPANT_PROMOTE", "GROUP_PARTICIPANT_REMOVE", "GROUP_PARTICIPANT_DEMOTE"]
    assert [_people(n) for n in told] == [[BOB], [ALICE], [BOB]]
    assert all(n.from_me and n.actor is not None and n.actor.phone == ME for n in told)

    await engine.set_group_name(jid, "Renamed")
    await engine.set_group_description(jid, "about us")
    await engine.set_group_photo(jid, JPEG)
    subject, description, icon = rig.told()
    assert (subject.kind, subject.parameters, subject.subject) == ("GROUP_CHANGE_SUBJECT", ("Renamed",), "Renamed")
    assert (description.kind, description.parameters) == ("GROUP_CHANGE_DESCRIPTION", ("about us",))
    assert (icon.kind, icon.parameters) == ("GROUP_CHANGE_ICON", ())
    info = await engine.group_info(jid)
    assert (info.subject, info.description, info.subject_owner and info.subject_owner.phone) == (
        "Renamed", "about us", ME)
    state = await rig.db.pool.fetchval("SELECT state::text FROM sandbox_groups WHERE jid = $1", jid)
    assert '"photo_size": 504' in state and "photo" * 3 not in state  # the hash and size, never the bytes

    await engine.set_group_settings(jid, GroupSettings(admin_only_message=True, admin_only_settings=True,
                                                       require_admin_approval=True, admin_only_add_member=False))
    await engine.set_group_settings(jid, GroupSettings(admin_only_message=True))  # unchanged: nothing told
    told = rig.told()
    assert [(n.kind, n.parameters, n.link_mode) for n in told] == [
        ("GROUP_CHANGE_ANNOUNCE", ("on",), None), ("GROUP_CHANGE_RESTRICT", ("on",), None),
        ("GROUP_MEMBERSHIP_JOIN_APPROVAL_MODE", ("on",), None),
        ("GROUP_MEMBER_LINK_PROPERTY_UPDATE", (), "ALL_MEMBER_LINK")]
    assert (await engine.group_info(jid)).settings == GroupSettings(True, True, True, False)

    await engine.leave_group(jid)
    [leave] = rig.told()
    assert (leave.kind, _people(leave), leave.from_me) == ("GROUP_PARTICIPANT_LEAVE", [ME], True)
    assert await engine.list_groups() == []
    with pytest.raises(GroupNotFound):
        await engine.group_info(jid)


async def test_invite_link_rotates_and_join_requests_are_approved_or_rejected(rig: Rig) -> None:
    engine = await rig.engine()
    jid = (await engine.create_group("Club", [ALICE])).group.jid
    link = await engine.invite_link(jid)
    assert re.fullmatch(r"https://chat\.whatsapp\.com/[A-Za-z0-9]{22}", link)
    assert await engine.invite_link(jid) == link
    assert (await engine.group_info(jid, with_invite_link=True)).invite_link == link
    new = await engine.invite_link(jid, reset=True)
    assert new != link and (await engine.invite_info(new)).jid == jid
    with pytest.raises(GroupNotFound):
        await engine.invite_info(link)
    await engine.set_group_settings(jid, GroupSettings(require_admin_approval=True))
    rig.told()

    await engine.inject_group_event({"type": "request", "group": _gid(jid), "by": ERIN, "byName": "Erin"})
    await engine.inject_group_event({"type": "join", "group": jid, "by": FRANK})  # approval needed: a request
    await engine.inject_group_event({"type": "request", "group": jid, "by": DAVE})
    request, join, _ = rig.told()
    assert (request.kind, _people(request), request.request_method, request.actor_name, request.from_me) == (
        "MEMBERSHIP_APPROVAL_REQUEST", [ERIN], "invite_link", "Erin", False)
    assert request.actor is not None and request.actor.phone == ERIN
    assert join.kind == "MEMBERSHIP_APPROVAL_REQUEST" and _people(join) == [FRANK]
    assert [r.address.phone for r in await engine.join_requests(jid)] == [ERIN, FRANK, DAVE]

    approved = await engine.update_participants(jid, [ERIN, BOB], ParticipantAction.APPROVE)
    rejected = await engine.update_participants(jid, [FRANK], ParticipantAction.REJECT)
    await engine.inject_group_event({"type": "revokeRequest", "group": jid, "by": DAVE})
    assert [r.error for r in approved] == [0, 404] and [r.error for r in rejected] == [0]
    add, revoked, cancelled = rig.told()
    assert (add.kind, _people(add), add.from_me) == ("GROUP_PARTICIPANT_ADD", [ERIN], True)
    assert (revoked.kind, _people(revoked), revoked.from_me) == ("REVOKED_MEMBERSHIP_REQUESTS", [FRANK], True)
    assert (cancelled.kind, _people(cancelled), cancelled.from_me) == ("REVOKED_MEMBERSHIP_REQUESTS", [DAVE], False)
    assert await engine.join_requests(jid) == []
    assert ERIN in [p.address.phone for p in (await engine.group_info(jid)).participants]


async def test_a_member_who_is_not_admin_is_refused_what_needs_an_admin(rig: Rig) -> None:
    engine = await rig.engine()
    answer = await engine.inject_group_event({"type": "addedUs", "by": ALICE, "subject": "Theirs",
                                              "participants": [BOB]})
    [added] = rig.told()
    assert (added.kind, _people(added), added.actor and added.actor.phone, added.from_me) == (
        "GROUP_PARTICIPANT_ADD", [ME], ALICE, False)
    assert answer == {"groupId": _gid(added.group.jid), "notifications": [added.notification_id]}
    jid = added.group.jid
    info = await engine.group_info(jid, with_invite_link=True)
    assert info.invite_link is None and info.invite_link_error == "not-authorized"
    assert [(p.address.phone, p.is_super_admin) for p in info.participants] == [
        (ALICE, True), (BOB, False), (ME, False)]

    for refused in (engine.set_group_settings(jid, GroupSettings(admin_only_message=True)),
                    engine.update_participants(jid, [BOB], ParticipantAction.REMOVE),
                    engine.update_participants(jid, [DAVE], ParticipantAction.ADD),
                    engine.update_participants(jid, [BOB], ParticipantAction.PROMOTE),
                    engine.invite_link(jid), engine.invite_link(jid, reset=True), engine.join_requests(jid)):
        with pytest.raises(NotGroupAdmin, match="only group admins"):
            await refused
    await engine.set_group_name(jid, "Ours too")  # anyone edits the info until it is restricted
    await engine.inject_group_event({"type": "restrict", "group": jid, "by": ALICE, "value": "on"})
    with pytest.raises(NotGroupAdmin):
        await engine.set_group_description(jid, "no")
    with pytest.raises(NotGroupAdmin):
        await engine.inject_group_event({"type": "subject", "group": jid, "by": BOB, "subject": "Bob's"})
    await engine.inject_group_event({"type": "promote", "group": jid, "by": ALICE, "participants": [ME]})
    await engine.set_group_description(jid, "now I may")
    told = rig.told()
    assert [(n.kind, n.parameters, n.from_me) for n in told] == [
        ("GROUP_CHANGE_SUBJECT", ("Ours too",), True), ("GROUP_CHANGE_RESTRICT", ("on",), False),
        ("GROUP_PARTICIPANT_PROMOTE", (), False), ("GROUP_CHANGE_DESCRIPTION", ("now I may",), True)]
    assert _people(told[2]) == [ME]


async def test_what_others_do_is_told_with_them_as_actor(rig: Rig) -> None:
    engine = await rig.engine()
    jid = (await engine.create_group("Shared", [ALICE, BOB])).group.jid
    await engine.update_participants(jid, [ALICE], ParticipantAction.PROMOTE)
    rig.told()
    gid = _gid(jid)
    add = await engine.inject_group_event({"type": "add", "group": gid, "by": ALICE,
                                           "participants": [DAVE, NOT_ON_WA, BOB]})
    assert add["results"] == [{"phone": DAVE, "error": 0}, {"phone": NOT_ON_WA, "error": 404},
                              {"phone": BOB, "error": 409}]
    for spec in ({"type": "subject", "subject": "Hers"}, {"type": "description", "description": "text"},
                 {"type": "icon"}, {"type": "announce", "value": True}, {"type": "announce", "value": "off"},
                 {"type": "remove", "participants": [DAVE]}, {"type": "demote", "participants": [ALICE]}):
        await engine.inject_group_event({"group": gid, "by": ALICE, **spec})
    await engine.inject_group_event({"type": "leave", "group": gid, "by": BOB})
    await engine.inject_group_event({"type": "join", "group": gid, "by": ERIN})
    told = rig.told()
    assert [(n.kind, _people(n), n.parameters) for n in told] == [
        ("GROUP_PARTICIPANT_ADD", [DAVE], ()), ("GROUP_CHANGE_SUBJECT", [], ("Hers",)),
        ("GROUP_CHANGE_DESCRIPTION", [], ("text",)), ("GROUP_CHANGE_ICON", [], ()),
        ("GROUP_CHANGE_ANNOUNCE", [], ("on",)), ("GROUP_CHANGE_ANNOUNCE", [], ("off",)),
        ("GROUP_PARTICIPANT_REMOVE", [DAVE], ()), ("GROUP_PARTICIPANT_DEMOTE", [ALICE], ()),
        ("GROUP_PARTICIPANT_LEAVE", [BOB], ()), ("GROUP_PARTICIPANT_INVITE", [ERIN], ())]
    assert [n.actor.phone for n in told if n.actor] == [ALICE] * 8 + [BOB, ERIN]
    assert not any(n.from_me for n in told)
    assert len({n.notification_id for n in told}) == len(told)
    assert told[0].subject == "Shared" and told[1].subject == "Hers" and told[-1].subject == "Hers"
    with pytest.raises(NotGroupAdmin):  # Alice was demoted
        await engine.inject_group_event({"type": "remove", "group": gid, "by": ALICE, "participants": [ERIN]})


async def test_removed_then_added_back_and_joining_by_link(rig: Rig) -> None:
    engine = await rig.engine()
    await engine.inject_group_event({"type": "addedUs", "by": ALICE, "subject": "Out and in"})
    jid = rig.told()[0].group.jid
    await engine.inject_group_event({"type": "removeUs", "group": jid, "by": ALICE})
    [removed] = rig.told()
    assert (removed.kind, _people(removed), removed.actor and removed.actor.phone) == (
        "GROUP_PARTICIPANT_REMOVE", [ME], ALICE)
    with pytest.raises(GroupNotFound):
        await engine.inject_group_event({"type": "subject", "group": jid, "by": ALICE, "subject": "unseen"})
    await engine.inject_group_event({"type": "addedUs", "group": _gid(jid), "by": ALICE})
    assert [(n.kind, _people(n)) for n in rig.told()] == [("GROUP_PARTICIPANT_ADD", [ME])]

    mine = (await engine.create_group("Mine", [BOB])).group.jid
    code = (await engine.invite_link(mine)).rsplit("/", 1)[1]
    await engine.leave_group(mine)  # Bob becomes admin: the last admin left
    rig.told()
    assert (await engine.invite_info(code)).participants[0].is_admin
    joined = await engine.join_with_link(f"https://chat.whatsapp.com/{code}")
    assert (joined.group_jid, joined.pending_approval) == (mine, False)
    [invite] = rig.told()
    assert (invite.kind, _people(invite), invite.from_me) == ("GROUP_PARTICIPANT_INVITE", [ME], True)
    assert (await engine.join_with_link(code)).group_jid == mine  # already in: nothing changes
    assert rig.told() == []


async def test_joining_a_group_that_needs_approval_waits(rig: Rig) -> None:
    engine = await rig.engine()
    mine = (await engine.create_group("Strict", [BOB])).group.jid
    await engine.update_participants(mine, [BOB], ParticipantAction.PROMOTE)
    await engine.set_group_settings(mine, GroupSettings(require_admin_approval=True))
    code = (await engine.invite_link(mine)).rsplit("/", 1)[1]
    await engine.leave_group(mine)
    rig.told()
    joined = await engine.join_with_link(code)
    assert joined.pending_approval and rig.told() == []  # not in the group: nothing reaches the phone
    with pytest.raises(GroupNotFound):
        await engine.group_info(mine)


async def test_unknown_groups_and_bad_input_are_refused(rig: Rig) -> None:
    engine = await rig.engine()
    unknown = "120363000000000001@g.us"
    for call in (engine.group_info(unknown), engine.set_group_name(unknown, "x"), engine.leave_group(unknown),
                 engine.update_participants(unknown, [ALICE], ParticipantAction.ADD), engine.invite_link(unknown),
                 engine.join_requests(unknown), engine.invite_info("AAAAAAAAAAAAAAAAAAAAAA"),
                 engine.inject_group_event({"type": "leave", "group": unknown, "by": ALICE})):
        with pytest.raises(GroupNotFound):
            await call
    with pytest.raises(InvalidInput) as bad:
        await engine.create_group("x" * 26, [ALICE])
    assert bad.value.field == "groupName"
    with pytest.raises(InvalidInput) as bad:
        await engine.create_group("ok", ["12"])
    assert bad.value.field == "phones.0"
    jid = (await engine.create_group("ok", [ALICE])).group.jid
    with pytest.raises(InvalidInput) as bad:
        await engine.set_group_photo(jid, b"GIF89a")
    assert bad.value.field == "groupPhoto"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"type": "dance", "group": jid, "by": ALICE}, "type"), ({"type": "leave", "by": ALICE}, "group"),
        ({"type": "leave", "group": "nope", "by": ALICE}, "group"), ({"type": "leave", "group": jid}, "by"),
        ({"type": "leave", "group": jid, "by": ME}, "by"), ({"type": "leave", "group": jid, "by": BOB}, "by"),
        ({"type": "join", "group": jid, "by": ALICE}, "by"), ({"type": "revokeRequest", "group": jid, "by": BOB}, "by"),
        ({"type": "add", "group": jid, "by": ALICE, "participants": []}, "participants"),
        ({"type": "add", "group": jid, "by": ALICE, "participants": ["x"]}, "participants.0"),
        ({"type": "subject", "group": jid, "by": ALICE, "subject": "y" * 26}, "subject"),
        ({"type": "announce", "group": jid, "by": ALICE, "value": "maybe"}, "value"),
        ({"type": "addedUs", "group": jid, "by": ALICE}, "group"),
        ({"type": "leave", "group": jid, "by": ALICE, "byName": 7}, "byName"),
    ]
    for spec, name in cases:
        with pytest.raises(InvalidInput) as bad:
            await engine.inject_group_event(spec)
        assert bad.value.field == name, spec


async def test_group_calls_need_a_connected_phone(rig: Rig) -> None:
    engine = await rig.engine(paired=False)
    with pytest.raises(NotConnected):
        await engine.create_group("Team", [ALICE])
    with pytest.raises(NotConnected):
        await engine.inject_group_event({"type": "addedUs", "by": ALICE})
    await engine.close()


async def test_the_group_world_survives_a_worker_change(rig: Rig) -> None:
    first = await rig.engine()
    jid = (await first.create_group("Durable", [ALICE, BOB])).group.jid
    await first.update_participants(jid, [ALICE], ParticipantAction.PROMOTE)
    await first.set_group_settings(jid, GroupSettings(admin_only_settings=True))
    link = await first.invite_link(jid)
    await first.inject_group_event({"type": "request", "group": jid, "by": ERIN})
    before = await first.group_info(jid)
    ids = {n.notification_id for n in rig.told()}
    await first.close()

    second = await rig.engine()  # another worker took the instance over
    assert await second.list_groups() == [before]
    assert await second.invite_link(jid) == link
    assert [r.address.phone for r in await second.join_requests(jid)] == [ERIN]
    await second.update_participants(jid, [ERIN], ParticipantAction.APPROVE)
    [add] = rig.told()
    assert add.kind == "GROUP_PARTICIPANT_ADD" and add.notification_id not in ids
    await second.close()
