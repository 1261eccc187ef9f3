"""Channel request and answer bodies as the OpenAPI document shows them (schemas only; routes parse by hand).

Request bodies are documented inline (``inline_doc``): they are not among ``bodies.BODIES``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from gateway.api.bodies import Doc, Phone, text
from gateway.api.group_docs import example
from gateway.api.openapi import doc
from gateway.core.newsletters import MAX_DESCRIPTION, MAX_NAME

NewsletterId = Annotated[str, Field(pattern=r"^\d{5,30}(@newsletter)?$", description="`<digits>@newsletter`",
                                    examples=["120363166555745933@newsletter"])]
CHANNEL = "120363166555745933@newsletter"


def inline_doc(body: type[BaseModel] | None = None, *, ok: type[BaseModel] | Any, status: int = 200,
               fails: Iterable[int] = ()) -> dict[str, Any]:
    """``doc`` with the body's schema inline."""
    documented = doc(ok=ok, status=status, fails=(*fails, *((400, 413) if body is not None else ())))
    if body is not None:
        schema = body.model_json_schema(mode="validation")
        documented["openapi_extra"] = {"requestBody": {"required": True,
                                                       "content": {"application/json": {"schema": schema}}}}
    return documented


class CreateNewsletter(Doc):
    model_config = example({"name": "Minha Loja", "description": "Novidades e promoções"})
    name: str = text(MAX_NAME, "the channel's name")
    description: str | None = Field(None, max_length=MAX_DESCRIPTION)


class CreatedNewsletter(Doc):
    model_config = example({"id": CHANNEL})
    id: str


class NewsletterRef(Doc):
    model_config = example({"id": CHANNEL})
    id: NewsletterId


class NewsletterName(Doc):
    model_config = example({"id": CHANNEL, "name": "Minha Loja Oficial"})
    id: NewsletterId
    name: str = text(MAX_NAME)


class NewsletterDescription(Doc):
    model_config = example({"id": CHANNEL, "description": "Promoções toda sexta"})
    id: NewsletterId
    description: str = Field(max_length=MAX_DESCRIPTION, description="empty: remove the description")


class NewsletterPicture(Doc):
    model_config = example({"id": CHANNEL, "pictureUrl": "https://example.com/logo.png"})
    id: NewsletterId
    pictureUrl: str = Field(pattern=r"^(https?://|data:image/)", description="an image URL or data URI")


class NewsletterSettings(Doc):
    model_config = example({"reactionCodes": "basic"})
    reactionCodes: Literal["basic", "all"] = Field(description="basic: only the basic reactions; all: any")


class NewsletterPhone(Doc):
    model_config = example({"phone": "5511999999999"})
    phone: Phone


class TransferOwnership(Doc):
    model_config = example({"phone": "5511999999999", "quitAdmin": True})
    phone: Phone = Field(description="an admin of the channel, its new owner")
    quitAdmin: bool = Field(False, description="stop being an admin afterwards (stay a follower)")


class SearchFilters(Doc):
    countryCodes: list[Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]] = Field(
        min_length=1, max_length=250, description="ISO 3166 two-letter codes")


class SearchNewsletter(Doc):
    model_config = example({"limit": 50, "view": "TRENDING", "filters": {"countryCodes": ["BR", "US"]},
                            "searchText": "notícias"})
    limit: int = Field(ge=1, le=100)
    view: Literal["RECOMMENDED", "TRENDING", "POPULAR", "NEW"] | None = None
    filters: SearchFilters
    searchText: str | None = Field(None, max_length=100)


class AdminInviteMessage(Doc):
    newsletterId: NewsletterId
    caption: str | None = Field(None, max_length=1024)


class SendAdminInvite(Doc):
    model_config = example({"phone": "5511999999999", "adminInviteMessage": {
        "newsletterId": CHANNEL, "caption": "Quero convidar você para ser admin do meu canal no WhatsApp."}})
    phone: Phone
    adminInviteMessage: AdminInviteMessage


class ViewMetadata(Doc):
    mute: Literal["ON", "OFF"]
    role: Literal["OWNER", "ADMIN", "SUBSCRIBER", "GUEST"]


class NewsletterView(Doc):
    """A channel: Z-API's metadata (counts and times as strings, as Z-API writes them)."""

    model_config = example({
        "id": CHANNEL, "creationTime": "1695643504", "state": "ACTIVE", "name": "Minha Loja",
        "description": "Novidades e promoções", "subscribersCount": "123",
        "inviteLink": "https://whatsapp.com/channel/0029Va5Xk71a", "verification": "UNVERIFIED", "picture": None,
        "preview": None, "viewMetadata": {"mute": "OFF", "role": "OWNER"}, "reactionCodes": "all"})
    id: str
    creationTime: str
    state: str
    name: str
    description: str
    subscribersCount: str
    inviteLink: str | None
    verification: Literal["VERIFIED", "UNVERIFIED"]
    picture: str | None
    preview: str | None
    viewMetadata: ViewMetadata
    reactionCodes: str | None = Field(None, description="ours: basic | all, when the engine knows it")


class SearchItem(Doc):
    id: str
    name: str
    description: str
    subscribersCount: str
    picture: str | None


class SearchAnswer(Doc):
    model_config = example({"cursor": None, "data": [{"id": CHANNEL, "name": "Minha Loja",
                                                      "description": "Novidades", "subscribersCount": "123",
                                                      "picture": None}]})
    cursor: None = Field(description="always null: WhatsApp's directory gives no cursor")
    data: list[SearchItem]


class SandboxNewsletterEvent(Doc):
    """Someone else creates a channel, posts in one, or changes who administers it (see docs/newsletters.md)."""

    model_config = example({"type": "post", "newsletter": CHANNEL,
                            "content": {"type": "text", "message": "Promoção de hoje!"}})
    type: Literal["create", "post", "adminInvite", "promote", "demote", "follow", "unfollow", "acceptInvite"]
    newsletter: NewsletterId | None = Field(None, description="required except for create")
    by: Phone | None = Field(None, description="who acts (not for post)")
    name: str | None = Field(None, max_length=MAX_NAME, description="create")
    description: str | None = Field(None, max_length=MAX_DESCRIPTION, description="create")
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="create (default BR)")
    content: dict[str, Any] | None = Field(None, description="post: the fields of sandbox/inbound")


class SandboxNewsletterEventAnswer(Doc):
    model_config = example({"newsletterId": CHANNEL, "notifications": [], "messageId": "3EB0A1B2C3D4E5F60718"})
    newsletterId: str
    notifications: list[str]
    messageId: str | None = None
    inviteExpiration: int | None = None
