"""Group request and answer bodies as the OpenAPI document shows them (schemas only; routes parse by hand)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from gateway.api.bodies import Doc, Phone, text


def example(body: dict[str, Any] | list[Any]) -> ConfigDict:
    """A model's schema with Z-API's example request or answer."""
    return ConfigDict(populate_by_name=True, json_schema_extra={"examples": [body]})


GroupId = Annotated[str, Field(pattern=r"^\d{5,30}(-\d{6,12})?(-group|@g\.us)?$",
                               description="`<id>-group`, `<id>@g.us` or `<id>`",
                               examples=["120363019502650977-group"])]
Phones = Annotated[list[Phone], Field(min_length=1, max_length=256, examples=[["5511999999999"]])]


class CreateGroup(Doc):
    model_config = example(
        {"groupName": "Suporte", "phones": ["5511988881111", "5511988882222"], "autoInvite": True})
    groupName: str = text(25, "the subject: at most 25 characters (WhatsApp's limit)")
    phones: Phones
    autoInvite: bool = Field(False, description="send a private invite to whoever's privacy refuses the add")


class GroupName(Doc):
    model_config = example(
        {"groupId": "120363019502650977-group", "groupName": "Suporte VIP"})
    groupId: GroupId
    groupName: str = text(25)


class GroupDescription(Doc):
    model_config = example(
        {"groupId": "120363019502650977-group", "groupDescription": "Atendimento de segunda a sexta"})
    groupId: GroupId
    groupDescription: str = Field(max_length=2048, description="empty: remove the description")


class GroupPhoto(Doc):
    model_config = example(
        {"groupId": "120363019502650977-group", "groupPhoto": "https://example.com/logo.png"})
    groupId: GroupId
    groupPhoto: str = Field(pattern=r"^(https?://|data:image/)", description="an image URL or data URI")


class GroupSettingsBody(Doc):
    model_config = example(
        {"phone": "120363019502650977-group", "adminOnlyMessage": True, "adminOnlySettings": True})
    phone: GroupId | None = Field(None, description="the group (Z-API's name for it here; `groupId` also works)")
    groupId: GroupId | None = None
    adminOnlyMessage: bool | None = Field(None, description="only admins send messages")
    adminOnlySettings: bool | None = Field(None, description="only admins edit the group info")
    requireAdminApproval: bool | None = Field(None, description="joining needs an admin's approval")
    adminOnlyAddMember: bool | None = Field(None, description="only admins add members")


class GroupParticipants(Doc):
    model_config = example(
        {"groupId": "120363019502650977-group", "phones": ["5511988881111"]})
    groupId: GroupId
    phones: Phones


class AddParticipants(GroupParticipants):
    model_config = example(
        {"groupId": "120363019502650977-group", "phones": ["5511988881111"], "autoInvite": True})
    autoInvite: bool = False


class GroupRef(Doc):
    model_config = example(
        {"groupId": "120363019502650977-group"})
    groupId: GroupId


class FailedPhone(Doc):
    phone: str
    error: int = Field(description="WhatsApp's code: 403 privacy needs an invite, 404 not on WhatsApp, 409 "
                                   "already in the group")
    invited: bool = Field(description="a private invite was sent (autoInvite)")


class GroupDone(Doc):
    """``{"value": true}``; ``failed`` lists the phones the change did not apply to."""

    model_config = example(
        {"value": True})
    value: bool
    failed: list[FailedPhone] | None = None


class CreatedGroupAnswer(Doc):
    model_config = example(
        {"phone": "120363019502650977-group", "invitationLink": "https://chat.whatsapp.com/GONwbGGDkLe8BifUWwLgct"})
    phone: str = Field(examples=["120363019502650977-group"])
    invitationLink: str | None
    failed: list[FailedPhone] | None = None


class GroupListItem(Doc):
    isGroup: bool
    name: str
    phone: str
    unread: str
    lastMessageTime: str | None
    isMuted: str
    isMarkedSpam: str
    archived: str
    pinned: str
    muteEndTime: int | None
    messagesUnread: str
    isGroupAnnouncement: bool


class GroupParticipantView(Doc):
    phone: str
    isAdmin: bool
    isSuperAdmin: bool
    lid: str | None = None
    name: str | None = None


class GroupMetadata(Doc):
    phone: str
    description: str
    owner: str | None
    subject: str
    creation: int
    invitationLink: str | None
    invitationLinkError: str | None
    communityId: str | None
    adminOnlyMessage: bool | None
    adminOnlySettings: bool | None
    requireAdminApproval: bool | None
    adminOnlyAddMember: bool | None
    isGroupAnnouncement: bool
    participants: list[GroupParticipantView]
    subjectTime: int
    subjectOwner: str | None


class InvitationMetadata(Doc):
    phone: str
    owner: str | None
    subject: str
    description: str
    creation: int
    invitationLink: str
    contactsCount: int
    participantsCount: int
    participants: list[GroupParticipantView]
    subjectTime: int
    subjectOwner: str | None


class InvitationLink(Doc):
    model_config = example(
        {"phone": "120363019502650977-group", "invitationLink": "https://chat.whatsapp.com/C1adgkdEGki7554BWDdMkd"})
    phone: str
    invitationLink: str


class NewInvitationLink(Doc):
    model_config = example(
        {"invitationLink": "https://chat.whatsapp.com/C1adgkdEGki7554BWDdMkd"})
    invitationLink: str


class Success(Doc):
    model_config = example(
        {"success": True})
    success: bool
    pending: bool | None = Field(None, description="the group requires approval: the request waits for an admin")


CommunityId = Annotated[str, Field(pattern=r"^\d{5,30}(-group|@g\.us)?$", description="the community's id",
                                   examples=["98372465382764532938"])]


class CreateCommunity(Doc):
    model_config = example(
        {"name": "Condomínio", "description": "Avisos do condomínio"})
    name: str = text(100)
    description: str | None = Field(None, max_length=2048)


class CommunityGroups(Doc):
    model_config = example(
        {"communityId": "98372465382764532938", "groupsPhones": ["120363019502650977-group"]})
    communityId: CommunityId
    groupsPhones: list[GroupId] = Field(min_length=1, max_length=100)


class CommunitySettings(Doc):
    model_config = example(
        {"communityId": "98372465382764532938", "whoCanAddNewGroups": "admins"})
    communityId: CommunityId
    whoCanAddNewGroups: Literal["admins", "all"]


class CommunityDescription(Doc):
    model_config = example(
        {"communityId": "98372465382764532938", "communityDescription": "Avisos"})
    communityId: CommunityId
    communityDescription: str = Field(max_length=2048)


class CommunityPhoto(Doc):
    model_config = example(
        {"communityId": "98372465382764532938", "communityPhoto": "https://example.com/logo.png"})
    communityId: CommunityId
    communityPhoto: str = Field(pattern=r"^(https?://|data:image/)", description="an image URL or data URI")


class CommunityParticipants(Doc):
    model_config = example(
        {"communityId": "98372465382764532938", "phones": ["5511988881111"]})
    communityId: CommunityId
    phones: Phones


class SubGroupView(Doc):
    name: str
    phone: str
    isGroupAnnouncement: bool


class CommunityAnswer(Doc):
    model_config = example(
        {"id": "98372465382764532938", "subGroups": [{"name": "Condomínio", "phone": "342532456234453-group",
        "isGroupAnnouncement": True}]})
    id: str
    subGroups: list[SubGroupView]


class CommunityMetadata(CommunityAnswer):
    name: str
    description: str


class CommunityListItem(Doc):
    name: str
    id: str


class FailedGroup(Doc):
    phone: str
    error: int = Field(description="WhatsApp's code: 403 not an admin there, 404 no such group, 406 the "
                                   "announcement group cannot be unlinked, 409 linked to another community")


class LinkAnswer(Doc):
    model_config = example(
        {"success": True})
    success: bool
    failed: list[FailedGroup] | None = None


class SandboxGroupEvent(Doc):
    """Someone else changes a group the sandbox phone is in (or adds it to one)."""

    model_config = example(
        {"type": "join", "group": "120363019502650977-group", "by": "5511988883333", "byName": "Caio"})
    type: Literal["join", "leave", "add", "remove", "promote", "demote", "subject", "description", "icon",
                  "announce", "restrict", "request", "revokeRequest", "addedUs", "removeUs"]
    group: GroupId | None = Field(None, description="required except for `addedUs` (a new group when left out)")
    by: Phone = Field(description="who makes the change")
    byName: str | None = Field(None, max_length=100)
    participants: list[Phone] | None = Field(None, max_length=256)
    subject: str | None = Field(None, max_length=25)
    description: str | None = Field(None, max_length=2048)
    value: bool | Literal["on", "off"] | None = Field(None, description="announce / restrict")


class SandboxGroupEventAnswer(Doc):
    groupId: str
    notifications: list[str]
    results: list[dict[str, Any]] | None = None
    pendingApproval: bool | None = None


GROUP_BODIES: tuple[type[Doc], ...] = (CreateGroup, GroupName, GroupDescription, GroupPhoto, GroupSettingsBody,
                                       GroupParticipants, AddParticipants, GroupRef, SandboxGroupEvent,
                                       CreateCommunity, CommunityGroups, CommunitySettings, CommunityDescription,
                                       CommunityPhoto, CommunityParticipants)
