"""The sandbox's account rules and state without services: which numbers exist, Brazil's 9th digit, the JSON
round trips, unread counting, privacy defaults, and the new inbound types of ``sandbox/inbound``."""

from __future__ import annotations

import random
import re

import orjson
import pytest

from gateway.core import content as c
from gateway.core.account import PrivacyName, PrivacySettings
from gateway.core.errors import InvalidInput
from gateway.core.phones import STATUS_BROADCAST
from gateway.core.sandbox_spec import build_inbound
from gateway.worker.engines.sandbox import numbers
from gateway.worker.engines.sandbox.account_state import (
    SENT_KEPT,
    UNREAD_KEPT,
    Book,
    ChatState,
    Profile,
    SentMessage,
)


@pytest.mark.parametrize(("given", "whatsapp"), [
    ("5511988887777", "5511988887777"),  # SP mobile with the 9: kept
    ("551188887777", "5511988887777"),  # SP mobile without it: WhatsApp has the 9
    ("5521999998888", "5521999998888"),  # area 21 (Rio): with the 9
    ("5528988887777", "5528988887777"),  # area 28, the last one with the 9
    ("5531999998888", "553199998888"),  # area 31: WhatsApp has it without the 9
    ("553199998888", "553199998888"),
    ("5585987654321", "558587654321"),
    ("551133334444", "551133334444"),  # a landline (starts with 2-5): as given
    ("5531933334444", "553133334444"),  # area 31 mobile with 9: drop it
    ("5531833334444", "5531833334444"),  # 13 digits not starting with 9: not a mobile, as given
    ("14155550123", "14155550123"),  # another country
    ("5505999998888", "5505999998888"),  # no such area code
])
def test_brazils_ninth_digit(given: str, whatsapp: str) -> None:
    assert numbers.whatsapp_phone(given) == whatsapp
    check = numbers.check(given)
    assert check.input_phone == given and check.exists and check.phone == whatsapp


def test_which_numbers_exist_and_what_whatsapp_says_of_them() -> None:
    assert not numbers.exists("5511911110404") and numbers.exists("5511911110403")
    missing = numbers.check("5511911110404")
    assert (missing.exists, missing.phone, missing.lid) == (False, None, None)
    assert not numbers.exists("5531999990404")  # 553199990404 as WhatsApp has it: ends in 404 too
    lid = numbers.lid_of("5511988887777")
    assert re.fullmatch(r"[1-9]\d{14}@lid", lid) and lid == numbers.lid_of("551188887777")  # same account
    assert lid != numbers.lid_of("5511988887778")
    name = numbers.push_name_of("5511988887777")
    assert re.fullmatch(r"\w+ \w+", name) and name == numbers.push_name_of("5511988887777")
    assert numbers.hides_profile("5511988884030") and not numbers.hides_profile("5511988884031")
    url = numbers.picture_url("5511988887777", 0)
    assert url.startswith("https://pps.whatsapp.net/") and url == numbers.picture_url("5511988887777", 0)
    assert url != numbers.picture_url("5511988887777", 1)


def test_the_book_names_pictures_and_hides_what_privacy_hides() -> None:
    book = Book(contacts={"5511988887777": ["Ana", "Lima"]}, notify={"5511977776666": "Bia"},
                pictures={"5511966665555": -1})
    saved = book.contact("5511988887777", detailed=True)
    assert (saved.name, saved.short, saved.notify) == ("Ana Lima", "Ana", numbers.push_name_of("5511988887777"))
    assert saved.about == numbers.DEFAULT_ABOUT and saved.picture_url == numbers.picture_url("5511988887777", 0)
    assert saved.address.lid == numbers.lid_of("5511988887777")
    assert book.contact("5511977776666").notify == "Bia" and book.contact("5511977776666").about is None
    assert book.picture("5511966665555") is None  # removed
    hidden = book.contact("5511988884030", detailed=True)
    assert hidden.about is None and hidden.picture_url is None
    assert book.known() == ["5511977776666", "5511988887777"]


