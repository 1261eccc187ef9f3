"""Input the API cannot store or forward (NUL, lone surrogates, deep nesting) is a Z-API shaped 400, never a 500.

Each case here was a 500 once (found by fuzzing the OpenAPI document, see ``tests/fuzz``).
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.core.errors import InvalidInput
from gateway.core.events import dumps
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from tests.support.api import Api


def _is_invalid(r: Any, field: str) -> None:
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["field"] == field, body
    assert body["error"].startswith(f"{field}: "), body


async def test_nul_in_a_query_parameter_is_refused(api: Api) -> None:
    await api.create_instance(name="alpha")
    r = await api.client.get("/instances", params={"query": "\x00"}, headers=api.partner)
    _is_invalid(r, "query")
    assert r.json()["message"] == "must not contain NUL characters"
    r = await api.client.get("/instances?query=al%00pha", headers=api.partner)
    _is_invalid(r, "query")
    assert (await api.client.get("/instances?query=alpha", headers=api.partner)).json()["total"] == 1


async def test_nul_in_a_path_parameter_is_refused(api: Api) -> None:
    r = await api.client.get("/instances/abc%00def", headers=api.partner)
    _is_invalid(r, "path")


async def test_the_instance_store_matches_nothing_for_a_nul_query(api: Api) -> None:
    await api.create_instance(name="alpha")
    db = await Database.connect(api.settings, max_size=1)
    try:
        store = InstanceStore(db)
        partner = await store.partner_by_token_hash(_partner_hash())
        assert partner is not None
        assert await store.page(partner.id, 1, 10, "al\x00pha") == (0, [])
    finally:
        await db.close()


def _partner_hash() -> str:
    from gateway.core.ids import hash_token
    from tests.support.api import PARTNER_TOKEN

    return hash_token(PARTNER_TOKEN)


LONE = b'"a\\ud800b"'


@pytest.mark.parametrize(("action", "body", "field"), [
    ("send-text", b'{"phone": "5511999990000", "message": ' + LONE + b"}", "message"),
    ("sandbox/inbound", b'{"from": "5511988887777", "type": "text", "message": ' + LONE + b"}", "message"),
    ("sandbox/inbound", b'{"from": "5511988887777", "type": "text", "message": "hi", ' + LONE + b": 1}",
     "a\ufffdb"),
])
async def test_a_lone_surrogate_in_any_text_is_refused(api: Api, action: str, body: bytes, field: str) -> None:
    inst = await api.create_instance()
    headers = {**api.client_headers, "Content-Type": "application/json"}
    r = await api.client.post(api.path(inst, action), content=body, headers=headers)
    _is_invalid(r, field)
    assert "surrogate" in r.json()["message"]


async def test_a_lone_surrogate_in_a_setting_is_refused(api: Api) -> None:
    inst = await api.create_instance()
    headers = {**api.client_headers, "Content-Type": "application/json"}
    r = await api.client.put(api.path(inst, "update-name"), content=b'{"value": ' + LONE + b"}", headers=headers)
    _is_invalid(r, "value")


async def test_a_body_nested_too_deep_is_refused(api: Api) -> None:
    inst = await api.create_instance()
    deep: Any = "x"
    for _ in range(300):
        deep = {"k": deep}
    body = {"from": "5511988887777", "type": "text", "message": "hi", "extra": deep}
    r = await api.client.post(api.path(inst, "sandbox/inbound"), json=body, headers=api.client_headers)
    _is_invalid(r, "extra" + ".k" * 31)  # the first object deeper than 32 levels
    assert "nested deeper than" in r.json()["message"]
    r = await api.client.post(api.path(inst, "send-text"), content=b"[" * 100_000 + b"]" * 100_000,
                              headers={**api.client_headers, "Content-Type": "application/json"})
    _is_invalid(r, "body")


async def test_nul_in_json_text_is_refused(api: Api) -> None:
    inst = await api.create_instance()
    r = await api.client.put(api.path(inst, "update-name"), json={"value": "a\x00b"}, headers=api.client_headers)
    _is_invalid(r, "value")
    assert r.json()["message"] == "must not contain NUL characters"


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"1" + b"0" * 30])
async def test_numbers_json_cannot_carry_are_refused(api: Api, number: bytes) -> None:
    inst = await api.create_instance()
    body = b'{"from": "5511988887777", "type": "text", "message": "hi", "momment": ' + number + b"}"
    r = await api.client.post(api.path(inst, "sandbox/inbound"), content=body,
                              headers={**api.client_headers, "Content-Type": "application/json"})
    _is_invalid(r, "momment")


async def test_ordinary_bodies_pass_and_invalid_json_keeps_its_message(api: Api) -> None:
    inst = await api.create_instance()
    r = await api.client.put(api.path(inst, "update-name"), json={"value": "ação [ok] {fine} \\u0000 literal"},
                             headers=api.client_headers)
    assert r.status_code == 200, r.text
    r = await api.client.put(api.path(inst, "update-name"), content=b'{"value": ',
                             headers={**api.client_headers, "Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json() == {"error": "body: request body is not valid JSON", "message": "request body is not valid JSON",
                        "field": "body"}


@pytest.mark.parametrize(("field", "value"), [("momment", "AAA"), ("momment", [None]), ("type", {}),
                                               ("type", [None, None]), ("width", "nan")])
async def test_sandbox_fields_of_the_wrong_type_are_refused(api: Api, field: str, value: object) -> None:
    inst = await api.create_instance()
    body = {"from": "5511988887777", "type": "image", field: value}
    r = await api.client.post(api.path(inst, "sandbox/inbound"), json=body, headers=api.client_headers)
    assert r.status_code == 400, r.text


async def test_replaying_dead_letters_beyond_64_bits_is_refused(api: Api) -> None:
    inst = await api.create_instance()
    r = await api.client.post(f"/instances/{inst['id']}/dead-letters/replay", json={"ids": [2**63]},
                              headers=api.partner)
    _is_invalid(r, "ids")


async def test_a_media_signature_that_is_not_ascii_is_refused(api: Api) -> None:
    r = await api.client.get("/media/0?exp=99999999999&sig=%C3%BC")
    assert r.status_code == 403, r.text
    assert r.json()["error"] == "MEDIA_LINK_INVALID"


def test_dumps_refuses_what_json_cannot_carry() -> None:
    with pytest.raises(InvalidInput):
        dumps({"text": "a\ud800b"})


async def test_control_requests_refuse_what_json_cannot_carry(api: Api) -> None:
    from gateway.api.control import ControlClient
    from gateway.core.commands import Action
    from gateway.core.names import Names

    client = ControlClient(None, Names.from_settings(api.settings), 1.0)  # type: ignore[arg-type]  # never reached
    with pytest.raises(InvalidInput):
        await client.call("X", Action.SANDBOX_INBOUND, message="a\ud800b")
