"""Message content, our own types: what an inbound message carries and what an outgoing one sends."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class MediaRef:
    """Where a media file is: WhatsApp's encrypted copy (inbound) or our stored/fetched copy."""

    mime_type: str = ""
    file_length: int = 0
    sha256_hex: str = ""
    direct_path: str = ""
    url: str | None = None  # our stored URL once downloaded (or the partner's URL, outbound, before fetching)
    thumbnail_b64: str | None = None  # WhatsApp's embedded JPEG thumbnail
    media_key_b64: str = ""  # WhatsApp's decryption key (inbound)
    enc_sha256_hex: str = ""
    key: str = ""  # our media store key once stored
    thumbnail_url: str | None = None
    download_error: bool = False
    download_error_reason: str = ""  # set when the download is refused for good (``TOO_LARGE``); "" = may retry


TOO_LARGE = "TOO_LARGE"  # an inbound file over ``inbound_media_max_bytes``: declared, or seen while downloading


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
           | Link | OptionList | ButtonList | Forward | Revoke)

CONTENT_TYPES: tuple[type, ...] = (Text, Image, Audio, Video, Ptv, Document, Sticker, Location, LiveLocation,
                                   Contact, Contacts, Reaction, Poll, PollVote, ButtonsResponse, ListResponse,
                                   Unsupported, *OUTGOING_TYPES)


def media_of(body: Content) -> MediaRef | None:
    """The media a message carries (the image of a link or button list included)."""
    if isinstance(body, Image | Audio | Video | Ptv | Document | Sticker):
        return body.media
    if isinstance(body, Link):
        return body.image
    if isinstance(body, ButtonList):
        return body.image or body.video
    return None


def with_media(body: Content, media: MediaRef) -> Content:
    if isinstance(body, Image | Audio | Video | Ptv | Document | Sticker):
        return replace(body, media=media)
    if isinstance(body, Link):
        return replace(body, image=media)
    if isinstance(body, ButtonList):
        return replace(body, image=media) if body.image is not None else replace(body, video=media)
    return body
