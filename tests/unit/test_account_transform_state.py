"""The pure halves of dispatch's chat and poll state: what an event does to the chats table, how a vote that
came as hashes gets its option names."""

from __future__ import annotations

import hashlib
from typing import Any

from dispatch import polls
from dispatch.chats import ChatChange, change, chat_key
from gateway.core import content as c
from gateway.core.events import (
    Address,
    ChatChanged,
    Envelope,
    GroupNotified,
    MessageReceived,
    MessageSent,
    ReceiptReceived,
    ReceiptStatus,
)

ALICE = Address("5544999999999@s.whatsapp.net", "5544999999999")
GROUP = Address("120363019502650977@g.us")
STATUS = Address("status@broadcast")


HI = c.Text("hi")


def _msg(content: c.Content = HI, **kw: Any) -> MessageReceived:
    base: dict[str, Any] = {"message_id": "M1", "chat": ALICE, "sender": ALICE, "from_me": False,
                            "is_group": False, "timestamp_ms": 100, "content": content, "push_name": "Alice"}
    base.update(kw)
    return MessageReceived(**base)


def _h(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def test_a_new_message_counts_once() -> None:
    assert change(_msg(), new_message=True, at_ms=1) == ChatChange(ALICE.jid, name="Alice", last_message_ms=100,
                                                                    unread_add=1)
    assert change(_msg(), new_message=False, at_ms=1) is None


def test_messages_from_me_and_in_groups() -> None:
    assert change(_msg(from_me=True), new_message=True, at_ms=1) == ChatChange(ALICE.jid, last_message_ms=100)
    group = _msg(chat=GROUP, is_group=True, chat_name="Suporte")
    assert change(group, new_message=True, at_ms=1) == ChatChange(GROUP.jid, is_group=True, name="Suporte",
                                                                   last_message_ms=100, unread_add=1)


def test_what_is_not_a_new_message() -> None:
    for ev in (_msg(c.Reaction("👍", "M0")), _msg(c.PollVote("P", option_hashes=("a",))),
               _msg(c.Unsupported("revoke")), _msg(is_edit=True, edited_id="M0"), _msg(chat=STATUS)):
        assert change(ev, new_message=True, at_ms=1) is None, ev
    for ev in (_msg(c.Unsupported("ciphertext"), waiting=True), _msg(c.Unsupported("eventMessage"))):
        assert change(ev, new_message=True, at_ms=1) is not None


def test_a_message_sent_through_the_api() -> None:
    sent = MessageSent("Z1", "M9", ALICE, message=_msg(from_me=True, message_id="M9", timestamp_ms=0))
    assert change(sent, new_message=True, at_ms=555) == ChatChange(ALICE.jid, last_message_ms=555)
    assert change(MessageSent("Z1", "", ALICE, error="boom"), new_message=False, at_ms=1) is None
    status = MessageSent("Z2", "M8", STATUS, message=_msg(chat=STATUS, from_me=True))
    assert change(status, new_message=True, at_ms=1) is None


def test_read_by_me_and_chat_changes() -> None:
    read = ReceiptReceived(ALICE, ("M1",), ReceiptStatus.READ_BY_ME, 5)
    assert change(read, new_message=False, at_ms=1) == ChatChange(ALICE.jid, reset_unread=True, create=False)
    assert change(ReceiptReceived(ALICE, ("M1",), ReceiptStatus.READ, 5), new_message=False, at_ms=1) is None
    assert change(ChatChanged(ALICE, 1, read=True), new_message=False, at_ms=1) == ChatChange(
        ALICE.jid, reset_unread=True, marked_unread=False, create=False)
    assert change(ChatChanged(ALICE, 1, archived=True, muted_until_ms=-1), new_message=False, at_ms=1) == ChatChange(
        ALICE.jid, archived=True, muted_until_ms=-1)
    assert change(ChatChanged(ALICE, 1, deleted=True, pinned=True), new_message=False, at_ms=1) == ChatChange(
        ALICE.jid, delete=True)


def test_group_names() -> None:
    created = GroupNotified(GROUP, "GROUP_CREATE", 70, "n1", parameters=("Suporte",))
    assert change(created, new_message=False, at_ms=1) == ChatChange(GROUP.jid, is_group=True, name="Suporte",
                                                                      last_message_ms=70)
    renamed = GroupNotified(GROUP, "GROUP_CHANGE_SUBJECT", 80, "n2", parameters=("Novo",), subject="Velho")
    assert change(renamed, new_message=False, at_ms=1) == ChatChange(GROUP.jid, is_group=True, name="Novo")
    assert change(GroupNotified(GROUP, "GROUP_CHANGE_ICON", 80, "n3"), new_message=False, at_ms=1) is None


def test_a_lid_chat_with_a_known_phone_is_keyed_by_phone() -> None:
    assert chat_key(Address("81896604192873@lid", "5544999999999", "81896604192873@lid")) == ALICE.jid
    assert chat_key(Address("81896604192873@lid", None, "81896604192873@lid")) == "81896604192873@lid"
    assert chat_key(GROUP) == GROUP.jid and chat_key(Address("1@newsletter", "1")) == "1@newsletter"
    lid_alice = _msg(chat=Address("81896604192873@lid", "5544999999999", "81896604192873@lid"))
    change_ = change(lid_alice, new_message=True, at_ms=1)
    assert change_ is not None and change_.jid == ALICE.jid


def test_option_names_from_hashes() -> None:
    options = ("Sim", "Não", "Talvez")
    assert polls.option_names((_h("Talvez"), _h("Sim").upper(), "00" * 32), options) == ("Talvez", "Sim")


def _env(ev: Any, iid: str = "I1") -> Envelope:
    return Envelope(instance_id=iid, seq=1, event_id="e", at_ms=1, event=ev)


async def test_votes_named_from_the_batch_then_from_the_lookup() -> None:
    asked: list[list[polls.PollKey]] = []

    async def lookup(keys: list[polls.PollKey]) -> dict[polls.PollKey, tuple[str, ...]]:
        asked.append(keys)
        return {("I1", "P_OLD"): ("A", "B")}

    poll = _env(_msg(c.Poll("Lunch?", ("Yes", "No")), message_id="P_NEW"))
    vote_new = _env(_msg(c.PollVote("P_NEW", option_hashes=(_h("No"),)), message_id="V1"))
    vote_old = _env(_msg(c.PollVote("P_OLD", option_hashes=(_h("B"),)), message_id="V2"))
    vote_lost = _env(_msg(c.PollVote("P_GONE", option_hashes=(_h("B"),)), message_id="V3"))
    named = await polls.name_votes([poll, vote_new, None, vote_old, vote_lost], lookup)
    assert asked == [[("I1", "P_GONE"), ("I1", "P_OLD")]]
    assert named[0] is poll and named[2] is None and named[4] is vote_lost
    votes = [e.event.content for e in (named[1], named[3]) if e is not None and isinstance(e.event, MessageReceived)]
    assert [v.options for v in votes if isinstance(v, c.PollVote)] == [("No",), ("B",)]


async def test_nothing_to_name_asks_nothing() -> None:
    async def lookup(keys: list[polls.PollKey]) -> dict[polls.PollKey, tuple[str, ...]]:
        raise AssertionError("no lookup expected")

    already = _env(_msg(c.PollVote("P", options=("Yes",), option_hashes=(_h("Yes"),))))
    batch = [already, _env(_msg())]
    assert await polls.name_votes(batch, lookup) == batch


def test_a_vote_sent_through_the_api_is_named_too() -> None:
    vote = _msg(c.PollVote("P", option_hashes=(_h("x"),)), from_me=True)
    env = polls.named(_env(MessageSent("Z", "V", ALICE, message=vote)), {("I1", "P"): ("x", "y")})
    assert isinstance(env.event, MessageSent) and env.event.message is not None
    assert env.event.message.content == c.PollVote("P", ("x",), (_h("x"),))
    assert polls.poll_of(MessageSent("Z", "P2", ALICE, message=_msg(c.Poll("Q", ("a",))))) == ("P2", ("a",))
