"""The sandbox phone's account world: profile, privacy, address book, chats and records, kept in Postgres.

A change runs inside ``change()`` (one at a time, on a loaded world): it checks first, then changes the
world in memory, ``commit``s the parts it touched (one store call, atomic) and only then emits its events,
each awaited until durable (``emit`` is the engine's durable path). A commit that fails leaves the world
unloaded: the next change reads it again from the store, so memory never runs ahead of Postgres.
The rules of the numbers are in ``numbers``; the state in ``account_state``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from gateway.core.errors import EngineError, InvalidInput, NotConnected, NotFound
from gateway.core.events import EngineEvent
from gateway.worker.engines.base import AccountStateStore
from gateway.worker.engines.sandbox import numbers
from gateway.worker.engines.sandbox.account_state import (
    BOOK,
    PROFILE,
    RECORD_KINDS,
    RECORDS_KEPT,
    Book,
    ChatState,
    Profile,
    chat_view,
    records_part,
)

log = logging.getLogger(__name__)
WRITE_BEHIND_S = 0.05  # how long a message's chat changes may wait to be stored (``commit_soon``)


class AccountWorld:
    """One instance's simulated account. ``me()`` is the phone's number (None: unpaired)."""

    def __init__(self, instance_id: str, store: AccountStateStore | None, *,
                 emit: Callable[[EngineEvent], Awaitable[None]], clock: Callable[[], int],
                 me: Callable[[], str | None]) -> None:
        self.instance_id = instance_id
        self.store = store
        self.emit = emit
        self.clock = clock
        self.me = me
        self.profile = Profile()
        self.book = Book()
        # numbers whose picture this session learnt (asked with ``profile-picture``, or told of a change), as the
        # neonize engine's cache: only those fill ``senderPhoto``; a new owner starts with none
        self.pictures_seen: set[str] = set()
        self.chats: dict[str, ChatState] = {}
        self.records: dict[str, list[dict[str, Any]]] = {kind: [] for kind in RECORD_KINDS}
        self.loaded = False
        self._lock = asyncio.Lock()
        self._dirty: dict[str, dict[str, Any] | None] = {}
        self._pending: dict[str, dict[str, Any] | None] = {}  # committed "soon": stored within WRITE_BEHIND_S
        self._flusher: asyncio.Task[None] | None = None
        self._last_ms = 0

    def __repr__(self) -> str:
        return f"<AccountWorld {self.instance_id} chats={len(self.chats)} contacts={len(self.book.contacts)}>"

    # plumbing --------------------------------------------------------------------------------------
    async def load(self) -> None:
        async with self._lock:
            await self._load()

    async def _load(self) -> None:
        if self.loaded:
            return
        parts = await self.store.load_account(self.instance_id) if self.store is not None else {}
        self.profile = Profile.from_state(parts[PROFILE]) if PROFILE in parts else Profile()
        self.book = Book.from_state(parts[BOOK]) if BOOK in parts else Book()
        self.chats = {}
        self.records = {kind: [] for kind in RECORD_KINDS}
        for name, state in parts.items():
            if name.startswith("chat:"):
                chat = ChatState.from_state(state)
                self.chats[chat.jid] = chat
            elif name.startswith("records:") and name[8:] in self.records:
                self.records[name[8:]] = list(state.get("items", []))
        self.loaded = True

    @contextlib.asynccontextmanager
    async def change(self) -> AsyncIterator[None]:
        """One change at a time, on a loaded world. A change that fails half-way is undone by reading the
        world again from the store (changes check before they change, so this is rare)."""
        async with self._lock:
            await self._load()
            self._dirty = {}
            try:
                yield
            except Exception:
                if self.store is not None and self.loaded:
                    await self._flush_pending()  # earlier changes stand; only this one is undone
                    self.loaded = False
                    with contextlib.suppress(Exception):
                        await self._load()
                raise
            except BaseException:  # cancelled: read it again next time
                self.loaded = self.loaded and self.store is None
                raise
            finally:
                self._dirty = {}

    def now_ms(self) -> int:
        """Strictly increasing, so two equal changes never share a notification id."""
        self._last_ms = max(self.clock(), self._last_ms + 1)
        return self._last_ms

    def touch(self, *parts: str) -> None:
        """Mark parts changed (``profile``, ``book``, ``chat:<jid>``, ``records:<kind>``) for ``commit``."""
        for part in parts:
            if part == PROFILE:
                self._dirty[part] = self.profile.to_state()
            elif part == BOOK:
                self._dirty[part] = self.book.to_state()
            elif part.startswith("chat:"):
                chat = self.chats.get(part[5:])
                self._dirty[part] = chat.to_state() if chat is not None else None
            else:
                self._dirty[part] = {"items": self.records[part[8:]]}

    async def commit(self) -> None:
        """Store what ``touch`` marked (in one step, with what waits to be stored); on failure the world is
        read again next time."""
        dirty, self._dirty = {**self._pending, **self._dirty}, {}
        self._pending = {}
        if self.store is None or not dirty:
            return
        try:
            await self.store.save_account(self.instance_id, dirty)
        except Exception as exc:
            self.loaded = False
            log.warning("sandbox account state not stored: %s", exc, extra={"instance_id": self.instance_id})
            raise EngineError("sandbox: the phone's state could not be stored; retry") from exc

    async def commit_soon(self) -> None:
        """Store what ``touch`` marked within ``WRITE_BEHIND_S``, coalesced with the changes that follow: the
        chats of inbound and sent messages (unread counts, push names, last messages), one write per chat per
        window instead of one per message. The world answers from memory at once; a crash of the worker loses
        at most that window (a hand-over stores it first: ``flush``)."""
        dirty, self._dirty = self._dirty, {}
        if self.store is None or not dirty:
            return
        self._pending.update(dirty)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_later(), name=f"sandbox-flush-{self.instance_id}")

    async def flush(self) -> None:
        """Store what waits to be stored now (the engine stops)."""
        async with self._lock:
            await self._flush_pending()

    async def _flush_later(self) -> None:
        await asyncio.sleep(WRITE_BEHIND_S)
        async with self._lock:
            await self._flush_pending()

    async def _flush_pending(self) -> None:
        pending, self._pending = self._pending, {}
        if self.store is None or not pending:
            return
        try:
            await self.store.save_account(self.instance_id, pending)
        except Exception as exc:  # read the world again next time: what was pending is lost, and said so
            self.loaded = False
            log.warning("sandbox account state not stored (%d parts lost): %s", len(pending), exc,
                        extra={"instance_id": self.instance_id})

    def record(self, kind: str, **fields: Any) -> None:
        """Keep a record of something that left the phone (the caller commits)."""
        fields.setdefault("at", self.now_ms())
        self.records[kind] = [*self.records[kind], fields][-RECORDS_KEPT:]
        self.touch(records_part(kind))

    # reading ---------------------------------------------------------------------------------------
    def phone(self) -> str:
        phone = self.me()
        if phone is None:
            raise NotConnected("the instance is not connected")
        return phone

    def chat(self, jid: str) -> ChatState:
        """The chat (a new one starts with the default disappearing timer)."""
        found = self.chats.get(jid)
        if found is None:
            found = self.chats[jid] = ChatState(jid, expiration_s=self.profile.default_expiration_s)
        return found

    def phone_of(self, jid: str, field: str = "phone", *, must_exist: bool = True) -> str:
        """The number a contact JID names, as WhatsApp has it (a LID: only one the phone knows)."""
        user, _, server = jid.partition("@")
        if server == "lid":
            known = {*self.book.known(), *self.book.blocked, *(c.split("@")[0] for c in self.chats)}
            phone = next((p for p in known if user.isdigit() and numbers.lid_of(p) == jid), None)
            if phone is None:
                raise NotFound(f"the phone knows no contact with the LID {jid}")
        elif server in ("s.whatsapp.net", "") and user.isdigit():
            phone = numbers.whatsapp_phone(user)
        else:
            raise InvalidInput("must be a contact's phone or LID", field=field)
        if must_exist and not numbers.exists(phone):
            raise NotFound(f"{phone} is not on WhatsApp")
        return phone

    def is_blocked(self, phone: str) -> bool:
        return numbers.whatsapp_phone(phone) in self.book.blocked

    def view(self) -> dict[str, Any]:
        """What ``sandbox/phone`` shows (plain JSON)."""
        if not self.loaded:
            raise NotConnected("the sandbox phone's account is not loaded yet; retry")
        p, b = self.profile, self.book
        return {
            "profile": {"name": p.name, "about": p.about, "photo": {"sha256": p.photo_sha256, "size": p.photo_size}
                        if p.photo_sha256 else None},
            "privacy": _privacy_view(p),
            "contacts": [{"phone": phone, "firstName": first, "lastName": last}
                         for phone, (first, last, *_) in sorted(b.contacts.items())],
            "pushNames": dict(sorted(b.notify.items())),
            "blocked": list(b.blocked),
            "presenceSubscriptions": list(b.subscribed),
            "chats": [chat_view(c) for c in sorted(self.chats.values(), key=lambda c: c.jid)],
            **{kind: list(items) for kind, items in self.records.items()},
        }


def _privacy_view(p: Profile) -> dict[str, Any]:
    s = p.settings()
    return {"lastSeen": s.last_seen, "photo": s.photo, "description": s.description, "groupAdd": s.group_add,
            "online": s.online, "readReceipts": s.read_receipts, "messagesDurationSeconds": s.messages_duration_s,
            "disallowed": {k: list(v) for k, v in sorted(p.lists.items())}}
