"""The ``chats`` table, kept by dispatch in the transaction that stores the events.

Only fresh events (first stored) change it, and a message counts once per WhatsApp id (the ``messages``
row tells), so a redelivery, a media follow-up or the decrypted copy of a waiting message changes nothing.
The rules (``change`` decides, ``apply`` writes):

- A new message (received, from the phone or undecryptable/unknown: not an edit, reaction, poll vote or
  delete) creates the chat or moves its last-message time; one not ``from_me`` adds 1 to ``unread``. Its
  name: a group's subject, or the push name of the other side of a 1:1 chat. An archived chat stays archived
  (WhatsApp's "keep chats archived", on by default): the phone's own un-archive arrives as app state.
- A message sent through the API (``MessageSent`` with its message) moves the last-message time.
- ``READ_BY_ME`` (we read it on the phone) sets ``unread`` to 0 on a known chat.
- ``ChatChanged`` (app state, our own ``modify-chat``) sets what it carries; ``read`` → unread 0 and not
  marked unread, ``cleared`` → unread 0, ``deleted`` → the row goes. A read or clear alone never creates a row.
- ``GROUP_CREATE`` / ``GROUP_CHANGE_SUBJECT`` name the group (a creation also counts as its last activity).
- ``status@broadcast`` (statuses) is not a chat.

A 1:1 chat is keyed by its phone JID (``<phone>@s.whatsapp.net``) whenever the event knows the phone, even
when WhatsApp addressed it by LID, so the api finds it by phone; the row keeps the LID too, so an event that
knows only the LID (a receipt, app state) finds the same row. A row first made under the LID alone takes the
phone JID once an event brings both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.core import content as c
from gateway.core.events import (
    Address,
    ChatChanged,
    EngineEvent,
    GroupNotified,
    MessageReceived,
    MessageSent,
    ReceiptReceived,
    ReceiptStatus,
)

STATUS_BROADCAST = "status@broadcast"
_NOT_NEW = (c.Reaction, c.PollVote, c.Revoke)  # they change a message; the chat gets no new one


@dataclass(frozen=True, slots=True)
class ChatChange:
    """One change to one chat row. ``None`` = keep what is stored."""

    jid: str
    lid: str | None = None  # "<n>@lid" of a 1:1 chat, when known
    is_group: bool = False
    name: str | None = None
    last_message_ms: int = 0  # kept when older than the stored one
    unread_add: int = 0
    reset_unread: bool = False
    archived: bool | None = None
    pinned: bool | None = None
    muted_until_ms: int | None = None
    marked_unread: bool | None = None
    expiration_s: int | None = None
    create: bool = True  # False: change a chat already known, never create one
    delete: bool = False


def _is_group(jid: str) -> bool:
    return jid.endswith("@g.us")


def chat_key(a: Address) -> str:
    """The row's ``jid``: the phone JID when the phone is known (a LID chat included), else the JID as given."""
    server = a.jid.partition("@")[2]
    if a.phone and a.phone.isdigit() and server in ("s.whatsapp.net", "lid"):
        return f"{a.phone}@s.whatsapp.net"
    return a.jid


def _lid(a: Address) -> str | None:
    if a.lid and a.lid.endswith("@lid"):
        return a.lid
    return a.jid if a.jid.endswith("@lid") else None


def _received(ev: MessageReceived, new_message: bool) -> ChatChange | None:
    body = ev.content
    if not new_message or ev.is_edit or isinstance(body, _NOT_NEW):
        return None
    if isinstance(body, c.Unsupported) and body.kind == "revoke":
        return None
    group = ev.is_group or _is_group(ev.chat.jid)
    name = ev.chat_name if group else (None if ev.from_me else ev.push_name)
    return ChatChange(chat_key(ev.chat), _lid(ev.chat), is_group=group, name=name or None,
                      last_message_ms=ev.timestamp_ms,
                      unread_add=0 if ev.from_me else 1)


def _sent(ev: MessageSent, at_ms: int) -> ChatChange | None:
    m = ev.message
    if m is None or ev.error or m.is_edit or isinstance(m.content, _NOT_NEW):
        return None
    return ChatChange(chat_key(ev.chat), _lid(ev.chat), is_group=m.is_group or _is_group(ev.chat.jid),
                      last_message_ms=m.timestamp_ms or at_ms)


def _changed(ev: ChatChanged) -> ChatChange:
    if ev.deleted:
        return ChatChange(chat_key(ev.chat), _lid(ev.chat), delete=True)
    marked = ev.marked_unread if ev.marked_unread is not None else (False if ev.read else None)
    state = (ev.archived, ev.pinned, ev.muted_until_ms, ev.marked_unread, ev.expiration_s, ev.name or None)
    return ChatChange(chat_key(ev.chat), _lid(ev.chat), is_group=_is_group(ev.chat.jid), name=ev.name or None,
                      reset_unread=ev.read or ev.cleared, archived=ev.archived, pinned=ev.pinned,
                      muted_until_ms=ev.muted_until_ms, marked_unread=marked, expiration_s=ev.expiration_s,
                      create=any(v is not None for v in state))


