"""The neonize engine's channel (newsletter) methods: one bounded FFI call each (shared FFI lock).

neonize 0.5.2 (and the whatsmeow it bundles) lists the channels followed (``get_subscribed_newletters``),
reads one (``get_newsletter_info``), creates one (``create_newsletter``), follows and unfollows
(``follow_newsletter``/``unfollow_newsletter``) and mutes (``newsletter_toggle_mute``). It has no call to
rename a channel, change its description, picture or reaction settings, delete it, search the directory, or
invite, accept, revoke, remove or promote admins: those raise their ``NeonizeGap`` (501) before anything is
sent. Media cannot be posted in a channel (``send_message`` cannot pass ``upload_newsletter``'s media handle).
WhatsApp's admin promotions reach no whatsmeow event, so ``NEWSLETTER_ADMIN_PROMOTE``/``_DEMOTE`` are never
told by this engine.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from typing import Any

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.config import Settings
from gateway.core.engine_gaps import NeonizeGap, gap_error
from gateway.core.errors import NotConnected, ZapgateError
from gateway.core.events import MessageReceived
from gateway.core.newsletters import AdminInviteSent, NewsletterInfo, NewsletterSearch, parse_newsletter_id
from gateway.worker.engines.base import Engine
from gateway.worker.engines.neonize.newsletters import newsletter_error, newsletter_info
from gateway.worker.engines.neonize.runtime import NeonizeRuntime
from gateway.worker.engines.neonize.translate import device_jid_proto
from gateway.worker.engines.newsletters import NewsletterMethods

_MEDIA = (c.Image, c.Audio, c.Video, c.Ptv, c.Document, c.Sticker)


class NeonizeNewsletterCalls(Engine, NewsletterMethods):
    """Mixed into ``NeonizeEngine``, which gives the client, the runtime, the settings and ``connected``."""

    client: Any
    runtime: NeonizeRuntime
    settings: Settings
    connected: bool

    @functools.cached_property
    def channel_names(self) -> dict[str, str]:
        """Channel JID → name, learnt from every channel read: a post's ``chatName``."""
        return {}

    async def _channel_call(self, what: str, method: str, *args: Any) -> Any:
        if not self.connected:
            raise NotConnected("the instance is not connected")
        limit = max(1.0, self.settings.control_timeout_s - 1.0)
        try:
            return await asyncio.wait_for(self.runtime.call(getattr(self.client, method), *args), limit)
        except TimeoutError:
            raise NotConnected(f"{what}: WhatsApp did not answer within {limit:g}s") from None
        except ZapgateError:
            raise
        except Exception as exc:
            raise newsletter_error(what, exc) from exc

    def _learnt(self, meta: Any) -> NewsletterInfo:
        info = newsletter_info(meta)
        self.channel_names[info.jid] = info.name
        return info

    def with_channel_name(self, event: MessageReceived) -> MessageReceived:
        """A channel's post carries the channel's name as ``chat_name`` when this session read it."""
        name = self.channel_names.get(event.chat.jid) if event.is_newsletter and event.chat_name is None else None
        return dataclasses.replace(event, chat_name=name) if name else event

    @staticmethod
    def refuse_channel_media(out: Outgoing) -> None:
        body = out.content.original if isinstance(out.content, c.Forward) else out.content
        media = isinstance(body, _MEDIA) or (isinstance(body, c.ButtonList) and (body.image or body.video))
        if out.to.endswith("@newsletter") and media:
            raise gap_error(NeonizeGap.CHANNEL_MEDIA)

    # wired ---------------------------------------------------------------------------------------------
    async def list_newsletters(self) -> list[NewsletterInfo]:
        return [self._learnt(m) for m in await self._channel_call("list channels", "get_subscribed_newletters")]

    async def newsletter_info(self, jid: str) -> NewsletterInfo:
        proto = device_jid_proto(parse_newsletter_id(jid))
        return self._learnt(await self._channel_call("channel metadata", "get_newsletter_info", proto))

    async def create_newsletter(self, name: str, description: str) -> NewsletterInfo:
        return self._learnt(await self._channel_call("create channel", "create_newsletter", name, description, b""))

    async def follow_newsletter(self, jid: str, follow: bool) -> None:
        proto = device_jid_proto(parse_newsletter_id(jid))
        method = "follow_newsletter" if follow else "unfollow_newsletter"
        await self._channel_call("follow channel" if follow else "unfollow channel", method, proto)

    async def mute_newsletter(self, jid: str, mute: bool) -> None:
        proto = device_jid_proto(parse_newsletter_id(jid))
        await self._channel_call("mute channel", "newsletter_toggle_mute", proto, mute)

    # neonize 0.5.2 lacks -------------------------------------------------------------------------------
    async def set_newsletter_name(self, jid: str, name: str) -> None:
        raise gap_error(NeonizeGap.CHANNEL_EDIT)

    async def set_newsletter_description(self, jid: str, description: str) -> None:
        raise gap_error(NeonizeGap.CHANNEL_EDIT)

    async def set_newsletter_picture(self, jid: str, jpeg: bytes) -> None:
        raise gap_error(NeonizeGap.CHANNEL_EDIT)

    async def delete_newsletter(self, jid: str) -> None:
        raise gap_error(NeonizeGap.CHANNEL_DELETE)

    async def search_newsletters(self, search: NewsletterSearch) -> list[NewsletterInfo]:
        raise gap_error(NeonizeGap.CHANNEL_SEARCH)

    async def set_newsletter_reactions(self, jid: str, codes: str) -> None:
        raise gap_error(NeonizeGap.CHANNEL_SETTINGS)

    async def send_newsletter_admin_invite(self, jid: str, phone: str, caption: str) -> AdminInviteSent:
        raise gap_error(NeonizeGap.CHANNEL_ADMINS)

    async def accept_newsletter_admin_invite(self, jid: str) -> None:
        raise gap_error(NeonizeGap.CHANNEL_ADMINS)

    async def revoke_newsletter_admin_invite(self, jid: str, phone: str) -> None:
        raise gap_error(NeonizeGap.CHANNEL_ADMINS)

    async def remove_newsletter_admin(self, jid: str, phone: str) -> None:
        raise gap_error(NeonizeGap.CHANNEL_ADMINS)

    async def transfer_newsletter_ownership(self, jid: str, phone: str, quit_admin: bool) -> None:
        raise gap_error(NeonizeGap.CHANNEL_ADMINS)
