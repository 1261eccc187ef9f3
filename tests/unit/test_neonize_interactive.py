"""Pins, events, PIX keys, copy-code buttons and carousels on the neonize engine: the ``waE2E.Message`` built
for each (real neonize protobufs, no FFI), the uploads the engine makes for them, the 501s for what neonize
0.5.2 cannot send, and each built message read back by the translator as the content it was."""

from __future__ import annotations

import json
from typing import Any

import pytest
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E
from neonize.utils.enum import MediaType

from gateway.core import content as c
from gateway.core import content_interactive as ci
from gateway.core.commands import Outgoing
from gateway.core.errors import EngineError, Unsupported
from gateway.worker.engines.neonize import translate
from gateway.worker.engines.neonize.engine import NeonizeEngine
from gateway.worker.engines.neonize.outgoing import Extras, build_message
from tests.support.neonize import ALICE, CAROL, GROUP, ME, jid, message_ev
from tests.unit.test_neonize_sends import UPLOAD, engine, rec, response

__all__ = ["engine"]  # the fixture, imported

A = f"{ALICE}@s.whatsapp.net"
G = f"{GROUP}@g.us"
JPEG = c.MediaRef(mime_type="image/jpeg", key="I/out/a.jpg")
MP4 = c.MediaRef(mime_type="video/mp4", key="I/out/v.mp4")


def build(to: str, body: c.Content, extras: Extras | None = None) -> Any:
    msg = build_message(Outgoing(to, body), extras=extras or Extras(own_users=frozenset({ME})))
    msg.SerializeToString()  # a real waE2E message: it serialises
    return msg


def back(msg: Any, chat: Any = None) -> c.Content:
    """The built message as the translator reads it when it arrives."""
    ev = translate.message(message_ev(msg, chat=chat))
    assert ev is not None
    return ev.content


def test_pin_and_unpin_name_the_message_as_whatsmeow_keys_it() -> None:
    mine = build(A, ci.Pin("3EB0MINE", duration_s=604_800, from_me=True, chat=A))
    key = mine.pinInChatMessage.key
    assert (key.remoteJID, key.fromMe, key.ID, key.HasField("participant")) == (A, True, "3EB0MINE", False)
    assert mine.pinInChatMessage.type == E.PinInChatMessage.PIN_FOR_ALL and mine.pinInChatMessage.senderTimestampMS
    info = mine.messageContextInfo
    assert (info.messageAddOnDurationInSecs, info.messageAddOnExpiryType) == (604_800, E.MessageContextInfo.STATIC)
    theirs = build(G, ci.Pin("3EB0HERS", pin=False, from_me=False, chat=G, participant=f"{CAROL}:4@s.whatsapp.net"))
    assert theirs.pinInChatMessage.type == E.PinInChatMessage.UNPIN_FOR_ALL
    assert theirs.pinInChatMessage.key.participant == f"{CAROL}@s.whatsapp.net"  # no device part
    assert not theirs.HasField("messageContextInfo")
    assert back(mine) == ci.Pin("3EB0MINE", duration_s=604_800, from_me=True, chat=A,
                                time_ms=mine.pinInChatMessage.senderTimestampMS)


def test_event_carries_its_fields_and_a_fresh_secret() -> None:
    event = ci.Event("Reunião", description="Planejamento", start_s=1_714_393_800,
                     place=ci.Place(name="Sala 2", latitude=-23.5, longitude=-46.6))
    built = build(G, event)
    e = built.eventMessage
    assert (e.name, e.description, e.startTime, e.isCanceled, e.location.name, e.location.degreesLatitude) == (
        "Reunião", "Planejamento", 1_714_393_800, False, "Sala 2", -23.5)
    assert not e.HasField("endTime") and len(built.messageContextInfo.messageSecret) == 32
    assert build(G, event).messageContextInfo.messageSecret != built.messageContextInfo.messageSecret
    assert back(built, chat=jid(GROUP, "g.us")) == event


@pytest.mark.parametrize("body", [ci.Event("x", call_type="video"), ci.EventEdit("3EB0E", ci.Event("x")),
                                  ci.EventResponse("GOING", "3EB0E")], ids=["call-link", "edit", "answer"])
def test_what_neonize_cannot_send_is_a_501(body: c.Content) -> None:
    with pytest.raises(Unsupported) as err:
        build(G, body)
    assert err.value.http_status() == 501 and "neonize 0.5.2" in err.value.message