def change(event: EngineEvent, *, new_message: bool, at_ms: int) -> ChatChange | None:
    """What one fresh event does to the chats table (None: nothing). ``new_message``: the event's message
    id was not in ``messages`` before it."""
    result: ChatChange | None = None
    if isinstance(event, MessageReceived):
        result = _received(event, new_message)
    elif isinstance(event, MessageSent):
        result = _sent(event, at_ms)
    elif isinstance(event, ReceiptReceived) and event.status is ReceiptStatus.READ_BY_ME:
        result = ChatChange(chat_key(event.chat), _lid(event.chat), reset_unread=True, create=False)
    elif isinstance(event, ChatChanged):
        result = _changed(event)
    elif isinstance(event, GroupNotified) and event.kind in ("GROUP_CREATE", "GROUP_CHANGE_SUBJECT"):
        name = (event.parameters[0] if event.parameters else "") or event.subject
        result = ChatChange(event.group.jid, is_group=True, name=name or None,
                            last_message_ms=event.timestamp_ms if event.kind == "GROUP_CREATE" else 0)
    if result is None or not result.jid or result.jid == STATUS_BROADCAST:
        return None
    return result


_UPSERT = (
    "INSERT INTO chats (instance_id, jid, name, is_group, unread, last_message_ms, archived, pinned, "
    "muted_until_ms, marked_unread, expiration_s, lid) VALUES ($1, $2, $3::text, $4, $5::int, $6::bigint, "
    "coalesce($7::boolean, false), coalesce($8::boolean, false), coalesce($9::bigint, 0), "
    "coalesce($10::boolean, false), coalesce($11::int, 0), $13::text) "
    "ON CONFLICT (instance_id, jid) DO UPDATE SET name = coalesce(EXCLUDED.name, chats.name), "
    "lid = coalesce(EXCLUDED.lid, chats.lid), "
    "is_group = chats.is_group OR EXCLUDED.is_group, "
    "unread = CASE WHEN $12::boolean THEN 0 ELSE chats.unread END + EXCLUDED.unread, "
    "last_message_ms = greatest(chats.last_message_ms, EXCLUDED.last_message_ms), "
    "archived = coalesce($7::boolean, chats.archived), pinned = coalesce($8::boolean, chats.pinned), "
    "muted_until_ms = coalesce($9::bigint, chats.muted_until_ms), "
    "marked_unread = coalesce($10::boolean, chats.marked_unread), "
    "expiration_s = coalesce($11::int, chats.expiration_s), updated_at = now()"
)
_UPDATE = (
    "UPDATE chats SET unread = CASE WHEN $3::boolean THEN 0 ELSE unread END + $4::int, "
    "marked_unread = coalesce($5::boolean, marked_unread), updated_at = now() WHERE instance_id = $1 AND jid = $2"
)


async def _key(conn: Any, instance_id: str, ch: ChatChange) -> str:
    """The row the change is for: a LID-only change finds the row that knows that LID; a change that knows
    both moves a row made under the LID alone to the phone JID."""
    if ch.lid is None:
        return ch.jid
    if ch.jid == ch.lid:
        found = await conn.fetchval("SELECT jid FROM chats WHERE instance_id = $1 AND lid = $2 LIMIT 1",
                                    instance_id, ch.lid)
        return str(found) if found is not None else ch.jid
    await conn.execute(
        "UPDATE chats SET jid = $2 WHERE instance_id = $1 AND jid = $3 AND NOT EXISTS "
        "(SELECT 1 FROM chats WHERE instance_id = $1 AND jid = $2)", instance_id, ch.jid, ch.lid)
    return ch.jid


def simple(ch: ChatChange) -> bool:
    """A change written by ``_UPSERT`` alone: it names its row directly (no LID to look up or move)."""
    return ch.lid is None and ch.create and not ch.delete


def _upsert_args(instance_id: str, ch: ChatChange) -> tuple[Any, ...]:
    return (instance_id, ch.jid, ch.name, ch.is_group, ch.unread_add, ch.last_message_ms, ch.archived, ch.pinned,
            ch.muted_until_ms, ch.marked_unread, ch.expiration_s, ch.reset_unread, ch.lid)


async def apply_all(conn: Any, changes: list[tuple[str, ChatChange]]) -> None:
    """Write changes in order (inside the caller's transaction); a run of simple ones is one pipelined round
    trip."""
    start = 0
    while start < len(changes):
        end = start
        while end < len(changes) and simple(changes[end][1]):
            end += 1
        if end > start:
            await conn.executemany(_UPSERT, [_upsert_args(iid, ch) for iid, ch in changes[start:end]])
            start = end
        else:
            await apply(conn, *changes[start])
            start += 1


async def apply(conn: Any, instance_id: str, ch: ChatChange) -> None:
    """Write one change (inside the caller's transaction)."""
    jid = await _key(conn, instance_id, ch)
    if ch.delete:
        await conn.execute("DELETE FROM chats WHERE instance_id = $1 AND jid = $2", instance_id, jid)
    elif not ch.create:
        await conn.execute(_UPDATE, instance_id, jid, ch.reset_unread, ch.unread_add, ch.marked_unread)
    else:
        args = list(_upsert_args(instance_id, ch))
        args[1] = jid  # the row the LID led to
        await conn.execute(_UPSERT, *args)
