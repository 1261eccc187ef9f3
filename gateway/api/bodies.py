"""Request bodies as the OpenAPI document shows them: schemas only, mirroring the hand-written parsers.

The routes read their bodies by hand (``sendspec``, ``sandbox_spec``, the setters), which keeps Z-API's
leniency (``null`` for an absent field, numbers as strings) and its error texts naming the field. These
models never validate a request: they tell a partner (and the fuzzer) what those parsers accept. Keep
each in step with its parser; ``tests/fuzz`` checks the API against this document.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PHONE = r"^[0-9]{8,15}$"
CHAT = (r"^([0-9]{8,15}|[0-9]{5,30}(-[0-9]{6,12})?-group|[0-9]{10,15}-[0-9]{9,11}|[0-9]{5,20}@lid"
        r"|[0-9]{5,30}@newsletter)$")
MEDIA = r"^(https?://|data:)"
NOT_BLANK = r"\S"

Phone = Annotated[str, Field(pattern=PHONE, description="digits with the country code, 8 to 15 of them")]
Chat = Annotated[str, Field(pattern=CHAT, description="a phone, `<id>-group`, `<n>@lid` or `<n>@newsletter`")]
Media = Annotated[str, Field(pattern=MEDIA, description="an http(s) URL or a `data:<mime>;base64,<data>` URI")]
MessageRef = Annotated[str, Field(min_length=1, max_length=128, description="a messageId (or zaapId)")]
Delay = Annotated[float, Field(ge=1, le=15)]


def text(max_length: int = 4096, description: str | None = None) -> Any:
    """A required text: not blank, at most ``max_length`` characters."""
    return Field(min_length=1, max_length=max_length, pattern=NOT_BLANK, description=description)


class Doc(BaseModel):
    """A schema-only model. An optional field typed without ``None`` but defaulting to it is one the parser
    lets you leave out but refuses as ``null``."""

    model_config = ConfigDict(populate_by_name=True)


class SendBase(Doc):
    phone: Chat
    delayMessage: Delay | None = Field(None, description="seconds before the send (default: the queue's gap)")
    delayTyping: Delay | None = Field(None, description="seconds of 'typing...' before the send")


class Reply(SendBase):
    messageId: MessageRef | None = Field(None, description="reply to (quote) this message")


class SendText(Reply):
    message: Annotated[str, text(65_536)]
    mentioned: Annotated[list[Chat], Field(min_length=1, max_length=256)] = None  # type: ignore[assignment]
    editMessageId: MessageRef | None = Field(None, description="edit this sent message instead")


class SendImage(Reply):
    image: Media
    caption: Annotated[str, Field(max_length=4096)] | None = None


class SendAudio(Reply):
    audio: Media


class SendVideo(Reply):
    video: Media
    caption: Annotated[str, Field(max_length=4096)] | None = None


class SendPtv(Reply):
    ptv: Media


class SendGif(Reply):
    gif: Media
    caption: Annotated[str, Field(max_length=4096)] | None = None


class SendSticker(Reply):
    sticker: Media


class SendDocument(Reply):
    document: Media
    fileName: Annotated[str, Field(max_length=255)] | None = None
    caption: Annotated[str, Field(max_length=4096)] | None = None


class SendLink(Reply):
    message: Annotated[str, text(65_536, "must contain linkUrl")]
    linkUrl: Annotated[str, text(2048)]
    image: Media
    title: Annotated[str, text()]
    linkDescription: Annotated[str, text()]
    linkType: Literal["SMALL", "MEDIUM", "LARGE"] = "SMALL"


class SendLocation(Reply):
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    title: Annotated[str, text()]
    address: Annotated[str, text()]


class SendContact(Reply):
    contactName: Annotated[str, text(256)]
    contactPhone: Phone
    contactBusinessDescription: Annotated[str, Field(max_length=4096)] | None = None


class ContactCard(Doc):
    name: Annotated[str, text()]
    phones: Annotated[list[Phone], Field(min_length=1, max_length=100)]
    businessDescription: Annotated[str, Field(max_length=4096)] | None = None


class SendContacts(Reply):
    contacts: Annotated[list[ContactCard], Field(min_length=1, max_length=50)]


class SendReaction(SendBase):
    reaction: Annotated[str, text(16)]
    messageId: MessageRef


class SendRemoveReaction(SendBase):
    messageId: MessageRef


class Named(Doc):
    name: Annotated[str, text()]


class SendPoll(Reply):
    message: Annotated[str, text()]
    poll: Annotated[list[Named], Field(min_length=2, max_length=12)]
    pollMaxOptions: Annotated[int, Field(ge=0, le=12, description="at most the number of options")] | None = None


class SendPollVote(SendBase):
    pollMessageId: MessageRef
    pollVote: Annotated[list[Named], Field(min_length=1, max_length=100)]


class ListOption(Doc):
    id: Annotated[str, Field(max_length=4096)] | None = None
    title: Annotated[str, text()]
    description: Annotated[str, Field(max_length=4096)] | None = None


class OptionList(Doc):
    title: Annotated[str, text()]
    buttonLabel: Annotated[str, text()]
    options: Annotated[list[ListOption], Field(min_length=1, max_length=10)]


class SendOptionList(Reply):
    message: Annotated[str, text()]
    optionList: OptionList


class ReplyButton(Doc):
    id: Annotated[str, Field(max_length=4096)] | None = None
    label: Annotated[str, text()]


class ButtonList(Doc):
    buttons: Annotated[list[ReplyButton], Field(min_length=1, max_length=3)]
    image: Media | None = None
    video: Media | None = None


class SendButtonList(Reply):
    message: Annotated[str, text()]
    buttonList: ButtonList


class ActionButton(ReplyButton):
    type: Literal["REPLY", "URL", "CALL"] = "REPLY"
    url: Annotated[str, Field(pattern=r"^https?://", max_length=4096, description="for URL buttons")] | None = None
    phone: Phone | None = Field(None, description="for CALL buttons")


class SendButtonActions(Reply):
    message: Annotated[str, text()]
    buttonActions: Annotated[list[ActionButton], Field(min_length=1, max_length=3)]
    title: Annotated[str, Field(max_length=4096)] | None = None
    footer: Annotated[str, Field(max_length=4096)] | None = None


class ForwardMessage(SendBase):
    messageId: MessageRef
    messagePhone: Chat


SEND_BODIES: dict[str, type[Doc]] = {
    "send-text": SendText, "send-image": SendImage, "send-audio": SendAudio, "send-video": SendVideo,
    "send-ptv": SendPtv, "send-gif": SendGif, "send-sticker": SendSticker, "send-link": SendLink,
    "send-location": SendLocation, "send-contact": SendContact, "send-contacts": SendContacts,
    "send-reaction": SendReaction, "send-remove-reaction": SendRemoveReaction, "send-poll": SendPoll,
    "send-poll-vote": SendPollVote, "send-option-list": SendOptionList, "send-button-list": SendButtonList,
    "send-button-actions": SendButtonActions, "forward-message": ForwardMessage,
}


class ReadMessage(Doc):
    phone: Chat
    messageId: MessageRef


class QueuePageRequest(Doc):
    pageSize: Annotated[int, Field(ge=1, le=30)] = 20
    pagingState: str | None = Field(None, description="the cursor a previous page answered")


# --- instance settings and webhooks ----------------------------------------------------------------

class NameValue(Doc):
    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [{"value": "Atendimento"}]})
    value: Annotated[str, Field(max_length=120)]


class FlagValue(Doc):
    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [{"value": True}]})
    value: bool


class CallRejectMessageValue(Doc):
    model_config = ConfigDict(populate_by_name=True,
                              json_schema_extra={"examples": [{"value": "Não atendo ligações, escreva aqui"}]})
    value: Annotated[str, Field(max_length=1000)]


class WebhookValue(Doc):
    model_config = ConfigDict(populate_by_name=True,
                              json_schema_extra={"examples": [{"value": "https://example.com/webhooks/zapgate"}]})
    value: Annotated[str, Field(max_length=2048)] | None = Field(
        description="the webhook URL (https unless insecure webhooks are allowed); null or empty clears it")


class EveryWebhooks(WebhookValue):
    notifySentByMe: bool = Field(None, description="also send the instance's own messages")  # type: ignore[assignment]
    receivedAndDeliveryCallback: bool = Field(None, description="same as notifySentByMe")  # type: ignore[assignment]


class NotifySentByMe(Doc):
    notifySentByMe: bool = None  # type: ignore[assignment]
    value: bool = Field(None, description="same as notifySentByMe (one of the two is required)")  # type: ignore[assignment]


class ReplayRequest(Doc):
    ids: list[Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]] | None = Field(
        None, description="dead-letter ids to replay (default: all)")


# --- sandbox --------------------------------------------------------------------------------------

class SandboxScan(Doc):
    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [
        {"phone": "5511999990000"}]})
    phone: Phone


InboundType = Literal["text", "image", "audio", "video", "ptv", "document", "sticker", "location", "liveLocation",
                      "contact", "reaction", "poll", "pollVote", "buttonsResponse", "listResponse", "revoke",
                      "unknown", "ciphertext", "product", "order", "requestPayment", "sendPayment", "pinMessage",
                      "event", "eventResponse", "pixKeyMessage", "buttonsMessage", "hydratedTemplate",
                      "carouselMessage"]


class SandboxInbound(Doc):
    """A message from ``from``; the content fields its ``type`` reads (the others are ignored)."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [
        {"from": "5511988887777", "type": "text", "message": "Olá!", "senderName": "Ana"}]})
    from_: Phone = Field(alias="from")
    type: InboundType = "text"
    messageId: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{6,64}$")] | None = None
    group: Annotated[str, Field(pattern=r"^[0-9]{5,30}(-[0-9]+)?(-group)?$")] | None = None
    fromLid: Annotated[str, Field(pattern=r"^[0-9]{5,20}@lid$")] | None = None
    senderName: str | None = None
    fromMe: bool = False
    forwarded: bool = False
    momment: Annotated[int, Field(ge=0, le=2**53, description="ms since the epoch (default: now)")] | None = None
    referenceMessageId: str | None = None
    messageExpirationSeconds: Annotated[int, Field(ge=0, le=2**31)] | None = None
    message: str | None = Field(None, description="text; required for type=text")
    caption: str | None = None
    mimeType: str | None = None
    fileName: str | None = None
    fileLength: Annotated[int, Field(ge=0, le=2**63 - 1, description="declared file size, bytes")] | None = None
    width: Annotated[int, Field(ge=0, le=2**31)] | None = None
    height: Annotated[int, Field(ge=0, le=2**31)] | None = None
    seconds: Annotated[int, Field(ge=0, le=2**31)] | None = None
    pageCount: Annotated[int, Field(ge=0, le=2**31)] | None = None
    ptt: bool = True
    isGif: bool = False
    animated: bool = False
    title: str | None = None
    url: str | None = None
    sequence: Annotated[int, Field(ge=0, le=2**31)] | None = None
    vcard: str | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    name: str | None = None
    address: str | None = None
    displayName: str | None = None
    contactPhone: str | None = None
    emoji: str | None = None
    value: str | None = Field(None, description="the emoji, when `emoji` is absent")
    referencedMessageId: str | None = None
    referencedFromMe: bool = True
    question: str | None = None
    options: list[str] | None = None
    maxOptions: Annotated[int, Field(ge=0, le=12)] | None = None
    pollMessageId: str | None = None
    buttonId: str | None = None
    selectedRowId: str | None = None
    kind: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$",
                               description="type=unknown: the WhatsApp message field it stands for")] | None = None
    editMessageId: str | None = Field(None, description="this message is the new version of that one (an edit)")
    status: bool = Field(False, description="a status (story) the contact posted (chat status@broadcast)")
    isStatusReply: bool = Field(False, description="a reply to one of the phone's statuses")


class SandboxPresence(Doc):
    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [
        {"from": "5511988887777", "status": "COMPOSING"}]})
    from_: Phone = Field(alias="from")
    status: Literal["AVAILABLE", "UNAVAILABLE", "COMPOSING", "PAUSED", "RECORDING"]


BODIES: tuple[type[Doc], ...] = (
    *SEND_BODIES.values(), SendDocument, ReadMessage, QueuePageRequest, NameValue, FlagValue,
    CallRejectMessageValue, WebhookValue, EveryWebhooks, NotifySentByMe, ReplayRequest, SandboxScan,
    SandboxInbound, SandboxPresence,
)
