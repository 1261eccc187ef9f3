"""The sandbox phone's WhatsApp Business world: its labels, chat notes and company profile, with WhatsApp's rules.

A change runs inside ``change()`` (one at a time, on a loaded world): it checks first, then stores the part it
changed (``EngineContext.business_store``, Postgres in a worker) and only then swaps it in, so memory never
runs ahead of Postgres. Which chats carry a label is the account world's (``ChatState.labels``): the calls
(``business_calls``) change both, this world first.

Rules, as WhatsApp Business applies them:
- at most ``MAX_TAGS`` labels; two labels never share a name (any case): 409;
- a new label gets the next id (ids are never reused) and, without a color, the first color no label uses;
- one note per chat, on a contact's chat (not a group's); writing it again updates it (same id, new
  ``lastUpdateAt``); an empty note removes it;
- the company profile's parts change one at a time; categories are resolved against ``CATEGORIES`` by id or
  label (an unknown one: 400 naming it).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable

from gateway.core.business import MAX_TAGS, Category, ChatNote, ProfileChange, ProfileField, Tag
from gateway.core.errors import EngineError, InvalidInput, TagNotFound
from gateway.core.events import from_plain, to_plain
from gateway.worker.engines.business import BusinessStateStore
from gateway.worker.engines.sandbox.business_state import (
    LABELS,
    PROFILE,
    Labels,
    find_category,
    new_note,
    note_part,
    own_profile,
    profile_state,
)


class BusinessWorld:
    """One instance's simulated business account (whatever the phone: the calls check it is a business)."""

    def __init__(self, instance_id: str, store: BusinessStateStore | None, *, clock: Callable[[], int]) -> None:
        self.instance_id = instance_id
        self.store = store
        self.clock = clock
        self.labels = Labels.predefined()
        self.profile = own_profile(None)
        self.notes: dict[str, ChatNote] = {}
        self.loaded = False
        self._lock = asyncio.Lock()
        self._last_ms = 0

    def __repr__(self) -> str:
        return f"<BusinessWorld {self.instance_id} labels={len(self.labels.items)} notes={len(self.notes)}>"

    # plumbing --------------------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def change(self) -> AsyncIterator[None]:
        async with self._lock:
            if not self.loaded:
                await self._load()
            yield

    async def _load(self) -> None:
        parts = await self.store.load_business(self.instance_id) if self.store is not None else {}
        self.labels = Labels.from_state(parts[LABELS]) if LABELS in parts else Labels.predefined()
        self.profile = own_profile(parts.get(PROFILE))
        self.notes = {name[5:]: from_plain(ChatNote, state) for name, state in parts.items()
                      if name.startswith("note:")}
        self.loaded = True

    async def _store(self, part: str, state: dict[str, object] | None) -> None:
        if self.store is None:
            return
        try:
            await self.store.save_business(self.instance_id, part, state)
        except Exception as exc:
            self.loaded = False  # read it again next time
            raise EngineError("sandbox: the phone's business state could not be stored; retry") from exc

    def now_ms(self) -> int:
        self._last_ms = max(self.clock(), self._last_ms + 1)
        return self._last_ms

    # labels (the caller holds ``change()``) --------------------------------------------------------
    def tag(self, tag_id: str) -> Tag:
        item = self.labels.find(tag_id)
        if item is None:
            raise TagNotFound(f"the account has no label {tag_id}")
        return Tag(id=item[0], name=item[1], color=int(item[2]))

    async def create_tag(self, name: str, color: int | None) -> Tag:
        if len(self.labels.items) >= MAX_TAGS:
            raise EngineError(f"WhatsApp Business keeps at most {MAX_TAGS} labels: delete one first",
                              transient=False)
        if self.labels.named(name):
            raise EngineError(f"a label named {name!r} already exists", transient=False)
        labels = Labels.from_state(self.labels.to_state())
        tag = Tag(id=str(labels.next_id), name=name, color=labels.free_color() if color is None else color)
        labels.items.append([tag.id, tag.name, tag.color])
        labels.next_id += 1
        await self._commit_labels(labels)
        return tag

    async def edit_tag(self, tag_id: str, name: str | None, color: int | None) -> None:
        old = self.tag(tag_id)
        if name is not None and self.labels.named(name, but=tag_id):
            raise EngineError(f"a label named {name!r} already exists", transient=False)
        labels = Labels.from_state(self.labels.to_state())
        item = labels.find(tag_id)
        assert item is not None
        item[1], item[2] = name if name is not None else old.name, color if color is not None else old.color
        await self._commit_labels(labels)

    async def delete_tag(self, tag_id: str) -> None:
        self.tag(tag_id)
        labels = Labels.from_state(self.labels.to_state())
        labels.items = [item for item in labels.items if item[0] != tag_id]
        await self._commit_labels(labels)

    async def _commit_labels(self, labels: Labels) -> None:
        await self._store(LABELS, labels.to_state())
        self.labels = labels

    # notes -----------------------------------------------------------------------------------------
    async def write_note(self, jid: str, content: str) -> ChatNote | None:
        old = self.notes.get(jid)
        if not content:
            if old is not None:
                await self._store(note_part(jid), None)
                del self.notes[jid]
            return None
        at = self.now_ms()
        note = new_note(self.instance_id, jid, content, at) if old is None else dataclasses.replace(
            old, content=content, updated_ms=at)
        await self._store(note_part(jid), to_plain(note))
        self.notes[jid] = note
        return note

    # profile ---------------------------------------------------------------------------------------
    async def change_profile(self, change: ProfileChange) -> None:
        p = self.profile
        if change.field is ProfileField.DESCRIPTION:
            p = dataclasses.replace(p, description=change.text)
        elif change.field is ProfileField.EMAIL:
            p = dataclasses.replace(p, email=change.text)
        elif change.field is ProfileField.ADDRESS:
            p = dataclasses.replace(p, address=change.text)
        elif change.field is ProfileField.WEBSITES:
            p = dataclasses.replace(p, websites=change.websites)
        elif change.field is ProfileField.HOURS:
            p = dataclasses.replace(p, hours=change.hours)
        else:
            p = dataclasses.replace(p, categories=self._categories(change.categories))
        await self._store(PROFILE, profile_state(p))
        self.profile = p

    @staticmethod
    def _categories(refs: tuple[str, ...]) -> tuple[Category, ...]:
        found: list[Category] = []
        for i, ref in enumerate(refs):
            category = find_category(ref)
            if category is None:
                raise InvalidInput("is no category WhatsApp offers: use an id or label from "
                                   "business/available-categories", field=f"categories.{i}")
            if category not in found:
                found.append(category)
        return tuple(found)
