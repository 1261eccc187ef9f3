"""Pins, events and interactive messages as WhatsApp delivers them (neonize protobufs built by hand) → the Z-API
webhook payloads (``on-message-received``): translated by the neonize engine, transformed by dispatch."""

from __future__ import annotations

import json
from typing import Any

from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from dispatch.transform import Context, received
from gateway.core import content as c
from gateway.core import content_interactive as ci
from gateway.worker.engines.neonize import translate
from tests.support.neonize import ALICE, GROUP, ME, jid, media, message_ev

CTX = Context(instance_id="A20DA9C0183A2D35A260F53F5D2B9244", connected_phone=ME, notify_sent_by_me=True)
IM = E.InteractiveMessage
IMAGE = E.ImageMessage(caption="praia", width=1080, height=1920, **media(mimetype="image/jpeg"))


def payload(message: Any, group: bool = False) -> dict[str, Any]:
    chat = jid(GROUP, "g.us") if group else None
    ev = translate.message(message_ev(message, chat=chat))
    assert ev is not None
    return received(ev, CTX)


def test_pin_of_our_message() -> None:
    pin = E.PinInChatMessage(key=MessageKey(remoteJID=f"{ALICE}@s.whatsapp.net", fromMe=True, ID="3EB0796DC6B7"),
                             type=E.PinInChatMessage.PIN_FOR_ALL, senderTimestampMS=1_700_000_000_000)
    got = payload(E.Message(pinInChatMessage=pin, messageContextInfo=E.MessageContextInfo(
        messageAddOnDurationInSecs=604_800, messageAddOnExpiryType=E.MessageContextInfo.STATIC)))
    assert got["pinMessage"] == {"action": "pin", "pinDurationInSecs": 604_800, "referencedMessage": {
        "messageId": "3EB0796DC6B7", "fromMe": True, "phone": ALICE, "participant": None}}
    key = MessageKey(remoteJID=f"{GROUP}@g.us", fromMe=False, ID="3EB0X", participant=f"{ME}@s.whatsapp.net")
    unpin = E.PinInChatMessage(key=key, type=E.PinInChatMessage.UNPIN_FOR_ALL)
    shown = payload(E.Message(pinInChatMessage=unpin), group=True)["pinMessage"]
    assert shown == {"action": "unpin", "pinDurationInSecs": 0, "referencedMessage": {
        "messageId": "3EB0X", "fromMe": False, "phone": f"{GROUP}-group", "participant": ME}}


def test_event_and_an_answer_we_cannot_read() -> None:
    event = E.EventMessage(name="Churrasco", description="Sábado", startTime=1_716_915_653, isCanceled=False,
                           joinLink="https://call.whatsapp.com/video/v9123XNFG",
                           location=E.LocationMessage(name="Sítio"))
    got = payload(E.Message(eventMessage=event), group=True)
    assert got["isGroup"] is True and got["event"] == {
        "name": "Churrasco", "description": "Sábado", "canceled": False,
        "joinLink": "https://call.whatsapp.com/video/v9123XNFG", "scheduleTime": 1_716_915_653, "endTime": None,
        "location": {"name": "Sítio", "address": "", "latitude": 0.0, "longitude": 0.0}, "callLinkType": "video"}
    answer = E.EncEventResponseMessage(eventCreationMessageKey=MessageKey(remoteJID=f"{GROUP}@g.us", fromMe=True,
                                                                          ID="3EB0EVT"), encPayload=b"x", encIV=b"y")
    shown = payload(E.Message(encEventResponseMessage=answer), group=True)["eventResponse"]
    assert shown == {"response": None, "responseFrom": ALICE, "time": 0, "referencedMessage": {
        "messageId": "3EB0EVT", "fromMe": True, "phone": f"{GROUP}-group", "participant": None}}


def test_pix_key_and_copy_code() -> None:
    params = {"currency": "BRL", "reference_id": "4PXRAHSIRDA", "payment_settings": [
        {"type": "pix_static_code", "pix_static_code": {"merchant_name": "Pix", "key": "pixkey", "key_type": "EVP"}}]}
    flow = IM.NativeFlowMessage(buttons=[IM.NativeFlowMessage.NativeFlowButton(
        name="payment_info", buttonParamsJSON=json.dumps(params))])
    got = payload(E.Message(interactiveMessage=IM(nativeFlowMessage=flow)))
    assert got["pixKeyMessage"] == {"currency": "BRL", "referenceId": "4PXRAHSIRDA", "key": "pixkey",
                                    "keyType": "EVP", "merchantName": "Pix"}
    copy = IM.NativeFlowMessage(buttons=[IM.NativeFlowMessage.NativeFlowButton(
        name="cta_copy", buttonParamsJSON=json.dumps({"display_text": "Copiar código", "copy_code": "otp123"}))])
    shown = payload(E.Message(interactiveMessage=IM(body=IM.Body(text="texto"), nativeFlowMessage=copy)))
    assert shown["hydratedTemplate"] == {"header": {}, "message": "texto", "footer": "", "title": "", "templateId": "",
                                         "hydratedButtons": [{"index": 0, "urlButton": {
                                             "displayText": "Copiar código",
                                             "url": "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp123"}}]}


