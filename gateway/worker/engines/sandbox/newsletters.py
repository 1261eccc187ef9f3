"""The sandbox phone's channel world: the channels it knows, changed by it or by others, with WhatsApp's rules.

Every change is made on a copy, stored (``EngineContext.newsletter_store``, Postgres in a worker), swapped in,
and only then told (``NEWSLETTER_ADMIN_PROMOTE``/``_DEMOTE`` as ``ChatNotified``, a post as a
``MessageReceived``), each awaited until durable.

Rules, as WhatsApp applies them:
- any channel not deleted can be read (metadata), followed, unfollowed, muted and unmuted (mute needs following);
- name, description, picture, reaction settings and posting: the owner and admins (``NotNewsletterAdmin``);
- deleting, inviting admins, revoking an invite, removing an admin and transferring ownership: the owner;
- the owner cannot unfollow its channel (it deletes it or transfers it first);
- an admin invite is accepted by the phone it was sent to, within ``ADMIN_INVITE_TTL_S``;
- ownership goes to an admin only; the old owner stays an admin, or a follower with ``quitAdmin``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable

from gateway.core.errors import EngineError, InvalidInput, NewsletterNotFound, NotNewsletterAdmin
from gateway.core.events import Address, ChatNotified, EngineEvent
from gateway.core.newsletters import NewsletterInfo, NewsletterRole, NewsletterSearch, notification_id
from gateway.core.phones import phone_address
from gateway.worker.engines.newsletters import NewsletterStateStore
from gateway.worker.engines.sandbox.newsletters_state import (
    ADMIN_INVITE_TTL_S,
    DIRECTORY,
    AdminInvite,
    SandboxNewsletter,
    directory_jid,
    new_invite_code,
    new_newsletter_jid,
)

PROMOTE, DEMOTE = "NEWSLETTER_ADMIN_PROMOTE", "NEWSLETTER_ADMIN_DEMOTE"


def _refuse(message: str) -> EngineError:
    return EngineError(message, transient=False)


class NewsletterWorld:
    """The channels one instance's simulated phone knows. ``me()`` is the phone's number (None: unpaired)."""

    def __init__(self, instance_id: str, store: NewsletterStateStore | None, *,
                 emit: Callable[[EngineEvent], Awaitable[None]], rng: random.Random, clock: Callable[[], int],
                 me: Callable[[], str | None]) -> None:
        self.instance_id = instance_id
        self.store = store
        self.emit = emit
        self.rng = rng
        self.clock = clock
        self.me = me
        self.channels: dict[str, SandboxNewsletter] = {}
        self.loaded = False
        self._lock = asyncio.Lock()
        self._last_ms = 0
        self._told: list[str] = []

    def __repr__(self) -> str:
        return f"<NewsletterWorld {self.instance_id} channels={len(self.channels)}>"

    # plumbing --------------------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def change(self) -> AsyncIterator[list[str]]:
        """One change at a time, on a loaded world; yields the ids of the notifications it tells."""
        async with self._lock:
            if not self.loaded:
                await self._load()
            self._told = []
            yield self._told

    async def _load(self) -> None:
        if self.store is not None:
            for state in await self.store.load_newsletters(self.instance_id):
                channel = SandboxNewsletter.from_state(state)
                self.channels[channel.jid] = channel
        for entry in DIRECTORY:  # the public directory, stored only once something changes in it
            jid = directory_jid(self.instance_id, entry)
            if jid not in self.channels:
                self.channels[jid] = SandboxNewsletter(
                    jid=jid, name=entry.name, owner=entry.owner, created_s=entry.created_s,
                    invite_code="0029Va" + hashlib.sha256(jid.encode()).hexdigest()[:16],
                    description=entry.description, country=entry.country, verified=entry.verified,
                    audience=entry.audience)
        self.loaded = True

    def phone(self) -> str:
        phone = self.me()
        assert phone is not None, "channel calls need a paired phone"
        return phone

    def now_ms(self) -> int:
        """Strictly increasing, so two equal changes never share a notification id."""
        self._last_ms = max(self.clock(), self._last_ms + 1)
        return self._last_ms

    def now_s(self) -> int:
        return self.clock() // 1000

    async def commit(self, channel: SandboxNewsletter) -> None:
        if self.store is not None:
            await self.store.save_newsletter(self.instance_id, channel.jid, channel.to_state())
        self.channels[channel.jid] = channel

    async def tell(self, channel: SandboxNewsletter, kind: str, member: str, role: NewsletterRole) -> None:
        """``NEWSLETTER_ADMIN_PROMOTE``/``_DEMOTE`` about ``member`` (the phone), now ``role``."""
        at = self.now_ms()
        nid = notification_id(channel.jid, kind, at, member, role.value)
        await self.emit(ChatNotified(chat=Address(jid=channel.jid), kind=kind, timestamp_ms=at, notification_id=nid,
                                     sender=phone_address(member), sender_name=channel.name,
                                     parameters=(member, role.value)))
        self._told.append(nid)

    # reading ---------------------------------------------------------------------------------------
    def known(self, jid: str) -> SandboxNewsletter:
        channel = self.channels.get(jid)
        if channel is None or channel.deleted:
            raise NewsletterNotFound(f"no channel {jid} (it does not exist or was deleted)")
        return channel

    def editable(self, jid: str, actor: str, what: str, *, owner_only: bool = False) -> SandboxNewsletter:
        """A copy of a channel ``actor`` may change (its owner, or an admin unless ``owner_only``)."""
        channel = self.known(jid)
        allowed = channel.owner == actor if owner_only else channel.is_admin(actor)
        if not allowed:
            who = "the channel's owner" if owner_only else "the channel's owner and admins"
            raise NotNewsletterAdmin(f"only {who} can {what} ({actor} is {channel.role(actor).value} of {jid})")
        return channel.clone()

    def mine(self) -> list[NewsletterInfo]:
        me = self.phone()
        found = [c for c in self.channels.values() if not c.deleted and c.role(me) is not NewsletterRole.GUEST]
        return [c.info(me) for c in sorted(found, key=lambda c: (c.created_s, c.jid))]

    def search(self, search: NewsletterSearch) -> list[NewsletterInfo]:
        me, text = self.phone(), search.text.strip().casefold()
        found = [c for c in self.channels.values() if not c.deleted
                 and (not search.country_codes or c.country in search.country_codes)
                 and (not text or text in c.name.casefold() or text in c.description.casefold())]
        infos = [c.info(me) for c in found]
        if search.view == "NEW":
            infos.sort(key=lambda i: (-i.created_s, i.jid))
        elif search.view in ("TRENDING", "POPULAR"):
            infos.sort(key=lambda i: (-i.subscribers, i.jid))
        else:
            infos.sort(key=lambda i: (not i.verified, i.name.casefold(), i.jid))
        return infos[:search.limit]

    # changes (the caller holds ``change()``) -----------------------------------------------------------
    async def create(self, owner: str, name: str, description: str, *, country: str = "BR") -> SandboxNewsletter:
        jid = new_newsletter_jid(self.rng)
        while jid in self.channels:
            jid = new_newsletter_jid(self.rng)
        channel = SandboxNewsletter(jid=jid, name=name, owner=owner, created_s=self.now_s(),
                                    invite_code=new_invite_code(self.rng), description=description, country=country)
        await self.commit(channel)
        return channel

    async def edit(self, actor: str, jid: str, *, name: str | None = None, description: str | None = None,
                   picture_sha256: str | None = None, reaction_codes: str | None = None) -> None:
        channel = self.editable(jid, actor, "change the channel")
        channel.name = name if name is not None else channel.name
        channel.description = description if description is not None else channel.description
        channel.picture_sha256 = picture_sha256 or channel.picture_sha256
        channel.reaction_codes = reaction_codes or channel.reaction_codes
        await self.commit(channel)

    async def follow(self, actor: str, jid: str, follow: bool) -> None:
        channel = self.known(jid).clone()
        role = channel.role(actor)
        if follow:
            if role is NewsletterRole.GUEST:
                channel.make_follower(actor)
                await self.commit(channel)
            return
        if role is NewsletterRole.OWNER:
            raise _refuse("the owner cannot unfollow its channel: delete it, or transfer its ownership first")
        if role is not NewsletterRole.GUEST:
            channel.drop(actor)
            await self.commit(channel)

    async def mute(self, actor: str, jid: str, mute: bool) -> None:
        channel = self.known(jid).clone()
        if channel.role(actor) is NewsletterRole.GUEST:
            raise _refuse("only a channel one follows can be muted or unmuted: follow it first")
        channel.muted = [p for p in channel.muted if p != actor] + ([actor] if mute else [])
        await self.commit(channel)

    async def delete(self, actor: str, jid: str) -> None:
        channel = self.editable(jid, actor, "delete the channel", owner_only=True)
        channel.deleted = True
        await self.commit(channel)

    async def invite_admin(self, actor: str, jid: str, phone: str) -> AdminInvite:
        channel = self.editable(jid, actor, "invite admins", owner_only=True)
        if channel.is_admin(phone):
            raise _refuse(f"{phone} is already an admin of the channel")
        invite = AdminInvite(phone, self.now_s() + ADMIN_INVITE_TTL_S)
        channel.invites = [i for i in channel.invites if i.phone != phone] + [invite]
        await self.commit(channel)
        return invite

    async def accept_invite(self, actor: str, jid: str) -> None:
        channel = self.known(jid).clone()
        if channel.is_admin(actor):
            return
        if channel.invite(actor, self.now_s()) is None:
            raise _refuse(f"{actor} has no pending admin invite to this channel (never sent, revoked or expired)")
        channel.make_admin(actor)
        await self.commit(channel)
        if actor == self.phone():
            await self.tell(channel, PROMOTE, actor, NewsletterRole.ADMIN)

    async def revoke_invite(self, actor: str, jid: str, phone: str) -> None:
        channel = self.editable(jid, actor, "revoke admin invites", owner_only=True)
        if channel.invite(phone, self.now_s()) is None:
            raise _refuse(f"{phone} has no pending admin invite to this channel")
        channel.invites = [i for i in channel.invites if i.phone != phone]
        await self.commit(channel)

    async def demote(self, actor: str, jid: str, phone: str) -> None:
        channel = self.editable(jid, actor, "remove admins", owner_only=True)
        if channel.role(phone) is not NewsletterRole.ADMIN:
            raise _refuse(f"{phone} is not an admin of the channel")
        channel.make_follower(phone)
        await self.commit(channel)
        if phone == self.phone():
            await self.tell(channel, DEMOTE, phone, NewsletterRole.SUBSCRIBER)

    async def promote(self, actor: str, jid: str, phone: str) -> None:
        """The owner makes ``phone`` an admin at once (what an invite accepted does)."""
        channel = self.editable(jid, actor, "add admins", owner_only=True)
        if channel.is_admin(phone):
            raise _refuse(f"{phone} is already an admin of the channel")
        channel.make_admin(phone)
        await self.commit(channel)
        if phone == self.phone():
            await self.tell(channel, PROMOTE, phone, NewsletterRole.ADMIN)

    async def transfer(self, actor: str, jid: str, phone: str, quit_admin: bool) -> None:
        channel = self.editable(jid, actor, "transfer the ownership", owner_only=True)
        if channel.role(phone) is not NewsletterRole.ADMIN:
            raise _refuse(f"{phone} must be an admin of the channel to become its owner")
        channel.admins = [p for p in channel.admins if p != phone]
        channel.owner = phone
        if quit_admin:
            channel.make_follower(actor)
        else:
            channel.make_admin(actor)
        await self.commit(channel)

    def check_post(self, actor: str, jid: str) -> None:
        """A message to a channel: only its owner and admins post."""
        channel = self.channels.get(jid)
        if channel is None or channel.deleted:
            raise _refuse(f"no channel {jid}: it does not exist or was deleted")
        if not channel.is_admin(actor):
            raise NotNewsletterAdmin(f"only the channel's owner and admins can post in {jid}")

    @staticmethod
    def need_text(value: str, field: str, limit: int, *, allow_empty: bool = False) -> str:
        text = value.strip()
        if (not text and not allow_empty) or len(text) > limit:
            raise InvalidInput(f"must be 1 to {limit} characters" if not allow_empty else
                               f"must be at most {limit} characters", field=field)
        return text
