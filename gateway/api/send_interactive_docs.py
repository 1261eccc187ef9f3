"""Pin, event, PIX, copy-code and carousel send bodies as the OpenAPI document shows them (schemas only;
``sendspec_interactive`` parses by hand). Documented inline (``inline_doc``): they are not among ``bodies.BODIES``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from gateway.api.bodies import ActionButton, Chat, Delay, Doc, Media, MessageRef, text
from gateway.api.group_docs import example

GROUP = "120363019502650977-group"
Group = Annotated[str, Field(pattern=r"^\d{5,30}(-\d{6,12})?-group$", description="a group: events live in groups",
                             examples=[GROUP])]
DateTime = Annotated[str, Field(min_length=10, max_length=64, description="ISO 8601, e.g. 2024-04-29T09:30:00",
                                examples=["2024-04-29T09:30:00"])]


class _Send(Doc):
    delayMessage: Delay | None = Field(None, description="seconds before the send (default: the queue's gap)")
    delayTyping: Delay | None = Field(None, description="seconds of 'typing...' before the send")


class PinMessage(_Send):
    model_config = example({"phone": "5511999999999", "messageId": "3EB0796DC6B777C0C7CD", "messageAction": "pin",
                            "pinMessageDuration": "7_days"})
    phone: Chat
    messageId: MessageRef
    messageAction: Literal["pin", "unpin"]
    pinMessageDuration: Literal["24_hours", "7_days", "30_days"] | None = Field(
        None, description="required to pin; ignored to unpin")


class EventPlace(Doc):
    name: Annotated[str, text(256)] | None = None
    address: Annotated[str, Field(max_length=1024)] | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None


class EventBody(Doc):
    name: Annotated[str, text(256)]
    description: Annotated[str, Field(max_length=2048)] | None = None
    dateTime: DateTime
    timeZone: Annotated[str, Field(pattern=r"^(UTC|GMT)([+-]\d{1,2}(:?\d{2})?)?$", description="e.g. UTC-3")] | None = (
        None)
    location: EventPlace | None = None
    callLinkType: Literal["voice", "video"] | None = Field(None, description="add a call link (sandbox only)")
    canceled: bool | None = None


class SendEvent(_Send):
    model_config = example({"phone": GROUP, "event": {"name": "Reunião", "description": "Planejamento",
                                                      "dateTime": "2024-04-29T09:30:00", "timeZone": "UTC-3",
                                                      "location": {"name": "Sala 2"}, "canceled": False}})
    phone: Group
    event: EventBody


class SendEditEvent(SendEvent):
    model_config = example({"phone": GROUP, "eventMessageId": "3EB058359730B7C2895C55",
                            "event": {"name": "Reunião (nova hora)", "dateTime": "2024-04-29T10:30:00",
                                      "canceled": False}})
    eventMessageId: MessageRef


class SendEventResponse(_Send):
    model_config = example({"phone": GROUP, "eventMessageId": "3EB058359730B7C2895C55", "eventResponse": "GOING"})
    phone: Group
    eventMessageId: MessageRef
    eventResponse: Literal["GOING", "NOT_GOING", "MAYBE"]


class SendButtonPix(_Send):
    model_config = example({"phone": "5511999999999", "pixKey": "c0ffee00-1234-4abc-9def-0123456789ab",
                            "type": "EVP", "merchantName": "Loja"})
    phone: Chat
    pixKey: Annotated[str, text(256, "checked against type")]
    type: Literal["CPF", "CNPJ", "PHONE", "EMAIL", "EVP"]
    merchantName: Annotated[str, Field(max_length=256)] | None = Field(None, description="default: Pix")


class SendButtonOtp(_Send):
    model_config = example({"phone": "5511999999999", "message": "Seu código de acesso", "code": "482913",
                            "buttonText": "Copiar código"})
    phone: Chat
    message: Annotated[str, text()]
    code: Annotated[str, text(256)]
    image: Media | None = None
    buttonText: Annotated[str, Field(max_length=64)] | None = Field(None, description="default: Copiar código")


class CarouselCard(Doc):
    text: Annotated[str, text()]
    image: Media | None = Field(None, description="an image or a video: one of them")
    video: Media | None = None
    buttons: Annotated[list[ActionButton], Field(min_length=1, max_length=3)] | None = None


class SendCarousel(_Send):
    model_config = example({"phone": "5511999999999", "message": "Ofertas", "carousel": [
        {"text": "Camiseta", "image": "https://example.com/camiseta.jpg",
         "buttons": [{"id": "1", "label": "Quero", "type": "REPLY"},
                     {"label": "Site", "type": "URL", "url": "https://example.com"}]}]})
    phone: Chat
    message: Annotated[str, text()]
    carousel: Annotated[list[CarouselCard], Field(min_length=1, max_length=10)]


INTERACTIVE_BODIES: dict[str, type[Doc]] = {
    "pin-message": PinMessage, "send-event": SendEvent, "send-edit-event": SendEditEvent,
    "send-event-response": SendEventResponse, "send-button-pix": SendButtonPix, "send-button-otp": SendButtonOtp,
    "send-carousel": SendCarousel,
}
