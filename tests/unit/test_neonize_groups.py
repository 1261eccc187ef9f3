"""Groups on the neonize engine: hand-built neonize protobufs → our types and notifications, neonize errors →
ours, and the exact neonize calls each engine method makes (the client's methods replaced by recorders)."""

from __future__ import annotations

import asyncio
import ctypes
import dataclasses
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from neonize import exc as nexc
from neonize._binder import func_callback_bytes
from neonize.events import EVENT_TO_INT
from neonize.proto import Neonize_pb2 as N
from neonize.utils.enum import ParticipantChange

from gateway.core.errors import (
    EngineError,
    GroupNotFound,
    InvalidInput,
    NotConnected,
    NotGroupAdmin,
    Unsupported,
    ZapgateError,
)
from gateway.core.events import Address, GroupNotified, MessageReceived
from gateway.core.groups import GroupSettings, ParticipantAction, ParticipantResult
from gateway.worker.engines.neonize import groups
from gateway.worker.engines.neonize.engine import NeonizeEngine
from tests.support.neonize import (
    ALICE,
    BOB_LID,
    CAROL,
    CONTENT,
    EMPTY,
    GROUP,
    ME,
    PARENT,
    group_ev,
    group_info_proto,
    jid,
    joined_ev,
    message_ev,
    node,
    participant,
)
from tests.support.neonize_engine import offline_engine

G = f"{GROUP}@g.us"
ME_A = Address(jid=f"{ME}@s.whatsapp.net", phone=ME, lid="11111111111111@lid")
ALICE_A = Address(jid=f"{ALICE}@s.whatsapp.net", phone=ALICE)
BOB_A = Address(jid=f"{BOB_LID}@lid", lid=f"{BOB_LID}@lid")
ME_ID = groups.Me(phone=ME, lid="11111111111111@lid")


def _plain(events: list[GroupNotified]) -> list[GroupNotified]:
    """Without the notification ids (checked on their own)."""
    for e in events:
        assert len(e.notification_id) == 10 and e.notification_id.isdigit()
    return [dataclasses.replace(e, notification_id="") for e in events]


def _n(kind: str, ts: int = 1700000000000, **kw: Any) -> GroupNotified:
    base: dict[str, Any] = {"group": Address(jid=G), "kind": kind, "timestamp_ms": ts, "notification_id": "",
                            "subject": "Meu grupo"}
    base.update(kw)
    return GroupNotified(**base)


# --- translation -------------------------------------------------------------------------------------

def test_group_info_with_lid_participants_and_float32_creation() -> None:
    info = groups.group_info(group_info_proto(announce=True, participants=[
        participant(jid(ME), superadmin=True, name="Me"), participant(jid(ALICE), admin=True),
        participant(jid(BOB_LID, "lid"), pn=jid(CAROL)), participant(jid(ALICE + "1"), error=403, code="AbCd")]))
    assert info.jid == G and info.subject == "Meu grupo" and info.description == "descricao"
    assert info.owner == Address(jid=f"{ME}@s.whatsapp.net", phone=ME)
    assert info.created_ms == 1588721536000  # float32 seconds: 1588721491 comes back 45 s later
    assert (info.subject_time_ms, info.subject_owner) == (1617805323000, Address(jid=f"{ME}@s.whatsapp.net", phone=ME))
    assert info.settings == GroupSettings(admin_only_message=True, admin_only_settings=False,
                                          require_admin_approval=None, admin_only_add_member=None)
    assert [(p.address, p.is_admin, p.is_super_admin, p.display_name) for p in info.participants] == [
        (Address(jid=f"{ME}@s.whatsapp.net", phone=ME), True, True, "Me"),
        (ALICE_A, True, False, ""),
        (Address(jid=f"{BOB_LID}@lid", phone=CAROL, lid=f"{BOB_LID}@lid"), False, False, ""),
    ]  # the participant WhatsApp could not add is not a member
    assert (info.is_community, info.community_jid, info.is_announcement) == (False, None, False)
    assert (info.invite_link, info.invite_link_error) == (None, None)