def test_pix_key_is_a_payment_info_native_flow() -> None:
    built = build(A, ci.PixKey("123.456.789-09", "CPF", merchant_name="Loja"))
    (button,) = built.interactiveMessage.nativeFlowMessage.buttons
    params = json.loads(button.buttonParamsJSON)
    assert button.name == "payment_info" and params["currency"] == "BRL" and params["reference_id"]
    assert params["payment_settings"] == [{"type": "pix_static_code", "pix_static_code": {
        "merchant_name": "Loja", "key": "123.456.789-09", "key_type": "CPF"}}]
    assert params["total_amount"] == {"value": 0, "offset": 100}
    assert back(built) == ci.PixKey("123.456.789-09", "CPF", "Loja", reference_id=params["reference_id"])


def test_copy_code_with_its_uploaded_image() -> None:
    body = ci.CopyCode("Seu código", "482913", media=JPEG)
    built = build(A, body, Extras(upload=UPLOAD))
    im = built.interactiveMessage
    assert im.body.text == "Seu código" and im.header.hasMediaAttachment
    assert (im.header.imageMessage.directPath, im.header.imageMessage.mimetype) == ("/v/t62/x", "image/jpeg")
    (button,) = im.nativeFlowMessage.buttons
    assert button.name == "cta_copy" and json.loads(button.buttonParamsJSON)["copy_code"] == "482913"
    read = back(built)
    assert isinstance(read, ci.CopyCode) and (read.code, read.label, read.text) == ("482913", "Copiar código",
                                                                                   "Seu código")
    with pytest.raises(EngineError):
        build(A, body)  # not uploaded: never sent without its image


def test_carousel_cards_with_their_uploads_and_buttons() -> None:
    body = ci.Carousel("Ofertas", (
        ci.Card("Camiseta", media=JPEG, buttons=(ci.Action("c1", "Quero"),
                                                  ci.Action("2", "Site", "URL", url="https://example.com"))),
        ci.Card("Vídeo", media=MP4, video=True, buttons=(ci.Action("3", "Ligar", "CALL", phone=ALICE),))))
    built = build(A, body, Extras(uploads=(UPLOAD, UPLOAD)))
    im = built.interactiveMessage
    first, second = im.carouselMessage.cards
    assert im.body.text == "Ofertas" and im.carouselMessage.messageVersion == 1
    assert first.header.hasMediaAttachment and first.header.imageMessage.directPath == "/v/t62/x"
    assert second.header.videoMessage.mimetype == "video/mp4" and first.body.text == "Camiseta"
    assert [b.name for b in first.nativeFlowMessage.buttons] == ["quick_reply", "cta_url"]
    assert json.loads(second.nativeFlowMessage.buttons[0].buttonParamsJSON)["phone_number"] == f"+{ALICE}"
    read = back(built)
    assert isinstance(read, ci.Carousel) and [card.text for card in read.cards] == ["Camiseta", "Vídeo"]
    assert read.cards[0].buttons == body.cards[0].buttons and read.cards[1].video
    with pytest.raises(EngineError):
        build(A, body, Extras(uploads=(UPLOAD,)))  # a card without its upload


async def test_engine_uploads_the_copy_image_and_every_card(engine: NeonizeEngine) -> None:
    engine.test_media.update({"I/out/a.jpg": b"jpeg", "I/out/v.mp4": b"mp4"})  # type: ignore[attr-defined]
    rec(engine).script.update(upload=UPLOAD, send_message=response())
    await engine.send(Outgoing(A, ci.CopyCode("Seu código", "1", media=JPEG)))
    await engine.send(Outgoing(A, ci.Carousel("x", (ci.Card("a", media=JPEG), ci.Card("b", media=MP4, video=True)))))
    assert [call[1] for call in rec(engine).named("upload")] == [
        (b"jpeg", MediaType.MediaImage), (b"jpeg", MediaType.MediaImage), (b"mp4", MediaType.MediaVideo)]
    sent = [call[1][1] for call in rec(engine).named("send_message")]
    assert sent[0].interactiveMessage.nativeFlowMessage.buttons[0].name == "cta_copy"
    assert len(sent[1].interactiveMessage.carouselMessage.cards) == 2
