"""The chats table, messages.sender and poll naming against real Postgres: what dispatch's persist keeps,
what the api reads back (``ChatStore``), and a redelivered batch changing nothing."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from dispatch import polls
from dispatch.records import PersistItem
from dispatch.store import DispatchStore
from gateway.core import content as c
from gateway.core.events import (
    Address,
    ChatChanged,
    EngineEvent,
    Envelope,
    GroupNotified,
    MessageReceived,
    MessageSent,
    ReceiptReceived,
    ReceiptStatus,
    encode,
    event_id_for,
)
from gateway.infra.db.chats import ChatRow, ChatStore
from gateway.infra.db.database import Database
from tests.support.polling import eventually
from tests.support.stack import Stack

IID = "A20DA9C0183A2D35A260F53F5D2B9244"
ALICE = Address("5544999999999@s.whatsapp.net", "5544999999999")
BOB = Address("5544988887777@s.whatsapp.net", "5544988887777")
GROUP = Address("120363019502650977@g.us")
STATUS = Address("status@broadcast")
_seq = itertools.count(1)


HI = c.Text("hi")


def _msg(mid: str, chat: Address = ALICE, content: c.Content = HI, **kw: Any) -> MessageReceived:
    base: dict[str, Any] = {"message_id": mid, "chat": chat, "sender": kw.pop("sender", chat), "from_me": False,
                            "is_group": chat.jid.endswith("@g.us"), "timestamp_ms": 1000, "content": content,
                            "push_name": "Alice"}
    base.update(kw)
    return MessageReceived(**base)


def _items(*events: EngineEvent, suffix: str = "") -> list[PersistItem]:
    out = []
    for ev in events:
        seq = next(_seq)
        env = Envelope(instance_id=IID, seq=seq, event_id=event_id_for(IID, ev, seq, "ep") + suffix, at_ms=2000,
                       event=ev)
        out.append(PersistItem(envelope=env, body=encode(env), partition=0, deliveries=[]))
    return out


async def _chat(db: Database, jid: str) -> ChatRow | None:
    return await ChatStore(db).one(IID, jid)


async def test_messages_make_chats_once_under_redelivery(db: Database) -> None:
    store = DispatchStore(db)
    batch = _items(_msg("A1", timestamp_ms=1000), _msg("A2", timestamp_ms=3000), _msg("A3", timestamp_ms=2000),
                   _msg("A4", from_me=True, timestamp_ms=2500, push_name="Me"),
                   _msg("G1", GROUP, sender=BOB, chat_name="Suporte", push_name="Bob", timestamp_ms=500),
                   _msg("S1", STATUS, sender=BOB, timestamp_ms=4000),
                   _msg("A2", content=c.Image(c.MediaRef(url="https://m/x")), media_attempt=1),  # a follow-up
                   _msg("R1", content=c.Reaction("👍", "A1"), timestamp_ms=9000))
    await store.persist(batch)
    await store.persist(batch)  # JetStream redelivered the whole batch
    alice = ChatRow(ALICE.jid, "Alice", False, 3, 3000, False, False, 0, False, 0)
    assert await _chat(db, ALICE.jid) == alice
    assert await _chat(db, GROUP.jid) == ChatRow(GROUP.jid, "Suporte", True, 1, 500, False, False, 0, False, 0)
    assert await _chat(db, STATUS.jid) is None
    senders = dict(await db.pool.fetch("SELECT message_id, sender FROM messages WHERE instance_id = $1", IID))
    assert senders["G1"] == BOB.jid and senders["A1"] == ALICE.jid

    await store.persist(_items(ReceiptReceived(ALICE, ("A2",), ReceiptStatus.READ_BY_ME, 5000),
                               ReceiptReceived(BOB, ("X",), ReceiptStatus.READ_BY_ME, 5000)))  # unknown: no row
    assert (await _chat(db, ALICE.jid)) == ChatRow(ALICE.jid, "Alice", False, 0, 3000, False, False, 0, False, 0)
    assert await _chat(db, BOB.jid) is None


async def test_a_waiting_message_counts_once_with_its_decrypted_copy(db: Database) -> None:
    store = DispatchStore(db)
    # its own event id (the decrypted copy must not be taken for a redelivery of the placeholder)
    await store.persist(_items(_msg("W1", content=c.Unsupported("ciphertext"), waiting=True), suffix=":waiting"))
    await store.persist(_items(_msg("W1", content=c.Text("now readable"))))
    row = await _chat(db, ALICE.jid)
    assert row is not None and row.unread == 1
    kind = await db.pool.fetchval("SELECT kind FROM messages WHERE instance_id = $1 AND message_id = 'W1'", IID)
    assert kind == "Text"


async def test_one_mixed_batch_keeps_the_order_of_events(db: Database) -> None:
    """Runs of received and of sent messages are written pipelined; the result is what the events say in
    capture order: a repeated id counts once, the decrypted copy of a waiting message in the same batch fixes
    its kind, a receipt after its message updates it, and the chat counts each new message once."""
    store = DispatchStore(db)
    sent = MessageSent("Z1", "S1", ALICE, message=_msg("S1", from_me=True, timestamp_ms=4000))
    again = MessageSent("Z1", "S1", ALICE, message=_msg("S1", from_me=True, timestamp_ms=4000))
    batch = [*_items(_msg("M1", timestamp_ms=1000), _msg("W2", content=c.Unsupported("ciphertext"), waiting=True,
                                                         timestamp_ms=1100), suffix=":a"),
             *_items(_msg("W2", content=c.Text("clear"), timestamp_ms=1100), _msg("M1", timestamp_ms=1000),
                     _msg("M3", BOB, push_name="Bob", timestamp_ms=1200), sent, again,
                     ReceiptReceived(ALICE, ("S1",), ReceiptStatus.READ, 5000),
                     _msg("M4", timestamp_ms=6000), suffix=":b")]
    await store.persist(batch)
    rows = {r["message_id"]: (r["kind"], r["status"]) for r in await db.pool.fetch(
        "SELECT message_id, kind, status FROM messages WHERE instance_id = $1", IID)}
    assert rows == {"M1": ("Text", "RECEIVED"), "W2": ("Text", "RECEIVED"), "M3": ("Text", "RECEIVED"),
                    "S1": ("api", "READ"), "M4": ("Text", "RECEIVED")}
    alice, bob = await _chat(db, ALICE.jid), await _chat(db, BOB.jid)
    assert alice is not None and (alice.unread, alice.last_message_ms) == (3, 6000)  # M1, W2, M4
    assert bob is not None and (bob.unread, bob.name) == (1, "Bob")


async def test_sends_chat_changes_and_group_names(db: Database) -> None:
    store = DispatchStore(db)
    await store.persist(_items(_msg("A1", timestamp_ms=1000), _msg("B1", BOB, push_name="Bob", timestamp_ms=2000),
                               GroupNotified(GROUP, "GROUP_CREATE", 1500, "n1", parameters=("Velho",))))
    sent = MessageSent("Z1", "A9", ALICE, message=_msg("A9", from_me=True, timestamp_ms=4000))
    await store.persist(_items(sent, ChatChanged(BOB, 1, pinned=True, muted_until_ms=-1, marked_unread=True),
                               ChatChanged(ALICE, 1, archived=True, expiration_s=86400),
                               GroupNotified(GROUP, "GROUP_CHANGE_SUBJECT", 1600, "n2", parameters=("Novo",))))
    page = await ChatStore(db).page(IID, 1, 10)
    assert page == [ChatRow(BOB.jid, "Bob", False, 1, 2000, False, True, -1, True, 0),  # pinned first
                    ChatRow(ALICE.jid, "Alice", False, 1, 4000, True, False, 0, False, 86400),
                    ChatRow(GROUP.jid, "Novo", True, 0, 1500, False, False, 0, False, 0)]
    assert [r.jid for r in await ChatStore(db).page(IID, 2, 2)] == [GROUP.jid]
    assert await ChatStore(db).page(IID, 3, 2) == []

    await store.persist(_items(_msg("A10", timestamp_ms=5000), ChatChanged(BOB, 2, read=True)))
    alice, bob = await _chat(db, ALICE.jid), await _chat(db, BOB.jid)
    assert alice is not None and (alice.archived, alice.unread) == (True, 2)  # a new message keeps it archived
    assert bob is not None and (bob.unread, bob.marked_unread, bob.pinned) == (0, False, True)
    await store.persist(_items(ChatChanged(ALICE, 3, cleared=True), ChatChanged(BOB, 3, deleted=True),
                               ChatChanged(Address("5511000000000@s.whatsapp.net"), 3, read=True)))
    alice = await _chat(db, ALICE.jid)
    assert alice is not None and alice.unread == 0
    assert await _chat(db, BOB.jid) is None
    assert [r.jid for r in await ChatStore(db).page(IID, 1, 10)] == [ALICE.jid, GROUP.jid]


async def test_a_chat_known_by_lid_and_by_phone_is_one_row(db: Database) -> None:
    store = DispatchStore(db)
    lid_only = Address("81896604192873@lid", None, "81896604192873@lid")
    both = Address("81896604192873@lid", "5544999999999", "81896604192873@lid")
    await store.persist(_items(_msg("L1", lid_only, timestamp_ms=100)))
    assert [r.jid for r in await ChatStore(db).page(IID, 1, 10)] == [lid_only.jid]  # no phone known yet
    await store.persist(_items(_msg("L2", both, timestamp_ms=200)))
    assert await ChatStore(db).page(IID, 1, 10) == [
        ChatRow(ALICE.jid, "Alice", False, 2, 200, False, False, 0, False, 0)]  # keyed by phone from now on
    await store.persist(_items(ChatChanged(lid_only, 1, pinned=True),
                               ReceiptReceived(lid_only, ("L2",), ReceiptStatus.READ_BY_ME, 300),
                               _msg("L3", lid_only, timestamp_ms=400)))
    assert await ChatStore(db).page(IID, 1, 10) == [
        ChatRow(ALICE.jid, "Alice", False, 1, 400, False, True, 0, False, 0)]


def _h(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


async def test_polls_are_kept_and_name_later_votes(db: Database) -> None:
    store = DispatchStore(db)
    sent_poll = MessageSent("Z1", "P_API", ALICE, message=_msg("P_API", content=c.Poll("Q", ("Sim", "Não")),
                                                                 from_me=True))
    await store.persist(_items(_msg("P_IN", content=c.Poll("Lunch?", ("Yes", "No", "Maybe"))), sent_poll))
    assert await store.poll_options([(IID, "P_IN"), (IID, "P_API"), (IID, "nope")]) == {
        (IID, "P_IN"): ("Yes", "No", "Maybe"), (IID, "P_API"): ("Sim", "Não")}
    votes = [Envelope(IID, 1, "e1", 1, _msg("V1", content=c.PollVote("P_IN", option_hashes=(_h("Maybe"), _h("No"))))),
             Envelope(IID, 2, "e2", 1, _msg("V2", content=c.PollVote("P_API", option_hashes=(_h("Não"),)))),
             Envelope(IID, 3, "e3", 1, _msg("V3", content=c.PollVote("P_??", option_hashes=(_h("No"),))))]
    named = await polls.name_votes(list(votes), store.poll_options)
    contents = [e.event.content for e in named if e is not None and isinstance(e.event, MessageReceived)]
    assert [v.options for v in contents if isinstance(v, c.PollVote)] == [("Maybe", "No"), ("Não",), ()]
    chat = await _chat(db, ALICE.jid)  # a poll is a message; our own poll from the API counts no unread
    assert chat is not None and chat.unread == 1


async def test_a_hashed_vote_reaches_the_partner_with_names(stack: Stack) -> None:
    inst = await stack.paired()
    h = stack.api.client_headers
    r = await stack.api.client.post(stack.api.path(inst, "sandbox/inbound"), headers=h, json={
        "from": "5511988887777", "type": "poll", "question": "Lunch?", "options": ["Yes", "No"]})
    assert r.status_code == 200, r.text
    poll_id = r.json()["messageId"]
    await stack.receiver.wait_for(lambda: any("poll" in x.json for x in stack.receiver.unique()))
    engine = stack.engine(inst)
    voter = Address("5511988887777@s.whatsapp.net", "5511988887777")
    for mid, poll in (("3EB0VOTE01", poll_id), ("3EB0VOTE02", "3EB0UNKNOWN")):
        vote = _msg(mid, voter, c.PollVote(poll, option_hashes=(_h("No"),)), timestamp_ms=1)
        durable = engine.ctx.emit(vote)
        if durable is not None:
            await durable
    await stack.receiver.wait_for(lambda: sum("pollVote" in x.json for x in stack.receiver.unique()) == 2)
    votes = [x.json["pollVote"] for x in stack.receiver.unique() if "pollVote" in x.json]
    assert votes == [{"pollMessageId": poll_id, "options": [{"name": "No"}]},
                     {"pollMessageId": "3EB0UNKNOWN", "options": []}]
    rows = ChatStore(stack.dispatcher.store.db)
    chat = await eventually(lambda: rows.one(inst["id"], "5511988887777@s.whatsapp.net"))
    assert chat.unread == 1 and chat.name is not None  # the poll; votes are not new messages