def test_owner_from_owner_pn_else_owner_jid_and_communities() -> None:
    lid_owner = groups.group_info(group_info_proto(owner=jid(BOB_LID, "lid"), owner_pn=jid(CAROL)))
    assert lid_owner.owner == Address(jid=f"{CAROL}@s.whatsapp.net", phone=CAROL, lid=f"{BOB_LID}@lid")
    only_lid = groups.group_info(group_info_proto(owner=jid(BOB_LID, "lid"), owner_pn=EMPTY))
    assert only_lid.owner == BOB_A
    parent = groups.group_info(group_info_proto(group=PARENT, is_parent=True, locked=True))
    assert parent.is_community and parent.settings.admin_only_settings is True
    announcements = groups.group_info(group_info_proto(linked_parent=PARENT, default_sub=True))
    assert announcements.community_jid == f"{PARENT}@g.us" and announcements.is_announcement


def test_participant_results_and_join_requests() -> None:
    added = groups.participant_result(participant(jid(ALICE)))
    assert added == ParticipantResult(address=ALICE_A, error=0)
    invite = groups.participant_result(participant(jid(CAROL), error=403, code="AbCdEf", expiration=1700604800))
    assert (invite.error, invite.invite_code) == (403, "AbCdEf")
    assert invite.invite_expiration_s is not None and abs(invite.invite_expiration_s - 1700604800) <= 64  # float32
    assert groups.participant_result(participant(jid(CAROL), error=409)).error == 409
    lid = groups.participant_result(participant(jid(BOB_LID, "lid"), pn=jid(CAROL), error=408))
    assert lid.address == Address(jid=f"{BOB_LID}@lid", phone=CAROL, lid=f"{BOB_LID}@lid") and lid.error == 408
    request = groups.join_request(N.GroupParticipantRequest(Participant=jid(ALICE), TimeAt=1700000000123456))
    assert request.address == ALICE_A and request.requested_at_ms == 1700000000123
    assert groups.epoch_ms(1700000000) == groups.epoch_ms(1700000000000) == 1700000000000


@pytest.mark.parametrize(("text", "expected", "transient"), [
    ("that group does not exist", GroupNotFound, None),
    ("info query returned status 404: item-not-found", GroupNotFound, None),
    ("you're not participating in that group", GroupNotFound, None),
    ("info query returned status 403: forbidden", NotGroupAdmin, False),
    ("info query returned status 401: not-authorized", NotGroupAdmin, False),
    ("you don't have the permission to get the group's invite link", NotGroupAdmin, False),
    ("info query returned status 429: rate-overlimit", EngineError, True),
    ("websocket not connected", NotConnected, True),
    ("websocket disconnected before info query returned response", NotConnected, True),
    ("that group invite link is not valid", InvalidInput, None),
    ("that group invite link has been revoked", InvalidInput, None),
    ("info query returned status 406: not-acceptable", EngineError, False),
    ("info query timed out", EngineError, True),
])
def test_neonize_errors_mapped_by_message(text: str, expected: type[ZapgateError], transient: bool | None) -> None:
    err = groups.group_error("set group name", nexc.SetGroupNameError(text))
    assert type(err) is expected and text in err.message
    if transient is not None:
        assert isinstance(err, EngineError) and err.transient is transient
    if isinstance(err, InvalidInput):
        assert err.field == "url"
    if isinstance(err, NotGroupAdmin):
        assert "only a group admin" in err.message


def test_invite_link_error_texts() -> None:
    def text(msg: str) -> str | None:
        return groups.invite_link_error(nexc.GetGroupInviteLinkError(msg))

    assert text("you don't have the permission to get the group's invite link") == "not-authorized"
    assert text("you're not participating in that group") == "forbidden"
    assert text("info query returned status 429: rate-overlimit") == "too many requests"
    assert text("that group does not exist") is None


# --- events ------------------------------------------------------------------------------------------

def test_joined_group_created_added_and_invited() -> None:
    now = 1700000000000
    subjects: dict[str, str] = {}
    created = groups.joined(joined_ev(type_="new"), ME_ID, subjects, now)
    owner = Address(jid=f"{ME}@s.whatsapp.net", phone=ME)
    assert _plain(created) == [_n("GROUP_CREATE", now, actor=owner, from_me=True, parameters=("Meu grupo",))]
    assert subjects == {G: "Meu grupo"}
    by_key = groups.joined(joined_ev(create_key="3EB0KEY", sender=jid(ALICE)), ME_ID, {}, now)
    assert [(e.kind, e.actor) for e in by_key] == [("GROUP_CREATE", ALICE_A)]
    young = groups.joined(joined_ev(), ME_ID, {}, 1588721536000 + 60_000)  # neonize copies Reason into Type
    assert [e.kind for e in young] == ["GROUP_CREATE"]
    added = groups.joined(joined_ev(sender=jid(ALICE)), ME_ID, {}, now)
    assert _plain(added) == [_n("GROUP_PARTICIPANT_ADD", now, actor=ALICE_A, participants=(ME_A,))]
    invited = groups.joined(joined_ev(reason="invite", type_="invite"), ME_ID, {}, now)
    assert _plain(invited) == [_n("GROUP_PARTICIPANT_INVITE", now, participants=(ME_A,))]
    again = groups.joined(joined_ev(sender=jid(ALICE)), ME_ID, {}, now + 5000)
    assert again[0].notification_id == added[0].notification_id  # a redelivery keeps its id


