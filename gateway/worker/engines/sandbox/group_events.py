"""``inject_group_event``: a change someone else makes in a group the sandbox phone is in (or adds it to).

Body (``POST .../sandbox/group-event``)::

    {"type": "<type>", "group": "<id>-group", "by": "<phone>", "byName"?: "<push name>", ...}

- ``group``: ``<id>-group``, ``<id>@g.us`` or ``<id>``; a group the phone is in (404 ``GROUP_NOT_FOUND``
  otherwise). Only ``addedUs`` may name a group the phone is not in, or leave it out (a new group).
- ``by``: who makes the change, digits with country code, never the instance's own phone; a member of the
  group (except for ``join``/``request``/``addedUs`` of a new group), an admin where WhatsApp wants one
  (403 ``NOT_GROUP_ADMIN`` otherwise).

Types, their other fields, and the notification each tells (the members it is about in brackets):

- ``join``: ``GROUP_PARTICIPANT_INVITE`` [by] (joined through the invite link); when joining needs approval,
  ``MEMBERSHIP_APPROVAL_REQUEST`` [by] instead (``pendingApproval`` true).
- ``leave``: ``GROUP_PARTICIPANT_LEAVE`` [by].
- ``add`` / ``remove`` / ``promote`` / ``demote`` with ``participants`` (phones):
  ``GROUP_PARTICIPANT_ADD`` / ``_REMOVE`` / ``_PROMOTE`` / ``_DEMOTE`` [those it applied to]; the others are in
  ``results`` with WhatsApp's code (add: 404 not on WhatsApp, 403 needs an invite, 409 already in).
- ``subject`` with ``subject`` (1-25 chars): ``GROUP_CHANGE_SUBJECT`` [subject].
- ``description`` with ``description`` (up to 2048 chars, "" clears it): ``GROUP_CHANGE_DESCRIPTION`` [text].
- ``icon``: ``GROUP_CHANGE_ICON`` [].
- ``announce`` / ``restrict`` with ``value`` (true/false or "on"/"off"): ``GROUP_CHANGE_ANNOUNCE`` /
  ``GROUP_CHANGE_RESTRICT`` ["on"/"off"] (only admins send / only admins edit the group info).
- ``request``: ``MEMBERSHIP_APPROVAL_REQUEST`` [by], requestMethod ``invite_link`` (told to admins only).
- ``revokeRequest``: ``REVOKED_MEMBERSHIP_REQUESTS`` [by] (told to admins only).
- ``addedUs`` with ``subject``? (a new group's name, default "Sandbox group") and ``participants``? (its other
  members): ``GROUP_PARTICIPANT_ADD`` [the instance's phone]; ``by`` creates the group when it is new.
- ``removeUs``: ``GROUP_PARTICIPANT_REMOVE`` [the instance's phone].

Answer: ``{"groupId": "<id>-group", "notifications": ["<notification id>", ...]}``, plus ``results``
(``[{"phone", "error"}]``) for add/remove/promote/demote and ``pendingApproval`` for ``join``.
Every invalid field is a 400 naming it.
"""

from __future__ import annotations

from typing import Any

from gateway.core.errors import InvalidInput
from gateway.core.groups import GroupSettings, ParticipantAction, ParticipantResult, group_phone, parse_group_id
from gateway.core.phones import validate_phone
from gateway.worker.engines.sandbox.group_state import MAX_DESCRIPTION, MAX_SUBJECT, Request, Role, SandboxGroup
from gateway.worker.engines.sandbox.groups import GroupWorld

ACTIONS = {"add": ParticipantAction.ADD, "remove": ParticipantAction.REMOVE,
           "promote": ParticipantAction.PROMOTE, "demote": ParticipantAction.DEMOTE}
TYPES = ("join", "leave", *ACTIONS, "subject", "description", "icon", "announce", "restrict", "request",
         "revokeRequest", "addedUs", "removeUs")
MAX_PARTICIPANTS = 256
SANDBOX_JPEG = b"\xff\xd8\xff\xe0sandbox-group-icon"


