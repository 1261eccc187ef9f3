"""Every send type end to end on the sandbox: accepted, queued, sent (a DeliveryCallback without an error), and
what the simulated phone saw leave; edits, deletes and read receipts name the right message and author."""

from __future__ import annotations

from typing import Any

from gateway.infra.db.database import Database
from gateway.infra.db.originals import Author, Originals
from tests.integration.test_account_api import ANA, BIA, US, Client
from tests.integration.test_status_api import _data_uri, _delivered, _jpeg
from tests.support.polling import eventually
from tests.support.stack import Stack


async def _sent(stack: Stack, c: Client, action: str, body: dict[str, Any]) -> str:
    """Send; wait for its DeliveryCallback; the WhatsApp id it got."""
    answer = await c.call("POST", action, body)
    delivery = await _delivered(stack, answer["zaapId"])
    assert "error" not in delivery and delivery["messageId"], (action, delivery)
    message_id: str = delivery["messageId"]
    return message_id


async def test_every_send_type_leaves_the_phone(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    bodies: list[tuple[str, dict[str, Any]]] = [
        ("send-link", {"phone": ANA, "message": "Veja https://example.com/oferta", "linkUrl": "https://example.com/oferta",
                       "title": "Oferta", "linkDescription": "Só hoje", "image": _data_uri("image/jpeg", _jpeg())}),
        ("send-contacts", {"phone": ANA, "contacts": [{"name": "Bia", "phones": [BIA]},
                                                      {"name": "Loja", "phones": ["551133334444"]}]}),
        ("send-option-list", {"phone": ANA, "message": "Escolha", "optionList": {
            "title": "Opções", "buttonLabel": "Abrir", "options": [{"title": "Um"}, {"title": "Dois"}]}}),
        ("send-button-list", {"phone": ANA, "message": "Gostou?", "buttonList": {
            "buttons": [{"id": "1", "label": "Sim"}, {"id": "2", "label": "Não"}]}}),
        ("send-button-actions", {"phone": ANA, "message": "Fale conosco", "buttonActions": [
            {"type": "URL", "label": "Site", "url": "https://example.com"},
            {"type": "CALL", "label": "Ligar", "phone": "551133334444"}]}),
        ("send-reaction", {"phone": ANA, "reaction": "👍", "messageId": "3EB0FEED01"}),
    ]
    for action, body in bodies:
        await _sent(stack, c, action, body)

    poll = await _sent(stack, c, "send-poll", {"phone": ANA, "message": "Qual dia?",
                                              "poll": [{"name": "Sábado"}, {"name": "Domingo"}]})
    await _sent(stack, c, "send-poll-vote", {"phone": ANA, "pollMessageId": poll, "pollVote": [{"name": "Sábado"}]})

    first = await _sent(stack, c, "send-text", {"phone": ANA, "message": "Pedido 12 saiu"})
    edit = await _sent(stack, c, "send-text", {"phone": ANA, "message": "Pedido 13 saiu", "editMessageId": first})
    records = stack.engine(c.inst).phone_records()
    assert [(e["editedId"], e["text"], e["previous"], e["id"]) for e in records["edits"]] == [
        (first, "Pedido 13 saiu", "Pedido 12 saiu", edit)], records["edits"]

    said = await c.call("POST", "sandbox/inbound", {"from": BIA, "type": "text", "message": "encaminha isso"})
    originals = Originals(stack.dispatcher.store.db)

    async def stored() -> bool:  # a forward finds its original among the events dispatch stored
        return await originals.content(c.inst["id"], said["messageId"]) is not None

    await eventually(stored)
    await _sent(stack, c, "forward-message", {"phone": ANA, "messageId": said["messageId"], "messagePhone": BIA})
    (forward,) = stack.engine(c.inst).phone_records()["forwards"]
    assert forward["messageId"] == said["messageId"] and forward["type"] == "Text"  # the original, found again

    r = await c.api.client.delete(c.api.path(c.inst, f"messages?messageId={first}&phone={ANA}&owner=true"),
                                  headers=c.api.client_headers)
    assert r.status_code == 204, r.text
    await eventually(lambda: _deleted(stack, c, first))


async def _deleted(stack: Stack, c: Client, message_id: str) -> bool:
    return any(d["messageId"] == message_id for d in stack.engine(c.inst).phone_records()["deletes"])


async def test_reads_and_deletes_in_a_group_name_the_author(stack: Stack, settings: Any) -> None:
    c = Client(stack, await stack.paired(US))
    group = (await c.call("POST", "create-group", {"groupName": "Equipe", "phones": [BIA, ANA]}))["phone"]
    said = await c.call("POST", "sandbox/inbound", {"from": BIA, "type": "text", "message": "bom dia", "group": group})
    db = await Database.connect(settings)
    try:
        found = await eventually(lambda: Originals(db).author(c.inst["id"], said["messageId"]))
        assert found == Author(from_me=False, sender=f"{BIA}@s.whatsapp.net")
        author = found.sender
        assert await Originals(db).author(c.inst["id"], "NEVER-SEEN") is None
    finally:
        await db.close()

    r = await c.api.client.post(c.api.path(c.inst, "read-message"), headers=c.api.client_headers,
                                json={"phone": group, "messageId": said["messageId"]})
    assert r.status_code == 204, r.text
    reads = stack.engine(c.inst).phone_records()["reads"]
    assert [(x["messageIds"], x["sender"]) for x in reads] == [([said["messageId"]], author)], reads

    path = f"messages?messageId={said['messageId']}&phone={group}&owner=false"
    r = await c.api.client.delete(c.api.path(c.inst, path), headers=c.api.client_headers)
    assert r.status_code == 204, r.text

    async def deleted() -> list[dict[str, Any]]:
        return [d for d in stack.engine(c.inst).phone_records()["deletes"] if d["messageId"] == said["messageId"]]

    (record,) = await eventually(deleted)
    assert record["sender"] == author

    unknown = f"messages?messageId=3EB0UNKNOWN&phone={group}&owner=false"
    r = await c.api.client.delete(c.api.path(c.inst, unknown), headers=c.api.client_headers)
    assert r.status_code == 404 and r.json()["error"] == "NOT_FOUND"