def test_every_group_change_in_order() -> None:
    """One GroupInfoEv with every change → one notification per change, in the fixed order."""
    ev = group_ev(sender=jid(ALICE), notify="Alice", JoinReason="", ParticipantVersionID="v2",
                  Join=[jid(BOB_LID, "lid"), jid(CAROL)], Leave=[jid(CAROL)], Promote=[jid(CAROL)],
                  Demote=[jid(ME)], Name=N.GroupName(Name="Novo nome", NameSetAt=1700000000, NameSetBy=jid(ALICE)),
                  Topic=N.GroupTopic(Topic="nova", TopicID="T2", TopicSetAt=1700000000, TopicSetBy=jid(ALICE),
                                     TopicDeleted=False),
                  Locked=N.GroupLocked(isLocked=True), Announce=N.GroupAnnounce(IsAnnounce=False, AnnounceVersionID=""),
                  UnknownChanges=[node("member_link_mode", data=b"all_member_link")])
    subjects = {G: "Meu grupo"}
    out = groups.changed(ev, ME_ID, subjects)
    carol = Address(jid=f"{CAROL}@s.whatsapp.net", phone=CAROL)
    me = Address(jid=f"{ME}@s.whatsapp.net", phone=ME)
    common: dict[str, Any] = {"actor": ALICE_A, "actor_name": "Alice"}
    assert _plain(out) == [
        _n("GROUP_PARTICIPANT_ADD", participants=(BOB_A, carol), **common),
        _n("GROUP_PARTICIPANT_REMOVE", participants=(carol,), **common),
        _n("GROUP_PARTICIPANT_PROMOTE", participants=(carol,), **common),
        _n("GROUP_PARTICIPANT_DEMOTE", participants=(me,), **common),
        _n("GROUP_CHANGE_SUBJECT", parameters=("Novo nome",), **{**common, "subject": "Novo nome"}),
        _n("GROUP_CHANGE_DESCRIPTION", parameters=("nova",), **{**common, "subject": "Novo nome"}),
        _n("GROUP_CHANGE_RESTRICT", parameters=("on",), **{**common, "subject": "Novo nome"}),
        _n("GROUP_CHANGE_ANNOUNCE", parameters=("off",), **{**common, "subject": "Novo nome"}),
        _n("GROUP_MEMBER_LINK_PROPERTY_UPDATE", link_mode="ALL_MEMBER_LINK", **{**common, "subject": "Novo nome"}),
    ]
    assert subjects == {G: "Novo nome"}
    assert len({e.notification_id for e in out}) == len(out)
    assert [e.notification_id for e in groups.changed(ev, ME_ID, subjects)] == [e.notification_id for e in out]


