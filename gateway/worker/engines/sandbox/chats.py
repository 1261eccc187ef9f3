"""The sandbox phone's chats: ``modify-chat``, disappearing timers, unread counts, read receipts.

Rules (each change is told as one ``ChatChanged``, after it is stored):

- a message from someone else counts as unread in its chat (not a reaction, poll vote, edit, delete or a
  status); a retried inject of the same message id counts once. A new chat starts with the default
  disappearing timer (``privacy/messages-duration``), and its messages carry it when they name none.
- ``read``: unread back to 0 (``read``, ``marked_unread`` false); the phone sends read receipts for the
  unread messages (recorded in ``reads``); WhatsApp does not echo a linked device's own receipts, so no
  ``READ_BY_ME`` status is told. ``read-message`` reads that message and every earlier one.
- ``unread``: ``marked_unread`` true. ``archive`` unpins (WhatsApp never shows an archived chat pinned);
  ``pin`` unarchives, and fails (409) when 3 chats are already pinned (WhatsApp's limit). ``mute`` is
  forever (``muted_until_ms`` -1: Z-API's ``modify-chat`` names no duration); ``unmute`` 0.
- ``clear``: the messages go (unread 0): ``cleared`` and ``read``. ``delete``: the chat goes (flags, timer,
  labels, unread) until a new message starts it again: ``deleted``.
- ``send-chat-expiration``: ``expiration_s`` (0, 24 h, 7 days, 90 days).
A chat is a phone on WhatsApp (404 otherwise) or a group the phone knows (``GROUP_NOT_FOUND`` otherwise).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gateway.core import content as c
from gateway.core.account import ChatAction
from gateway.core.errors import EngineError
from gateway.core.events import Address, ChatChanged, MessageReceived
from gateway.core.phones import STATUS_BROADCAST
from gateway.worker.engines.sandbox.account import AccountWorld
from gateway.worker.engines.sandbox.account_state import BOOK, MAX_PINNED, SentMessage, chat_part
from gateway.worker.engines.sandbox.contacts import expiration_of

_NOT_UNREAD = (c.Reaction, c.PollVote)


def chat_address(jid: str) -> Address:
    user, _, server = jid.partition("@")
    return Address(jid=jid, phone=user if server == "s.whatsapp.net" else None)


def chat_jid(world: AccountWorld, jid: str) -> str:
    """The chat a ``modify-chat`` names: a group JID as given, a contact as its number's JID."""
    if jid.endswith("@g.us"):
        return jid
    return f"{world.phone_of(jid)}@s.whatsapp.net"


async def modify(world: AccountWorld, jid: str, change: ChatAction) -> None:
    known = world.chats.get(jid)
    if change is ChatAction.PIN and not (known is not None and known.pinned) and sum(
            1 for x in world.chats.values() if x.pinned) >= MAX_PINNED:
        raise EngineError(f"WhatsApp pins at most {MAX_PINNED} chats: unpin one first", transient=False)
    chat = world.chat(jid)
    told: dict[str, Any] = {}
    if change is ChatAction.READ:
        ids = chat.read_all()
        if ids:
            world.record("reads", chat=jid, messageIds=ids, sender=None, receipt=world.profile.sends_read_receipts())
        told = {"read": True, "marked_unread": False}
    elif change is ChatAction.UNREAD:
        chat.marked_unread = True
        told = {"marked_unread": True}
    elif change in (ChatAction.ARCHIVE, ChatAction.UNARCHIVE):
        chat.archived = change is ChatAction.ARCHIVE
        told = {"archived": chat.archived}
        if chat.archived and chat.pinned:
            chat.pinned, told["pinned"] = False, False
    elif change in (ChatAction.PIN, ChatAction.UNPIN):
        pinning = change is ChatAction.PIN
        chat.pinned = pinning
        told = {"pinned": pinning}
        if pinning and chat.archived:
            chat.archived, told["archived"] = False, False
    elif change in (ChatAction.MUTE, ChatAction.UNMUTE):
        chat.muted_until_ms = -1 if change is ChatAction.MUTE else 0
        told = {"muted_until_ms": chat.muted_until_ms}
    elif change is ChatAction.CLEAR:
        chat.read_all()
        chat.sent = []
        told = {"cleared": True, "read": True}
    else:
        del world.chats[jid]
        told = {"deleted": True}
    world.touch(chat_part(jid))
    await world.commit()
    await world.emit(ChatChanged(chat=chat_address(jid), timestamp_ms=world.now_ms(), **told))


async def set_expiration(world: AccountWorld, jid: str, seconds: int) -> None:
    seconds = expiration_of(seconds, "chatExpiration")
    chat = world.chat(jid)
    chat.expiration_s = seconds
    world.touch(chat_part(jid))
    await world.commit()
    await world.emit(ChatChanged(chat=chat_address(jid), timestamp_ms=world.now_ms(), expiration_s=seconds))


def _counts_unread(message: MessageReceived) -> bool:
    body = message.content
    if message.from_me or message.is_edit or isinstance(body, _NOT_UNREAD):
        return False
    return not (isinstance(body, c.Unsupported) and body.kind == "revoke")


async def note_inbound(world: AccountWorld, message: MessageReceived, *, named: bool) -> MessageReceived:
    """Keep what an inbound message changes (push name, unread count) and return it as the phone sees it:
    its sender's push name when the spec gave none (``named``), the chat's timer when it names none."""
    phone = message.sender.phone
    if phone is not None and not message.from_me:
        if named and world.book.notify.get(phone) != message.push_name:
            world.book.notify[phone] = message.push_name
            world.touch(BOOK)
        elif not named:
            if phone not in world.book.notify:
                world.book.notify[phone] = world.book.push_name(phone)
                world.touch(BOOK)
            message = replace(message, push_name=world.book.push_name(phone))
        if phone in world.pictures_seen:  # what the session learnt, as the neonize engine's picture cache
            photo = world.book.picture(phone)
            message = replace(message, sender_photo=photo, chat_photo=None if message.is_group else photo)
    if message.chat.jid == STATUS_BROADCAST:
        await world.commit_soon()
        return message
    chat = world.chat(message.chat.jid)
    if not message.ephemeral_s and chat.expiration_s:
        message = replace(message, ephemeral_s=chat.expiration_s)
    if message.from_me and not isinstance(message.content, c.Unsupported):
        chat.remember(SentMessage(message.message_id, type(message.content).__name__, message.timestamp_ms,
                                  _text_of(message.content)))
    elif _counts_unread(message) and message.message_id not in chat.unread:
        chat.receive(message.message_id, message.timestamp_ms)
    chat.last_message_ms = max(chat.last_message_ms, message.timestamp_ms)
    world.touch(chat_part(chat.jid))
    await world.commit_soon()
    return message


async def note_read(world: AccountWorld, jid: str, message_id: str, sender: str | None) -> None:
    """The phone sent a read receipt (``read-message``, auto-read)."""
    chat = world.chats.get(jid)
    if chat is not None:
        chat.read_one(message_id)
        world.touch(chat_part(jid))
    world.record("reads", chat=jid, messageIds=[message_id], sender=sender,
                 receipt=world.profile.sends_read_receipts() or jid.endswith("@g.us"))
    await world.commit()


def _text_of(body: c.Content) -> str:
    if isinstance(body, c.Text):
        return body.text
    if isinstance(body, c.Link):
        return body.text
    return getattr(body, "caption", "") or ""
