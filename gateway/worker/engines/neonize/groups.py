"""neonize group protobufs → our group types and ``GroupNotified`` events; neonize errors → ours.

Pure protobuf reading, no FFI call. What neonize 0.5.2 cannot tell us stays ``None`` (``GroupInfo`` has
no join-approval or member-add mode). One ``GroupInfoEv`` carries several changes: each becomes its own
notification, in the order Join, Leave, Promote, Demote, Name, Topic, Locked, Announce, then the raw
``UnknownChanges`` nodes whatsmeow does not parse (membership requests, member link mode).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from gateway.core.errors import (
    EngineError,
    GroupNotFound,
    InvalidInput,
    NotConnected,
    NotGroupAdmin,
    ZapgateError,
)
from gateway.core.events import Address, GroupNotified
from gateway.core.groups import (
    Community,
    GroupInfo,
    GroupSettings,
    JoinRequest,
    Participant,
    ParticipantResult,
    SubGroup,
    notification_id,
)
from gateway.worker.engines.neonize.translate import GROUP_SERVER, LID_SERVER, PHONE_SERVER, address, jid_string

log = logging.getLogger(__name__)

INVITE_LINK_PREFIX = "https://chat.whatsapp.com/"
Subjects = MutableMapping[str, str]  # group JID → subject, per engine


@dataclass(frozen=True, slots=True)
class Me:
    """The connected account, to tell our own changes (``fromMe``) and to name ourselves."""

    phone: str | None = None
    lid: str | None = None  # "<n>@lid"

    def address(self) -> Address | None:
        if self.phone:
            return Address(jid=f"{self.phone}@{PHONE_SERVER}", phone=self.phone, lid=self.lid)
        return Address(jid=self.lid, lid=self.lid) if self.lid else None

    def owns(self, a: Address | None) -> bool:
        return a is not None and ((self.phone is not None and a.phone == self.phone)
                                  or (self.lid is not None and a.lid == self.lid))


# --- group info ------------------------------------------------------------------------------------

def _set(jid: Any) -> bool:
    return bool(jid.User)


def participant_address(p: Any) -> Address:
    """A ``GroupParticipant``: the JID (PN or LID) with the other form when WhatsApp gave it."""
    jid = p.JID if p.HasField("JID") and _set(p.JID) else (p.LID if _set(p.LID) else p.PhoneNumber)
    phone = p.PhoneNumber.User if _set(p.PhoneNumber) and p.PhoneNumber.Server == PHONE_SERVER else None
    if phone is None and jid.Server == PHONE_SERVER:
        phone = jid.User
    lid = f"{jid.User}@{LID_SERVER}" if jid.Server == LID_SERVER else (
        f"{p.LID.User}@{LID_SERVER}" if _set(p.LID) and p.LID.Server == LID_SERVER else None)
    return Address(jid=jid_string(jid), phone=phone, lid=lid)


def group_info(info: Any) -> GroupInfo:
    """``Neonize_pb2.GroupInfo`` → ``GroupInfo`` (participants that could not be added are left out)."""
    owner = None
    if _set(info.OwnerPN):
        owner = address(info.OwnerPN, info.OwnerJID if info.OwnerJID.Server == LID_SERVER else None)
    elif _set(info.OwnerJID):
        owner = address(info.OwnerJID)
    name = info.GroupName
    parent = info.GroupLinkedParent.LinkedParentJID
    return GroupInfo(
        jid=jid_string(info.JID),
        subject=name.Name,
        description=info.GroupTopic.Topic,
        owner=owner,
        created_ms=int(info.GroupCreated) * 1000,  # float32 seconds in neonize: up to ±64 s off
        subject_time_ms=int(name.NameSetAt) * 1000,
        subject_owner=address(name.NameSetBy) if _set(name.NameSetBy) else None,
        settings=GroupSettings(admin_only_message=bool(info.GroupAnnounce.IsAnnounce),
                               admin_only_settings=bool(info.GroupLocked.isLocked),
                               require_admin_approval=None,  # neonize's GroupInfo has no such field
                               admin_only_add_member=None),  # nor MemberAddMode
        participants=tuple(Participant(address=participant_address(p), is_admin=bool(p.IsAdmin or p.IsSuperAdmin),
                                       is_super_admin=bool(p.IsSuperAdmin), display_name=p.DisplayName)
                           for p in info.Participants if not p.Error),
        is_community=bool(info.GroupParent.IsParent),
        community_jid=jid_string(parent) or None,
        is_announcement=bool(info.GroupIsDefaultSub.IsDefaultSubGroup),
    )


def participant_result(p: Any) -> ParticipantResult:
    """One ``GroupParticipant`` of a participant change or a create: its per-phone outcome."""
    code, expiration = None, None
    if p.HasField("AddRequest") and p.AddRequest.Code:
        code, expiration = p.AddRequest.Code, int(p.AddRequest.Expiration)
    return ParticipantResult(address=participant_address(p), error=int(p.Error), invite_code=code,
                             invite_expiration_s=expiration)


def epoch_ms(value: int) -> int:
    """Seconds, milliseconds or microseconds since the epoch → milliseconds."""
    value = int(value)
    if value > 100_000_000_000_000:
        return value // 1000
    return value if value > 100_000_000_000 else value * 1000


def join_request(r: Any) -> JoinRequest:
    """``GroupParticipantRequest`` (``TimeAt`` is microseconds in neonize's Go core) → ``JoinRequest``."""
    return JoinRequest(address=address(r.Participant), requested_at_ms=epoch_ms(r.TimeAt))


# --- communities -----------------------------------------------------------------------------------

def sub_group(target: Any) -> SubGroup:
    """A ``GroupLinkTarget`` of ``get_sub_groups``: the default sub-group is the announcement group."""
    return SubGroup(jid=jid_string(target.JID), name=target.GroupName.Name,
                    is_announcement=bool(target.GroupIsDefaultSub.IsDefaultSubGroup))


def community(parent: GroupInfo, targets: Any, description: str | None = None) -> Community:
    """A parent group and its ``GroupLinkTarget``s (in WhatsApp's order) → ``Community``."""
    return Community(jid=parent.jid, name=parent.subject,
                     description=parent.description if description is None else description,
                     sub_groups=tuple(sub_group(t) for t in targets))


_LINK_CODES = ((404, ("status 404", "item-not-found")),
               (403, ("status 403", "forbidden", "status 401", "not-authorized")),
               (409, ("status 409", "conflict")),
               (406, ("status 406", "not-acceptable")))
LINK_FAILED = 500  # any other failure: WhatsApp's answer was not one of the above, or none came


def link_error(exc: BaseException) -> int:
    """Why linking (or unlinking) one group failed, as WhatsApp's code, by the error text."""
    low = (str(exc.args[0]) if exc.args else str(exc)).lower()
    return next((code for code, texts in _LINK_CODES if any(t in low for t in texts)), LINK_FAILED)


# --- errors ----------------------------------------------------------------------------------------

_NOT_CONNECTED = ("websocket not connected", "websocket disconnected before", "the store doesn't contain")
_NOT_FOUND = ("status 404", "item-not-found", "that group does not exist", "you're not participating in that group")
_NOT_ADMIN = ("status 403", "forbidden", "status 401", "not-authorized",
              "you don't have the permission to get the group's invite link")
_BAD_LINK = ("that group invite link is not valid", "that group invite link has been revoked")
_TRANSIENT = ("status 429", "rate-overlimit", "timed out", "status 500", "status 503", "status 530",
              "internal-server-error", "service-unavailable")


def group_error(what: str, exc: BaseException) -> ZapgateError:
    """A neonize exception (its text is whatsmeow's error) → our error, by the message."""
    text = str(exc.args[0]) if exc.args else str(exc)
    low = text.lower()
    if any(s in low for s in _NOT_CONNECTED):
        return NotConnected(f"{what}: the instance is not connected ({text})")
    if any(s in low for s in _BAD_LINK):
        return InvalidInput(f"{what}: {text}", field="url")
    if any(s in low for s in _NOT_FOUND):
        return GroupNotFound(f"{what}: the instance is not in that group, or it does not exist ({text})")
    if any(s in low for s in _NOT_ADMIN):
        return NotGroupAdmin(f"{what}: WhatsApp refused it; only a group admin can do this ({text})")
    return EngineError(f"{what} failed: {text}", transient=any(s in low for s in _TRANSIENT))


def invite_link_error(exc: BaseException) -> str | None:
    """Why an invite link could not be read, as Z-API's ``invitationLinkError`` names it (None: unknown)."""
    low = (str(exc.args[0]) if exc.args else str(exc)).lower()
    if "status 429" in low or "rate-overlimit" in low:
        return "too many requests"
    if "status 401" in low or "not-authorized" in low or "don't have the permission" in low:
        return "not-authorized"
    if "status 403" in low or "forbidden" in low or "not participating" in low:
        return "forbidden"
    return None


# --- events ----------------------------------------------------------------------------------------

def _notified(group: str, kind: str, timestamp_ms: int, subjects: Subjects, me: Me, *, actor: Address | None = None,
              actor_name: str = "", participants: tuple[Address, ...] = (), parameters: tuple[str, ...] = (),
              request_method: str | None = None, link_mode: str | None = None, key: tuple[str, ...] = (),
              id_ms: int | None = None) -> GroupNotified:
    values = (actor.jid if actor else "", *(p.jid for p in participants), *parameters, request_method or "",
              link_mode or "", *key)
    stable_id = notification_id(group, kind, timestamp_ms if id_ms is None else id_ms, *values)
    return GroupNotified(group=Address(jid=group), kind=kind, timestamp_ms=timestamp_ms, notification_id=stable_id,
                         actor=actor,
                         actor_name=actor_name, from_me=me.owns(actor), participants=participants,
                         parameters=parameters, subject=subjects.get(group, ""), request_method=request_method,
                         link_mode=link_mode)


CREATED_RECENTLY_MS = 120_000  # a JoinedGroup for a group this young is its creation


def joined(ev: Any, me: Me, subjects: Subjects, now_ms: int) -> list[GroupNotified]:
    """``JoinedGroupEv``: we created the group, were added, or joined by link.

    The event has no timestamp (the capture time is used) and neonize's Go encoder copies ``Reason`` into
    ``Type``; a creation is recognised by ``Type == "new"``, a ``CreateKey``, or a group created moments ago.
    """
    info = group_info(ev.GroupInfo)
    subjects[info.jid] = info.subject
    actor = address(ev.Sender) if ev.HasField("Sender") and _set(ev.Sender) else None
    key = (ev.GroupInfo.ParticipantVersionID,)  # with the creation time: stable across redeliveries
    young = info.created_ms > 0 and abs(now_ms - info.created_ms) <= CREATED_RECENTLY_MS
    created = ev.Type == "new" or bool(ev.CreateKey) or (ev.Reason != "invite" and young)
    if created:
        return [_notified(info.jid, "GROUP_CREATE", now_ms, subjects, me, actor=actor or info.owner,
                          parameters=(info.subject,), key=key, id_ms=info.created_ms)]
    kind = "GROUP_PARTICIPANT_INVITE" if ev.Reason == "invite" else "GROUP_PARTICIPANT_ADD"
    mine = me.address()
    return [_notified(info.jid, kind, now_ms, subjects, me, actor=actor,
                      participants=(mine,) if mine is not None else (), key=key, id_ms=info.created_ms)]


def _same_user(a: Address, b: Address | None) -> bool:
    """The same account, compared within what both name (a PN and a LID of one person look different)."""
    return b is not None and (a.jid == b.jid or (a.phone is not None and a.phone == b.phone)
                              or (a.lid is not None and a.lid == b.lid))


def _attrs(node: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for a in node.Attrs:
        which = a.WhichOneof("Value")
        out[a.name] = jid_string(a.jid) if which == "jid" else (getattr(a, which) if which else None)
    return out


def _node_address(attrs: dict[str, Any]) -> Address | None:
    """A ``jid`` (PN or LID) attribute, with ``phone_number`` when the JID is a LID."""
    jid = str(attrs.get("jid") or "")
    if "@" not in jid:
        return None
    user, server = jid.split("@", 1)
    user = user.partition(":")[0]
    pn = str(attrs.get("phone_number") or "")
    if server == LID_SERVER:
        phone = pn.partition("@")[0].partition(":")[0] or None
        return Address(jid=f"{user}@{LID_SERVER}", phone=phone, lid=f"{user}@{LID_SERVER}")
    return Address(jid=f"{user}@{server}", phone=user if server == PHONE_SERVER else None)


def _unknown(node: Any, note: Callable[..., GroupNotified], actor: Address | None) -> list[GroupNotified]:
    """A change whatsmeow does not parse (``UnknownChanges``): membership requests and member link mode."""
    tag, attrs = node.Tag, _attrs(node)
    out: list[GroupNotified] = []
    if tag == "created_membership_requests":
        method = str(attrs.get("request_method") or "") or None
        for child in node.Nodes:
            requester = _node_address(_attrs(child)) if child.Tag == "requested_user" else None
            if requester is None:
                continue
            members = (requester, actor) if method == "non_admin_add" and actor is not None else (requester,)
            out.append(note("MEMBERSHIP_APPROVAL_REQUEST", participants=members, request_method=method))
    elif tag == "revoked_membership_requests":
        for child in node.Nodes:
            requester = _node_address(_attrs(child)) if child.Tag == "participant" else None
            if requester is not None:
                out.append(note("REVOKED_MEMBERSHIP_REQUESTS", participants=(requester,)))
    elif tag == "member_link_mode" and node.Bytes:
        mode = node.Bytes.decode(errors="replace").strip().upper()
        out.append(note("GROUP_MEMBER_LINK_PROPERTY_UPDATE", link_mode=mode))
    if not out:
        log.info("group change not mapped to a notification: %s %s %r", tag, attrs, bytes(node.Bytes)[:64])
    return out


def changed(ev: Any, me: Me, subjects: Subjects) -> list[GroupNotified]:
    """``GroupInfoEv`` → one ``GroupNotified`` per change, in a fixed order."""
    group = jid_string(ev.JID)
    ts = epoch_ms(ev.Timestamp)
    actor = address(ev.Sender) if ev.HasField("Sender") and _set(ev.Sender) else None
    name = ev.Notify
    version = (ev.ParticipantVersionID,) if ev.ParticipantVersionID else ()

    def note(kind: str, **kw: Any) -> GroupNotified:
        return _notified(group, kind, ts, subjects, me, actor=actor, actor_name=name, **kw)

    out: list[GroupNotified] = []
    if ev.Join:
        kind = "GROUP_PARTICIPANT_INVITE" if ev.JoinReason == "invite" else "GROUP_PARTICIPANT_ADD"
        out.append(note(kind, participants=tuple(address(j) for j in ev.Join), key=version))
    if ev.Leave:
        left = tuple(address(j) for j in ev.Leave)
        alone = len(left) == 1 and (actor is None or _same_user(left[0], actor)
                                    or (me.owns(left[0]) and me.owns(actor)))
        out.append(note("GROUP_PARTICIPANT_LEAVE" if alone else "GROUP_PARTICIPANT_REMOVE", participants=left,
                        key=version))
    if ev.Promote:
        out.append(note("GROUP_PARTICIPANT_PROMOTE", participants=tuple(address(j) for j in ev.Promote), key=version))
    if ev.Demote:
        out.append(note("GROUP_PARTICIPANT_DEMOTE", participants=tuple(address(j) for j in ev.Demote), key=version))
    if ev.HasField("Name"):
        subjects[group] = ev.Name.Name  # before the notification: chatName is the new subject
        out.append(note("GROUP_CHANGE_SUBJECT", parameters=(ev.Name.Name,)))
    if ev.HasField("Topic"):
        topic = ev.Topic
        out.append(note("GROUP_CHANGE_DESCRIPTION", parameters=() if topic.TopicDeleted else (topic.Topic,),
                        key=(topic.TopicID,)))
    if ev.HasField("Locked"):
        out.append(note("GROUP_CHANGE_RESTRICT", parameters=("on" if ev.Locked.isLocked else "off",)))
    if ev.HasField("Announce"):
        out.append(note("GROUP_CHANGE_ANNOUNCE", parameters=("on" if ev.Announce.IsAnnounce else "off",)))
    for node in ev.UnknownChanges:
        out.extend(_unknown(node, note, actor))
    return out


def picture(ev: Any, me: Me, subjects: Subjects) -> list[GroupNotified]:
    """``PictureEv`` of a group → ``GROUP_CHANGE_ICON`` (neonize gives no picture id); others → nothing."""
    if ev.JID.Server != GROUP_SERVER:
        return []
    actor = address(ev.Author) if _set(ev.Author) else None
    return [_notified(jid_string(ev.JID), "GROUP_CHANGE_ICON", epoch_ms(ev.Timestamp), subjects, me, actor=actor,
                      key=("remove" if ev.Remove else "set",))]
