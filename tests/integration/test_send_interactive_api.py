"""Pins, events, PIX, copy-code and carousel sends end to end on the sandbox: accepted, queued, sent (a
DeliveryCallback), what the simulated phone recorded and what the sent-by-me webhook shows; WhatsApp's refusals;
Z-API shaped 400s; and every new inbound kind injected through ``sandbox/inbound`` reaching the webhook."""

from __future__ import annotations

from typing import Any

from gateway.api.send_interactive import neonize_gap
from gateway.core import content_interactive as ci
from gateway.core.engine_gaps import NeonizeGap
from gateway.core.models import EngineKind
from tests.integration.test_account_api import ANA, BIA, US, Client
from tests.integration.test_send_types_api import _sent
from tests.integration.test_status_api import _data_uri, _delivered, _jpeg
from tests.support.polling import eventually
from tests.support.stack import Stack


async def _received(stack: Stack, message_id: str) -> dict[str, Any] | None:
    return next((x.json for x in stack.receiver.unique()
                 if x.path == "/received" and x.json.get("messageId") == message_id), None)


async def _webhook(stack: Stack, message_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await eventually(lambda: _received(stack, message_id))
    return found


async def _refused(stack: Stack, c: Client, action: str, body: dict[str, Any]) -> str:
    """Accepted and queued, then refused by the phone: the DeliveryCallback's error."""
    answer = await c.call("POST", action, body)
    delivery = await _delivered(stack, answer["zaapId"])
    assert delivery.get("error"), delivery
    return str(delivery["error"])


async def test_pins_and_events_leave_the_phone_as_whatsapp_has_them(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    group = (await c.call("POST", "create-group", {"groupName": "Equipe", "phones": [BIA, ANA]}))["phone"]
    text = await c.call("POST", "send-text", {"phone": ANA, "message": "fixe isto"})
    text_id = (await _delivered(stack, text["zaapId"]))["messageId"]

    await _sent(stack, c, "pin-message", {"phone": ANA, "messageId": text["zaapId"], "messageAction": "pin",
                                          "pinMessageDuration": "7_days"})  # a zaapId: resolved at send time
    await _sent(stack, c, "pin-message", {"phone": ANA, "messageId": text_id, "messageAction": "unpin"})
    pins = stack.engine(c.inst).phone_records()["pins"]
    assert [(p["messageId"], p["action"], p["durationSeconds"], p["fromMe"]) for p in pins] == [
        (text_id, "pin", 604_800, True), (text_id, "unpin", 0, True)]

    event = await c.call("POST", "send-event", {"phone": group, "event": {
        "name": "Reunião", "description": "Planejamento", "dateTime": "2024-04-29T09:30:00.000Z",
        "timeZone": "UTC-3", "location": {"name": "Sala 2"}, "callLinkType": "video", "canceled": False}})
    event_id = (await _delivered(stack, event["zaapId"]))["messageId"]
    await _sent(stack, c, "send-edit-event", {"phone": group, "eventMessageId": event["zaapId"], "event": {
        "name": "Reunião (10h30)", "dateTime": "2024-04-29T10:30:00-03:00", "canceled": False}})
    first, edit = stack.engine(c.inst).phone_records()["events"]
    assert (first["name"], first["startTime"], first["location"]["name"], first["editedId"]) == (
        "Reunião", 1_714_393_800, "Sala 2", None)  # 09:30 read in UTC-3 = 12:30 UTC
    assert first["joinLink"].startswith("https://call.whatsapp.com/video/")
    assert (edit["editedId"], edit["name"], edit["startTime"], edit["joinLink"]) == (
        event_id, "Reunião (10h30)", 1_714_397_400, None)

    error = await _refused(stack, c, "send-event-response", {"phone": group, "eventMessageId": event_id,
                                                              "eventResponse": "GOING"})
    assert "creator" in error
    error = await _refused(stack, c, "send-edit-event", {"phone": group, "eventMessageId": text_id, "event": {
        "name": "x", "dateTime": "2024-04-29T10:30:00"}})
    assert "only an event's creator" in error

    theirs = await c.call("POST", "sandbox/inbound", {"from": BIA, "group": group, "type": "event",
                                                      "name": "Churrasco", "scheduleTime": 1_714_500_000})
    await _sent(stack, c, "send-event-response", {"phone": group, "eventMessageId": theirs["messageId"],
                                                  "eventResponse": "NOT_GOING"})
    (answer,) = stack.engine(c.inst).phone_records()["eventResponses"]
    assert (answer["eventId"], answer["response"], answer["chat"]) == (
        theirs["messageId"], "NOT_GOING", group.removesuffix("-group") + "@g.us")


async def test_pix_copy_code_and_carousel_leave_the_phone(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    await c.call("PUT", "update-notify-sent-by-me", {"notifySentByMe": True})
    jpeg = _data_uri("image/jpeg", _jpeg())
    pix = await _sent(stack, c, "send-button-pix", {"phone": ANA, "pixKey": "123.456.789-09", "type": "CPF"})
    otp = await _sent(stack, c, "send-button-otp", {"phone": ANA, "message": "Seu código", "code": "482913",
                                                    "image": jpeg})
    carousel = await _sent(stack, c, "send-carousel", {"phone": ANA, "message": "Ofertas", "carousel": [
        {"text": "Camiseta", "image": jpeg, "buttons": [{"id": "c1", "label": "Quero"},
                                                        {"type": "URL", "label": "Site", "url": "https://example.com"}]},
        {"text": "Boné", "image": jpeg}]})

    left = [o.content for o in stack.engine(c.inst).sent[-3:]]
    assert left[0] == ci.PixKey("123.456.789-09", "CPF", merchant_name="Pix")
    assert isinstance(left[1], ci.CopyCode) and left[1].code == "482913" and left[1].label == "Copiar código"
    assert left[1].media is not None and left[1].media.key  # stored before queueing
    assert isinstance(left[2], ci.Carousel) and [card.text for card in left[2].cards] == ["Camiseta", "Boné"]
    assert all(card.media is not None and card.media.mime_type == "image/jpeg" and card.media.key
               for card in left[2].cards)
    assert [(b.type, b.label) for b in left[2].cards[0].buttons] == [("REPLY", "Quero"), ("URL", "Site")]

    shown = (await _webhook(stack, pix))["pixKeyMessage"]
    assert shown == {"currency": "BRL", "referenceId": "", "key": "123.456.789-09", "keyType": "CPF",
                     "merchantName": "Pix"}
    template = (await _webhook(stack, otp))["hydratedTemplate"]
    assert template["message"] == "Seu código" and template["header"]["image"]["mimeType"] == "image/jpeg"
    assert template["hydratedButtons"] == [{"index": 0, "urlButton": {
        "displayText": "Copiar código", "url": "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=482913"}}]
    cards = (await _webhook(stack, carousel))["carouselMessage"]["cards"]
    assert [x["message"] for x in cards] == ["Camiseta", "Boné"]
    assert cards[0]["header"]["image"]["imageUrl"] and cards[0]["hydratedButtons"] == [
        {"index": 0, "quickReplyButton": {"displayText": "Quero", "id": "c1"}},
        {"index": 1, "urlButton": {"displayText": "Site", "url": "https://example.com"}}]


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("pin-message", {"phone": ANA, "messageId": "3EB0AA", "messageAction": "stick"}, "messageAction"),
    ("pin-message", {"phone": ANA, "messageId": "3EB0AA", "messageAction": "pin"}, "pinMessageDuration"),
    ("pin-message", {"phone": ANA, "messageAction": "pin", "pinMessageDuration": "7_days"}, "messageId"),
    ("send-event", {"phone": ANA, "event": {"name": "x", "dateTime": "2024-04-29T09:30:00"}}, "phone"),
    ("send-event", {"phone": "120363019502650977-group", "event": {"name": "x", "dateTime": "amanhã"}},
     "event.dateTime"),
    ("send-event", {"phone": "120363019502650977-group", "event": {"dateTime": "2024-04-29T09:30:00"}},
     "event.name"),
    ("send-event", {"phone": "120363019502650977-group", "event": {
        "name": "x", "dateTime": "2024-04-29T09:30:00", "timeZone": "Brasília"}}, "event.timeZone"),
    ("send-event", {"phone": "120363019502650977-group", "event": {
        "name": "x", "dateTime": "2024-04-29T09:30:00", "callLinkType": "fax"}}, "event.callLinkType"),
    ("send-edit-event", {"phone": "120363019502650977-group", "event": {
        "name": "x", "dateTime": "2024-04-29T09:30:00"}}, "eventMessageId"),
    ("send-event-response", {"phone": "120363019502650977-group", "eventMessageId": "3EB0AA",
                             "eventResponse": "YES"}, "eventResponse"),
    ("send-button-pix", {"phone": ANA, "pixKey": "abc", "type": "CPF"}, "pixKey"),
    ("send-button-pix", {"phone": ANA, "pixKey": "a@b.co", "type": "IBAN"}, "type"),
    ("send-button-otp", {"phone": ANA, "message": "código"}, "code"),
    ("send-button-otp", {"phone": ANA, "message": "código", "code": "1", "image": "ftp://x"}, "image"),
    ("send-carousel", {"phone": ANA, "message": "x", "carousel": []}, "carousel"),
    ("send-carousel", {"phone": ANA, "message": "x", "carousel": [{"text": "sem imagem"}]}, "carousel[0]"),
    ("send-carousel", {"phone": ANA, "message": "x", "carousel": [
        {"text": "a", "image": "https://example.com/a.jpg", "buttons": [{"type": "URL", "label": "s", "url": "x"}]}]},
     "carousel[0].buttons"),
    ("send-carousel", {"phone": ANA, "carousel": [{"text": "a", "image": "https://example.com/a.jpg"}]}, "message"),
]


async def test_bad_bodies_are_400_naming_the_field(stack: Stack) -> None:
    c = Client(stack, await stack.instance())
    for action, body, field in BAD:
        answer = await c.call("POST", action, body, status=400)
        assert answer["field"] == field and answer["error"].startswith(f"{field}: "), (action, answer)
    assert await c.call("GET", "queue") == []  # nothing was queued


async def test_every_new_inbound_kind_reaches_the_webhook(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    group = "120363019502650977-group"
    specs: list[tuple[dict[str, Any], str]] = [
        ({"type": "pinMessage", "referencedMessageId": "3EB0796DC6B777C0C7CD", "pinDurationInSecs": 86_400},
         "pinMessage"),
        ({"type": "event", "group": group, "name": "Churrasco", "scheduleTime": 1_716_915_653,
          "joinLink": "https://call.whatsapp.com/video/abc"}, "event"),
        ({"type": "eventResponse", "group": group, "referencedMessageId": "3EB0EVENT01", "response": "GOING"},
         "eventResponse"),
        ({"type": "pixKeyMessage", "key": "pix@loja.com", "keyType": "EMAIL", "merchantName": "Loja"},
         "pixKeyMessage"),
        ({"type": "buttonsMessage", "message": "Gostou?", "header": "image",
          "buttons": [{"buttonId": "1", "label": "Sim"}]}, "buttonsMessage"),
        ({"type": "hydratedTemplate", "message": "Seu pedido", "footer": "Loja", "templateId": "790118069824606",
          "buttons": [{"type": "URL", "label": "Ver", "url": "https://example.com"}]}, "hydratedTemplate"),
        ({"type": "carouselMessage", "message": "Ofertas", "cards": [{"text": "A"}, {"text": "B", "video": True}]},
         "carouselMessage"),
        ({"type": "text", "message": "Quero saber mais", "externalAdReply": {
            "title": "Promo", "body": "Só hoje", "sourceId": "23722824350495506", "ctwaClid": "Aff-x",
            "sourceUrl": "https://fb.me/ad"}}, "externalAdReply"),
        ({"type": "text", "message": "Que foto!", "isStatusReply": True, "referenceMessageId": "3EB054C12BAAC70228",
          "statusImage": {"caption": "praia"}}, "statusImage"),
    ]
    ids = []
    for spec, _key in specs:
        ids.append((await c.call("POST", "sandbox/inbound", {"from": BIA, **spec}))["messageId"])
    got = {key: await _webhook(stack, mid) for (_spec, key), mid in zip(specs, ids, strict=True)}

    assert got["pinMessage"]["pinMessage"] == {"action": "pin", "pinDurationInSecs": 86_400, "referencedMessage": {
        "messageId": "3EB0796DC6B777C0C7CD", "fromMe": True, "phone": BIA, "participant": None}}
    assert got["event"]["event"] == {"name": "Churrasco", "description": "", "canceled": False,
                                     "joinLink": "https://call.whatsapp.com/video/abc", "scheduleTime": 1_716_915_653,
                                     "endTime": None, "location": {}, "callLinkType": "video"}
    answer = got["eventResponse"]["eventResponse"]
    assert (answer["response"], answer["responseFrom"], answer["referencedMessage"]["phone"]) == (
        "GOING", BIA, group)
    assert got["pixKeyMessage"]["pixKeyMessage"]["keyType"] == "EMAIL"
    buttons = got["buttonsMessage"]["buttonsMessage"]
    assert buttons["buttons"] == [{"buttonId": "1", "type": 1, "buttonText": {"displayText": "Sim"}}]
    assert buttons["videoUrl"] is None and "imageUrl" in buttons
    assert got["hydratedTemplate"]["hydratedTemplate"]["hydratedButtons"] == [
        {"index": 0, "urlButton": {"displayText": "Ver", "url": "https://example.com"}}]
    cards = got["carouselMessage"]["carouselMessage"]["cards"]
    assert list(cards[0]["header"]) == ["image"] and list(cards[1]["header"]) == ["video"]
    ad = got["externalAdReply"]
    assert ad["text"]["message"] == "Quero saber mais" and ad["externalAdReply"]["sourceId"] == "23722824350495506"
    assert ad["externalAdReply"]["sourceType"] == "ad"
    status = got["statusImage"]
    assert status["isStatusReply"] is True and status["text"] == {"message": "Que foto!"}
    assert status["statusImage"]["caption"] == "praia" and status["statusImage"]["mimetype"] == "image/jpeg"


def test_what_neonize_cannot_send_is_named_before_queueing() -> None:
    class Inst:
        def __init__(self, engine: EngineKind) -> None:
            self.engine = engine

    neonize, sandbox = Inst(EngineKind.NEONIZE), Inst(EngineKind.SANDBOX)
    event = ci.Event("x", start_s=1, call_type="voice")
    assert neonize_gap(neonize, ci.EventEdit("3EB0", ci.Event("x")), ) is NeonizeGap.EVENT_EDIT  # type: ignore[arg-type]
    assert neonize_gap(neonize, ci.EventResponse("GOING", "3EB0")) is NeonizeGap.EVENT_RESPONSE  # type: ignore[arg-type]
    assert neonize_gap(neonize, event) is NeonizeGap.EVENT_CALL_LINK  # type: ignore[arg-type]
    assert neonize_gap(neonize, ci.Event("x")) is None  # type: ignore[arg-type]
    assert neonize_gap(neonize, ci.Pin("3EB0")) is None  # type: ignore[arg-type]
    assert neonize_gap(sandbox, event) is None  # type: ignore[arg-type]
