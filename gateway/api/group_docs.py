"""Group request and answer bodies as the OpenAPI document shows them (schemas only; routes parse by hand)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from gateway.api.bodies import Doc, Phone, text

GroupId = Annotated[str, Field(pattern=r"^\d{5,30}(-\d{6,12})?(-group|@g\.us)?$",
                               description="`<id>-group`, `<id>@g.us` or `<id>`",
                               examples=["120363019502650977-group"])]
Phones = Annotated[list[Phone], Field(min_length=1, max_length=256, examples=[["5511999999999"]])]


class CreateGroup(Doc):
    groupName: str = text(25, "the subject: at most 25 characters (WhatsApp's limit)")
    phones: Phones
    autoInvite: bool = Field(False, description="send a private invite to whoever's privacy refuses the add")


class GroupName(Doc):
    groupId: GroupId
    groupName: str = text(25)


class GroupDescription(Doc):
    groupId: GroupId
    groupDescription: str = Field(max_length=2048, description="empty: remove the description")


class GroupPhoto(Doc):
    groupId: GroupId
    groupPhoto: str = Field(pattern=r"^(https?://|data:image/)", description="an image URL or data URI")


class GroupSettingsBody(Doc):
    phone: GroupId | None = Field(None, description="the group (Z-API's name for it here; `groupId` also works)")
    groupId: GroupId | None = None
    adminOnlyMessage: bool | None = Field(None, description="only admins send messages")
    adminOnlySettings: bool | None = Field(None, description="only admins edit the group info")
    requireAdminApproval: bool | None = Field(None, description="joining needs an admin's approval")
    adminOnlyAddMember: bool | None = Field(None, description="only admins add members")


class GroupParticipants(Doc):
    groupId: GroupId
    phones: Phones


class AddParticipants(GroupParticipants):
    autoInvite: bool = False


class GroupRef(Doc):
    groupId: GroupId


class FailedPhone(Doc):
    phone: str
    error: int = Field(description="WhatsApp's code: 403 privacy needs an invite, 404 not on WhatsApp, 409 "
                                   "already in the group")
    invited: bool = Field(description="a private invite was sent (autoInvite)")


class GroupDone(Doc):
    """``{"value": true}``; ``failed`` lists the phones the change did not apply to."""

    value: bool
    failed: list[FailedPhone] | None = None


class CreatedGroupAnswer(Doc):
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
    phone: str
    invitationLink: str


class NewInvitationLink(Doc):
    invitationLink: str


class Success(Doc):
    success: bool
    pending: bool | None = Field(None, description="the group requires approval: the request waits for an admin")


class SandboxGroupEvent(Doc):
    """Someone else changes a group the sandbox phone is in (or adds it to one)."""

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
                                       GroupParticipants, AddParticipants, GroupRef, SandboxGroupEvent)
