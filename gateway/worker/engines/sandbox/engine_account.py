"""The sandbox engine's contact, chat, profile, privacy and call methods: the ``Engine`` interface on the
phone's account world (``account.py``; rules in ``numbers``, ``contacts``, ``chats``, ``traffic``, ``calls``)."""

from __future__ import annotations

import abc
import random
from typing import Any

from gateway.core import content as c
from gateway.core.account import ChatAction, ContactInfo, NewContact, PhoneCheck, PrivacyName, PrivacySettings
from gateway.core.commands import Outgoing
from gateway.core.errors import GroupNotFound, InvalidInput
from gateway.worker.engines.base import Engine
from gateway.worker.engines.sandbox import calls, chats, contacts, numbers
from gateway.worker.engines.sandbox.account import AccountWorld
from gateway.worker.engines.sandbox.account_state import BOOK
from gateway.worker.engines.sandbox.groups import GroupWorld


class SandboxAccountCalls(Engine):
    """Mixed into ``SandboxEngine``, which gives the worlds, its random source and ``_me``."""

    account: AccountWorld
    groups: GroupWorld
    rng: random.Random

    @abc.abstractmethod
    def _me(self) -> str:
        """The phone's number (``NotConnected`` when it is not connected)."""

    def _contact_jid(self, jid: str, field: str = "phone") -> str:
        if jid.endswith("@g.us"):
            raise InvalidInput("must be a contact, not a group", field=field)
        return jid

    async def _chat_jid(self, jid: str) -> str:
        """A chat the phone knows: a group of its group world (even one it left), or a contact."""
        if jid.endswith("@g.us"):
            async with self.groups.change():
                if jid not in self.groups.groups:
                    raise GroupNotFound(f"the instance knows no group {jid}")
            return jid
        async with self.account.change():
            return chats.chat_jid(self.account, jid)

    async def _deletes_as_admin(self, outgoing: Outgoing) -> bool:
        """Whether the phone may delete someone else's message in that group (an admin of it)."""
        body = outgoing.content
        if not isinstance(body, c.Revoke) or body.from_me or not outgoing.to.endswith("@g.us"):
            return False
        async with self.groups.change():
            group = self.groups.groups.get(outgoing.to)
            return group is not None and group.is_admin(self._me())

    # contacts ----------------------------------------------------------------------------------------
    async def check_phones(self, phones: list[str]) -> list[PhoneCheck]:
        self._me()
        return contacts.check_phones(phones)

    async def list_contacts(self) -> list[ContactInfo]:
        self._me()
        async with self.account.change():
            return contacts.list_contacts(self.account)

    async def contact_info(self, jid: str) -> ContactInfo:
        self._me()
        async with self.account.change():
            return contacts.contact_info(self.account, self._contact_jid(jid))

    async def profile_picture(self, jid: str) -> str | None:
        self._me()
        if jid.endswith("@g.us"):
            async with self.groups.change():
                group = self.groups.groups.get(jid)
                if group is None or group.photo_sha256 is None:
                    return None
                return numbers.picture_url(f"{jid}:{group.photo_sha256}", 1)
        async with self.account.change():
            return contacts.contact_picture(self.account, jid)

    async def add_contacts(self, new: list[NewContact]) -> list[str]:
        self._me()
        async with self.account.change():
            return await contacts.add_contacts(self.account, new)

    async def remove_contacts(self, phones: list[str]) -> list[str]:
        self._me()
        async with self.account.change():
            return await contacts.remove_contacts(self.account, phones)

    async def set_blocked(self, jid: str, blocked: bool) -> None:
        self._me()
        async with self.account.change():
            await contacts.set_blocked(self.account, self._contact_jid(jid), blocked)

    async def blocked_contacts(self) -> list[str]:
        self._me()
        async with self.account.change():
            return list(self.account.book.blocked)

    async def report_contact(self, jid: str) -> None:
        self._me()
        async with self.account.change():
            await contacts.report(self.account, self._contact_jid(jid))

    async def subscribe_presence(self, jid: str) -> None:
        self._me()
        async with self.account.change():
            if jid not in self.account.book.subscribed:
                self.account.book.subscribed = [*self.account.book.subscribed, jid]
                self.account.touch(BOOK)
                await self.account.commit()

    # chats -------------------------------------------------------------------------------------------
    async def modify_chat(self, jid: str, change: ChatAction) -> None:
        self._me()
        chat = await self._chat_jid(jid)
        async with self.account.change():
            await chats.modify(self.account, chat, change)

    async def set_chat_expiration(self, jid: str, seconds: int) -> None:
        me = self._me()
        chat = await self._chat_jid(jid)
        if chat.endswith("@g.us"):
            async with self.groups.change():
                group = self.groups.visible(chat)
                if group.admin_only_settings:
                    self.groups.need_admin(group, me, "change the disappearing timer while only admins edit "
                                                      "the group info")
        async with self.account.change():
            await chats.set_expiration(self.account, chat, seconds)

    # profile and privacy -----------------------------------------------------------------------------
    async def set_profile_name(self, name: str) -> None:
        self._me()
        async with self.account.change():
            await contacts.set_name(self.account, name)

    async def set_profile_about(self, text: str) -> None:
        self._me()
        async with self.account.change():
            await contacts.set_about(self.account, text)

    async def set_profile_photo(self, jpeg: bytes) -> None:
        self._me()
        async with self.account.change():
            await contacts.set_photo(self.account, jpeg)

    async def privacy_settings(self) -> PrivacySettings:
        self._me()
        async with self.account.change():
            return self.account.profile.settings()

    async def set_privacy(self, setting: PrivacyName, value: str, add: list[str], remove: list[str]) -> None:
        self._me()
        async with self.account.change():
            await contacts.set_privacy(self.account, setting, value, add, remove)

    async def disallowed_contacts(self, setting: PrivacyName) -> list[str]:
        self._me()
        async with self.account.change():
            return contacts.disallowed(self.account, setting)

    async def set_default_expiration(self, seconds: int) -> None:
        self._me()
        async with self.account.change():
            await contacts.set_default_expiration(self.account, seconds)

    # calls and contact events --------------------------------------------------------------------------
    async def reject_call(self, caller: str, call_id: str) -> None:
        self._me()
        async with self.account.change():
            await calls.reject_call(self.account, caller, call_id)

    async def inject_call(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A number calls the phone (``sandbox/call``); answered once its notifications are durable."""
        self._me()
        async with self.account.change():
            return await calls.inject_call(self.account, self.rng, spec)

    async def inject_contact_event(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A contact changes its name or picture, or the phone labels a chat (``sandbox/contact-event``)."""
        self._me()
        async with self.account.change():
            return await calls.inject_contact_event(self.account, spec)

    def phone_records(self) -> dict[str, Any]:
        """The simulated phone's account and what left it (``GET sandbox/phone``), as plain JSON."""
        return self.account.view()
