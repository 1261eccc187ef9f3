"""Contact, chat, profile and privacy answers as the OpenAPI document shows them (schemas only: the routes
build plain dicts, and ``tests/fuzz`` checks every answer against these)."""

from __future__ import annotations

from pydantic import Field

from gateway.api.bodies import Doc
from gateway.api.group_docs import example


class ContactView(Doc):
    """One contact of the phone. A name WhatsApp does not have is null."""

    model_config = example({"name": "Ana Souza", "short": "Ana", "notify": "Ana S.", "vname": None,
                            "phone": "5511988881111"})
    name: str | None = Field(description="the full name saved in the phone's address book")
    short: str | None = Field(description="the first name saved in the address book")
    notify: str | None = Field(description="the name the contact chose (push name)")
    vname: str | None = Field(description="the verified business name")
    phone: str = Field(description="digits, or `<n>@lid` when WhatsApp gave only the contact's LID")


class ContactDetail(ContactView):
    model_config = example({"name": "Ana Souza", "phone": "5511988881111", "notify": "Ana S.", "short": "Ana",
                            "imgUrl": "https://pps.whatsapp.net/v/t61.24694-24/abc.jpg", "about": "Disponível",
                            "vname": None})
    imgUrl: str | None = Field(description="the profile picture's URL (WhatsApp's, expires after about 48 h); "
                                           "null: no picture, or hidden by the contact's privacy")
    about: str | None = Field(description="the about text; null when hidden or unknown")


class PictureLink(Doc):
    model_config = example({"link": "https://pps.whatsapp.net/v/t61.24694-24/abc.jpg"})
    link: str | None = Field(description="the picture's URL (expires after about 48 h); null: the contact or group "
                                         "has no picture, or its privacy hides it from this phone")


class PhoneExists(Doc):
    model_config = example({"exists": True, "phone": "5544999999999", "lid": "999999999@lid"})
    exists: bool
    phone: str = Field(description="the number as WhatsApp has it (Brazil's 9th digit settled); the number asked "
                                   "when it is not on WhatsApp")
    lid: str | None = Field(description="WhatsApp's private id (`<n>@lid`); null when unknown or not on WhatsApp")


class PhoneExistsItem(Doc):
    model_config = example({"exists": True, "inputPhone": "554499999999", "outputPhone": "5544999999999",
                            "lid": "999999999999999@lid"})
    exists: bool
    inputPhone: str = Field(description="the number as sent")
    outputPhone: str = Field(description="the number as WhatsApp has it (with Brazil's 9th digit where it "
                                         "applies); the number sent when it is not on WhatsApp")
    lid: str | None


class SuccessErrors(Doc):
    model_config = example({"success": True, "errors": []})
    success: bool = Field(description="true when every item was applied")
    errors: list[str] = Field(description="one text per item that was not applied")


class SuccessOnly(Doc):
    model_config = example({"success": True})
    success: bool


class ChatView(Doc):
    """A chat the gateway has seen, with the phone's view of it. Booleans and counters are real JSON booleans
    and numbers (Z-API's documentation shows some as strings); times are ms since the epoch."""

    model_config = example({
        "phone": "5511988881111", "name": "Ana Souza", "isGroup": False, "isGroupAnnouncement": False,
        "unread": 2, "messagesUnread": 2, "markedUnread": False, "lastMessageTime": 1764000000000,
        "archived": False, "pinned": True, "isMuted": False, "muteEndTime": None, "isMarkedSpam": False,
        "profileThumbnail": None, "messageExpirationSeconds": None})
    phone: str = Field(description="a phone, `<id>-group`, or `<n>@lid`")
    name: str | None
    isGroup: bool
    isGroupAnnouncement: bool
    unread: int = Field(description="messages received since the chat was last read")
    messagesUnread: int = Field(description="same as unread (Z-API's deprecated name)")
    markedUnread: bool = Field(description="marked as unread on the phone")
    lastMessageTime: int | None = Field(description="the last message's time, ms since the epoch")
    archived: bool
    pinned: bool
    isMuted: bool
    muteEndTime: int | None = Field(description="when the mute ends, ms since the epoch; -1 forever; null: not "
                                                "muted")
    isMarkedSpam: bool
    profileThumbnail: str | None = Field(description="always null (the gateway keeps no thumbnails)")
    messageExpirationSeconds: int | None = Field(description="the disappearing-message timer; null: off")


class DisallowedContacts(Doc):
    model_config = example({"disallowedContacts": ["5511988881111"]})
    disallowedContacts: list[str] = Field(description="the phones excepted from the setting (`<n>@lid` where "
                                                      "only the LID is known)")
