"""Pins, events and interactive messages, our own types (sent by the API, received from WhatsApp).

- ``Pin``: a message pinned in a chat for ``duration_s`` (WhatsApp offers 24 hours, 7 days, 30 days), or
  unpinned (``pin-message``; WhatsApp's ``pinInChatMessage``). ``from_me``/``participant`` say who wrote the
  pinned message (its key names the author in groups).
- ``Event``: a group event (``send-event``; ``eventMessage``). ``EventEdit``: its new version, sent by its
  creator (``send-edit-event``). ``EventResponse``: an answer to an event (``send-event-response``;
  WhatsApp's encrypted ``encEventResponseMessage``: ``response`` is "" when it could not be read).
- ``PixKey``: a PIX key with a copy button (``send-button-pix``; native flow ``payment_info``).
- ``CopyCode``: a text with a button that copies ``code`` (``send-button-otp``; native flow ``cta_copy``).
- ``Carousel``: cards side by side, each with an image or a video, a text and buttons (``send-carousel``).
- ``Template``: a business template with hydrated buttons, received (Z-API's ``hydratedTemplate``).
- ``TextFromAd``: a text sent from a click-to-WhatsApp ad, with the ad's context (Z-API's ``externalAdReply``).
- ``StatusReply``: a text answering one of our image statuses, with that image (Z-API's ``statusImage``).

Buttons of cards and templates are ``Action``: REPLY (``id`` comes back when tapped), URL, CALL or COPY.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.core.media_ref import MediaRef

PIN_DURATIONS_S = {"24_hours": 86_400, "7_days": 604_800, "30_days": 2_592_000}
EVENT_ANSWERS = ("GOING", "NOT_GOING", "MAYBE")
CALL_TYPES = ("voice", "video")
PIX_KEY_TYPES = ("CPF", "CNPJ", "PHONE", "EMAIL", "EVP")
OTP_URL = "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code="
COPY_LABEL = "Copiar código"  # Z-API's default label of the copy button
PIX_LABEL = "Pix"  # Z-API's default merchant name (the title shown on the PIX button)


@dataclass(frozen=True, slots=True)
class Action:
    """A button of a card or a template."""

    id: str
    label: str
    type: str = "REPLY"  # REPLY | URL | CALL | COPY
    url: str = ""
    phone: str = ""
    code: str = ""


@dataclass(frozen=True, slots=True)
class Pin:
    message_id: str
    pin: bool = True  # False: unpinned
    duration_s: int = 0
    from_me: bool = True  # the pinned message is ours
    chat: str = ""
    participant: str | None = None  # its author's JID, in a group when it is not ours
    time_ms: int = 0


@dataclass(frozen=True, slots=True)
class Place:
    name: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    description: str = ""
    start_s: int = 0  # epoch seconds
    end_s: int = 0
    place: Place | None = None
    call_type: str = ""  # "voice" | "video": the event has a call link
    join_link: str = ""
    canceled: bool = False


@dataclass(frozen=True, slots=True)
class EventEdit:
    message_id: str  # the event's message
    event: Event


@dataclass(frozen=True, slots=True)
class EventResponse:
    response: str  # GOING | NOT_GOING | MAYBE; "" = not readable
    message_id: str  # the event's message
    from_me: bool = False  # the event is ours
    chat: str = ""
    participant: str | None = None  # the event's author's JID, in a group when it is not ours
    time_ms: int = 0


@dataclass(frozen=True, slots=True)
class PixKey:
    key: str
    key_type: str  # one of PIX_KEY_TYPES
    merchant_name: str = PIX_LABEL
    currency: str = "BRL"
    reference_id: str = ""


@dataclass(frozen=True, slots=True)
class CopyCode:
    text: str
    code: str
    label: str = COPY_LABEL
    media: MediaRef | None = None  # an image above the text


@dataclass(frozen=True, slots=True)
class Card:
    text: str
    media: MediaRef | None = None
    video: bool = False  # the card's media is a video (else an image)
    buttons: tuple[Action, ...] = ()
    title: str = ""
    footer: str = ""


@dataclass(frozen=True, slots=True)
class Carousel:
    text: str
    cards: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class Template:
    text: str
    title: str = ""
    footer: str = ""
    template_id: str = ""
    buttons: tuple[Action, ...] = ()
    media: MediaRef | None = None  # the header's file
    media_kind: str = ""  # image | video | document
    place: Place | None = None  # a location header


@dataclass(frozen=True, slots=True)
class AdReply:
    """The ad a conversation started from (WhatsApp's ``externalAdReply``)."""

    title: str = ""
    body: str = ""
    media_type: int = 0  # 0 none, 1 image, 2 video
    thumbnail_url: str = ""
    source_type: str = ""
    source_id: str = ""
    source_url: str = ""
    ctwa_clid: str = ""
    contains_auto_reply: bool = False
    render_larger_thumbnail: bool = False
    show_ad_attribution: bool = False


@dataclass(frozen=True, slots=True)
class TextFromAd:
    text: str
    ad: AdReply
    title: str = ""
    description: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class StatusReply:
    text: str
    media: MediaRef | None = None  # the status image answered
    caption: str = ""
    width: int = 0
    height: int = 0


INTERACTIVE_TYPES: tuple[type, ...] = (Pin, Event, EventEdit, EventResponse, PixKey, CopyCode, Carousel, Template,
                                       TextFromAd, StatusReply)
REFERS_TO_MESSAGE = (Pin, EventEdit, EventResponse)  # the sender resolves their ``message_id`` and its author
