"""WhatsApp Business labels, chat notes and company profile on the neonize engine: none can be wired, each call
is a 501 before anything is sent.

- Labels and chat notes live in WhatsApp's app state (``label_edit``, ``label_jid``, ``note_edit``
  mutations). whatsmeow builds label patches (``appstate.BuildLabelEdit``/``BuildLabelChat``; none for notes)
  but neonize 0.5.2's ``send_app_state`` cannot send any patch (see ``account_calls``), and the labels the
  phone syncs are never seen: neonize forwards no ``LabelEdit``/``LabelAssociationChat`` event and whatsmeow
  keeps no label store, so there is nothing to list either.
- The company profile: whatsmeow's ``GetBusinessProfile`` is not exported by neonize 0.5.2's Go core (its
  Python binder lists the name; the library has no such symbol). Writing the profile and WhatsApp's category
  directory are ``w:biz`` IQs for which whatsmeow has no call, and neonize exports no raw IQ.
See ``gateway.core.engine_gaps`` (``LABELS_*``, ``CHAT_NOTES``, ``BUSINESS_*``) and docs/business.md.
"""

from __future__ import annotations

from gateway.core.business import BusinessProfile, Category, ChatNote, ProfileChange, Tag
from gateway.core.engine_gaps import NeonizeGap, gap_error
from gateway.worker.engines.business import BusinessMethods


class NeonizeBusinessCalls(BusinessMethods):
    """Mixed into ``NeonizeEngine``: every business call raises its gap (501)."""

    async def list_tags(self) -> list[Tag]:
        raise gap_error(NeonizeGap.LABELS_READ)

    async def create_tag(self, name: str, color: int | None) -> Tag:
        raise gap_error(NeonizeGap.LABELS_WRITE, "the label cannot be created")

    async def edit_tag(self, tag_id: str, name: str | None, color: int | None) -> None:
        raise gap_error(NeonizeGap.LABELS_WRITE, "the label cannot be changed")

    async def delete_tag(self, tag_id: str) -> None:
        raise gap_error(NeonizeGap.LABELS_WRITE, "the label cannot be deleted")

    async def tag_chat(self, jid: str, tag_id: str, assigned: bool) -> None:
        what = "put on" if assigned else "taken off"
        raise gap_error(NeonizeGap.LABELS_WRITE, f"the label cannot be {what} the chat")

    async def set_chat_note(self, jid: str, content: str) -> ChatNote | None:
        raise gap_error(NeonizeGap.CHAT_NOTES)

    async def business_profile(self, phone: str | None) -> BusinessProfile:
        raise gap_error(NeonizeGap.BUSINESS_PROFILE_READ)

    async def set_business_profile(self, change: ProfileChange) -> None:
        raise gap_error(NeonizeGap.BUSINESS_PROFILE_WRITE, f"the company {change.field.value} cannot be changed")

    async def business_categories(self, query: str) -> list[Category]:
        raise gap_error(NeonizeGap.BUSINESS_CATEGORIES)