def test_leave_invite_description_deleted_and_from_me() -> None:
    left = groups.changed(group_ev(sender=jid(ALICE), Leave=[jid(ALICE)]), ME_ID, {})
    assert [(e.kind, e.participants) for e in left] == [("GROUP_PARTICIPANT_LEAVE", (ALICE_A,))]
    no_sender = groups.changed(group_ev(Leave=[jid(BOB_LID, "lid")]), ME_ID, {})
    assert [(e.kind, e.actor) for e in no_sender] == [("GROUP_PARTICIPANT_LEAVE", None)]
    removed = groups.changed(group_ev(sender=jid(ME), Leave=[jid(ALICE), jid(CAROL)]), ME_ID, {})
    assert [(e.kind, e.from_me) for e in removed] == [("GROUP_PARTICIPANT_REMOVE", True)]
    my_lid_left = groups.changed(group_ev(sender=jid(ME), Leave=[jid("11111111111111", "lid")]), ME_ID, {})
    assert [e.kind for e in my_lid_left] == ["GROUP_PARTICIPANT_LEAVE"]
    link = groups.changed(group_ev(sender=jid(BOB_LID, "lid"), JoinReason="invite", Join=[jid(BOB_LID, "lid")]),
                          ME_ID, {})
    assert [(e.kind, e.participants, e.actor) for e in link] == [("GROUP_PARTICIPANT_INVITE", (BOB_A,), BOB_A)]
    deleted = groups.changed(group_ev(sender=jid(ALICE), Topic=N.GroupTopic(
        Topic="", TopicID="T3", TopicSetAt=1, TopicSetBy=jid(ALICE), TopicDeleted=True)), ME_ID, {})
    assert [(e.kind, e.parameters) for e in deleted] == [("GROUP_CHANGE_DESCRIPTION", ())]
    unlocked = groups.changed(group_ev(sender=jid(ME), Locked=N.GroupLocked(isLocked=False)), ME_ID, {})
    assert [(e.kind, e.parameters, e.from_me, e.timestamp_ms) for e in unlocked] == [
        ("GROUP_CHANGE_RESTRICT", ("off",), True, 1700000000000)]
    announce = groups.changed(group_ev(Announce=N.GroupAnnounce(IsAnnounce=True, AnnounceVersionID="x")), ME_ID, {})
    assert [(e.kind, e.parameters) for e in announce] == [("GROUP_CHANGE_ANNOUNCE", ("on",))]


def test_membership_requests_and_link_mode_from_raw_nodes() -> None:
    requested = node("created_membership_requests", {"request_method": "invite_link"}, [
        node("requested_user", {"jid": f"{BOB_LID}@lid", "phone_number": f"{CAROL}@s.whatsapp.net"})])
    ev = groups.changed(group_ev(sender=jid(BOB_LID, "lid"), notify="Bob", UnknownChanges=[requested]), ME_ID, {})
    bob = Address(jid=f"{BOB_LID}@lid", phone=CAROL, lid=f"{BOB_LID}@lid")
    assert _plain(ev) == [_n("MEMBERSHIP_APPROVAL_REQUEST", actor=BOB_A, actor_name="Bob", participants=(bob,),
                             request_method="invite_link", subject="")]
    added_by = node("created_membership_requests", {"request_method": "non_admin_add"}, [
        node("requested_user", {"jid": f"{CAROL}@s.whatsapp.net"})])
    by_member = groups.changed(group_ev(sender=jid(ALICE), UnknownChanges=[added_by]), ME_ID, {})
    carol = Address(jid=f"{CAROL}@s.whatsapp.net", phone=CAROL)
    assert [(e.kind, e.participants, e.request_method) for e in by_member] == [
        ("MEMBERSHIP_APPROVAL_REQUEST", (carol, ALICE_A), "non_admin_add")]
    revoked = node("revoked_membership_requests", {}, [node("participant", {"jid": f"{CAROL}@s.whatsapp.net"})])
    gone = groups.changed(group_ev(sender=jid(CAROL), UnknownChanges=[revoked]), ME_ID, {})
    assert [(e.kind, e.participants, e.request_method) for e in gone] == [
        ("REVOKED_MEMBERSHIP_REQUESTS", (carol,), None)]
    admin_link = groups.changed(group_ev(sender=jid(ALICE), UnknownChanges=[
        node("member_link_mode", data=b"admin_link")]), ME_ID, {})
    assert [(e.kind, e.parameters, e.link_mode) for e in admin_link] == [
        ("GROUP_MEMBER_LINK_PROPERTY_UPDATE", (), "ADMIN_LINK")]
    assert groups.changed(group_ev(UnknownChanges=[node("member_add_mode", data=b"admin_add")]), ME_ID, {}) == []


def test_group_picture_only() -> None:
    subjects = {G: "Meu grupo"}
    icon = groups.picture(N.Picture(JID=jid(GROUP, "g.us"), Author=jid(ALICE), Timestamp=1700000000, Remove=False),
                          ME_ID, subjects)
    assert _plain(icon) == [_n("GROUP_CHANGE_ICON", actor=ALICE_A)]
    removed = groups.picture(N.Picture(JID=jid(GROUP, "g.us"), Author=jid(ALICE), Timestamp=1700000000, Remove=True),
                             ME_ID, subjects)
    assert removed[0].notification_id != icon[0].notification_id
    assert groups.picture(N.Picture(JID=jid(ALICE), Author=jid(ALICE), Timestamp=1, Remove=False), ME_ID, {}) == []


