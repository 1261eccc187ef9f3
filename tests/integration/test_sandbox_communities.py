"""The sandbox engine's communities, driven directly: a parent group and its announcement group, linking and
unlinking with WhatsApp's per-group answers, the settings, deactivation, and all of it kept in Postgres."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest

from gateway.core.config import Settings
from gateway.core.errors import GroupNotFound, InvalidInput, NotGroupAdmin
from gateway.core.groups import ParticipantAction, SubGroup
from gateway.core.models import EngineKind, InstanceId, PartnerId
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.db.sandbox_groups import SandboxGroupStore
from tests.integration.test_sandbox_groups import ALICE, BOB, ME, Rig

UNKNOWN = "120363000000000001@g.us"


@pytest.fixture
async def rig(settings: Settings) -> AsyncIterator[Rig]:
    db = await Database.connect(settings, max_size=2)
    partner = await db.pool.fetchval("SELECT id FROM partners ORDER BY id LIMIT 1")
    instance_id = secrets.token_hex(16).upper()
    await InstanceStore(db).create(instance_id=InstanceId(instance_id), partner_id=PartnerId(partner),
                                   name="communities", engine=EngineKind.SANDBOX, token_hash="x", callbacks={},
                                   notify_sent_by_me=False)
    try:
        yield Rig(settings, db, SandboxGroupStore(db), instance_id)
    finally:
        await db.close()


async def test_a_community_from_creation_to_deactivation(rig: Rig) -> None:
    engine = await rig.engine()
    community = await engine.create_community("Neighbours", "our street")
    news = community.announcement_jid
    assert news is not None and community.jid != news
    assert (community.name, community.description, community.sub_groups) == (
        "Neighbours", "our street", (SubGroup(news, "Neighbours", is_announcement=True),))
    assert [(n.kind, n.group.jid, n.parameters, n.from_me) for n in rig.told()] == [
        ("GROUP_CREATE", community.jid, ("Neighbours",), True), ("GROUP_CREATE", news, ("Neighbours",), True)]
    assert await engine.community_info(community.jid.removesuffix("@g.us")) == community
    assert await engine.list_communities() == [community]
    parent, announcements = await engine.group_info(community.jid), await engine.group_info(news)
    assert (parent.is_community, parent.community_jid, parent.description) == (True, None, "our street")
    assert (announcements.is_announcement, announcements.community_jid) == (True, community.jid)
    assert announcements.settings.admin_only_message and announcements.settings.admin_only_settings
    assert [(p.address.phone, p.is_super_admin) for p in announcements.participants] == [(ME, True)]
    assert [(g.jid, g.is_community, g.is_announcement) for g in await engine.list_groups()] == [
        (community.jid, True, False), (news, False, True)]

    # link: one of mine, one linked elsewhere, an unknown one, one I am no admin of, a community's parent
    mine = (await engine.create_group("Block A", [ALICE])).group.jid
    taken = (await engine.create_group("Block B", [])).group.jid
    other = await engine.create_community("Elsewhere", "")
    assert [r.error for r in await engine.link_groups(other.jid, [taken], link=True)] == [0]
    theirs = (await engine.inject_group_event({"type": "addedUs", "by": BOB, "subject": "Bob's"}))["groupId"]
    rig.told()
    results = await engine.link_groups(community.jid, [mine, taken, UNKNOWN, theirs, other.jid, mine], link=True)
    assert [(r.group_jid, r.error) for r in results] == [
        (mine, 0), (taken, 409), (UNKNOWN, 404), (theirs.replace("-group", "@g.us"), 403), (other.jid, 406)]
    assert rig.told() == []  # Z-API documents no notification for linking
    info = await engine.community_info(community.jid)
    assert [(g.jid, g.name, g.is_announcement) for g in info.sub_groups] == [
        (news, "Neighbours", True), (mine, "Block A", False)]
    assert (await engine.group_info(mine)).community_jid == community.jid
    assert [p.address.phone for p in (await engine.group_info(news)).participants] == [ME, ALICE]
    assert [r.error for r in await engine.link_groups(community.jid, [mine], link=True)] == [0]  # already: done

    # the community's members are its announcement group's: an admin adds and promotes there
    assert [r.error for r in await engine.update_participants(news, [BOB], ParticipantAction.ADD)] == [0]
    assert [r.error for r in await engine.update_participants(news, [BOB], ParticipantAction.PROMOTE)] == [0]
    assert [n.kind for n in rig.told()] == ["GROUP_PARTICIPANT_ADD", "GROUP_PARTICIPANT_PROMOTE"]

    results = await engine.link_groups(community.jid, [news, mine, taken], link=False)
    assert [r.error for r in results] == [406, 0, 404]
    assert (await engine.community_info(community.jid)).sub_groups == community.sub_groups
    assert (await engine.group_info(mine)).community_jid is None

    with pytest.raises(InvalidInput) as bad:
        await engine.set_community_settings(community.jid, "everyone")
    assert bad.value.field == "whoCanAddNewGroups"
    await engine.set_community_settings(community.jid, "all")
    state = await rig.db.pool.fetchval("SELECT state::text FROM sandbox_groups WHERE jid = $1", community.jid)
    assert '"who_can_add_groups": "all"' in state

    assert [r.error for r in await engine.link_groups(community.jid, [mine], link=True)] == [0]
    await engine.deactivate_community(community.jid)
    assert [c.jid for c in await engine.list_communities()] == [other.jid]
    for gone in (engine.community_info(community.jid), engine.group_info(community.jid),
                 engine.link_groups(community.jid, [mine], link=True), engine.deactivate_community(community.jid)):
        with pytest.raises(GroupNotFound):
            await gone
    survivors = {g.jid: g for g in await engine.list_groups()}
    assert community.jid not in survivors and {mine, news} <= survivors.keys()
    assert (survivors[mine].community_jid, survivors[news].community_jid, survivors[news].is_announcement) == (
        None, None, False)
    assert [r.error for r in await engine.link_groups(other.jid, [mine], link=True)] == [0]  # free again
    await engine.close()


async def test_a_plain_member_links_only_while_everyone_may(rig: Rig) -> None:
    first = await rig.engine()
    community = await first.create_community("Club", "")
    mine = (await first.create_group("Mine", [])).group.jid
    await first.close()
    for state in await rig.store.load_groups(rig.instance_id):  # someone else's community, I am a member
        if state["jid"] in (community.jid, community.announcement_jid):
            state["members"] = [{"phone": ALICE, "role": "superadmin"}, {"phone": ME, "role": "member"}]
            state["owner"] = ALICE
            await rig.store.save_group(rig.instance_id, state["jid"], state)

    second = await rig.engine()
    assert await second.community_info(community.jid) == community
    for refused in (second.link_groups(community.jid, [mine], link=True),
                    second.link_groups(community.jid, [mine], link=False),
                    second.set_community_settings(community.jid, "all"),
                    second.deactivate_community(community.jid)):
        with pytest.raises(NotGroupAdmin, match="only community admins"):
            await refused
    await second.inject_group_event({"type": "promote", "group": community.announcement_jid, "by": ALICE,
                                     "participants": [ME]})
    await second.set_community_settings(community.jid, "all")  # an admin of the announcement group may
    await second.inject_group_event({"type": "demote", "group": community.announcement_jid, "by": ALICE,
                                     "participants": [ME]})
    assert [r.error for r in await second.link_groups(community.jid, [mine], link=True)] == [0]
    with pytest.raises(NotGroupAdmin):
        await second.link_groups(community.jid, [mine], link=False)
    await second.close()


async def test_communities_survive_a_worker_change_and_old_states_load(rig: Rig) -> None:
    first = await rig.engine()
    community = await first.create_community("Durable", "kept")
    jid = (await first.create_group("Linked", [ALICE])).group.jid
    await first.link_groups(community.jid, [jid], link=True)
    await first.set_community_settings(community.jid, "all")
    before, groups = await first.community_info(community.jid), await first.list_groups()
    await first.close()
    old = {"v": 1, "jid": "120363000000000077@g.us", "subject": "Before communities", "owner": ME,
           "created_ms": 1, "invite_code": "A" * 22, "members": [{"phone": ME, "role": "superadmin"}],
           "requests": []}
    await rig.store.save_group(rig.instance_id, old["jid"], old)  # written before the community fields

    second = await rig.engine()
    assert await second.list_communities() == [before]
    assert [g.jid for g in await second.list_groups()] == [old["jid"], *(g.jid for g in groups)]
    legacy = await second.group_info(str(old["jid"]))
    assert (legacy.is_community, legacy.community_jid, legacy.is_announcement) == (False, None, False)
    assert [r.error for r in await second.link_groups(community.jid, [str(old["jid"])], link=True)] == [0]
    assert len((await second.community_info(community.jid)).sub_groups) == 3
    await second.close()


async def test_bad_community_input_is_refused(rig: Rig) -> None:
    engine = await rig.engine()
    with pytest.raises(InvalidInput) as bad:
        await engine.create_community("x" * 26, "")
    assert bad.value.field == "name"
    community = await engine.create_community("Ok", "")
    with pytest.raises(InvalidInput) as bad:
        await engine.link_groups(community.jid, ["nope"], link=True)
    assert bad.value.field == "groupsPhones.0"
    with pytest.raises(InvalidInput) as bad:
        await engine.link_groups(community.jid, [], link=True)
    assert bad.value.field == "groupsPhones"
    with pytest.raises(InvalidInput) as bad:
        await engine.community_info("not-a-community")
    assert bad.value.field == "communityId"
    plain = (await engine.create_group("Plain", [])).group.jid
    for call in (engine.community_info(UNKNOWN), engine.community_info(plain),
                 engine.set_community_settings(plain, "admins"), engine.deactivate_community(UNKNOWN)):
        with pytest.raises(GroupNotFound):
            await call
    await engine.close()