def test_unread_counts_and_read_receipts() -> None:
    chat = ChatState("5511988887777@s.whatsapp.net")
    for i in range(3):
        chat.receive(f"M{i}", 1000 + i)
    assert (chat.unread_count, chat.last_message_ms) == (3, 1002)
    chat.read_one("M1")  # reads it and every earlier one
    assert (chat.unread, chat.unread_count) == (["M2"], 1)
    chat.read_one("UNKNOWN")
    assert chat.unread_count == 1
    chat.marked_unread = True
    assert chat.read_all() == ["M2"] and (chat.unread_count, chat.marked_unread) == (0, False)
    for i in range(UNREAD_KEPT + 5):
        chat.receive(f"N{i}", 2000)
    assert chat.unread_count == UNREAD_KEPT + 5 and len(chat.unread) == UNREAD_KEPT and chat.unread[0] == "N5"
    for i in range(SENT_KEPT + 1):
        chat.remember(SentMessage(f"S{i}", "Text", 3000 + i, "t"))
    assert len(chat.sent) == SENT_KEPT and chat.sent_message("S0") is None and chat.sent_message("S1") is not None


def test_states_round_trip_through_json() -> None:
    chat = ChatState("1@s.whatsapp.net", archived=True, muted_until_ms=-1, labels=["2"], unread=["A"], unread_count=4,
                     sent=[SentMessage("S", "Text", 5, "hi")])
    assert ChatState.from_state(orjson.loads(orjson.dumps(chat.to_state()))) == chat
    profile = Profile(name="Loja", privacy={"last": "contact_blacklist"}, lists={"last": ["5511988887777"]},
                      default_expiration_s=86_400)
    assert Profile.from_state(orjson.loads(orjson.dumps(profile.to_state()))) == profile
    book = Book(contacts={"1": ["A", ""]}, blocked=["2"], subscribed=["3@s.whatsapp.net"])
    assert Book.from_state(orjson.loads(orjson.dumps(book.to_state()))) == book


def test_privacy_defaults_are_whatsapps() -> None:
    profile = Profile()
    assert profile.settings() == PrivacySettings()
    assert profile.sends_read_receipts() and profile.excepted(PrivacyName.ONLINE) == []
    profile.privacy["readreceipts"] = "none"
    assert not profile.sends_read_receipts()


def _inbound(**spec: object) -> c.Content:
    return build_inbound({"from": "5511988887777", **spec}, random.Random(1), 1000).content


def test_inbound_of_types_the_gateway_does_not_parse() -> None:
    assert _inbound(type="unknown") == c.Unsupported("unknownMessage")
    assert _inbound(type="unknown", kind="paymentInviteMessage") == c.Unsupported("paymentInviteMessage")
    with pytest.raises(InvalidInput) as err:
        _inbound(type="unknown", kind="revoke")
    assert err.value.field == "kind"
    waiting = build_inbound({"from": "5511988887777", "type": "ciphertext"}, random.Random(1), 1000)
    assert waiting.waiting and waiting.content == c.Unsupported("ciphertext")
    revoke = build_inbound({"from": "5511988887777", "type": "revoke", "referenceMessageId": "3EB0AA"},
                           random.Random(1), 1000)
    assert revoke.content == c.Unsupported("revoke", {"messageId": "3EB0AA"}) and revoke.quoted_id is None
    with pytest.raises(InvalidInput) as err:
        _inbound(type="revoke")
    assert err.value.field == "referenceMessageId"


def test_inbound_edits_and_statuses() -> None:
    edit = build_inbound({"from": "5511988887777", "message": "fixed", "editMessageId": "3EB0OLD1"},
                         random.Random(1), 1000)
    assert edit.is_edit and edit.edited_id == "3EB0OLD1" and edit.content == c.Text("fixed")
    for bad in ({"type": "location", "latitude": 1, "longitude": 1, "editMessageId": "3EB0OLD1"},
                {"message": "x", "editMessageId": "no!"}):
        with pytest.raises(InvalidInput) as err:
            build_inbound({"from": "5511988887777", **bad}, random.Random(1), 1000)
        assert err.value.field == "editMessageId"
    status = build_inbound({"from": "5511988887777", "message": "my day", "status": True}, random.Random(1), 1000)
    assert status.chat.jid == STATUS_BROADCAST and status.sender.phone == "5511988887777" and not status.is_group
    with pytest.raises(InvalidInput) as err:
        build_inbound({"from": "5511988887777", "type": "audio", "status": True}, random.Random(1), 1000)
    assert err.value.field == "status"


def test_a_chat_state_written_by_hand_is_what_asdict_wrote() -> None:
    from dataclasses import asdict

    from gateway.worker.engines.sandbox.account_state import ChatState, SentMessage

    chat = ChatState("5511988887777@s.whatsapp.net", archived=True, muted_until_ms=-1, labels=["3"],
                     unread=["a", "b"], unread_count=7, sent=[SentMessage("s1", "Text", 5, "oi")], last_message_ms=9)
    assert chat.to_state() == asdict(chat)
    assert ChatState.from_state(chat.to_state()) == chat
