"""The sandbox engine's WhatsApp Business methods: the ``Engine`` business interface on the phone's business
world (``business.py``; rules and numbers in ``business_state.py``) and, for which chats carry a label, its
account world (``ChatState.labels``, also changed by ``sandbox/contact-event`` ``label``).

A label put on or taken off a chat through the API tells nothing (it is the instance's own change; WhatsApp
tells the other devices); one the handset puts on is told as ``CHAT_LABEL_ASSOCIATION``. A chat is a contact
on WhatsApp (404 otherwise) or a group the phone knows (``GROUP_NOT_FOUND`` otherwise); notes are kept on a
contact's chat only.
"""

from __future__ import annotations

import abc
import functools
import time

from gateway.core.business import BusinessProfile, Category, ChatNote, ProfileChange, Tag
from gateway.core.errors import GroupNotFound, InvalidInput, NotFound
from gateway.worker.engines.base import Engine, EngineContext
from gateway.worker.engines.business import BusinessMethods
from gateway.worker.engines.sandbox import chats, numbers
from gateway.worker.engines.sandbox.account import AccountWorld
from gateway.worker.engines.sandbox.account_state import chat_part
from gateway.worker.engines.sandbox.business import BusinessWorld
from gateway.worker.engines.sandbox.business_state import profile_of, search_categories
from gateway.worker.engines.sandbox.groups import GroupWorld


def _now_ms() -> int:
    return int(time.time() * 1000)


class SandboxBusinessCalls(Engine, BusinessMethods):
    """Mixed into ``SandboxEngine``, which gives the context, the account and group worlds and ``_me``. The
    phone is a WhatsApp Business account (``business_state``)."""

    ctx: EngineContext
    account: AccountWorld
    groups: GroupWorld

    @abc.abstractmethod
    def _me(self) -> str:
        """The phone's number (``NotConnected`` when it is not connected)."""

    @functools.cached_property
    def business(self) -> BusinessWorld:
        return BusinessWorld(self.ctx.instance_id, self.ctx.business_store, clock=_now_ms)

    async def _chat(self, jid: str, *, groups: bool = True) -> str:
        """The chat a label or note names: a group the phone knows, or a contact's number on WhatsApp."""
        if jid.endswith("@g.us"):
            if not groups:
                raise InvalidInput("notes are kept on a contact's chat, not a group's", field="phone")
            async with self.groups.change():
                if jid not in self.groups.groups:
                    raise GroupNotFound(f"the instance knows no group {jid}")
            return jid
        async with self.account.change():
            return chats.chat_jid(self.account, jid)

    # labels ----------------------------------------------------------------------------------------
    async def list_tags(self) -> list[Tag]:
        self._me()
        async with self.business.change():
            return self.business.labels.tags()

    async def create_tag(self, name: str, color: int | None) -> Tag:
        self._me()
        async with self.business.change():
            return await self.business.create_tag(name, color)

    async def edit_tag(self, tag_id: str, name: str | None, color: int | None) -> None:
        self._me()
        async with self.business.change():
            await self.business.edit_tag(tag_id, name, color)

    async def delete_tag(self, tag_id: str) -> None:
        self._me()
        async with self.business.change():
            await self.business.delete_tag(tag_id)
            async with self.account.change():
                labelled = [chat for chat in self.account.chats.values() if tag_id in chat.labels]
                for chat in labelled:
                    chat.labels = [x for x in chat.labels if x != tag_id]
                    self.account.touch(chat_part(chat.jid))
                await self.account.commit()

    async def tag_chat(self, jid: str, tag_id: str, assigned: bool) -> None:
        self._me()
        chat_jid = await self._chat(jid)
        async with self.business.change():
            self.business.tag(tag_id)
            async with self.account.change():
                chat = self.account.chat(chat_jid) if assigned else self.account.chats.get(chat_jid)
                if chat is None or (tag_id in chat.labels) == assigned:
                    return
                chat.labels = [x for x in chat.labels if x != tag_id] + ([tag_id] if assigned else [])
                self.account.touch(chat_part(chat_jid))
                await self.account.commit()

    def chat_tags(self, jid: str) -> list[str]:
        """The label ids on a chat (tests and ``sandbox/phone`` read them)."""
        chat = self.account.chats.get(jid)
        return list(chat.labels) if chat is not None else []

    # notes -----------------------------------------------------------------------------------------
    async def set_chat_note(self, jid: str, content: str) -> ChatNote | None:
        self._me()
        chat_jid = await self._chat(jid, groups=False)
        async with self.business.change():
            return await self.business.write_note(chat_jid, content)

    # company profile -------------------------------------------------------------------------------
    async def business_profile(self, phone: str | None) -> BusinessProfile:
        me = self._me()
        if phone is None or numbers.whatsapp_phone(phone) == me:
            async with self.business.change():
                return self.business.profile
        if not numbers.exists(phone):
            raise NotFound(f"{phone} is not on WhatsApp (sandbox rule: numbers ending in 404)")
        profile = profile_of(numbers.whatsapp_phone(phone))
        if profile is None:
            raise NotFound(f"{phone} is not a WhatsApp Business account (the sandbox's other business accounts "
                           "are its two shops, 5511900000201 and 5521900000202)")
        return profile

    async def set_business_profile(self, change: ProfileChange) -> None:
        self._me()
        async with self.business.change():
            await self.business.change_profile(change)

    async def business_categories(self, query: str) -> list[Category]:
        self._me()
        return search_categories(query)