def subject_of(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("must be a non-empty string", field=field)
    if len(value.strip()) > MAX_SUBJECT:
        raise InvalidInput(f"must be at most {MAX_SUBJECT} characters (WhatsApp's limit for a group subject)",
                           field=field)
    return value.strip()


def description_of(value: Any, field: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_DESCRIPTION:
        raise InvalidInput(f"must be a string of at most {MAX_DESCRIPTION} characters", field=field)
    return value


def phones_of(value: Any, field: str, *, required: bool) -> list[str]:
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value) or len(value) > MAX_PARTICIPANTS:
        raise InvalidInput(f"must be a list of 1 to {MAX_PARTICIPANTS} phones", field=field)
    return list(dict.fromkeys(validate_phone(p, f"{field}.{i}") for i, p in enumerate(value)))


def switch_of(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("on", "off"):
        return bool(value == "on")
    raise InvalidInput('must be true, false, "on" or "off"', field=field)


def _results(results: list[ParticipantResult]) -> list[dict[str, Any]]:
    return [{"phone": r.address.phone, "error": r.error} for r in results]


async def inject(world: GroupWorld, me: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Validate ``spec`` and apply the change it describes (see the module docstring)."""
    kind = spec.get("type")
    if not isinstance(kind, str) or kind not in TYPES:
        raise InvalidInput(f"must be one of {', '.join(TYPES)}", field="type")
    by = validate_phone(spec.get("by"), "by")
    if by == me:
        raise InvalidInput("must be another phone than the instance's own (use the group routes for it)",
                           field="by")
    name = spec.get("byName", "")
    if not isinstance(name, str) or len(name) > 100:
        raise InvalidInput("must be a string of at most 100 characters", field="byName")
    raw_group = spec.get("group")
    if raw_group is None and kind != "addedUs":
        raise InvalidInput("is required", field="group")
    jid = parse_group_id(raw_group, "group") if raw_group is not None else None
    async with world.change(name) as told:
        answer: dict[str, Any] = {}
        if kind == "addedUs":
            jid = await _added_us(world, me, by, jid, spec)
        else:
            assert jid is not None
            answer = await _apply(world, kind, spec, me=me, by=by, jid=jid)
        return {"groupId": group_phone(jid), "notifications": list(told), **answer}


async def _apply(world: GroupWorld, kind: str, spec: dict[str, Any], *, me: str, by: str, jid: str
                 ) -> dict[str, Any]:
    if kind in ACTIONS:
        phones = phones_of(spec.get("participants"), "participants", required=True)
        return {"results": _results(await world.update(by, jid, phones, ACTIONS[kind]))}
    if kind == "removeUs":
        [result] = await world.update(by, jid, [me], ParticipantAction.REMOVE)
        if result.error:
            raise InvalidInput("the instance's phone created the group: WhatsApp lets nobody remove it",
                               field="type")
    elif kind == "leave":
        await world.leave(by, jid)
    elif kind == "subject":
        await world.set_subject(by, jid, subject_of(spec.get("subject"), "subject"))
    elif kind == "description":
        await world.set_description(by, jid, description_of(spec.get("description"), "description"))
    elif kind == "icon":
        await world.set_photo(by, jid, SANDBOX_JPEG)
    elif kind in ("announce", "restrict"):
        value = switch_of(spec.get("value"), "value")
        change = GroupSettings(admin_only_message=value) if kind == "announce" else GroupSettings(
            admin_only_settings=value)
        await world.set_settings(by, jid, change)
    elif kind == "join":
        return {"pendingApproval": (await world.join(by, _outsider(world, by, jid))).pending_approval}
    elif kind == "request":
        group = _outsider(world, by, jid).clone()
        if group.request(by) is not None:
            raise InvalidInput("has already asked to join the group", field="by")
        group.requests.append(Request(by, world.clock()))
        await world.commit(group)
        await world.tell(group, "MEMBERSHIP_APPROVAL_REQUEST", by, participants=(by,), request_method="invite_link")
    else:  # revokeRequest
        group = world.visible(jid).clone()
        if group.request(by) is None:
            raise InvalidInput("has no pending request to join the group", field="by")
        group.drop_request(by)
        await world.commit(group)
        await world.tell(group, "REVOKED_MEMBERSHIP_REQUESTS", by, participants=(by,))
    return {}


def _outsider(world: GroupWorld, by: str, jid: str) -> SandboxGroup:
    group = world.visible(jid)
    if group.member(by) is not None:
        raise InvalidInput("is already a member of the group", field="by")
    return group


async def _added_us(world: GroupWorld, me: str, by: str, jid: str | None, spec: dict[str, Any]) -> str:
    """``by`` adds the phone to a group: a new one it creates (with ``participants``) or one it is in."""
    others = [p for p in phones_of(spec.get("participants"), "participants", required=False) if p not in (me, by)]
    existing = world.groups.get(jid) if jid is not None else None
    if existing is None:
        subject = subject_of(spec.get("subject", "Sandbox group"), "subject")
        group, _ = await world.create(by, subject, [], jid=jid)
        group = group.clone()
        for phone in others:
            group.add_member(phone)
    else:
        if existing.member(me) is not None:
            raise InvalidInput("the instance's phone is already in this group", field="group")
        if existing.member(by) is None:
            raise InvalidInput(f"{by} is not a member of the group", field="by")
        if existing.admin_only_add_member:
            world.need_admin(existing, by, "add participants")
        group = existing.clone()
    group.add_member(me, Role.MEMBER)
    await world.commit(group)
    await world.tell(group, "GROUP_PARTICIPANT_ADD", by, participants=(me,))
    return group.jid
