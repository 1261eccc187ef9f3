"""The sandbox's group state and rules, without services: phone rules, JSON round trip, WhatsApp's quirks."""

from __future__ import annotations

import random
import re

import orjson
import pytest

from gateway.core.errors import InvalidInput
from gateway.worker.engines.sandbox.group_events import phones_of, subject_of, switch_of
from gateway.worker.engines.sandbox.group_state import (
    Request,
    Role,
    SandboxGroup,
    needs_invite,
    new_group_jid,
    new_invite_code,
    on_whatsapp,
)


def _group() -> SandboxGroup:
    g = SandboxGroup(jid="120363000000000001@g.us", subject="S", owner="5511900000001", created_ms=1,
                     invite_code="A" * 22, subject_owner="5511900000001")
    g.add_member("5511900000001", Role.SUPER_ADMIN)
    g.add_member("5511900000003")
    g.add_member("5511900000002", Role.ADMIN)
    return g


def test_phone_rules() -> None:
    assert not on_whatsapp("5511911110404") and on_whatsapp("5511911110403") and on_whatsapp("5511999990000")
    assert needs_invite("5511911110403") and not needs_invite("5511911110404")


def test_ids_look_like_whatsapps_and_a_seed_repeats_them() -> None:
    jid, code = new_group_jid(random.Random(1)), new_invite_code(random.Random(1))
    assert re.fullmatch(r"120363\d{12}@g\.us", jid) and re.fullmatch(r"[A-Za-z0-9]{22}", code)
    assert new_group_jid(random.Random(1)) == jid


def test_state_round_trips_through_json_keeping_member_order() -> None:
    g = _group()
    g.requests.append(Request("5511900000009", 5, "non_admin_add", "5511900000003"))
    g.photo_sha256, g.photo_size = "ab" * 32, 10
    back = SandboxGroup.from_state(orjson.loads(orjson.dumps(g.to_state())))
    assert back == g
    assert [m.phone for m in back.members] == ["5511900000001", "5511900000003", "5511900000002"]
    assert back.clone() is not back and back.clone() == back


def test_info_shows_roles_and_the_link_only_when_allowed() -> None:
    g = _group()
    info = g.info()
    assert [(p.address.phone, p.is_admin, p.is_super_admin) for p in info.participants] == [
        ("5511900000001", True, True), ("5511900000003", False, False), ("5511900000002", True, False)]
    assert info.invite_link is None and info.invite_link_error is None
    assert g.info(link=True).invite_link == "https://chat.whatsapp.com/" + "A" * 22
    assert g.info(link=False).invite_link_error == "not-authorized"


def test_when_the_last_admin_goes_the_longest_standing_member_becomes_admin() -> None:
    g = _group()
    g.remove_member("5511900000001")
    assert g.is_admin("5511900000002") and not g.is_admin("5511900000003")
    g.remove_member("5511900000002")
    assert g.is_admin("5511900000003")


def test_adding_a_member_drops_their_request() -> None:
    g = _group()
    g.requests.append(Request("5511900000009", 5))
    g.add_member("5511900000009")
    assert g.request("5511900000009") is None and g.member("5511900000009") is not None


def test_inject_field_parsers_name_the_field() -> None:
    assert subject_of("  Team ", "subject") == "Team"
    assert switch_of("on", "value") is True and switch_of(False, "value") is False
    assert phones_of(["5511900000001", "5511900000001"], "participants", required=True) == ["5511900000001"]
    assert phones_of(None, "participants", required=False) == []
    for call, field in ((lambda: subject_of("x" * 26, "subject"), "subject"), (lambda: subject_of(" ", "s"), "s"),
                        (lambda: switch_of("yes", "value"), "value"),
                        (lambda: phones_of([], "participants", required=True), "participants"),
                        (lambda: phones_of(["1"], "participants", required=True), "participants.0")):
        with pytest.raises(InvalidInput) as bad:
            call()
        assert bad.value.field == field
