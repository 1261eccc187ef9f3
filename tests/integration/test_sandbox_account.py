"""The sandbox engine's account world, driven directly against Postgres: which numbers exist, the contact
book, blocking, chats, profile and privacy, and an account that a new engine (a worker change) finds again."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any

import pytest

from gateway.core import content as c
from gateway.core.account import ChatAction, NewContact, PrivacyName
from gateway.core.commands import Outgoing
from gateway.core.config import Settings
from gateway.core.errors import EngineError, GroupNotFound, InvalidInput, NotFound
from gateway.core.events import ChatChanged, EngineEvent, MessageReceived, PresenceState, ReceiptReceived
from gateway.core.ids import InstanceId, PartnerId
from gateway.core.models import EngineKind
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore
from gateway.infra.db.sandbox_account import SandboxAccountStore
from gateway.infra.db.sandbox_groups import SandboxGroupStore
from gateway.worker.engines.base import EngineContext
from gateway.worker.engines.sandbox import account, numbers
from gateway.worker.engines.sandbox.engine import SandboxEngine

ME = "5511999990000"
ANA, BIA, CAIO, DUDA = "5511911110001", "5511911110002", "5511911110003", "5511911110005"
NOT_ON_WA, HIDDEN = "5511911110404", "5511911114030"
JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 50


def jid(phone: str) -> str:
    return f"{phone}@s.whatsapp.net"


@dataclass
class Rig:
    settings: Settings
    db: Database
    instance_id: str
    events: list[EngineEvent] = field(default_factory=list)

    async def engine(self) -> SandboxEngine:
        """A paired sandbox engine for the instance, as a worker builds it (a new one = a worker change)."""

        def emit(event: EngineEvent) -> Awaitable[None]:
            self.events.append(event)
            stored: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            stored.set_result(None)
            return stored

        engine = SandboxEngine(EngineContext(
            instance_id=self.instance_id, settings=self.settings, emit=emit, device_jid=f"{ME}:1@s.whatsapp.net",
            group_store=SandboxGroupStore(self.db), account_store=SandboxAccountStore(self.db)))
        await engine.connect()
        self.events.clear()
        return engine

    def told(self, kind: type[Any] = object) -> list[Any]:
        """The events of that type emitted since the last call (all of them are forgotten)."""
        out = [e for e in self.events if isinstance(e, kind)]
        self.events.clear()
        return out

    async def receipts(self, message_id: str) -> list[str]:
        for _ in range(20):
            await asyncio.sleep(0)
        return [e.status.value for e in self.events if isinstance(e, ReceiptReceived) and message_id in e.message_ids]


async def open_rig(settings: Settings) -> AsyncIterator[Rig]:
    """An instance in Postgres for a sandbox engine with receipts at once (shared by the account tests)."""
    db = await Database.connect(settings, max_size=2)
    partner = await db.pool.fetchval("SELECT id FROM partners ORDER BY id LIMIT 1")
    instance_id = secrets.token_hex(16).upper()
    await InstanceStore(db).create(instance_id=InstanceId(instance_id), partner_id=PartnerId(partner),
                                   name="account", engine=EngineKind.SANDBOX, token_hash="x", callbacks={},
                                   notify_sent_by_me=False)
    try:
        yield Rig(settings.model_copy(update={"sandbox_receipt_delay_s": 0.0}), db, instance_id)
    finally:
        await db.close()


@pytest.fixture
async def rig(settings: Settings) -> AsyncIterator[Rig]:
    async for r in open_rig(settings):
        yield r


async def test_which_numbers_exist(rig: Rig) -> None:
    engine = await rig.engine()
    checks = await engine.check_phones([ANA, NOT_ON_WA, "5531999998888", "551188887777"])
    assert [(x.input_phone, x.exists, x.phone) for x in checks] == [
        (ANA, True, ANA), (NOT_ON_WA, False, None), ("5531999998888", True, "553199998888"),
        ("551188887777", True, "5511988887777")]
    assert checks[0].lid == numbers.lid_of(ANA) and checks[1].lid is None
    with pytest.raises(NotFound):
        await engine.contact_info(jid(NOT_ON_WA))
    ana = await engine.contact_info(jid(ANA))
    assert ana.notify == numbers.push_name_of(ANA) and ana.about and ana.picture_url
    assert ana.picture_url == await engine.profile_picture(jid(ANA))
    hidden = await engine.contact_info(jid(HIDDEN))
    assert hidden.about is None and hidden.picture_url is None and await engine.profile_picture(jid(HIDDEN)) is None
    assert await engine.profile_picture(jid(NOT_ON_WA)) is None
    with pytest.raises(NotFound):  # a LID the phone never met
        await engine.contact_info(numbers.lid_of(BIA))
    with pytest.raises(InvalidInput):
        await engine.contact_info("120363000000000001@g.us")


async def test_the_contact_book_and_push_names(rig: Rig) -> None:
    engine = await rig.engine()
    await engine.inject_message({"from": ANA, "message": "oi"})
    await engine.inject_message({"from": BIA, "message": "olá", "senderName": "Bia da Loja"})
    [from_ana, from_bia] = rig.told(MessageReceived)
    assert from_ana.push_name == numbers.push_name_of(ANA) and from_bia.push_name == "Bia da Loja"
    assert [(x.address.phone, x.name, x.notify) for x in await engine.list_contacts()] == [
        (ANA, "", numbers.push_name_of(ANA)), (BIA, "", "Bia da Loja")]
    assert (await engine.contact_info(numbers.lid_of(BIA))).address.phone == BIA  # a LID it knows now

    errors = await engine.add_contacts([NewContact(CAIO, "Caio", "Souza"), NewContact(NOT_ON_WA, "Nobody"),
                                        NewContact("551188887777", "Nove")])
    assert errors == [f"{NOT_ON_WA}: not on WhatsApp"]
    renamed = rig.told(ChatChanged)
    assert [(e.chat.jid, e.name) for e in renamed] == [(jid(CAIO), "Caio Souza"), (jid("5511988887777"), "Nove")]
    contacts = {x.address.phone: x for x in await engine.list_contacts()}
    assert list(contacts) == [ANA, BIA, CAIO, "5511988887777"] and contacts[CAIO].short == "Caio"
    assert await engine.remove_contacts([CAIO, DUDA, NOT_ON_WA]) == [f"{NOT_ON_WA}: not on WhatsApp"]
    assert [(e.chat.jid, e.name) for e in rig.told(ChatChanged)] == [(jid(CAIO), numbers.push_name_of(CAIO))]
    assert CAIO not in {x.address.phone for x in await engine.list_contacts()}


async def test_blocked_numbers_neither_write_nor_get_messages(rig: Rig) -> None:
    engine = await rig.engine()
    await engine.set_blocked(jid(ANA), True)
    await engine.set_blocked(jid(ANA), True)  # idempotent
    assert await engine.blocked_contacts() == [ANA]
    with pytest.raises(NotFound):
        await engine.set_blocked(jid(NOT_ON_WA), True)
    for inject in (engine.inject_message({"from": ANA, "message": "hi"}),
                   engine.inject_presence({"from": ANA, "status": "COMPOSING"}),
                   engine.inject_call({"from": ANA})):
        with pytest.raises(InvalidInput) as err:
            await inject
        assert err.value.field == "from" and "blocked" in err.value.message
    await engine.inject_message({"from": ANA, "message": "in a group", "group": "120363000000000001-group"})
    assert len(rig.told(MessageReceived)) == 1  # WhatsApp still delivers group messages
    with pytest.raises(EngineError) as refused:
        await engine.send(Outgoing(to=jid(ANA), content=c.Text("hello"), zaap_id="Z1"))
    assert not refused.value.transient and "blocked" in refused.value.message
    await engine.set_blocked(jid(ANA), False)
    assert await engine.blocked_contacts() == []
    sent = await engine.send(Outgoing(to=jid(ANA), content=c.Text("hello"), zaap_id="Z2"))
    assert await rig.receipts(sent) == ["SENT", "RECEIVED", "READ"]
    await engine.report_contact(jid(BIA))
    assert [r["phone"] for r in engine.phone_records()["reports"]] == [BIA]
    nowhere = await engine.send(Outgoing(to=jid(NOT_ON_WA), content=c.Text("?"), zaap_id="Z3"))
    assert await rig.receipts(nowhere) == ["SENT"]  # never delivered


async def test_chats_unread_counts_and_modify_chat(rig: Rig) -> None:
    engine = await rig.engine()
    ids = [await engine.inject_message({"from": ANA, "message": str(i)}) for i in range(3)]
    await engine.inject_message({"from": ANA, "type": "reaction", "emoji": "👍", "referencedMessageId": ids[0]})
    await engine.inject_message({"from": ANA, "message": "again", "messageId": ids[2]})  # a retried inject
    assert _chat(engine, ANA)["unread"] == 3
    await engine.mark_read(jid(ANA), ids[1], None)
    assert _chat(engine, ANA)["unread"] == 1 and engine.phone_records()["reads"][-1]["messageIds"] == [ids[1]]
    rig.told()
    await engine.modify_chat(jid(ANA), ChatAction.READ)
    [read] = rig.told(ChatChanged)
    assert (read.read, read.marked_unread, read.chat.jid) == (True, False, jid(ANA))
    assert _chat(engine, ANA)["unread"] == 0 and engine.phone_records()["reads"][-1]["messageIds"] == [ids[2]]

    await engine.modify_chat(jid(ANA), ChatAction.UNREAD)
    await engine.modify_chat(jid(ANA), ChatAction.PIN)
    await engine.modify_chat(jid(ANA), ChatAction.ARCHIVE)  # unpins
    await engine.modify_chat(jid(ANA), ChatAction.MUTE)
    told = [(e.marked_unread, e.pinned, e.archived, e.muted_until_ms) for e in rig.told(ChatChanged)]
    assert told == [(True, None, None, None), (None, True, None, None), (None, False, True, None),
                    (None, None, None, -1)]
    assert {k: _chat(engine, ANA)[k] for k in ("markedUnread", "pinned", "archived", "mutedUntil")} == {
        "markedUnread": True, "pinned": False, "archived": True, "mutedUntil": -1}
    await engine.modify_chat(jid(ANA), ChatAction.PIN)  # unarchives
    [pinned] = rig.told(ChatChanged)
    assert (pinned.pinned, pinned.archived) == (True, False)
    for phone in (BIA, CAIO):
        await engine.modify_chat(jid(phone), ChatAction.PIN)
    with pytest.raises(EngineError) as err:
        await engine.modify_chat(jid(DUDA), ChatAction.PIN)
    assert not err.value.transient and "3 chats" in err.value.message
    with pytest.raises(GroupNotFound):
        await engine.modify_chat("120363000000000009@g.us", ChatAction.ARCHIVE)
    with pytest.raises(NotFound):
        await engine.modify_chat(jid(NOT_ON_WA), ChatAction.ARCHIVE)
    rig.told()
    await engine.modify_chat(jid(ANA), ChatAction.CLEAR)
    await engine.modify_chat(jid(BIA), ChatAction.DELETE)
    [cleared, deleted] = rig.told(ChatChanged)
    assert (cleared.cleared, cleared.read, deleted.deleted, deleted.chat.jid) == (True, True, True, jid(BIA))
    assert {ch["jid"] for ch in engine.phone_records()["chats"]} == {jid(ANA), jid(CAIO)}


async def test_disappearing_timers(rig: Rig) -> None:
    engine = await rig.engine()
    with pytest.raises(InvalidInput) as err:
        await engine.set_chat_expiration(jid(ANA), 3600)
    assert err.value.field == "chatExpiration"
    await engine.set_chat_expiration(jid(ANA), 86_400)
    [timer] = rig.told(ChatChanged)
    assert (timer.chat.jid, timer.expiration_s) == (jid(ANA), 86_400)
    await engine.set_default_expiration(604_800)
    assert (await engine.privacy_settings()).messages_duration_s == 604_800
    await engine.inject_message({"from": ANA, "message": "a"})
    await engine.inject_message({"from": BIA, "message": "b"})  # a new chat: the default timer
    assert [m.ephemeral_s for m in rig.told(MessageReceived)] == [86_400, 604_800]
    group = (await engine.create_group("Timers", [ANA])).group.jid
    await engine.set_chat_expiration(group, 7_776_000)
    assert [e.expiration_s for e in rig.told(ChatChanged)] == [7_776_000]


async def test_profile_and_privacy(rig: Rig) -> None:
    engine = await rig.engine()
    for call, value in ((engine.set_profile_name, "x" * 26), (engine.set_profile_name, " "),
                        (engine.set_profile_about, "y" * 140)):
        with pytest.raises(InvalidInput):
            await call(value)
    await engine.set_profile_name("Loja Centro")
    await engine.set_profile_about("Atendimento 9h-18h")
    assert await engine.profile_picture(jid(ME)) is None
    with pytest.raises(InvalidInput):
        await engine.set_profile_photo(b"\x89PNG")
    await engine.set_profile_photo(JPEG)
    assert (await engine.profile_picture(jid(ME)) or "").startswith("https://")
    profile = engine.phone_records()["profile"]
    assert (profile["name"], profile["about"], profile["photo"]["size"]) == ("Loja Centro", "Atendimento 9h-18h",
                                                                            len(JPEG))
    with pytest.raises(InvalidInput) as err:
        await engine.set_privacy(PrivacyName.ONLINE, "contacts", [], [])
    assert err.value.field == "value"
    for setting, value in ((PrivacyName.LAST_SEEN, "contacts"), (PrivacyName.ONLINE, "all")):
        with pytest.raises(InvalidInput) as err:
            await engine.set_privacy(setting, value, [ANA], [])
        assert err.value.field == "contactsBlacklist"
    with pytest.raises(InvalidInput):
        await engine.set_privacy(PrivacyName.PHOTO, "contact_blacklist", [NOT_ON_WA], [])
    await engine.set_privacy(PrivacyName.PHOTO, "contact_blacklist", [ANA, BIA, ANA], [])
    await engine.set_privacy(PrivacyName.PHOTO, "contact_blacklist", [CAIO], [BIA])
    await engine.set_privacy(PrivacyName.ONLINE, "match_last_seen", [], [])
    assert await engine.disallowed_contacts(PrivacyName.PHOTO) == [ANA, CAIO]
    with pytest.raises(InvalidInput) as err:
        await engine.disallowed_contacts(PrivacyName.READ_RECEIPTS)
    assert err.value.field == "type"
    settings = await engine.privacy_settings()
    assert (settings.photo, settings.online, settings.last_seen) == ("contact_blacklist", "match_last_seen", "all")
    await engine.set_privacy(PrivacyName.READ_RECEIPTS, "none", [], [])
    quiet = await engine.send(Outgoing(to=jid(ANA), content=c.Text("no blue ticks"), zaap_id="Z1"))
    assert await rig.receipts(quiet) == ["SENT", "RECEIVED"]  # receipts go both ways


async def test_the_account_survives_a_worker_change(rig: Rig) -> None:
    engine = await rig.engine()
    await engine.inject_message({"from": ANA, "message": "oi", "senderName": "Aninha"})
    await engine.add_contacts([NewContact(BIA, "Bia")])
    await engine.set_blocked(jid(CAIO), True)
    await engine.modify_chat(jid(ANA), ChatAction.ARCHIVE)
    await engine.set_privacy(PrivacyName.LAST_SEEN, "contact_blacklist", [DUDA], [])
    await engine.set_profile_name("Loja")
    await engine.subscribe_presence(jid(ANA))
    await engine.send_chat_presence(jid(ANA), PresenceState.COMPOSING)
    sent = await engine.send(Outgoing(to=jid(ANA), content=c.Text("first"), zaap_id="Z1"))
    before = engine.phone_records()
    await engine.close()

    again = await rig.engine()
    assert again.phone_records() == before
    assert await again.blocked_contacts() == [CAIO] and await again.disallowed_contacts(PrivacyName.LAST_SEEN) == [DUDA]
    assert [(x.address.phone, x.notify, x.name) for x in await again.list_contacts()] == [
        (ANA, "Aninha", ""), (BIA, numbers.push_name_of(BIA), "Bia")]
    assert before["presenceSubscriptions"] == [jid(ANA)] and before["presences"][0]["state"] == "COMPOSING"
    edit = await again.send(Outgoing(to=jid(ANA), content=c.Text("first!"), edit_id=sent, zaap_id="Z2"))
    assert again.phone_records()["edits"][-1]["editedId"] == sent and edit != sent
    await again.close()  # a send's changes are stored behind it (commit_soon); a hand-over stores them
    rows = await rig.db.pool.fetch("SELECT part FROM sandbox_account WHERE instance_id = $1 ORDER BY part",
                                   rig.instance_id)
    assert {r["part"] for r in rows} >= {"book", "profile", f"chat:{jid(ANA)}", "records:edits"}


def _chat(engine: SandboxEngine, phone: str) -> dict[str, Any]:
    return next(ch for ch in engine.phone_records()["chats"] if ch["jid"] == jid(phone))


async def test_inbound_chat_changes_are_stored_soon_and_on_close(rig: Rig) -> None:
    """An inbound message's unread count is kept at once in memory and stored within WRITE_BEHIND_S, many
    messages in one write; closing the engine (a hand-over) stores what waits without waiting."""
    engine = await rig.engine()
    writes = {"n": 0}
    store = engine.account.store
    assert store is not None
    real_save = store.save_account

    async def counting(instance_id: str, parts: dict[str, Any]) -> None:
        writes["n"] += 1
        await real_save(instance_id, parts)

    store.save_account = counting  # type: ignore[method-assign]

    async def stored_unread() -> int | None:
        count = await rig.db.pool.fetchval("SELECT (state->>'unread_count')::int FROM sandbox_account "
                                           "WHERE instance_id = $1 AND part = $2", rig.instance_id, f"chat:{jid(ANA)}")
        return None if count is None else int(count)

    await asyncio.gather(*(engine.inject_message({"from": ANA, "message": str(i)}) for i in range(20)))
    assert _chat(engine, ANA)["unread"] == 20  # the phone answers from memory at once
    await asyncio.sleep(account.WRITE_BEHIND_S * 4)
    assert await stored_unread() == 20 and writes["n"] <= 3  # coalesced: not one write per message
    await engine.inject_message({"from": ANA, "message": "last"})
    await engine.close()  # no wait: the hand-over stores it
    assert await stored_unread() == 21
    again = await rig.engine()
    assert _chat(again, ANA)["unread"] == 21
