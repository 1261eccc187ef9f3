"""Contacts, chats, profile, privacy and calls on the neonize engine: the exact neonize calls each engine method
makes (client methods replaced by recorders, or neonize's own Python layer over a fake Go library) and the
translation of hand-built answers."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from neonize import exc as nexc
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waVnameCert.WAWebProtobufsVnameCert_pb2 import VerifiedNameCertificate
from neonize.utils.enum import BlocklistAction

from gateway.core.account import ChatAction, ContactInfo, NewContact, PhoneCheck, PrivacyName, PrivacySettings
from gateway.core.errors import EngineError, NotConnected, NotFound, Unsupported
from gateway.core.events import Address, ChatChanged
from gateway.worker.engines.neonize.account_calls import AccountCalls, brazil_other_form
from gateway.worker.engines.neonize.engine import NeonizeEngine
from tests.support.neonize import ALICE, GROUP, jid
from tests.support.neonize_engine import offline_engine

Calls = list[tuple[str, tuple[Any, ...]]]
LID = "81896604192873"
PN = "s.whatsapp.net"


@pytest.fixture
async def engine() -> AsyncIterator[NeonizeEngine]:
    seen: list[Any] = []
    eng = offline_engine("NZACC", emit=seen.append)
    eng.emitted = seen  # type: ignore[attr-defined]
    yield eng


def record(target: Any, method: str, result: Any = None, calls: Calls | None = None) -> Calls:
    """Replace one neonize method by a recorder (the FFI is never reached); a list result answers call by call."""
    seen: Calls = calls if calls is not None else []
    answers = list(result) if isinstance(result, tuple) else None

    def fake(*args: Any) -> Any:
        seen.append((method, args))
        out = answers.pop(0) if answers is not None else result
        if isinstance(out, BaseException):
            raise out
        return out

    setattr(target, method, fake)
    return seen


def on_wa(number: str, user: str | None = None) -> Any:
    """An ``IsOnWhatsAppResponse`` for ``+number`` (``user``: the JID WhatsApp has; None: not on WhatsApp)."""
    return N.IsOnWhatsAppResponse(Query=f"+{number}", JID=jid(user or number), IsIn=user is not None)


# --- phones --------------------------------------------------------------------------------------------

def test_brazilian_ninth_digit_forms() -> None:
    assert brazil_other_form("5511988887777") == "551188887777"
    assert brazil_other_form("551188887777") == "5511988887777"
    assert brazil_other_form("551133334444") is None  # a landline has no 9th digit
    assert brazil_other_form("5511933334444") is None  # 9 then a landline digit: not a mobile with the 9th digit
    assert brazil_other_form("15551234567") is None


async def test_phones_checked_in_chunks_with_a_plus(engine: NeonizeEngine) -> None:
    phones = [f"5521{n:09d}" for n in range(120)]
    answers = tuple([on_wa(p, p if i % 2 == 0 else None) for i, p in enumerate(phones[s:s + 50])]
                    for s in (0, 50, 100))
    calls = record(engine.client, "is_on_whatsapp", answers)
    record(engine.client, "get_lid_from_pn", N.JID(User="", Server="", RawAgent=0, Device=0, Integrator=0), calls)
    checks = await engine.check_phones(phones)
    asked = [args for method, args in calls if method == "is_on_whatsapp"]
    assert [len(a) for a in asked] == [50, 50, 20]
    assert asked[0][0] == f"+{phones[0]}" and asked[2][-1] == f"+{phones[-1]}"
    assert checks[0] == PhoneCheck(input_phone=phones[0], exists=True, phone=phones[0])
    assert checks[1] == PhoneCheck(input_phone=phones[1], exists=False)
    assert len(checks) == 120 and sum(c.exists for c in checks) == 60


async def test_brazilian_numbers_asked_in_the_other_form_and_lids(engine: NeonizeEngine) -> None:
    with_9, without_9, landline = "5521988887777", "552177776666", "552133334444"
    calls = record(engine.client, "is_on_whatsapp", (
        [on_wa(with_9), on_wa(without_9), on_wa(landline), on_wa(ALICE, ALICE)],
        [on_wa("552188887777", "552188887777"), on_wa("5521977776666")]))
    record(engine.client, "get_lid_from_pn", (jid(LID, "lid"), N.JID(User="", Server="", RawAgent=0, Device=0,
                                                                        Integrator=0)), calls)
    checks = await engine.check_phones([with_9, without_9, landline, f"+{ALICE}", "abc"])
    assert [c for m, c in calls if m == "is_on_whatsapp"] == [
        (f"+{with_9}", f"+{without_9}", f"+{landline}", f"+{ALICE}"), ("+552188887777", "+5521977776666")]
    assert [c[0] for m, c in calls if m == "get_lid_from_pn"] == [jid(ALICE), jid("552188887777")]
    assert checks == [PhoneCheck(with_9, True, "552188887777"), PhoneCheck(without_9, False),
                      PhoneCheck(landline, False), PhoneCheck(f"+{ALICE}", True, ALICE, f"{LID}@lid"),
                      PhoneCheck("abc", False)]


# --- contacts ------------------------------------------------------------------------------------------

def _user_info(user: str, status: str = "Hey there", vname: str = "") -> Any:
    info = N.UserInfo(Status=status, PictureID="123", Devices=[jid(user), jid(user, device=3)])
    if vname:
        info.VerifiedName.CopyFrom(N.VerifiedName(Details=VerifiedNameCertificate.Details(verifiedName=vname)))
    return N.GetUserInfoSingleReturnFunction(JID=jid(user), UserInfo=info)


def _contact(first: str = "Ali", full: str = "Alice Silva", push: str = "Alice", business: str = "") -> Any:
    return N.ContactInfo(Found=True, FirstName=first, FullName=full, PushName=push, BusinessName=business,
                         RedactedPhone="")


async def test_contact_info_from_four_answers(engine: NeonizeEngine) -> None:
    calls = record(engine.client, "is_on_whatsapp", [on_wa(ALICE, ALICE)])
    record(engine.client, "get_user_info", [_user_info(ALICE, vname="Loja da Alice")], calls)
    record(engine.client, "get_profile_picture", N.ProfilePictureInfo(URL="https://pps/a.jpg"), calls)
    store = SimpleNamespace()
    record(store, "get_contact", _contact(), calls)
    engine.client.contact = store
    info = await engine.contact_info(f"{ALICE}@{PN}")
    assert [m for m, _ in calls] == ["is_on_whatsapp", "get_user_info", "get_profile_picture", "get_contact"]
    assert calls[0][1] == (f"+{ALICE}",) and calls[1][1] == (jid(ALICE),) and calls[3][1] == (jid(ALICE),)
    assert calls[2][1][1].Preview is False
    assert info == ContactInfo(address=Address(jid=f"{ALICE}@{PN}", phone=ALICE), name="Alice Silva", short="Ali",
                               notify="Alice", vname="Loja da Alice", about="Hey there", picture_url="https://pps/a.jpg")
    record(engine.client, "get_profile_picture", nexc.GetProfilePictureError("that user has no profile picture"))
    record(store, "get_contact", nexc.ContactStoreError("not found"))
    bare = await engine.contact_info(f"{ALICE}@{PN}")
    assert (bare.picture_url, bare.name, bare.about) == (None, "", "Hey there")
    record(engine.client, "is_on_whatsapp", [on_wa(ALICE)])
    with pytest.raises(NotFound):
        await engine.contact_info(f"{ALICE}@{PN}")


async def test_profile_pictures(engine: NeonizeEngine) -> None:
    calls = record(engine.client, "get_profile_picture", N.ProfilePictureInfo(URL="https://pps/g.jpg"))
    assert await engine.profile_picture(f"{GROUP}@g.us") == "https://pps/g.jpg"
    assert calls[0][1][0] == jid(GROUP, "g.us")
    for text in ("the user has hidden their profile picture from you", "that user has no profile picture"):
        record(engine.client, "get_profile_picture", nexc.GetProfilePictureError(N.GetProfilePictureReturnFunction(
            Error=text)))
        assert await engine.profile_picture(f"{ALICE}@{PN}") is None
    record(engine.client, "get_profile_picture", N.ProfilePictureInfo())
    assert await engine.profile_picture(f"{ALICE}@{PN}") is None
    record(engine.client, "get_profile_picture", nexc.GetProfilePictureError("info query returned status 500"))
    with pytest.raises(EngineError) as failed:
        await engine.profile_picture(f"{ALICE}@{PN}")
    assert failed.value.transient


async def test_contact_list_blocks_and_what_neonize_cannot_do(engine: NeonizeEngine) -> None:
    store = SimpleNamespace()
    calls = record(store, "get_all_contacts", [N.Contact(JID=jid(ALICE), Info=_contact()),
                                               N.Contact(JID=jid(LID, "lid"), Info=_contact("", "", "Bob", "Bob's"))])
    engine.client.contact = store
    listed = await engine.list_contacts()
    assert calls == [("get_all_contacts", ())]
    assert [(c.address.jid, c.name, c.notify, c.vname) for c in listed] == [
        (f"{ALICE}@{PN}", "Alice Silva", "Alice", ""), (f"{LID}@lid", "", "Bob", "Bob's")]
    calls = record(engine.client, "update_blocklist", N.Blocklist(DHash="h", JIDs=[jid(ALICE)]))
    await engine.set_blocked(f"{ALICE}@{PN}", True)
    await engine.set_blocked(ALICE, False)
    assert calls == [("update_blocklist", (jid(ALICE), BlocklistAction.BLOCK)),
                     ("update_blocklist", (jid(ALICE), BlocklistAction.UNBLOCK))]
    record(engine.client, "get_blocklist", N.Blocklist(DHash="h", JIDs=[jid(ALICE), jid(LID, "lid")]))
    assert await engine.blocked_contacts() == [ALICE, f"{LID}@lid"]
    everything: Calls = []
    for method in ("send_app_state", "set_privacy_setting", "update_blocklist"):
        record(engine.client, method, None, everything)
    refused = [engine.add_contacts([NewContact(ALICE, "Alice")]), engine.remove_contacts([ALICE]),
               engine.report_contact(f"{ALICE}@{PN}"), engine.disallowed_contacts(PrivacyName.LAST_SEEN),
               engine.set_privacy(PrivacyName.LAST_SEEN, "contact_blacklist", [ALICE], []),
               *[engine.modify_chat(f"{ALICE}@{PN}", action) for action in ChatAction]]
    for call in refused:
        with pytest.raises(Unsupported) as err:
            await call
        assert err.value.status == 501 and "neonize 0.5.2" in err.value.message
    assert everything == []  # refused before anything was sent


# --- chats, profile, privacy ---------------------------------------------------------------------------

async def test_disappearing_timers_and_profile(engine: NeonizeEngine) -> None:
    calls: Calls = []
    for method in ("set_disappearing_timer", "set_default_disappearing_timer", "set_profile_name",
                   "set_status_message", "set_profile_photo"):
        record(engine.client, method, None, calls)
    await engine.set_chat_expiration(f"{ALICE}@{PN}", 604800)
    await engine.set_default_expiration(86400)
    await engine.set_profile_name("Loja")
    await engine.set_profile_about("Aberto 9-18h")
    await engine.set_profile_photo(b"\xff\xd8jpeg")
    (_, (chat, timer, setting)), *rest = calls
    assert (chat, timer, isinstance(setting, timedelta)) == (jid(ALICE), 604800 * 10**9, True)
    assert rest == [("set_default_disappearing_timer", (86400 * 10**9,)), ("set_profile_name", ("Loja",)),
                    ("set_status_message", ("Aberto 9-18h",)), ("set_profile_photo", (b"\xff\xd8jpeg",))]
    changed = [e for e in engine.emitted if isinstance(e, ChatChanged)]  # type: ignore[attr-defined]
    assert len(changed) == 1 and changed[0].expiration_s == 604800 and changed[0].chat.phone == ALICE


def _privacy(**values: int) -> Any:
    base = {name: N.PrivacySettings.UNDEFINED for name in ("GroupAdd", "LastSeen", "Status", "Profile",
                                                              "ReadReceipts", "CallAdd", "Online")}
    base.update(values)
    return N.PrivacySettings(**base)


async def test_privacy_settings_translated(engine: NeonizeEngine) -> None:
    record(engine.client, "get_privacy_settings", _privacy(
        LastSeen=N.PrivacySettings.CONTACT_BLACKLIST, Profile=N.PrivacySettings.CONTACTS,
        Status=N.PrivacySettings.NONE, GroupAdd=N.PrivacySettings.ALL, Online=N.PrivacySettings.MATCH_LAST_SEEN,
        ReadReceipts=N.PrivacySettings.NONE))
    record(engine.client, "set_default_disappearing_timer", None)
    await engine.set_default_expiration(7776000)
    assert await engine.privacy_settings() == PrivacySettings(
        last_seen="contact_blacklist", photo="contacts", description="none", group_add="all",
        online="match_last_seen", read_receipts="none", messages_duration_s=7776000)
    record(engine.client, "get_privacy_settings", _privacy())
    with pytest.raises(EngineError, match="did not answer"):
        await engine.privacy_settings()


# --- neonize's own Python layer, over a fake Go library ---------------------------------------------------

class FakeGo:  # its methods carry the Go exports' names
    def __init__(self) -> None:
        self.seen: list[tuple[str, tuple[Any, ...]]] = []
        self.privacy_error = ""

    def SetPrivacySetting(self, _uuid: bytes, name: bytes, value: bytes) -> bytes:
        self.seen.append(("SetPrivacySetting", (name, value)))
        answer = N.SetPrivacySettingReturnFunction(settings=_privacy(LastSeen=N.PrivacySettings.CONTACT_BLACKLIST))
        if self.privacy_error:
            answer.Error = self.privacy_error
        return bytes(answer.SerializeToString())

    def SetDisappearingTimer(self, _uuid: bytes, buf: bytes, size: int, timer: int, setting_ms: int) -> bytes:
        self.seen.append(("SetDisappearingTimer", (N.JID.FromString(buf[:size]), timer, setting_ms)))
        return b""

    def RejectCall(self, _uuid: bytes, buf: bytes, size: int, call_id: Any) -> bytes:
        self.seen.append(("RejectCall", (N.JID.FromString(buf[:size]), call_id.value)))
        return b""

    def IsOnWhatsApp(self, _uuid: bytes, numbers: bytes, size: int) -> bytes:
        self.seen.append(("IsOnWhatsApp", (numbers[:size],)))
        return bytes(N.IsOnWhatsAppReturnFunction(IsOnWhatsAppResponse=[on_wa(ALICE, ALICE)]).SerializeToString())


async def test_requests_as_neonize_serialises_them(engine: NeonizeEngine) -> None:
    go = FakeGo()
    engine.client._NewClient__client = go
    await engine.set_privacy(PrivacyName.LAST_SEEN, "contact_blacklist", [], [])  # neonize raised; it succeeded
    await engine.set_privacy(PrivacyName.READ_RECEIPTS, "none", [], [])
    go.privacy_error = "info query returned status 400: bad-request"
    with pytest.raises(EngineError, match="bad-request"):
        await engine.set_privacy(PrivacyName.ONLINE, "match_last_seen", [], [])
    assert [args for _, args in go.seen] == [(b"last", b"contact_blacklist"), (b"readreceipts", b"none"),
                                             (b"online", b"match_last_seen")]
    go.seen.clear()
    before_ms = time.time() * 1000
    await engine.set_chat_expiration(f"{GROUP}@g.us", 86400)
    (_, (chat, timer, setting_ms)), = go.seen
    assert (chat.User, chat.Server, timer) == (GROUP, "g.us", 86400 * 10**9)
    assert before_ms - 1000 <= setting_ms <= time.time() * 1000 + 1000  # the time of the change, in ms
    go.seen.clear()
    await engine.reject_call(f"{ALICE}@{PN}", "CALL-ID-1")
    await engine.check_phones([ALICE])
    assert go.seen[0] == ("RejectCall", (jid(ALICE), b"CALL-ID-1"))
    assert go.seen[1] == ("IsOnWhatsApp", (f"+{ALICE}".encode(),))


# --- connection, errors, time ---------------------------------------------------------------------------

async def test_not_connected_errors_and_bounded(engine: NeonizeEngine) -> None:
    calls = record(engine.client, "get_blocklist", N.Blocklist(DHash=""))
    engine.connected = False
    with pytest.raises(NotConnected):
        await engine.blocked_contacts()
    assert calls == []
    engine.connected = True
    record(engine.client, "get_blocklist", nexc.GetBlocklistError("websocket not connected"))
    with pytest.raises(NotConnected):
        await engine.blocked_contacts()
    record(engine.client, "update_blocklist", nexc.UpdateBlocklistError("info query returned status 400: bad"))
    with pytest.raises(EngineError) as refused:
        await engine.set_blocked(ALICE, True)
    assert not refused.value.transient and "block failed" in refused.value.message
    release = threading.Event()

    def stuck(*_a: Any) -> None:
        release.wait(5)

    engine.client.get_privacy_settings = stuck
    engine.account_calls.timeout_s = 0.1
    try:
        with pytest.raises(EngineError, match="did not answer within") as slow:
            await engine.privacy_settings()
        assert slow.value.transient
    finally:
        release.set()


async def test_connection_checked_again_under_the_ffi_lock(engine: NeonizeEngine) -> None:
    """Disconnected between the first check and the call (a stop() came first): the call never reaches Go."""
    answers = iter([True, False])
    calls = record(engine.client, "get_blocklist", N.Blocklist(DHash=""))
    account = AccountCalls(engine.client, engine.runtime, connected=lambda: next(answers), emit=lambda _e: None,
                           timeout_s=1.0)
    with pytest.raises(NotConnected):
        await account.blocked_contacts()
    assert calls == []



async def test_pictures_learnt_fill_sender_photo_and_photo(engine: NeonizeEngine) -> None:
    from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

    from tests.support.neonize import message_ev

    hello = message_ev(E.Message(conversation="oi"), chat=jid(ALICE), sender=jid(ALICE))
    assert engine._on_message(hello).sender_photo is None  # never looked up: unknown, not guessed
    record(engine.client, "get_profile_picture", N.ProfilePictureInfo(URL="https://pps/a.jpg"))
    await engine.profile_picture(f"{ALICE}@{PN}")
    first = engine._on_message(hello)
    assert (first.sender_photo, first.chat_photo) == ("https://pps/a.jpg", "https://pps/a.jpg")
    record(engine.client, "get_profile_picture", N.ProfilePictureInfo(URL="https://pps/g.jpg"))
    await engine.profile_picture(f"{GROUP}@g.us")
    in_group = engine._on_message(message_ev(E.Message(conversation="oi"), chat=jid(GROUP, "g.us"),
                                             sender=jid(ALICE)))
    assert (in_group.sender_photo, in_group.chat_photo) == ("https://pps/a.jpg", "https://pps/g.jpg")
    record(engine.client, "get_profile_picture", nexc.GetProfilePictureError(N.GetProfilePictureReturnFunction(
        Error="the user has hidden their profile picture from you")))
    await engine.profile_picture(f"{ALICE}@{PN}")
    assert engine._on_message(hello).sender_photo is None  # hidden now: forgotten, not the stale URL


def test_pictures_expire_and_stay_bounded() -> None:
    from gateway.worker.engines.neonize.pictures import Pictures

    now = [0.0]
    pictures = Pictures(ttl_s=10, limit=2, clock=lambda: now[0])
    pictures.learn("a@lid", "https://pps/a.jpg")
    assert pictures.url("x@lid", "a@lid") == "https://pps/a.jpg"
    now[0] = 11
    assert pictures.url("a@lid") is None
    for who in ("a", "b", "c"):
        pictures.learn(f"{who}@lid", who)
    assert (pictures.url("a@lid"), pictures.url("c@lid")) == (None, "c")