# --- engine calls ------------------------------------------------------------------------------------

Calls = list[tuple[str, tuple[Any, ...]]]


@pytest.fixture
async def engine() -> AsyncIterator[NeonizeEngine]:
    yield offline_engine("NZGRP")


def record(engine: NeonizeEngine, method: str, result: Any = None, calls: Calls | None = None) -> Calls:
    """Replace one neonize client method by a recorder (the FFI is never reached)."""
    seen: Calls = calls if calls is not None else []

    def fake(*args: Any) -> Any:
        seen.append((method, args))
        if isinstance(result, BaseException):
            raise result
        return result

    setattr(engine.client, method, fake)
    return seen


def _jid(user: str, server: str) -> Any:
    return jid(user, server)


async def test_list_and_info_calls(engine: NeonizeEngine) -> None:
    calls = record(engine, "get_joined_groups", [group_info_proto(), group_info_proto(group=PARENT, name="Comunidade",
                                                                                      is_parent=True)])
    listed = await engine.list_groups()
    assert [g.subject for g in listed] == ["Meu grupo", "Comunidade"] and calls == [("get_joined_groups", ())]
    assert engine.group_calls.subjects == {G: "Meu grupo", f"{PARENT}@g.us": "Comunidade"}
    calls = record(engine, "get_group_info", group_info_proto(name="Outro"))
    info = await engine.group_info(G)
    assert calls == [("get_group_info", (_jid(GROUP, "g.us"),))] and info.subject == "Outro"
    record(engine, "get_group_invite_link", "https://chat.whatsapp.com/AbC", calls)
    linked = await engine.group_info(G, with_invite_link=True)
    assert calls[-1] == ("get_group_invite_link", (_jid(GROUP, "g.us"), False))
    assert (linked.invite_link, linked.invite_link_error) == ("https://chat.whatsapp.com/AbC", None)
    for text, reason in (("you don't have the permission to get the group's invite link", "not-authorized"),
                         ("you're not participating in that group", "forbidden"),
                         ("info query returned status 429: rate-overlimit", "too many requests")):
        record(engine, "get_group_invite_link", nexc.GetGroupInviteLinkError(text))
        failed = await engine.group_info(G, with_invite_link=True)
        assert (failed.invite_link, failed.invite_link_error, failed.subject) == (None, reason, "Outro")
    record(engine, "get_group_info", nexc.GetGroupInfoError("that group does not exist"))
    with pytest.raises(GroupNotFound):
        await engine.group_info(G)


async def test_create_group_call_and_results(engine: NeonizeEngine) -> None:
    created = group_info_proto(name="Novo", participants=[
        participant(jid(ME), superadmin=True), participant(jid(ALICE)),
        participant(jid(CAROL), error=403, code="InV1t3", expiration=1700604800)])
    calls = record(engine, "create_group", created)
    out = await engine.create_group("Novo", [ALICE, f"+{CAROL[:2]} {CAROL[2:]}"])
    assert calls == [("create_group", ("Novo", [_jid(ALICE, "s.whatsapp.net"), _jid(CAROL, "s.whatsapp.net")]))]
    assert out.group.subject == "Novo" and [p.address.phone for p in out.group.participants] == [ME, ALICE]
    assert [(r.address.phone, r.error, r.invite_code) for r in out.results] == [(ALICE, 0, None),
                                                                                (CAROL, 403, "InV1t3")]
    assert engine.group_calls.subjects[G] == "Novo"


