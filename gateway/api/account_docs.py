"""Contact, chat, profile, privacy and status request bodies as the OpenAPI document shows them (schemas
only: the routes parse by hand, as ``bodies`` explains). Keep each in step with its parser."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, RootModel

from gateway.api.bodies import Chat, Delay, Doc, Media, MessageRef, Phone, text
from gateway.api.group_docs import example

MAX_BATCH_PHONES = 5_000  # phone-exists-batch (Z-API allows 50,000: split bigger lists in requests of this size)
MAX_CONTACTS = 1_000  # contacts/add and contacts/remove
MAX_BLACKLIST = 1_000  # contactsBlacklist changes in one privacy call
MAX_PROFILE_NAME = 25  # WhatsApp's limit for the profile name
MAX_ABOUT = 139  # WhatsApp's limit for the profile's about text
STATUS_VIDEO_BYTES = 10 * 1024 * 1024  # Z-API's limit for a status video

ContactRef = Annotated[str, Field(pattern=r"^([0-9]{8,15}|[0-9]{5,20}@lid)$",
                                  description="digits with the country code, or `<n>@lid`",
                                  examples=["5511999999999"])]
Picture = Annotated[str, Field(pattern=r"^(https?://|data:image/)", description="an image URL or data URI")]


class PhonesBatch(Doc):
    model_config = example({"phones": ["5511999999999", "554488888888"]})
    phones: list[Phone] = Field(min_length=1, max_length=MAX_BATCH_PHONES,
                                description=f"at most {MAX_BATCH_PHONES:,} per request")


class ContactToAdd(Doc):
    firstName: str = text(100)
    lastName: Annotated[str, Field(max_length=100)] | None = None
    phone: Phone


class AddContacts(RootModel[list[ContactToAdd]]):
    """An array of contacts to save in the phone's address book."""

    model_config = example([{"firstName": "Ana", "lastName": "Souza", "phone": "5511988881111"}])
    root: list[ContactToAdd] = Field(min_length=1, max_length=MAX_CONTACTS)


class RemoveContacts(RootModel[list[Phone]]):
    """An array of phones to remove from the phone's address book."""

    model_config = example(["5511988881111"])
    root: list[Phone] = Field(min_length=1, max_length=MAX_CONTACTS)


class ModifyBlocked(Doc):
    model_config = example({"phone": "5511988881111", "action": "block"})
    phone: ContactRef
    action: Literal["block", "unblock"]


class ModifyChat(Doc):
    model_config = example({"phone": "5511988881111", "action": "archive"})
    phone: Chat
    action: Literal["read", "unread", "archive", "unarchive", "pin", "unpin", "mute", "unmute", "clear", "delete"]


class ChatExpiration(Doc):
    model_config = example({"phone": "5511988881111", "chatExpiration": "7_DAYS"})
    phone: Chat
    chatExpiration: Literal["24_HOURS", "7_DAYS", "90_DAYS", "OFF"]


class ProfileName(Doc):
    model_config = example({"value": "Loja Exemplo"})
    value: str = text(MAX_PROFILE_NAME, f"at most {MAX_PROFILE_NAME} characters (WhatsApp's limit)")


class ProfileDescription(Doc):
    model_config = example({"value": "Atendimento de segunda a sexta"})
    value: str = text(MAX_ABOUT, f"the about text: at most {MAX_ABOUT} characters (WhatsApp's limit)")


class ProfilePicture(Doc):
    model_config = example({"value": "https://example.com/logo.png"})
    value: Picture


class BlacklistChange(Doc):
    action: Literal["add", "remove"]
    phone: Phone


Blacklist = Annotated[list[BlacklistChange], Field(
    max_length=MAX_BLACKLIST, description="changes to the setting's excepted contacts; only with CONTACT_BLACKLIST")]


class PrivacyVisibility(Doc):
    """Who sees the last seen, the profile photo or the about text."""

    model_config = example({"visualizationType": "CONTACT_BLACKLIST",
                            "contactsBlacklist": [{"action": "add", "phone": "5511988881111"}]})
    visualizationType: Literal["ALL", "NONE", "CONTACTS", "CONTACT_BLACKLIST"]
    contactsBlacklist: Blacklist | None = None


class PrivacyGroupAdd(Doc):
    model_config = example({"type": "CONTACTS"})
    type: Literal["ALL", "CONTACTS", "CONTACT_BLACKLIST"]
    contactsBlacklist: Blacklist | None = None


class PrivacyOnline(Doc):
    model_config = example({"visualizationType": "SAME_LAST_SEEN"})
    visualizationType: Literal["ALL", "SAME_LAST_SEEN"]


class StatusBase(Doc):
    delayMessage: Delay | None = Field(None, description="seconds before the send (default: the queue's gap)")


class TextStatus(StatusBase):
    model_config = example({"message": "Promoção de hoje: 20% de desconto"})
    message: str = text(65_536)


class ImageStatus(StatusBase):
    model_config = example({"image": "https://example.com/promo.jpg", "caption": "Promoção"})
    image: Media
    caption: Annotated[str, Field(max_length=4096)] | None = None


class VideoStatus(StatusBase):
    model_config = example({"video": "https://example.com/promo.mp4", "caption": "Promoção"})
    video: Media = Field(description="at most 10 MB")
    caption: Annotated[str, Field(max_length=4096)] | None = None


class StatusReply(StatusBase):
    phone: ContactRef = Field(description="the status's author")
    statusMessageId: MessageRef = Field(description="the status's messageId, from the received webhook")
    delayTyping: Delay | None = Field(None, description="seconds of 'typing...' before the send")


class ReplyStatusText(StatusReply):
    model_config = example({"phone": "5511988881111", "message": "Quero!", "statusMessageId": "3EB0C767D71D"})
    message: str = text(65_536)


class ReplyStatusGif(StatusReply):
    model_config = example({"phone": "5511988881111", "gif": "https://example.com/yes.mp4",
                            "statusMessageId": "3EB0C767D71D"})
    gif: Media = Field(description="an MP4 video")


class ReplyStatusSticker(StatusReply):
    model_config = example({"phone": "5511988881111", "sticker": "https://example.com/like.webp",
                            "statusMessageId": "3EB0C767D71D"})
    sticker: Media


STATUS_BODIES: dict[str, type[Doc]] = {
    "send-text-status": TextStatus, "send-image-status": ImageStatus, "send-video-status": VideoStatus,
    "reply-status-text": ReplyStatusText, "reply-status-gif": ReplyStatusGif,
    "reply-status-sticker": ReplyStatusSticker,
}
ACCOUNT_BODIES: tuple[type[BaseModel], ...] = (
    PhonesBatch, AddContacts, RemoveContacts, ModifyBlocked, ModifyChat, ChatExpiration, ProfileName,
    ProfileDescription, ProfilePicture, PrivacyVisibility, PrivacyGroupAdd, PrivacyOnline, *STATUS_BODIES.values())
