"""Contacts, profile, privacy and the routes a linked device cannot serve, end to end on the sandbox: the Z-API
routes, the worker, the simulated phone (its rules: ``gateway/worker/engines/sandbox/numbers.py``)."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image

from tests.support.client import Client
from tests.support.stack import Stack

US, ANA, BIA = "5511999990000", "5511988881111", "5511988882222"
GONE = "5511988880404"  # not on WhatsApp (the sandbox's rule: ...404)
HIDDEN = "5511988884030"  # on WhatsApp, hides its picture and about


async def _client(stack: Stack) -> Client:
    return Client(stack, await stack.paired(US))


def _jpeg() -> str:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (20, 120, 200)).save(out, "JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


async def test_who_is_on_whatsapp(stack: Stack) -> None:
    c = await _client(stack)
    found = await c.call("GET", f"phone-exists/{ANA}")
    assert found["exists"] is True and found["phone"] == ANA and found["lid"].endswith("@lid")
    assert await c.call("GET", f"phone-exists/{GONE}") == {"exists": False, "phone": GONE, "lid": None}

    batch = await c.call("POST", "phone-exists-batch", {"phones": [ANA, GONE, "551188887777", ANA]})
    assert [b["inputPhone"] for b in batch] == [ANA, GONE, "551188887777", ANA]
    assert [b["exists"] for b in batch] == [True, False, True, True]
    assert batch[2]["outputPhone"] == "5511988887777"  # Brazil's 9th digit, as WhatsApp has the number
    assert batch[1] == {"exists": False, "inputPhone": GONE, "outputPhone": GONE, "lid": None}
    assert batch[0] == batch[3]

    bad = await c.call("POST", "phone-exists-batch", {"phones": [ANA, "55 11 9"]}, status=400)
    assert bad["field"] == "phones.1"
    too_many = await c.call("POST", "phone-exists-batch", {"phones": [ANA] * 5001}, status=400)
    assert too_many["field"] == "phones"
    assert (await c.call("GET", "phone-exists/12ab", status=400))["field"] == "phone"


async def test_the_address_book(stack: Stack) -> None:
    c = await _client(stack)
    added = await c.call("POST", "contacts/add", [
        {"firstName": "Bia", "lastName": "Lima", "phone": BIA}, {"firstName": "Ana", "phone": ANA},
        {"firstName": "Ninguém", "phone": GONE}])
    assert added["success"] is False and len(added["errors"]) == 1 and GONE in added["errors"][0]

    listed = await c.call("GET", "contacts?page=1&pageSize=10")
    assert [(x["name"], x["short"], x["phone"]) for x in listed] == [("Ana", "Ana", ANA), ("Bia Lima", "Bia", BIA)]
    assert all(isinstance(x["notify"], str) for x in listed)
    assert await c.call("GET", "contacts?page=2&pageSize=1") == [listed[1]]
    assert await c.call("GET", "contacts?page=3&pageSize=1") == []

    one = await c.call("GET", f"contacts/{BIA}")
    assert one["name"] == "Bia Lima" and one["phone"] == BIA and isinstance(one["about"], str)
    assert one["imgUrl"].startswith("https://")
    hidden = await c.call("GET", f"contacts/{HIDDEN}")
    assert hidden["imgUrl"] is None and hidden["about"] is None and hidden["name"] is None
    assert (await c.call("GET", f"contacts/{GONE}", status=404))["error"]

    assert (await c.call("GET", f"profile-picture?phone={BIA}"))[0]["link"].startswith("https://")
    assert await c.call("GET", f"profile-picture?phone={HIDDEN}") == [{"link": None}]
    assert (await c.call("GET", "profile-picture", status=400))["field"] == "phone"

    removed = await c.call("DELETE", "contacts/remove", [BIA])
    assert removed == {"success": True, "errors": []}
    assert [x["phone"] for x in await c.call("GET", "contacts")] == [ANA]

    bad = await c.call("POST", "contacts/add", [{"firstName": "Ana", "phone": ANA}, {"firstName": " ", "phone": BIA}],
                       status=400)
    assert bad["field"] == "1.firstName"
    assert (await c.call("POST", "contacts/add", {"firstName": "x"}, status=400))["field"] == "body"
    assert (await c.call("DELETE", "contacts/remove", [ANA, "x"], status=400))["field"] == "1"


async def test_blocking_and_reporting(stack: Stack) -> None:
    c = await _client(stack)
    assert await c.call("POST", "contacts/modify-blocked", {"phone": ANA, "action": "block"}) == {"value": True}
    assert ANA in stack.engine(c.inst).phone_records()["blocked"]
    assert await c.call("POST", "contacts/modify-blocked", {"phone": ANA, "action": "unblock"}) == {"value": True}
    assert ANA not in stack.engine(c.inst).phone_records()["blocked"]
    wrong = await c.call("POST", "contacts/modify-blocked", {"phone": ANA, "action": "mute"}, status=400)
    assert wrong["field"] == "action"
    group = await c.call("POST", "contacts/modify-blocked", {"phone": "120363019502650977-group", "action": "block"},
                         status=400)
    assert group["field"] == "phone"
    await c.call("POST", "contacts/modify-blocked", {"phone": GONE, "action": "block"}, status=404)

    assert await c.call("POST", f"contacts/{BIA}/report") == {"success": True}
    assert [r["phone"] for r in stack.engine(c.inst).phone_records()["reports"]] == [BIA]
    assert (await c.call("POST", "contacts/abc/report", status=400))["field"] == "phone"


async def test_profile(stack: Stack) -> None:
    c = await _client(stack)
    assert await c.call("PUT", "profile-name", {"value": "Loja Exemplo"}) == {"value": True}
    assert await c.call("PUT", "profile-description", {"value": "Atendimento 9h-18h"}) == {"value": True}
    assert await c.call("PUT", "profile-picture", {"value": _jpeg()}) == {"value": True}
    profile = stack.engine(c.inst).phone_records()["profile"]
    assert profile["name"] == "Loja Exemplo" and profile["about"] == "Atendimento 9h-18h"
    assert profile["photo"]["size"] > 0

    assert (await c.call("PUT", "profile-name", {"value": "n" * 26}, status=400))["field"] == "value"
    assert (await c.call("PUT", "profile-description", {"value": "a" * 140}, status=400))["field"] == "value"
    assert (await c.call("PUT", "profile-name", {"value": "  "}, status=400))["field"] == "value"
    assert (await c.call("PUT", "profile-picture", {"value": "ftp://x/y.png"}, status=400))["field"] == "value"
    text_uri = "data:text/plain;base64," + base64.b64encode(b"hello").decode()
    assert (await c.call("PUT", "profile-picture", {"value": text_uri}, status=400))["field"] == "value"


async def test_privacy(stack: Stack) -> None:
    c = await _client(stack)
    ok = {"success": True}
    assert await c.call("POST", "privacy/last-seen", {"visualizationType": "CONTACT_BLACKLIST", "contactsBlacklist": [
        {"action": "add", "phone": ANA}, {"action": "add", "phone": BIA}]}) == ok
    assert await c.call("POST", "privacy/last-seen", {"visualizationType": "CONTACT_BLACKLIST", "contactsBlacklist": [
        {"action": "remove", "phone": BIA}]}) == ok
    assert await c.call("GET", "privacy/disallowed-contacts?type=lastSeen") == {"disallowedContacts": [ANA]}
    assert await c.call("GET", "privacy/disallowed-contacts?type=photo") == {"disallowedContacts": []}
    assert await c.call("POST", "privacy/photo", {"visualizationType": "CONTACTS"}) == ok
    assert await c.call("POST", "privacy/description", {"visualizationType": "NONE"}) == ok
    assert await c.call("POST", "privacy/group-add", {"type": "CONTACTS"}) == ok
    assert await c.call("POST", "privacy/online", {"visualizationType": "SAME_LAST_SEEN"}) == ok
    assert await c.call("POST", "privacy/read-receipts?value=disable") == ok
    assert await c.call("POST", "privacy/messages-duration?value=days7") == ok
    privacy = stack.engine(c.inst).phone_records()["privacy"]
    assert privacy["lastSeen"] == "contact_blacklist" and privacy["photo"] == "contacts"
    assert privacy["description"] == "none" and privacy["groupAdd"] == "contacts"
    assert privacy["online"] == "match_last_seen" and privacy["readReceipts"] == "none"
    assert privacy["messagesDurationSeconds"] == 604_800

    refused = [("privacy/group-add", {"type": "NONE"}, "type"),
               ("privacy/online", {"visualizationType": "CONTACTS"}, "visualizationType"),
               ("privacy/photo", {"visualizationType": "ALL", "contactsBlacklist": [{"action": "add", "phone": ANA}]},
                "contactsBlacklist"),
               ("privacy/photo", {"visualizationType": "CONTACT_BLACKLIST",
                                  "contactsBlacklist": [{"action": "drop", "phone": ANA}]},
                "contactsBlacklist.0.action"),
               ("privacy/read-receipts?value=maybe", None, "value"),
               ("privacy/messages-duration", None, "value")]
    for action, body, field in refused:
        assert (await c.call("POST", action, body, status=400))["field"] == field, action
    assert (await c.call("GET", "privacy/disallowed-contacts?type=online", status=400))["field"] == "type"


async def test_settings_reach_the_worker_at_once(stack: Stack) -> None:
    c = await _client(stack)
    assert (await c.call("GET", "me"))["autoReadStatus"] is False
    assert await c.call("PUT", "update-auto-read-status", {"value": True}) == {"value": True}
    assert (await c.call("GET", "me"))["autoReadStatus"] is True
    assert (await c.call("PUT", "update-auto-read-status", {"value": "yes"}, status=400))["field"] == "value"
    for action, value in (("update-auto-read-message", True), ("update-call-reject-auto", True),
                          ("update-call-reject-message", "Não atendo ligações")):
        assert await c.call("PUT", action, {"value": value}) == {"value": True}
    seen = stack.worker.sessions[c.inst["id"]].instance  # told by the api, not by the minute's refresh
    assert (seen.auto_read_status, seen.auto_read_message, seen.call_reject_auto) == (True, True, True)
    assert seen.call_reject_message == "Não atendo ligações"


@pytest.mark.parametrize(("method", "action"), [
    ("POST", "mobile/registration-available"), ("POST", "mobile/request-registration-code"),
    ("POST", "mobile/confirm-registration-code"), ("POST", "mobile/request-unbanning"),
    ("GET", "security/two-fa-code"), ("POST", "security/two-fa-code/remove"), ("POST", "security/verify-email"),
    ("POST", "send-call"), ("GET", "call-token"), ("GET", "sip-info"), ("POST", "sip-token")])
async def test_what_a_linked_device_cannot_do_answers_501(api: Any, method: str, action: str) -> None:
    inst = await api.create_instance()
    r = await api.client.request(method, api.path(inst, action), json={"phone": ANA}, headers=api.client_headers)
    assert r.status_code == 501, r.text
    assert r.json()["error"] == "NOT_SUPPORTED" and "linked device" in r.json()["message"]
