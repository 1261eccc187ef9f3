"""Communities on the neonize engine: sub-groups from hand-built ``GroupLinkTarget``s, the exact neonize calls
each engine method makes (client methods replaced by recorders, or neonize's own Python layer over a fake Go
library), per-group link errors, and the two operations neonize 0.5.2 cannot do."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from neonize import exc as nexc
from neonize.proto import Neonize_pb2 as N

from gateway.core.errors import EngineError, GroupNotFound, NotConnected, Unsupported
from gateway.core.groups import Community, LinkResult, SubGroup
from gateway.worker.engines.neonize import groups
from gateway.worker.engines.neonize.engine import NeonizeEngine
from tests.support.neonize import GROUP, PARENT, group_info_proto, jid, link_target
from tests.support.neonize_engine import offline_engine

C = f"{PARENT}@g.us"
G = f"{GROUP}@g.us"
ANNOUNCE = "120363111111111111"
OTHER = "120363222222222222"
PARENT_JID = jid(PARENT, "g.us")
COMMUNITY_PARENT = N.GroupParent(IsParent=True, DefaultMembershipApprovalMode="request_required")
TARGETS = [link_target(ANNOUNCE, "Comunidade", default_sub=True), link_target(GROUP, "Meu grupo")]
SUBS = (SubGroup(jid=f"{ANNOUNCE}@g.us", name="Comunidade", is_announcement=True),
        SubGroup(jid=G, name="Meu grupo"))

Calls = list[tuple[str, tuple[Any, ...], dict[str, Any]]]


@pytest.fixture
async def engine() -> AsyncIterator[NeonizeEngine]:
    yield offline_engine("NZCOM")


def record(engine: NeonizeEngine, calls: Calls, **results: Any) -> Calls:
    """Replace neonize client methods by recorders (``name=result``; a result that is an exception is raised,
    a dict maps the call's last positional argument to the result)."""
    for method, result in results.items():
        def fake(*args: Any, _m: str = method, _r: Any = result, **kwargs: Any) -> Any:
            calls.append((_m, args, kwargs))
            out = _r.get(jid_key(args[-1])) if isinstance(_r, dict) else _r
            if isinstance(out, BaseException):
                raise out
            return out

        setattr(engine.client, method, fake)
    return calls


def jid_key(value: Any) -> str:
    return f"{value.User}@{value.Server}" if hasattr(value, "User") else str(value)


def parent_info(name: str = "Comunidade", topic: str = "") -> Any:
    return group_info_proto(group=PARENT, name=name, topic=topic, is_parent=True)


# --- translation -------------------------------------------------------------------------------------

def test_sub_groups_and_community_from_link_targets() -> None:
    assert [groups.sub_group(t) for t in TARGETS] == list(SUBS)
    community = groups.community(groups.group_info(parent_info(topic="sobre")), TARGETS)
    assert community == Community(jid=C, name="Comunidade", description="sobre", sub_groups=SUBS)
    assert community.announcement_jid == f"{ANNOUNCE}@g.us"
    bare = groups.community(groups.group_info(parent_info()), [], description="dada")
    assert (bare.description, bare.sub_groups, bare.announcement_jid) == ("dada", (), None)


@pytest.mark.parametrize(("text", "code"), [
    ("info query returned status 404: item-not-found", 404),
    ("info query returned status 403: forbidden", 403),
    ("info query returned status 401: not-authorized", 403),
    ("info query returned status 409: conflict", 409),
    ("info query returned status 406: not-acceptable", 406),
    ("info query returned status 400: bad-request", 500),
    ("websocket not connected", 500),
    ("info query timed out", 500),
])
def test_link_error_codes_from_the_text(text: str, code: int) -> None:
    assert groups.link_error(nexc.LinkGroupError(text)) == code


# --- engine calls ------------------------------------------------------------------------------------

async def test_create_community_calls(engine: NeonizeEngine) -> None:
    calls = record(engine, [], create_group=parent_info(), set_group_topic=None, get_sub_groups=TARGETS)
    out = await engine.create_community("Comunidade", "sobre nós")
    assert calls == [("create_group", ("Comunidade", []), {"group_parent": COMMUNITY_PARENT}),
                     ("set_group_topic", (PARENT_JID, "", "", "sobre nós"), {}),
                     ("get_sub_groups", (PARENT_JID,), {})]
    assert out == Community(jid=C, name="Comunidade", description="sobre nós", sub_groups=SUBS)
    assert engine.group_calls.subjects == {C: "Comunidade", f"{ANNOUNCE}@g.us": "Comunidade", G: "Meu grupo"}
    calls = record(engine, [], create_group=parent_info(), set_group_topic=None, get_sub_groups=TARGETS[:1])
    plain = await engine.create_community("Comunidade", "")
    assert [m for m, _a, _k in calls] == ["create_group", "get_sub_groups"]  # no description: no topic call
    assert plain.description == "" and plain.announcement_jid == f"{ANNOUNCE}@g.us"


async def test_create_community_never_raises_once_created(engine: NeonizeEngine) -> None:
    """A retry would make a second community: what fails after the parent exists shows in the answer."""
    record(engine, [], create_group=parent_info(),
           set_group_topic=nexc.SetGroupTopicError("info query returned status 403: forbidden"),
           get_sub_groups=nexc.GetSubGroupsError("info query returned status 500: internal-server-error"))
    out = await engine.create_community("Comunidade", "sobre")
    assert out == Community(jid=C, name="Comunidade", description="", sub_groups=())
    record(engine, [], create_group=nexc.CreateGroupError("info query returned status 406: not-acceptable"))
    with pytest.raises(EngineError, match="not-acceptable") as refused:
        await engine.create_community("x" * 200, "")
    assert not refused.value.transient
    empty = group_info_proto(group="", is_parent=True)
    record(engine, [], create_group=empty)
    with pytest.raises(EngineError, match="no community id"):
        await engine.create_community("Comunidade", "")


async def test_list_communities_one_sub_group_call_per_community(engine: NeonizeEngine) -> None:
    joined = [group_info_proto(), parent_info(), group_info_proto(group=OTHER, name="Outra", is_parent=True)]
    calls = record(engine, [], get_joined_groups=joined, get_sub_groups={
        C: TARGETS, f"{OTHER}@g.us": nexc.GetSubGroupsError("info query returned status 404: item-not-found")})
    out = await engine.list_communities()
    assert calls == [("get_joined_groups", (), {}), ("get_sub_groups", (PARENT_JID,), {}),
                     ("get_sub_groups", (jid(OTHER, "g.us"),), {})]
    assert out == [Community(jid=C, name="Comunidade", description="", sub_groups=SUBS),
                   Community(jid=f"{OTHER}@g.us", name="Outra", description="descricao")]  # listed, without them
    record(engine, [], get_joined_groups=joined,
           get_sub_groups=nexc.GetSubGroupsError("websocket not connected"))
    with pytest.raises(NotConnected):
        await engine.list_communities()


async def test_community_info_of_a_parent_only(engine: NeonizeEngine) -> None:
    calls = record(engine, [], get_group_info=parent_info(topic="sobre"), get_sub_groups=TARGETS)
    out = await engine.community_info(C)
    assert calls == [("get_group_info", (PARENT_JID,), {}), ("get_sub_groups", (PARENT_JID,), {})]
    assert out == Community(jid=C, name="Comunidade", description="sobre", sub_groups=SUBS)
    calls = record(engine, [], get_group_info=group_info_proto(), get_sub_groups=TARGETS)
    with pytest.raises(GroupNotFound, match="not a community"):
        await engine.community_info(G)
    assert [m for m, _a, _k in calls] == ["get_group_info"]
    record(engine, [], get_group_info=nexc.GetGroupInfoError("info query returned status 404: item-not-found"))
    with pytest.raises(GroupNotFound):
        await engine.community_info(C)


async def test_link_and_unlink_one_call_per_group_with_its_code(engine: NeonizeEngine) -> None:
    refusals = {f"{OTHER}@g.us": nexc.LinkGroupError("info query returned status 409: conflict"),
                "120363333333333333@g.us": nexc.LinkGroupError("info query returned status 403: forbidden"),
                "120363444444444444@g.us": RuntimeError("boom")}
    wanted = [G, *refusals]
    calls = record(engine, [], link_group=refusals)
    out = await engine.link_groups(C, wanted, link=True)
    assert calls == [("link_group", (PARENT_JID, jid(g.split("@")[0], "g.us")), {}) for g in wanted]  # parent first
    assert out == [LinkResult(G), LinkResult(f"{OTHER}@g.us", 409), LinkResult("120363333333333333@g.us", 403),
                   LinkResult("120363444444444444@g.us", 500)]
    calls = record(engine, [], unlink_group={G: nexc.UnlinkGroupError("info query returned status 406: not-acceptable"),
                                             f"{OTHER}@g.us": nexc.UnlinkGroupError(
                                                 "info query returned status 404: item-not-found")})
    out = await engine.link_groups(C, [G, f"{OTHER}@g.us"], link=False)
    assert [(m, a) for m, a, _k in calls] == [("unlink_group", (PARENT_JID, jid(GROUP, "g.us"))),
                                              ("unlink_group", (PARENT_JID, jid(OTHER, "g.us")))]
    assert out == [LinkResult(G, 406), LinkResult(f"{OTHER}@g.us", 404)]
    engine.connected = False
    calls = record(engine, [], link_group=None)
    with pytest.raises(NotConnected):
        await engine.link_groups(C, [G], link=True)
    assert calls == []


async def test_links_bounded_together(engine: NeonizeEngine) -> None:
    """All the groups share one ``timeout_s``: after it, the rest are not sent (500, like any failure)."""
    release = threading.Event()
    calls: Calls = []

    def stuck(*args: Any) -> None:
        calls.append(("link_group", args, {}))
        release.wait(5)

    engine.client.link_group = stuck
    engine.group_calls.timeout_s = 0.1
    try:
        out = await engine.link_groups(C, [G, f"{OTHER}@g.us"], link=True)
    finally:
        release.set()
    assert out == [LinkResult(G, 500), LinkResult(f"{OTHER}@g.us", 500)] and len(calls) == 1


async def test_settings_and_deactivation_unsupported(engine: NeonizeEngine) -> None:
    calls = record(engine, [], get_group_info=parent_info(), link_group=None, unlink_group=None)
    with pytest.raises(Unsupported, match="allow_non_admin_sub_group_creation") as settings:
        await engine.set_community_settings(C, "admins")
    with pytest.raises(Unsupported, match="cannot be deactivated") as deactivate:
        await engine.deactivate_community(C)
    assert settings.value.status == deactivate.value.status == 501 and calls == []


# --- neonize's own Python layer, over a fake Go library ---------------------------------------------------

class FakeGo:  # its methods carry the Go exports' names
    """Plays neonize's shared library: records the serialised requests, answers like the Go side."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def GenerateMessageID(self, _uuid: bytes) -> bytes:
        return b"3EB0CREATEKEY"

    def CreateGroup(self, _uuid: bytes, buf: bytes, size: int) -> bytes:
        self.seen.append(("CreateGroup", N.ReqCreateGroup.FromString(buf[:size])))
        return N.GetGroupInfoReturnFunction(GroupInfo=parent_info()).SerializeToString()

    def SetGroupTopic(self, _uuid: bytes, jid_buf: bytes, size: int, *rest: Any) -> bytes:
        self.seen.append(("SetGroupTopic", (N.JID.FromString(jid_buf[:size]), *rest)))
        return b""

    def GetSubGroups(self, _uuid: bytes, buf: bytes, size: int) -> bytes:
        self.seen.append(("GetSubGroups", N.JID.FromString(buf[:size])))
        return N.GetSubGroupsReturnFunction(GroupLinkTarget=TARGETS).SerializeToString()

    def LinkGroup(self, _uuid: bytes, parent: bytes, p_size: int, child: bytes, c_size: int) -> bytes:
        self.seen.append(("LinkGroup", (N.JID.FromString(parent[:p_size]).User, N.JID.FromString(child[:c_size]).User)))
        return b"info query returned status 409: conflict"


async def test_requests_as_neonize_serialises_them(engine: NeonizeEngine) -> None:
    go = FakeGo()
    engine.client._NewClient__client = go  # type: ignore[attr-defined]
    out = await engine.create_community("Comunidade", "sobre")
    (_, create), (_, topic), (_, sub) = go.seen
    assert (create.name, list(create.Participants), create.CreateKey) == ("Comunidade", [], "3EB0CREATEKEY")
    assert create.HasField("GroupParent") and not create.HasField("GroupLinkedParent")
    assert (create.GroupParent.IsParent, create.GroupParent.DefaultMembershipApprovalMode) == (True, "request_required")
    assert topic == (PARENT_JID, b"", b"", b"sobre") and sub == PARENT_JID and out.sub_groups == SUBS
    go.seen.clear()
    assert await engine.link_groups(C, [G], link=True) == [LinkResult(G, 409)]
    assert go.seen == [("LinkGroup", (PARENT, GROUP))]
