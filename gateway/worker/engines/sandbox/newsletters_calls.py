"""The sandbox engine's channel methods: the ``Engine`` channel interface on the phone's channel world
(``newsletters.py``), and ``inject_newsletter_event`` (``sandbox/newsletter-event``, spec in
``newsletters_events.py``)."""

from __future__ import annotations

import abc
import functools
import hashlib
import random
import time
from dataclasses import replace
from typing import Any

from gateway.core.errors import InvalidInput
from gateway.core.events import Address, EngineEvent
from gateway.core.newsletters import (
    MAX_DESCRIPTION,
    MAX_NAME,
    REACTION_CODES,
    AdminInviteSent,
    NewsletterInfo,
    NewsletterRole,
    NewsletterSearch,
    parse_newsletter_id,
)
from gateway.core.phones import validate_phone
from gateway.core.sandbox_spec import build_inbound, new_message_id
from gateway.worker.engines.base import Engine, EngineContext
from gateway.worker.engines.newsletters import NewsletterMethods
from gateway.worker.engines.sandbox.newsletters import NewsletterWorld
from gateway.worker.engines.sandbox.newsletters_events import TYPES, content_spec, country_of


def _now_ms() -> int:
    return int(time.time() * 1000)


class SandboxNewsletterCalls(Engine, NewsletterMethods):
    """Mixed into ``SandboxEngine``, which gives the context, its random source, ``_me`` and ``_durably``."""

    ctx: EngineContext
    rng: random.Random
    phone: str | None

    @abc.abstractmethod
    def _me(self) -> str:
        """The phone's number (``NotConnected`` when it is not connected)."""

    @abc.abstractmethod
    async def _durably(self, event: EngineEvent) -> None:
        """Emit and wait until the event is stored."""

    @functools.cached_property
    def newsletters(self) -> NewsletterWorld:
        return NewsletterWorld(self.ctx.instance_id, self.ctx.newsletter_store, emit=self._durably, rng=self.rng,
                               clock=_now_ms, me=lambda: self.phone)

    @functools.cached_property
    def newsletter_invites(self) -> list[tuple[str, str, str, int]]:
        """The admin invites that left the phone: (channel, phone, caption, expiration in s)."""
        return []

    async def check_newsletter_post(self, to: str) -> None:
        """A send to a channel (before it leaves): only its owner and admins post (``NotNewsletterAdmin``)."""
        if to.endswith("@newsletter"):
            me = self._me()
            async with self.newsletters.change():
                self.newsletters.check_post(me, to)

    # the Engine channel methods ------------------------------------------------------------------------
    async def list_newsletters(self) -> list[NewsletterInfo]:
        self._me()
        async with self.newsletters.change():
            return self.newsletters.mine()

    async def newsletter_info(self, jid: str) -> NewsletterInfo:
        me = self._me()
        async with self.newsletters.change():
            return self.newsletters.known(parse_newsletter_id(jid)).info(me)

    async def create_newsletter(self, name: str, description: str) -> NewsletterInfo:
        me = self._me()
        world = self.newsletters
        title = world.need_text(name, "name", MAX_NAME)
        text = world.need_text(description, "description", MAX_DESCRIPTION, allow_empty=True)
        async with world.change():
            return (await world.create(me, title, text)).info(me)

    async def set_newsletter_name(self, jid: str, name: str) -> None:
        me, world = self._me(), self.newsletters
        title = world.need_text(name, "name", MAX_NAME)
        async with world.change():
            await world.edit(me, parse_newsletter_id(jid), name=title)

    async def set_newsletter_description(self, jid: str, description: str) -> None:
        me, world = self._me(), self.newsletters
        text = world.need_text(description, "description", MAX_DESCRIPTION, allow_empty=True)
        async with world.change():
            await world.edit(me, parse_newsletter_id(jid), description=text)

    async def set_newsletter_picture(self, jid: str, jpeg: bytes) -> None:
        me = self._me()
        if not jpeg.startswith(b"\xff\xd8\xff"):
            raise InvalidInput("must be a JPEG image", field="pictureUrl")
        async with self.newsletters.change():
            await self.newsletters.edit(me, parse_newsletter_id(jid), picture_sha256=hashlib.sha256(jpeg).hexdigest())

    async def follow_newsletter(self, jid: str, follow: bool) -> None:
        me = self._me()
        async with self.newsletters.change():
            await self.newsletters.follow(me, parse_newsletter_id(jid), follow)

    async def mute_newsletter(self, jid: str, mute: bool) -> None:
        me = self._me()
        async with self.newsletters.change():
            await self.newsletters.mute(me, parse_newsletter_id(jid), mute)

    async def delete_newsletter(self, jid: str) -> None:
        me = self._me()
        async with self.newsletters.change():
            await self.newsletters.delete(me, parse_newsletter_id(jid))

    async def search_newsletters(self, search: NewsletterSearch) -> list[NewsletterInfo]:
        self._me()
        async with self.newsletters.change():
            return self.newsletters.search(search)

    async def set_newsletter_reactions(self, jid: str, codes: str) -> None:
        me = self._me()
        if codes not in REACTION_CODES:
            raise InvalidInput(f"must be one of {', '.join(REACTION_CODES)}", field="reactionCodes")
        async with self.newsletters.change():
            await self.newsletters.edit(me, parse_newsletter_id(jid), reaction_codes=codes)

    async def send_newsletter_admin_invite(self, jid: str, phone: str, caption: str) -> AdminInviteSent:
        """The invite is kept in the channel, and its message leaves for ``phone`` (kept in ``newsletter_invites``)."""
        me, to = self._me(), validate_phone(phone, "phone")
        if to == me:
            raise InvalidInput("cannot invite the instance's own phone", field="phone")
        async with self.newsletters.change():
            invite = await self.newsletters.invite_admin(me, parse_newsletter_id(jid, "newsletterId"), to)
        self.newsletter_invites.append((parse_newsletter_id(jid), to, caption, invite.expires_s))
        return AdminInviteSent(message_id=new_message_id(self.rng), expires_s=invite.expires_s)

    async def accept_newsletter_admin_invite(self, jid: str) -> None:
        me = self._me()
        async with self.newsletters.change():
            await self.newsletters.accept_invite(me, parse_newsletter_id(jid))

    async def revoke_newsletter_admin_invite(self, jid: str, phone: str) -> None:
        me = self._me()
        async with self.newsletters.change():
            await self.newsletters.revoke_invite(me, parse_newsletter_id(jid), validate_phone(phone, "phone"))

    async def remove_newsletter_admin(self, jid: str, phone: str) -> None:
        me = self._me()
        async with self.newsletters.change():
            await self.newsletters.demote(me, parse_newsletter_id(jid), validate_phone(phone, "phone"))

    async def transfer_newsletter_ownership(self, jid: str, phone: str, quit_admin: bool) -> None:
        me = self._me()
        async with self.newsletters.change():
            await self.newsletters.transfer(me, parse_newsletter_id(jid), validate_phone(phone, "phone"), quit_admin)

    # what others do ------------------------------------------------------------------------------------
    async def inject_newsletter_event(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Someone else creates a channel, posts in one, or changes who administers it; answered once what it
        tells is durable."""
        me, world = self._me(), self.newsletters
        kind = spec.get("type")
        if kind not in TYPES:
            raise InvalidInput(f"must be one of {', '.join(TYPES)}", field="type")
        if kind == "post":
            return await self._post(me, spec)
        by = validate_phone(spec.get("by"), "by")
        if by == me:
            raise InvalidInput("must be someone else than the instance's phone", field="by")
        async with world.change() as told:
            answer: dict[str, Any] = {}
            if kind == "create":
                title = world.need_text(str(spec.get("name") or ""), "name", MAX_NAME)
                text = world.need_text(str(spec.get("description") or ""), "description", MAX_DESCRIPTION,
                                       allow_empty=True)
                jid = (await world.create(by, title, text, country=country_of(spec))).jid
            else:
                jid = parse_newsletter_id(spec.get("newsletter"), "newsletter")
                answer = await self._changed_by(kind, by, me, jid)
            return {"newsletterId": jid, "notifications": list(told), **answer}

    async def _changed_by(self, kind: str, by: str, me: str, jid: str) -> dict[str, Any]:
        world = self.newsletters
        if kind == "adminInvite":
            return {"inviteExpiration": (await world.invite_admin(by, jid, me)).expires_s}
        if kind == "promote":
            await world.promote(by, jid, me)
        elif kind == "demote":
            await world.demote(by, jid, me)
        elif kind in ("follow", "unfollow"):
            await world.follow(by, jid, kind == "follow")
        else:  # acceptInvite
            await world.accept_invite(by, jid)
        return {}

    async def _post(self, me: str, spec: dict[str, Any]) -> dict[str, Any]:
        """The channel posts a message; the phone gets it when it follows (or administers) the channel."""
        jid = parse_newsletter_id(spec.get("newsletter"), "newsletter")
        async with self.newsletters.change():
            channel = self.newsletters.known(jid)
            if channel.role(me) is NewsletterRole.GUEST:
                raise InvalidInput("the phone does not follow this channel, so its posts do not reach it",
                                   field="newsletter")
            name, owner = channel.name, channel.owner
        inbound = build_inbound({**content_spec(spec), "from": owner}, self.rng, _now_ms())
        address = Address(jid=jid)
        message = replace(inbound, chat=address, sender=address, is_newsletter=True, chat_name=name, push_name="")
        await self._durably(message)
        return {"newsletterId": jid, "notifications": [], "messageId": message.message_id}