async def test_setters_send_the_exact_calls(engine: NeonizeEngine) -> None:
    g = _jid(GROUP, "g.us")
    calls: Calls = []
    for method in ("set_group_name", "set_group_topic", "set_group_photo", "set_group_announce", "set_group_locked",
                   "leave_group"):
        record(engine, method, None, calls)
    record(engine, "get_group_invite_link", "https://chat.whatsapp.com/New", calls)
    await engine.set_group_name(G, "Nome")
    await engine.set_group_description(G, "Descrição")
    await engine.set_group_photo(G, b"\xff\xd8jpeg")
    await engine.set_group_settings(G, GroupSettings(admin_only_message=True, admin_only_settings=False))
    await engine.set_group_settings(G, GroupSettings(admin_only_settings=True))
    assert await engine.invite_link(G, reset=True) == "https://chat.whatsapp.com/New"
    assert await engine.invite_link(G) == "https://chat.whatsapp.com/New"
    await engine.leave_group(G)
    assert calls == [("set_group_name", (g, "Nome")), ("set_group_topic", (g, "", "", "Descrição")),
                     ("set_group_photo", (g, b"\xff\xd8jpeg")), ("set_group_announce", (g, True)),
                     ("set_group_locked", (g, False)), ("set_group_locked", (g, True)),
                     ("get_group_invite_link", (g, True)), ("get_group_invite_link", (g, False)),
                     ("leave_group", (g,))]
    assert engine.group_calls.subjects[G] == "Nome"
    calls.clear()
    for setting in (GroupSettings(admin_only_message=True, require_admin_approval=True),
                    GroupSettings(admin_only_settings=True, admin_only_add_member=False)):
        with pytest.raises(Unsupported) as refused:
            await engine.set_group_settings(G, setting)
        assert ("requireAdminApproval" if setting.require_admin_approval is not None else "adminOnlyAddMember") \
            in refused.value.message and refused.value.status == 501
    assert calls == []  # refused before anything changed
    record(engine, "set_group_name", nexc.SetGroupNameError("info query returned status 403: forbidden"))
    with pytest.raises(NotGroupAdmin):
        await engine.set_group_name(G, "x")


async def test_participant_changes(engine: NeonizeEngine) -> None:
    g = _jid(GROUP, "g.us")
    calls = record(engine, "update_group_participants", [participant(jid(ALICE)), participant(
        jid(CAROL), error=403, code="C0de", expiration=1700604800)])
    expected = {ParticipantAction.ADD: ParticipantChange.ADD, ParticipantAction.REMOVE: ParticipantChange.REMOVE,
                ParticipantAction.PROMOTE: ParticipantChange.PROMOTE,
                ParticipantAction.DEMOTE: ParticipantChange.DEMOTE}
    for action, change in expected.items():
        out = await engine.update_participants(G, [ALICE, CAROL], action)
        assert calls[-1] == ("update_group_participants",
                             (g, [_jid(ALICE, "s.whatsapp.net"), _jid(CAROL, "s.whatsapp.net")], change))
        assert [(r.address.phone, r.error, r.invite_code) for r in out] == [(ALICE, 0, None), (CAROL, 403, "C0de")]
    for action in (ParticipantAction.APPROVE, ParticipantAction.REJECT):
        with pytest.raises(Unsupported, match="UpdateGroupRequestParticipants"):
            await engine.update_participants(G, [ALICE], action)
    assert len(calls) == 4
    calls = record(engine, "get_group_request_participants",
                   [N.GroupParticipantRequest(Participant=jid(BOB_LID, "lid"), TimeAt=1700000000000000)])
    requests = await engine.join_requests(G)
    assert calls == [("get_group_request_participants", (g,))]
    assert [(r.address, r.requested_at_ms) for r in requests] == [(BOB_A, 1700000000000)]


async def test_links_and_invites(engine: NeonizeEngine) -> None:
    calls = record(engine, "get_group_info_from_link", group_info_proto(name="Pelo link"))
    info = await engine.invite_info("https://chat.whatsapp.com/KNmcL17DqVA0sqkQ5LLA5")
    assert calls == [("get_group_info_from_link", ("KNmcL17DqVA0sqkQ5LLA5",))]
    assert info.subject == "Pelo link" and info.invite_link == "https://chat.whatsapp.com/KNmcL17DqVA0sqkQ5LLA5"
    calls = record(engine, "join_group_with_link", jid(GROUP, "g.us"))
    joined = await engine.join_with_link("KNmcL17DqVA0sqkQ5LLA5")
    assert calls == [("join_group_with_link", ("KNmcL17DqVA0sqkQ5LLA5",))] and joined.group_jid == G
    record(engine, "join_group_with_link", nexc.InviteLinkError("that group invite link has been revoked"))
    with pytest.raises(InvalidInput) as bad:
        await engine.join_with_link("https://chat.whatsapp.com/Old")
    assert bad.value.field == "url"
    calls = record(engine, "send_message", N.SendResponse(ID="3EB0INV", Timestamp=1, ServerID=0))
    engine.group_calls.subjects[G] = "Meu grupo"
    to = ParticipantResult(address=Address(jid=f"{CAROL}@s.whatsapp.net", phone=CAROL), error=403,
                           invite_code="InV1t3", invite_expiration_s=1700604800)
    await engine.send_group_invite(G, to, "Entre no grupo")
    (method, (dest, message)), = calls
    assert method == "send_message" and dest == _jid(CAROL, "s.whatsapp.net")
    inv = message.groupInviteMessage
    assert (inv.groupJID, inv.inviteCode, inv.inviteExpiration, inv.groupName, inv.caption, inv.groupType) == (
        G, "InV1t3", 1700604800, "Meu grupo", "Entre no grupo", 0)
    with pytest.raises(EngineError, match="no invite code"):
        await engine.send_group_invite(G, ParticipantResult(address=to.address, error=403), "")


