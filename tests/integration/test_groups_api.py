"""Groups end to end on the sandbox: the Z-API routes, the worker, the simulated phone, and the
notification webhooks a real receiver gets."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

from tests.support.stack import Stack

US, ANA, BIA, CAIO = "5511999990000", "5511988881111", "5511988882222", "5511988883333"


def _notifications(stack: Stack) -> list[dict[str, Any]]:
    return [x.json for x in stack.receiver.unique() if x.path == "/received" and "notification" in x.json]


async def _wait_kinds(stack: Stack, *kinds: str) -> list[dict[str, Any]]:
    await stack.receiver.wait_for(lambda: {n["notification"] for n in _notifications(stack)} >= set(kinds))
    return _notifications(stack)


def _jpeg() -> str:
    out = io.BytesIO()
    Image.new("RGB", (900, 600), (200, 30, 30)).save(out, "JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


async def test_a_group_life_through_the_api(stack: Stack) -> None:
    inst = await stack.paired(US)
    api, h = stack.api, stack.api.client_headers

    async def post(action: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await api.client.post(api.path(inst, action), json=body, headers=h)
        assert r.status_code == 200, (action, r.text)
        answer: dict[str, Any] = r.json()
        return answer

    async def get(action: str) -> Any:
        r = await api.client.get(api.path(inst, action), headers=h)
        assert r.status_code == 200, (action, r.text)
        return r.json()

    created = await post("create-group", {"groupName": "Suporte", "phones": [ANA, "5511988880404"],
                                          "autoInvite": True})
    group = created["phone"]
    assert group.endswith("-group") and created["invitationLink"].startswith("https://chat.whatsapp.com/")
    assert created["failed"] == [{"phone": "5511988880404", "error": 404, "invited": False}]

    meta = await get(f"group-metadata/{group}")
    assert meta["subject"] == "Suporte" and meta["owner"] == US and meta["invitationLink"] == created["invitationLink"]
    roles = {p["phone"]: (p["isAdmin"], p["isSuperAdmin"]) for p in meta["participants"]}
    assert roles == {US: (True, True), ANA: (False, False)}
    assert (await get(f"light-group-metadata/{group}"))["invitationLink"] is None

    assert (await post("add-participant", {"groupId": group, "phones": [BIA, CAIO]})) == {"value": True}
    assert (await post("add-admin", {"groupId": group, "phones": [BIA]})) == {"value": True}
    assert (await post("remove-participant", {"groupId": group, "phones": [CAIO]})) == {"value": True}
    assert (await post("update-group-name", {"groupId": group, "groupName": "Suporte VIP"})) == {"value": True}
    await post("update-group-description", {"groupId": group, "groupDescription": "atendimento"})
    await post("update-group-photo", {"groupId": group, "groupPhoto": _jpeg()})
    await post("update-group-settings", {"phone": group, "adminOnlyMessage": True, "adminOnlySettings": True})
    meta = await get(f"group-metadata/{group}")
    assert meta["subject"] == "Suporte VIP" and meta["description"] == "atendimento"
    assert meta["adminOnlyMessage"] is True and meta["adminOnlySettings"] is True
    assert {p["phone"] for p in meta["participants"]} == {US, ANA, BIA}

    old_link = (await get(f"group-invitation-link/{group}"))["invitationLink"]
    new_link = (await post(f"redefine-invitation-link/{group}", {}))["invitationLink"]
    assert new_link != old_link and (await get(f"group-metadata/{group}"))["invitationLink"] == new_link

    listed = await get("groups?page=1&pageSize=10")
    assert [g["phone"] for g in listed] == [group] and listed[0]["name"] == "Suporte VIP"

    notes = await _wait_kinds(stack, "GROUP_CREATE", "GROUP_PARTICIPANT_ADD", "GROUP_PARTICIPANT_PROMOTE",
                              "GROUP_PARTICIPANT_REMOVE", "GROUP_CHANGE_SUBJECT", "GROUP_CHANGE_DESCRIPTION",
                              "GROUP_CHANGE_ICON", "GROUP_CHANGE_ANNOUNCE", "GROUP_CHANGE_RESTRICT")
    by_kind = {n["notification"]: n for n in notes}
    for n in notes:
        assert n["type"] == "ReceivedCallback" and n["isGroup"] is True and n["phone"] == group
        assert n["instanceId"] == inst["id"] and n["messageId"].isdigit() and n["participantPhone"] == US
        assert n["fromMe"] is True
    assert by_kind["GROUP_CREATE"]["notificationParameters"] == ["Suporte"]
    assert by_kind["GROUP_PARTICIPANT_PROMOTE"]["notificationParameters"] == [BIA]
    assert by_kind["GROUP_PARTICIPANT_REMOVE"]["notificationParameters"] == [CAIO]
    assert by_kind["GROUP_CHANGE_SUBJECT"]["notificationParameters"] == ["Suporte VIP"]
    assert by_kind["GROUP_CHANGE_SUBJECT"]["chatName"] == "Suporte VIP"
    assert by_kind["GROUP_CHANGE_ANNOUNCE"]["notificationParameters"] == ["on"]

    # someone else acts: Ana (not an admin) leaves; a stranger asks to join
    r = await api.client.post(api.path(inst, "sandbox/group-event"), headers=h,
                              json={"type": "leave", "group": group, "by": ANA, "byName": "Ana"})
    assert r.status_code == 200, r.text
    leave = next(n for n in await _wait_kinds(stack, "GROUP_PARTICIPANT_LEAVE")
                 if n["notification"] == "GROUP_PARTICIPANT_LEAVE")
    assert leave["participantPhone"] == ANA and leave["fromMe"] is False and leave["senderName"] == "Ana"
    assert leave["notificationParameters"] == [ANA]

    said = await post("sandbox/inbound", {"from": BIA, "type": "text", "message": "oi", "group": group})
    await stack.receiver.wait_for(lambda: any(x.json.get("messageId") == said["messageId"]
                                              for x in stack.receiver.unique()))
    message = next(x.json for x in stack.receiver.unique() if x.json.get("messageId") == said["messageId"])
    assert message["chatName"] == "Suporte VIP" and message["participantPhone"] == BIA and message["isGroup"]

    assert (await post("leave-group", {"groupId": group})) == {"value": True}
    r = await api.client.get(api.path(inst, f"group-metadata/{group}"), headers=h)
    assert r.status_code == 404 and r.json()["error"] == "GROUP_NOT_FOUND"


async def test_group_errors_are_z_api_shaped(stack: Stack) -> None:
    inst = await stack.paired(US)
    api, h = stack.api, stack.api.client_headers
    r = await api.client.get(api.path(inst, "group-metadata/120363000000000000-group"), headers=h)
    assert r.status_code == 404 and r.json()["error"] == "GROUP_NOT_FOUND"
    r = await api.client.post(api.path(inst, "create-group"), headers=h,
                              json={"groupName": "x", "phones": [ANA, "55119999\n", "١٢٣٤٥٦٧٨٩"]})
    assert r.status_code == 400 and r.json()["field"] == "phones.1"
    r = await api.client.post(api.path(inst, "create-group"), headers=h, json={"groupName": "n" * 26, "phones": [ANA]})
    assert r.status_code == 400 and r.json()["field"] == "groupName"
    r = await api.client.post(api.path(inst, "update-group-name"), headers=h,
                              json={"groupId": "not a group", "groupName": "x"})
    assert r.status_code == 400 and r.json()["field"] == "groupId"

    # a group someone else created and added us to: we are not an admin there
    r = await api.client.post(api.path(inst, "sandbox/group-event"), headers=h,
                              json={"type": "addedUs", "by": ANA, "subject": "Família", "participants": [BIA]})
    assert r.status_code == 200, r.text
    theirs = r.json()["groupId"]
    r = await api.client.post(api.path(inst, "add-admin"), headers=h, json={"groupId": theirs, "phones": [BIA]})
    assert r.status_code == 403 and r.json()["error"] == "NOT_GROUP_ADMIN"
    added = next(n for n in await _wait_kinds(stack, "GROUP_PARTICIPANT_ADD")
                 if n["phone"] == theirs)
    assert added["notificationParameters"] == [US] and added["participantPhone"] == ANA
    assert added["chatName"] == "Família"


async def test_a_community_through_the_api(stack: Stack) -> None:
    inst = await stack.paired(US)
    api, h = stack.api, stack.api.client_headers

    async def call(method: str, action: str, body: dict[str, Any] | None = None) -> Any:
        r = await api.client.request(method, api.path(inst, action), json=body, headers=h)
        assert r.status_code == 200, (action, r.text)
        return r.json()

    made = await call("POST", "communities", {"name": "Condomínio", "description": "avisos"})
    cid = made["id"]
    assert cid.isdigit() and [g["isGroupAnnouncement"] for g in made["subGroups"]] == [True]
    assert {"name": "Condomínio", "id": cid} in await call("GET", "communities")

    first = (await call("POST", "create-group", {"groupName": "Bloco A", "phones": [ANA]}))["phone"]
    second = (await call("POST", "create-group", {"groupName": "Bloco B", "phones": [BIA]}))["phone"]
    linked = await call("POST", "communities/link", {"communityId": cid, "groupsPhones": [first, second]})
    assert linked == {"success": True}
    meta = await call("GET", f"communities-metadata/{cid}")
    assert meta["name"] == "Condomínio" and meta["description"] == "avisos"
    assert {g["phone"] for g in meta["subGroups"]} >= {first, second}
    assert (await call("GET", f"group-metadata/{first}"))["communityId"] == cid

    other = (await call("POST", "communities", {"name": "Outra"}))["id"]
    again = await call("POST", "communities/link", {"communityId": other, "groupsPhones": [first]})
    assert again["failed"] == [{"phone": first, "error": 409}]

    assert await call("POST", "add-participant", {"communityId": cid, "phones": [CAIO]}) == {"value": True}
    announcement = next(g["phone"] for g in meta["subGroups"] if g["isGroupAnnouncement"])
    members = {p["phone"] for p in (await call("GET", f"group-metadata/{announcement}"))["participants"]}
    assert CAIO in members

    assert await call("POST", "communities/unlink", {"communityId": cid, "groupsPhones": [second]}) == \
        {"success": True}
    assert await call("POST", "communities/settings", {"communityId": cid, "whoCanAddNewGroups": "admins"}) == \
        {"success": True}
    assert await call("POST", "update-community-description", {"communityId": cid,
                                                               "communityDescription": "novos avisos"}) == \
        {"value": True}
    assert (await call("GET", f"communities-metadata/{cid}"))["description"] == "novos avisos"
    assert await call("DELETE", f"communities/{cid}") == {"success": True}
    r = await api.client.get(api.path(inst, f"communities-metadata/{cid}"), headers=h)
    assert r.status_code == 404 and r.json()["error"] == "GROUP_NOT_FOUND"
    assert (await call("GET", f"group-metadata/{first}"))["communityId"] is None  # the groups stay


async def test_a_created_group_is_answered_even_when_its_link_cannot_be_read(stack: Stack) -> None:
    """The group exists once created: an error reading its link must not make the partner create it twice."""
    from gateway.core.errors import EngineError

    inst = await stack.paired(US)
    engine = stack.engine(inst)

    async def no_link(group: str, *, reset: bool = False) -> str:
        raise EngineError("rate-overlimit")

    engine.invite_link = no_link  # type: ignore[method-assign]
    r = await stack.api.client.post(stack.api.path(inst, "create-group"), headers=stack.api.client_headers,
                                    json={"groupName": "Sem link", "phones": [ANA]})
    assert r.status_code == 200, r.text
    assert r.json()["invitationLink"] is None and r.json()["phone"].endswith("-group")
    listed = await stack.api.client.get(stack.api.path(inst, "groups"), headers=stack.api.client_headers)
    assert [g["name"] for g in listed.json()] == ["Sem link"]
