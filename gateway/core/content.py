"""Message content, our own types: what an inbound message carries and what an outgoing one sends."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from gateway.core import media_ref
from gateway.core.content_commerce import (
    COMMERCE_TYPES,
    CatalogLink,
    Order,
    OrderRequest,
    OrderUpdate,
    PaymentRequest,
    PaymentSent,
    Product,
)
from gateway.core.content_interactive import (
    INTERACTIVE_TYPES,
    Carousel,
    CopyCode,
    Event,
    EventEdit,
    EventResponse,
    Pin,
    PixKey,
    StatusReply,
    Template,
    TextFromAd,
)

MediaRef = media_ref.MediaRef  # kept in media_ref.py (content_interactive uses it too); c.MediaRef as before
TOO_LARGE = media_ref.TOO_LARGE


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    title: str | None = None
    description: str | None = None
    url: str | None = None
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Image:
    media: MediaRef
    caption: str = ""
    width: int = 0
    height: int = 0


@dataclass(frozen=True, slots=True)
class Audio:
    media: MediaRef
    ptt: bool = False
    seconds: int = 0


@dataclass(frozen=True, slots=True)
class Video:
    media: MediaRef
    caption: str = ""
    width: int = 0
    height: int = 0
    seconds: int = 0
    is_gif: bool = False


@dataclass(frozen=True, slots=True)
class Ptv:
    media: MediaRef
    caption: str = ""
    width: int = 0
    height: int = 0
    seconds: int = 0


@dataclass(frozen=True, slots=True)
class Document:
    media: MediaRef
    file_name: str = ""
    title: str = ""
    caption: str = ""
    page_count: int = 0


@dataclass(frozen=True, slots=True)
class Sticker:
    media: MediaRef
    width: int = 0
    height: int = 0
    is_animated: bool = False


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float
    name: str = ""
    address: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class LiveLocation:
    latitude: float
    longitude: float
    caption: str = ""
    sequence: int = 0


@dataclass(frozen=True, slots=True)
class Contact:
    display_name: str
    vcard: str = ""
    phones: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Contacts:
    display_name: str
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True, slots=True)
class Reaction:
    emoji: str  # "" = reaction removed
    message_id: str
    from_me: bool = False
    chat: str = ""
    participant: str | None = None
    time_ms: int = 0


@dataclass(frozen=True, slots=True)
class Poll:
    question: str
    options: tuple[str, ...]
    max_options: int = 0  # 0 = multiple choice


@dataclass(frozen=True, slots=True)
class PollVote:
    poll_message_id: str
    options: tuple[str, ...] = ()
    option_hashes: tuple[str, ...] = ()  # sha256 hex of chosen names when names are unknown


@dataclass(frozen=True, slots=True)
class ButtonsResponse:
    button_id: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class ListResponse:
    selected_row_id: str
    title: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class Unsupported:
    kind: str
    extra: dict[str, str] = field(default_factory=dict)




# --- outgoing-only content (what the send endpoints can ask for) ---------------------------------

@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str
    title: str = ""
    description: str = ""
    image: MediaRef | None = None
    size: str = "SMALL"


@dataclass(frozen=True, slots=True)
class ListOption:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class OptionList:
    text: str
    title: str
    button_label: str
    options: tuple[ListOption, ...]


@dataclass(frozen=True, slots=True)
class Button:
    id: str
    label: str
    type: str = "REPLY"  # REPLY | URL | CALL
    url: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class ButtonList:
    text: str
    buttons: tuple[Button, ...]
    title: str = ""
    footer: str = ""
    image: MediaRef | None = None
    video: MediaRef | None = None


@dataclass(frozen=True, slots=True)
class Forward:
    message_id: str
    source_chat: str
    original: Content | None = None  # the forwarded message's content, found by the sender before sending


@dataclass(frozen=True, slots=True)
class Revoke:
    message_id: str
    from_me: bool = True
    sender: str = ""  # the JID of who sent it, in a group when it is not ours (an admin's delete)


OUTGOING_TYPES: tuple[type, ...] = (Link, ListOption, OptionList, Button, ButtonList, Forward, Revoke)

Content = (Text | Image | Audio | Video | Ptv | Document | Sticker | Location | LiveLocation | Contact
           | Contacts | Reaction | Poll | PollVote | ButtonsResponse | ListResponse | Unsupported
           | Link | OptionList | ButtonList | Forward | Revoke
           | Product | CatalogLink | Order | OrderRequest | OrderUpdate | PaymentRequest | PaymentSent
           | Pin | Event | EventEdit | EventResponse | PixKey | CopyCode | Carousel | Template | StatusReply
           | TextFromAd)

CONTENT_TYPES: tuple[type, ...] = (Text, Image, Audio, Video, Ptv, Document, Sticker, Location, LiveLocation,
                                   Contact, Contacts, Reaction, Poll, PollVote, ButtonsResponse, ListResponse,
                                   Unsupported, *OUTGOING_TYPES, *COMMERCE_TYPES, *INTERACTIVE_TYPES)


def media_of(body: Content) -> MediaRef | None:
    """The media a message carries (the image of a link or button list included)."""
    if isinstance(body, Image | Audio | Video | Ptv | Document | Sticker):
        return body.media
    if isinstance(body, Link):
        return body.image
    if isinstance(body, ButtonList):
        return body.image or body.video
    if isinstance(body, CopyCode | Template | StatusReply):
        return body.media
    return None


def with_media(body: Content, media: MediaRef) -> Content:
    if isinstance(body, Image | Audio | Video | Ptv | Document | Sticker):
        return replace(body, media=media)
    if isinstance(body, Link):
        return replace(body, image=media)
    if isinstance(body, ButtonList):
        return replace(body, image=media) if body.image is not None else replace(body, video=media)
    if isinstance(body, CopyCode | Template | StatusReply):
        return replace(body, media=media)
    return body