async def test_not_connected_and_bounded(engine: NeonizeEngine) -> None:
    calls = record(engine, "get_joined_groups", [])
    engine.connected = False
    with pytest.raises(NotConnected):
        await engine.list_groups()
    assert calls == []
    engine.connected = True
    record(engine, "leave_group", nexc.LeaveGroupError("websocket not connected"))
    with pytest.raises(NotConnected):
        await engine.leave_group(G)
    release = threading.Event()

    def stuck(*_a: Any) -> None:
        release.wait(5)

    engine.client.get_group_info = stuck
    engine.group_calls.timeout_s = 0.1
    try:
        with pytest.raises(EngineError, match="did not answer within") as slow:
            await engine.group_info(G)
        assert slow.value.transient
    finally:
        release.set()


# --- through neonize's real dispatcher -----------------------------------------------------------------

async def test_group_events_through_the_real_dispatcher(engine: NeonizeEngine) -> None:
    """Serialised group protobufs through neonize's ctypes callback, from a foreign thread, into our handler."""
    seen: list[Any] = []
    engine.ctx = dataclasses.replace(engine.ctx, emit=seen.append)
    engine.client.me = N.Device(JID=jid(ME), LID=jid("11111111111111", "lid"), Platform="", BussinessName="",
                                PushName="", Initialized=True)
    execute = func_callback_bytes(engine.client.event.execute)
    uuid = engine.ctx.instance_id.encode()
    protos: list[Any] = [
        joined_ev(sender=jid(ALICE)),
        group_ev(sender=jid(ALICE), notify="Alice", Join=[jid(CAROL)],
                 Name=N.GroupName(Name="Renomeado", NameSetAt=1700000000, NameSetBy=jid(ALICE))),
        N.Picture(JID=jid(GROUP, "g.us"), Author=jid(ALICE), Timestamp=1700000001, Remove=False),
        N.Picture(JID=jid(ALICE), Author=jid(ALICE), Timestamp=1700000001, Remove=False),  # a contact's: nothing
        message_ev(CONTENT["text"], chat=jid(GROUP, "g.us"), sender=jid(ALICE), msg_id="3EB0GRP"),
    ]
    buffers = []

    def push() -> None:  # plays the Go callback thread
        for proto in protos:
            raw = proto.SerializeToString()
            buf = ctypes.create_string_buffer(raw, len(raw))
            buffers.append(buf)
            execute(uuid, ctypes.addressof(buf), len(raw), EVENT_TO_INT[type(proto)])

    thread = threading.Thread(target=push)
    thread.start()
    await asyncio.get_running_loop().run_in_executor(None, thread.join)
    await _until(lambda: len(seen) >= 5)
    notes = [e for e in seen if isinstance(e, GroupNotified)]
    assert [(e.kind, e.subject) for e in notes] == [
        ("GROUP_PARTICIPANT_ADD", "Meu grupo"), ("GROUP_PARTICIPANT_ADD", "Meu grupo"),
        ("GROUP_CHANGE_SUBJECT", "Renomeado"), ("GROUP_CHANGE_ICON", "Renomeado")]
    assert notes[0].participants == (ME_A,) and notes[0].actor == ALICE_A
    assert notes[1].participants == (Address(jid=f"{CAROL}@s.whatsapp.net", phone=CAROL),)
    assert notes[1].actor_name == "Alice" and notes[3].actor == ALICE_A
    message = seen[-1]
    assert isinstance(message, MessageReceived) and message.chat_name == "Renomeado"


async def _until(check: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)
