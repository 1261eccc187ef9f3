"""Our group types → Z-API's answer shapes (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gateway.core.events import Address
from gateway.core.groups import CreatedGroup, GroupInfo, Participant, ParticipantResult, group_phone


def _user(a: Address | None) -> str | None:
    if a is None:
        return None
    return a.phone or a.jid.split("@")[0]


def _participant(p: Participant) -> dict[str, Any]:
    view: dict[str, Any] = {"phone": _user(p.address), "isAdmin": p.is_admin or p.is_super_admin,
                            "isSuperAdmin": p.is_super_admin}
    if p.address.lid:
        view["lid"] = p.address.lid
    if p.display_name:
        view["name"] = p.display_name
    return view


def list_item(g: GroupInfo) -> dict[str, Any]:
    """One entry of ``GET /groups`` (Z-API's chat list: strings where it sends strings)."""
    return {"isGroup": True, "name": g.subject, "phone": group_phone(g.jid), "unread": "0",
            "lastMessageTime": None, "isMuted": "0", "isMarkedSpam": "false", "archived": "false",
            "pinned": "false", "muteEndTime": None, "messagesUnread": "0", "isGroupAnnouncement": g.is_announcement}


def metadata(g: GroupInfo) -> dict[str, Any]:
    s = g.settings
    return {
        "phone": group_phone(g.jid), "description": g.description, "owner": _user(g.owner), "subject": g.subject,
        "creation": g.created_ms, "invitationLink": g.invite_link, "invitationLinkError": g.invite_link_error,
        "communityId": g.community_jid.split("@")[0] if g.community_jid else None,
        "adminOnlyMessage": s.admin_only_message, "adminOnlySettings": s.admin_only_settings,
        "requireAdminApproval": s.require_admin_approval, "adminOnlyAddMember": s.admin_only_add_member,
        "isGroupAnnouncement": g.is_announcement, "participants": [_participant(p) for p in g.participants],
        "subjectTime": g.subject_time_ms, "subjectOwner": _user(g.subject_owner),
    }


def invite_metadata(g: GroupInfo, code: str) -> dict[str, Any]:
    return {
        "phone": group_phone(g.jid), "owner": _user(g.owner), "subject": g.subject, "description": g.description,
        "creation": g.created_ms, "invitationLink": f"https://chat.whatsapp.com/{code}",
        "contactsCount": len(g.participants), "participantsCount": len(g.participants),
        "participants": [_participant(p) for p in g.participants], "subjectTime": g.subject_time_ms,
        "subjectOwner": _user(g.subject_owner),
    }


def _failed(results: Iterable[ParticipantResult], auto_invite: bool) -> list[dict[str, Any]]:
    return [{"phone": _user(r.address) or "", "error": r.error,
             "invited": auto_invite and r.error == 403 and r.invite_code is not None}
            for r in results if r.error]


def done(results: Iterable[ParticipantResult] = (), auto_invite: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {"value": True}
    if failed := _failed(results, auto_invite):
        answer["failed"] = failed
    return answer


def created_answer(created: CreatedGroup, link: str | None, auto_invite: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {"phone": group_phone(created.group.jid), "invitationLink": link}
    if failed := _failed(created.results, auto_invite):
        answer["failed"] = failed
    return answer
