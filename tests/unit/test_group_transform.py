"""Group notifications → Z-API ``ReceivedCallback`` payloads: one golden payload, then each notification."""

from __future__ import annotations

import pytest

from dispatch.transform import Context, Hook, transform
from gateway.core.events import Address, Envelope, GroupNotified, decode, encode
from gateway.core.groups import notification_id
from gateway.core.phones import phone_address

IID = "A20DA9C0183A2D35A260F53F5D2B9244"
CTX = Context(instance_id=IID, connected_phone="5544999999999", notify_sent_by_me=False)
GROUP = Address(jid="120363019502650977@g.us")
ANA = phone_address("5544988887777")
LID_ONLY = Address(jid="182200000000000@lid", lid="182200000000000@lid")


def _payload(ev: GroupNotified) -> dict[str, object]:
    env = decode(encode(Envelope(instance_id=IID, seq=1, event_id="e", at_ms=1, event=ev)))  # as dispatch reads it
    (hook, payload), = transform(env, CTX)
    assert hook is Hook.RECEIVED
    return payload


def test_a_membership_request_is_the_z_api_documented_payload() -> None:
    ev = GroupNotified(group=GROUP, kind="MEMBERSHIP_APPROVAL_REQUEST", timestamp_ms=1682017970000,
                       notification_id="2944380975", actor=ANA, actor_name="name", participants=(ANA,),
                       subject="name", request_method="invite_link")
    assert _payload(ev) == {
        "isStatusReply": False, "chatLid": None, "connectedPhone": "5544999999999", "waitingMessage": False,
        "isEdit": False, "isGroup": True, "isNewsletter": False, "instanceId": IID, "messageId": "2944380975",
        "phone": "120363019502650977-group", "fromMe": False, "momment": 1682017970000, "expiresAt": None,
        "status": "RECEIVED", "chatName": "name", "senderPhoto": None, "senderName": "name", "photo": None,
        "broadcast": False, "participantPhone": "5544988887777", "participantLid": None,
        "referenceMessageId": None, "externalAdReply": None, "forwarded": False, "type": "ReceivedCallback",
        "notification": "MEMBERSHIP_APPROVAL_REQUEST", "notificationParameters": ["5544988887777"],
        "callId": None, "code": None, "fromApi": False, "requestMethod": "invite_link",
    }


@pytest.mark.parametrize(("kind", "participants", "parameters", "expected"), [
    ("GROUP_CREATE", (), ("Suporte",), ["Suporte"]),
    ("GROUP_PARTICIPANT_ADD", (ANA, LID_ONLY), (), ["5544988887777", "182200000000000@lid"]),
    ("GROUP_PARTICIPANT_INVITE", (ANA,), (), ["5544988887777"]),
    ("GROUP_PARTICIPANT_REMOVE", (ANA,), (), ["5544988887777"]),
    ("GROUP_PARTICIPANT_LEAVE", (LID_ONLY,), (), ["182200000000000@lid"]),
    ("GROUP_PARTICIPANT_PROMOTE", (ANA,), (), ["5544988887777"]),
    ("GROUP_PARTICIPANT_DEMOTE", (ANA,), (), ["5544988887777"]),
    ("GROUP_CHANGE_SUBJECT", (), ("Novo nome",), ["Novo nome"]),
    ("GROUP_CHANGE_DESCRIPTION", (), ("texto",), ["texto"]),
    ("GROUP_CHANGE_ICON", (), (), []),
    ("GROUP_CHANGE_RESTRICT", (), ("on",), ["on"]),
    ("GROUP_CHANGE_ANNOUNCE", (), ("off",), ["off"]),
    ("REVOKED_MEMBERSHIP_REQUESTS", (ANA,), (), ["5544988887777"]),
    ("GROUP_MEMBER_LINK_PROPERTY_UPDATE", (), (), []),
])
def test_each_notification(kind: str, participants: tuple[Address, ...], parameters: tuple[str, ...],
                           expected: list[str]) -> None:
    ev = GroupNotified(group=GROUP, kind=kind, timestamp_ms=1700000000000,
                       notification_id=notification_id(GROUP.jid, kind, 1700000000000, *expected),
                       actor=LID_ONLY, participants=participants, parameters=parameters, subject="Grupo",
                       link_mode="ADMIN_LINK" if kind == "GROUP_MEMBER_LINK_PROPERTY_UPDATE" else None)
    payload = _payload(ev)
    assert payload["notification"] == kind and payload["notificationParameters"] == expected
    assert payload["participantPhone"] == "182200000000000"  # LID digits when only the LID is known
    assert payload["participantLid"] == "182200000000000@lid" and payload["chatName"] == "Grupo"
    assert str(payload["messageId"]).isdigit() and len(str(payload["messageId"])) == 10
    assert ("linkMode" in payload) is (kind == "GROUP_MEMBER_LINK_PROPERTY_UPDATE")


def test_notification_ids_are_stable_and_distinct() -> None:
    one = notification_id(GROUP.jid, "GROUP_CHANGE_SUBJECT", 1, "a")
    assert one == notification_id(GROUP.jid, "GROUP_CHANGE_SUBJECT", 1, "a")
    assert one != notification_id(GROUP.jid, "GROUP_CHANGE_SUBJECT", 1, "b")
