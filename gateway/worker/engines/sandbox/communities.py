"""The sandbox phone's communities, on its group world, with WhatsApp's rules (the caller holds ``change()``).

A community is a parent group (``is_community``; its JID is the community id; the creator its super admin)
and the groups linked to it, one of them its announcement group, created with it (only admins send, only
admins edit it). The community's members are its announcement group's; its admins, the admins of the parent
or of the announcement group. Rules (``NotGroupAdmin`` otherwise):

- link a group: a community admin, or any member while ``who_can_add_groups`` is ``all``; per group
  (``LinkResult.error``): 404 unknown to the phone, 403 the phone is not its admin, 409 linked to another
  community, 406 a community's parent. Its members join the announcement group (as WhatsApp makes them
  community members);
- unlink a group, change the settings, deactivate: a community admin; per group: 404 not linked to this
  community, 406 the announcement group (a community keeps it);
- deactivating unlinks every group (the announcement group becomes an ordinary group) and closes the parent:
  the phone no longer sees it.

Told to the phone: ``GROUP_CREATE`` for the parent and the announcement group. Linking, unlinking, the
settings and deactivation tell nothing (Z-API documents no notification for them).
"""

from __future__ import annotations

from gateway.core.errors import GroupNotFound, InvalidInput, NotGroupAdmin
from gateway.core.groups import Community, LinkResult, SubGroup
from gateway.worker.engines.sandbox.group_state import WHO_CAN_ADD_GROUPS, SandboxGroup
from gateway.worker.engines.sandbox.groups import GroupWorld


def sub_groups(world: GroupWorld, parent: SandboxGroup) -> list[SandboxGroup]:
    """The groups linked to a community, its announcement group first, then by age."""
    linked = [g for g in world.groups.values() if g.community_jid == parent.jid]
    return sorted(linked, key=lambda g: (not g.is_announcement, g.created_ms, g.jid))


def announcement(world: GroupWorld, parent: SandboxGroup) -> SandboxGroup | None:
    return next((g for g in sub_groups(world, parent) if g.is_announcement), None)


def community_of(world: GroupWorld, parent: SandboxGroup) -> Community:
    return Community(jid=parent.jid, name=parent.subject, description=parent.description,
                     sub_groups=tuple(SubGroup(jid=g.jid, name=g.subject, is_announcement=g.is_announcement)
                                      for g in sub_groups(world, parent)))


def _seen(world: GroupWorld, parent: SandboxGroup, me: str) -> bool:
    if not parent.is_community or parent.deactivated:
        return False
    news = announcement(world, parent)
    return parent.member(me) is not None or (news is not None and news.member(me) is not None)


def _is_admin(world: GroupWorld, parent: SandboxGroup, me: str) -> bool:
    news = announcement(world, parent)
    return parent.is_admin(me) or (news is not None and news.is_admin(me))


def visible(world: GroupWorld, jid: str, me: str) -> SandboxGroup:
    """The parent of a community the phone is in, else ``GroupNotFound``."""
    parent = world.groups.get(jid)
    if parent is None or not _seen(world, parent, me):
        raise GroupNotFound(f"the instance is in no community {jid}")
    return parent


def mine(world: GroupWorld, me: str) -> list[Community]:
    parents = [g for g in world.groups.values() if _seen(world, g, me)]
    return [community_of(world, p) for p in sorted(parents, key=lambda g: (g.created_ms, g.jid))]


def _need_admin(world: GroupWorld, parent: SandboxGroup, me: str, what: str) -> None:
    if not _is_admin(world, parent, me):
        raise NotGroupAdmin(f"only community admins can {what} ({me} is not an admin of {parent.jid})")


async def create(world: GroupWorld, me: str, name: str, description: str) -> Community:
    parent = world.new_group(me, name)
    parent.is_community, parent.description = True, description
    news = world.new_group(me, name)
    news.community_jid, news.is_announcement = parent.jid, True
    news.admin_only_message = news.admin_only_settings = True
    await world.commit(news)
    await world.commit(parent)
    await world.tell(parent, "GROUP_CREATE", me, parameters=(name,))
    await world.tell(news, "GROUP_CREATE", me, parameters=(name,))
    return community_of(world, parent)


async def link(world: GroupWorld, me: str, jid: str, groups: list[str]) -> list[LinkResult]:
    parent = visible(world, jid, me)
    if parent.who_can_add_groups != "all":
        _need_admin(world, parent, me, "link groups")
    news = announcement(world, parent)
    news = news.clone() if news is not None else None
    results: list[LinkResult] = []
    for gid in groups:
        group = world.groups.get(gid)
        if group is None or group.deactivated or group.member(me) is None:
            results.append(LinkResult(gid, error=404))
        elif group.is_community:
            results.append(LinkResult(gid, error=406))
        elif group.community_jid not in (None, parent.jid):
            results.append(LinkResult(gid, error=409))
        elif not group.is_admin(me):
            results.append(LinkResult(gid, error=403))
        else:
            if group.community_jid is None:
                group = group.clone()
                group.community_jid = parent.jid
                await world.commit(group)
                if news is not None:  # its members become the community's
                    for member in group.members:
                        news.add_member(member.phone)
            results.append(LinkResult(gid))
    if news is not None:
        await world.commit(news)
    return results


async def unlink(world: GroupWorld, me: str, jid: str, groups: list[str]) -> list[LinkResult]:
    parent = visible(world, jid, me)
    _need_admin(world, parent, me, "unlink groups")
    results: list[LinkResult] = []
    for gid in groups:
        group = world.groups.get(gid)
        if group is None or group.community_jid != parent.jid:
            results.append(LinkResult(gid, error=404))
        elif group.is_announcement:
            results.append(LinkResult(gid, error=406))
        else:
            group = group.clone()
            group.community_jid = None
            await world.commit(group)
            results.append(LinkResult(gid))
    return results


async def set_settings(world: GroupWorld, me: str, jid: str, who_can_add_groups: str) -> None:
    if who_can_add_groups not in WHO_CAN_ADD_GROUPS:
        raise InvalidInput(f"must be one of {', '.join(WHO_CAN_ADD_GROUPS)}", field="whoCanAddNewGroups")
    parent = visible(world, jid, me)
    _need_admin(world, parent, me, "change the community settings")
    if parent.who_can_add_groups != who_can_add_groups:
        parent = parent.clone()
        parent.who_can_add_groups = who_can_add_groups
        await world.commit(parent)


async def deactivate(world: GroupWorld, me: str, jid: str) -> None:
    """Unlink every group (each stays, as an ordinary group), then close the parent: the groups first, so a
    failure halfway leaves a community that deactivating again finishes."""
    parent = visible(world, jid, me)
    _need_admin(world, parent, me, "deactivate the community")
    for linked in sub_groups(world, parent):
        group = linked.clone()
        group.community_jid, group.is_announcement = None, False
        await world.commit(group)
    parent = parent.clone()
    parent.deactivated = True
    await world.commit(parent)