def test_template_and_buttons_with_image_headers() -> None:
    hydrated = E.TemplateMessage.HydratedFourRowTemplate(
        hydratedContentText="texto", hydratedFooterText="rodapé", templateID="674504507",
        imageMessage=IMAGE, hydratedButtons=[
            E.HydratedTemplateButton(index=0, urlButton=E.HydratedTemplateButton.HydratedURLButton(
                displayText="Ver", URL="https://example.com")),
            E.HydratedTemplateButton(index=1, quickReplyButton=E.HydratedTemplateButton.HydratedQuickReplyButton(
                displayText="Ok", ID="ok"))])
    template = payload(E.Message(templateMessage=E.TemplateMessage(hydratedTemplate=hydrated)))["hydratedTemplate"]
    assert (template["message"], template["footer"], template["title"], template["templateId"]) == (
        "texto", "rodapé", "", "674504507")  # the title is a header too: the image here
    assert template["header"]["image"]["mimeType"] == "image/jpeg"
    assert template["hydratedButtons"] == [{"index": 0, "urlButton": {"displayText": "Ver", "url": "https://example.com"}},
                                           {"index": 1, "quickReplyButton": {"displayText": "Ok", "id": "ok"}}]
    B = E.ButtonsMessage
    buttons = B(contentText="Texto da mensagem", headerType=B.HeaderType.IMAGE, imageMessage=IMAGE,
                buttons=[B.Button(buttonID="1", buttonText=B.Button.ButtonText(displayText="Sim"),
                                  type=B.Button.Type.RESPONSE)])
    shown = payload(E.Message(buttonsMessage=buttons))["buttonsMessage"]
    assert shown["message"] == "Texto da mensagem" and shown["videoUrl"] is None and "imageUrl" in shown
    assert shown["buttons"] == [{"buttonId": "1", "type": 1, "buttonText": {"displayText": "Sim"}}]


def test_carousel_cards() -> None:
    card = IM(header=IM.Header(hasMediaAttachment=True, imageMessage=IMAGE), body=IM.Body(text="Cartão"),
              nativeFlowMessage=IM.NativeFlowMessage(buttons=[
                  IM.NativeFlowMessage.NativeFlowButton(name="cta_url", buttonParamsJSON=json.dumps(
                      {"display_text": "Site", "url": "https://z-api.io"})),
                  IM.NativeFlowMessage.NativeFlowButton(name="quick_reply", buttonParamsJSON=json.dumps(
                      {"display_text": "Quero", "id": "2"}))]))
    got = payload(E.Message(interactiveMessage=IM(body=IM.Body(text="Ofertas"),
                                                  carouselMessage=IM.CarouselMessage(cards=[card, card]))))
    carousel = got["carouselMessage"]
    assert carousel["text"] == "Ofertas" and len(carousel["cards"]) == 2
    first = carousel["cards"][0]
    assert first["message"] == "Cartão" and first["header"]["image"]["mimeType"] == "image/jpeg"
    assert first["header"]["image"]["imageUrl"] is None  # one file per message is downloaded: not a card's
    assert first["hydratedButtons"] == [{"index": 0, "urlButton": {"displayText": "Site", "url": "https://z-api.io"}},
                                        {"index": 1, "quickReplyButton": {"displayText": "Quero", "id": "2"}}]


def test_text_from_an_ad_and_a_status_reply() -> None:
    ad = E.ContextInfo.ExternalAdReplyInfo(title="Titulo", body="texto do anuncio", mediaType=1, sourceType="ad",
                                           sourceID="23722824350495506", sourceURL="https://fb.me/x", ctwaClid="Aff",
                                           thumbnailURL="https://t/x.jpg", renderLargerThumbnail=True,
                                           showAdAttribution=True)
    got = payload(E.Message(extendedTextMessage=E.ExtendedTextMessage(
        text="mensagem recebida", contextInfo=E.ContextInfo(externalAdReply=ad))))
    assert got["text"] == {"message": "mensagem recebida", "description": "texto do anuncio", "title": "Titulo",
                           "url": "https://fb.me/x", "thumbnailUrl": "https://t/x.jpg"}
    assert got["externalAdReply"] == {
        "title": "Titulo", "body": "texto do anuncio", "mediaType": 1, "thumbnailUrl": "https://t/x.jpg",
        "sourceType": "ad", "sourceId": "23722824350495506", "ctwaClid": "Aff", "sourceUrl": "https://fb.me/x",
        "containsAutoReply": False, "renderLargerThumbnail": True, "showAdAttribution": True}
    reply = E.ExtendedTextMessage(text="teste", contextInfo=E.ContextInfo(
        stanzaID="3EB054C12BAAC70228AAB6", remoteJID="status@broadcast", participant=f"{ME}@s.whatsapp.net",
        quotedMessage=E.Message(imageMessage=IMAGE)))
    shown = payload(E.Message(extendedTextMessage=reply))
    assert shown["isStatusReply"] is True and shown["referenceMessageId"] == "3EB054C12BAAC70228AAB6"
    assert shown["text"] == {"message": "teste"}
    assert shown["statusImage"] == {"imageUrl": None, "thumbnailUrl": None, "caption": "praia",
                                    "mimetype": "image/jpeg", "viewOnce": False, "width": 1080, "height": 1920}


def test_the_status_image_is_the_file_downloaded() -> None:
    image = c.MediaRef(mime_type="image/jpeg", url="https://m/x.jpg")
    reply = ci.StatusReply("oi", media=image)
    assert c.media_of(reply) == image and c.media_of(c.with_media(reply, c.MediaRef(url="y"))) == c.MediaRef(url="y")
    assert c.media_of(ci.Carousel("x", (ci.Card("a", media=image),))) is None  # several files: none downloaded
