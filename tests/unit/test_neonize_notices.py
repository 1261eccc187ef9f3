"""Notifications on the neonize engine: unknown types and protocol noise, undecryptable messages, calls, pictures,
disappearing-timer settings and poll votes, from hand-built neonize protobufs (and through neonize's real
dispatcher), with the FFI calls they need replaced by recorders."""

from __future__ import annotations

import asyncio
import ctypes
import dataclasses
import hashlib
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from neonize import _binder
from neonize import exc as nexc
from neonize._binder import func_callback_bytes
from neonize.events import EVENT_TO_INT
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content as c
from gateway.core.events import Address, ChatChanged, ChatNotified, GroupNotified, MessageReceived
from gateway.worker.engines.neonize import notices, translate
from gateway.worker.engines.neonize.groups import Me
from tests.support.api import make_settings
from tests.support.neonize import ALICE, CONTENT, EMPTY, GROUP, ME, jid, message_ev, src
from tests.support.neonize_engine import offline_engine

ALICE_LID = "81896604192873"
ALICE_A = Address(jid=f"{ALICE}@s.whatsapp.net", phone=ALICE)
ME_ID = Me(phone=ME, lid="11111111111111@lid")


def _proto(kind: int, **kw: Any) -> E.ProtocolMessage:
    return E.ProtocolMessage(type=kind, **kw)


# --- unknown types and noise -------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "kind"), [
    (E.Message(keepInChatMessage=E.KeepInChatMessage(key=MessageKey(ID="3EB0K"))), "keepInChatMessage"),
    (E.Message(scheduledCallCreationMessage=E.ScheduledCallCreationMessage(title="Call"),
               messageContextInfo=E.MessageContextInfo(messageSecret=b"s" * 32),
               senderKeyDistributionMessage=E.SenderKeyDistributionMessage(groupID="g")),
     "scheduledCallCreationMessage"),
    (E.Message(scheduledCallEditMessage=E.ScheduledCallEditMessage(key=MessageKey(ID="3EB0P"))),
     "scheduledCallEditMessage"),
    (E.Message(protocolMessage=_proto(E.ProtocolMessage.HISTORY_SYNC_NOTIFICATION),
               groupInviteMessage=E.GroupInviteMessage(inviteCode="x")), "groupInviteMessage"),
    (E.Message(), "unknown"),  # a type newer than neonize's protobufs: no field we know of
])
def test_a_type_we_do_not_parse_is_still_a_message(content: Any, kind: str) -> None:
    event = translate.message(message_ev(content, msg_id="3EB0NEW"))
    assert event is not None and event.content == c.Unsupported(kind, {})
    assert (event.message_id, event.sender, event.push_name) == ("3EB0NEW", ALICE_A, "Alice")


@pytest.mark.parametrize("content", [
    E.Message(senderKeyDistributionMessage=E.SenderKeyDistributionMessage(groupID="g")),
    E.Message(messageContextInfo=E.MessageContextInfo(messageSecret=b"s" * 32)),
    E.Message(fastRatchetKeySenderKeyDistributionMessage=E.SenderKeyDistributionMessage(groupID="g")),
    *[E.Message(protocolMessage=_proto(kind), messageContextInfo=E.MessageContextInfo())
      for kind in (E.ProtocolMessage.HISTORY_SYNC_NOTIFICATION, E.ProtocolMessage.APP_STATE_SYNC_KEY_SHARE,
                   E.ProtocolMessage.APP_STATE_SYNC_KEY_REQUEST, E.ProtocolMessage.EPHEMERAL_SETTING,
                   E.ProtocolMessage.PEER_DATA_OPERATION_REQUEST_MESSAGE,
                   E.ProtocolMessage.LID_MIGRATION_MAPPING_SYNC)],
    E.Message(protocolMessage=_proto(E.ProtocolMessage.MESSAGE_EDIT, key=MessageKey(ID="3EB0ORIG"))),  # empty edit
])
def test_protocol_noise_stays_none(content: Any) -> None:
    assert translate.message(message_ev(content)) is None


def test_revoke_and_edits_are_still_content() -> None:
    revoke = translate.message(message_ev(E.Message(protocolMessage=_proto(
        E.ProtocolMessage.REVOKE, key=MessageKey(ID="3EB0GONE")))))
    assert revoke is not None and revoke.content == c.Unsupported("revoke", {"messageId": "3EB0GONE"})
    edit = translate.message(message_ev(E.Message(protocolMessage=_proto(
        E.ProtocolMessage.MESSAGE_EDIT, key=MessageKey(ID="3EB0ORIG"),
        editedMessage=E.Message(keepInChatMessage=E.KeepInChatMessage())))))
    assert edit is not None and edit.is_edit and edit.edited_id == "3EB0ORIG"
    assert edit.content == c.Unsupported("keepInChatMessage", {})


def test_ephemeral_setting_is_a_chat_change() -> None:
    setting = message_ev(E.Message(protocolMessage=_proto(E.ProtocolMessage.EPHEMERAL_SETTING,
                                                          ephemeralExpiration=604800)), ts=1700000000123)
    assert notices.chat_setting(setting) == ChatChanged(chat=ALICE_A, timestamp_ms=1700000000123, expiration_s=604800)
    assert notices.chat_setting(message_ev(CONTENT["text"])) is None


# --- undecryptable -------------------------------------------------------------------------------------

def _undecryptable(mode: int = N.UndecryptableMessage.DECRYPT_FAIL_SHOW, **kw: Any) -> Any:
    return N.UndecryptableMessage(Info=message_ev(E.Message(), msg_id="3EB0CIPHER", **kw).Info, IsUnavailable=False,
                                  DecryptFailMode=mode)


def test_undecryptable_is_a_waiting_message_with_the_ids() -> None:
    event = notices.undecryptable(_undecryptable(chat=jid(GROUP, "g.us"), sender=jid(ALICE_LID, "lid"),
                                                 sender_alt=jid(ALICE)))
    assert event is not None and event.waiting and event.content == c.Unsupported("ciphertext", {})
    assert (event.message_id, event.is_group, event.chat.jid, event.timestamp_ms) == (
        "3EB0CIPHER", True, f"{GROUP}@g.us", 1700000000000)
    assert event.sender == Address(jid=f"{ALICE_LID}@lid", phone=ALICE, lid=f"{ALICE_LID}@lid")
    private = notices.undecryptable(_undecryptable())
    assert private is not None and private.chat == ALICE_A and not private.from_me
    assert notices.undecryptable(_undecryptable(N.UndecryptableMessage.DECRYPT_FAIL_HIDE)) is None


# --- calls ---------------------------------------------------------------------------------------------

def _meta(call_id: str = "CALL1", caller: Any = None, alt: Any = EMPTY, ts: int = 1700000000) -> Any:
    caller = caller if caller is not None else jid(ALICE)
    return N.BasicCallMeta(timestamp=ts, callCreator=caller, callCreatorAlt=alt, callID=call_id,
                           **{"from": caller})


def _offer(video: bool = False, **kw: Any) -> Any:
    media = [N.Node(Tag="audio", Attrs=[N.NodeAttrs(name="enc", text="opus")])]
    if video:
        media.append(N.Node(Tag="video", Attrs=[N.NodeAttrs(name="enc", text="vp8")]))
    return N.CallOffer(basicCallMeta=_meta(**kw), callRemoteMeta=N.CallRemoteMeta(remotePlatform="android",
                                                                                   remoteVersion="2.24"),
                       data=N.Node(Tag="offer", Nodes=[*media, N.Node(Tag="net", Attrs=[N.NodeAttrs(name="medium",
                                                                                                     text="3")])]))


def _terminate(call_id: str = "CALL1", ts: int = 1700000030) -> Any:
    return N.CallTerminate(basicCallMeta=_meta(call_id, ts=ts), reason="timeout", data=N.Node(Tag="terminate"))


def _accept(call_id: str = "CALL1") -> Any:
    return N.CallAccept(basicCallMeta=_meta(call_id), callRemoteMeta=N.CallRemoteMeta(remotePlatform="",
                                                                                       remoteVersion=""),
                        data=N.Node(Tag="accept"))


def test_offers_and_missed_calls() -> None:
    calls = notices.CallTracker(lambda: ME_ID)
    voice = calls.offer(_offer())
    assert voice == ChatNotified(chat=ALICE_A, kind="CALL_VOICE", timestamp_ms=1700000000000,
                                 notification_id="call:CALL1:offer", sender=ALICE_A, call_id="CALL1")
    missed = calls.terminate(_terminate())
    assert missed == dataclasses.replace(voice, kind="CALL_MISSED_VOICE", timestamp_ms=1700000030000,
                                         notification_id="call:CALL1:missed")
    assert calls.terminate(_terminate()) is None  # already ended
    video = calls.offer(_offer(video=True, call_id="CALL2"))
    assert video.kind == "CALL_VIDEO"
    assert calls.terminate(_terminate("CALL2")) is not None
    assert calls.terminate(_terminate("CALL2")) is None
    assert notices.is_video(_offer(video=True).data) and not notices.is_video(_offer().data)


def test_an_accepted_call_is_not_missed_and_offers_are_bounded() -> None:
    calls = notices.CallTracker(lambda: ME_ID, limit=2)
    calls.offer(_offer(call_id="A"))
    calls.accept(_accept("A"))
    assert calls.terminate(_terminate("A")) is None
    for call_id in ("B", "C", "D"):
        calls.offer(_offer(call_id=call_id))
    assert calls.terminate(_terminate("B")) is None  # the oldest was forgotten
    assert [calls.terminate(_terminate(x)) is not None for x in ("C", "D")] == [True, True]
    assert calls.terminate(_terminate("UNSEEN")) is None


def test_lid_callers_and_group_call_notices() -> None:
    calls = notices.CallTracker(lambda: ME_ID)
    lid = calls.offer(_offer(caller=jid(ALICE_LID, "lid"), alt=jid(ALICE)))
    assert lid.sender == Address(jid=f"{ALICE_LID}@lid", phone=ALICE, lid=f"{ALICE_LID}@lid") and lid.chat == lid.sender
    meta = N.BasicCallMeta(timestamp=1700000000, callCreator=jid(ALICE), callCreatorAlt=EMPTY, callID="G1",
                           **{"from": jid(GROUP, "g.us")})
    group = calls.offer_notice(N.CallOfferNotice(basicCallMeta=meta, media="video", type="group",
                                                 data=N.Node(Tag="offer_notice")))
    assert (group.kind, group.is_group, group.chat.jid, group.sender) == ("CALL_VIDEO", True, f"{GROUP}@g.us", ALICE_A)
    mine = notices.CallTracker(lambda: Me(phone=ALICE)).offer(_offer(call_id="X"))
    assert mine.from_me


# --- pictures, poll votes (FFI replaced) ------------------------------------------------------------------

class FakeClient:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.url: Any = "https://pps.whatsapp.net/v/new.jpg"
        self.vote: Any = E.PollVoteMessage(selectedOptions=[hashlib.sha256(b"Yes").digest()])

    def get_profile_picture(self, *args: Any) -> Any:
        self.calls.append(("get_profile_picture", args))
        if isinstance(self.url, BaseException):
            raise self.url
        return N.ProfilePictureInfo(URL=self.url, ID="1", Type="image", DirectPath="/v")

    def decrypt_poll_vote(self, *args: Any) -> Any:
        self.calls.append(("decrypt_poll_vote", args))
        if isinstance(self.vote, BaseException):
            raise self.vote
        return self.vote


@pytest.fixture
async def notes() -> AsyncIterator[tuple[notices.Notices, FakeClient, list[bool]]]:
    settings = make_settings()
    from gateway.worker.engines.neonize.runtime import NeonizeRuntime

    fake, connected = FakeClient(), [True]
    groups_seen: list[Any] = []

    def group_picture(proto: Any) -> list[GroupNotified]:
        groups_seen.append(proto)
        return []

    yield (notices.Notices(fake, NeonizeRuntime.get(settings), asyncio.get_running_loop(),
                           connected=lambda: connected[0], me=lambda: ME_ID, group_picture=group_picture,
                           timeout_s=0.5), fake, connected)


async def _off_loop(fn: Callable[[], Any]) -> Any:
    """Run like the Go callback thread does: on a thread of its own."""
    return await asyncio.get_running_loop().run_in_executor(None, fn)


def _picture(who: Any, remove: bool = False) -> Any:
    return N.Picture(JID=who, Author=who, Timestamp=1700000001, Remove=remove)


async def test_a_users_picture_with_its_url(notes: tuple[notices.Notices, FakeClient, list[bool]]) -> None:
    note, fake, connected = notes
    changed = await _off_loop(lambda: note.on_picture(_picture(jid(ALICE))))
    assert changed == ChatNotified(chat=ALICE_A, kind="PROFILE_PICTURE_UPDATED", timestamp_ms=1700000001000,
                                   notification_id=f"picture:{ALICE}@s.whatsapp.net:1700000001:set", sender=ALICE_A,
                                   updated_photo="https://pps.whatsapp.net/v/new.jpg")
    (method, (who, params)), = fake.calls
    assert method == "get_profile_picture" and who == jid(ALICE)
    assert (params.Preview, params.IsCommunity) == (False, False)
    removed = await _off_loop(lambda: note.on_picture(_picture(jid(ALICE), remove=True)))
    assert removed.updated_photo is None and removed.notification_id.endswith(":removed") and len(fake.calls) == 1
    fake.url = nexc.GetProfilePictureError("the user has hidden their profile picture from you")
    hidden = await _off_loop(lambda: note.on_picture(_picture(jid(ALICE))))
    assert isinstance(hidden, ChatNotified) and hidden.updated_photo is None
    connected[0] = False
    offline = await _off_loop(lambda: note.on_picture(_picture(jid(ALICE))))
    assert offline.updated_photo is None and len(fake.calls) == 2  # no FFI call once disconnected
    mine = await _off_loop(lambda: note.on_picture(_picture(jid(ME))))
    assert mine.from_me
    assert await _off_loop(lambda: note.on_picture(_picture(jid(GROUP, "g.us")))) == []
    assert await _off_loop(lambda: note.on_picture(_picture(jid("1203", "newsletter")))) is None
    with pytest.raises(RuntimeError, match="event loop"):
        note._ffi(fake.get_profile_picture, jid(ALICE))  # never on the loop's own thread (it would wait on itself)


async def test_poll_votes_decrypted_into_hashes(notes: tuple[notices.Notices, FakeClient, list[bool]]) -> None:
    note, fake, _connected = notes
    ev = message_ev(CONTENT["poll_vote"])
    vote = await _off_loop(lambda: note.poll_vote(ev, c.PollVote("3EB0POLL")))
    assert vote == c.PollVote("3EB0POLL", option_hashes=(hashlib.sha256(b"Yes").hexdigest(),))
    assert fake.calls == [("decrypt_poll_vote", (ev,))] and note.decrypted == 1
    fake.vote = nexc.DecryptPollVoteError("failed to decrypt poll vote: no message secret")
    assert await _off_loop(lambda: note.poll_vote(ev, c.PollVote("3EB0POLL"))) == c.PollVote("3EB0POLL")
    release = threading.Event()
    fake.vote = None

    def stuck(*_a: Any) -> Any:
        release.wait(5)
        return E.PollVoteMessage()

    fake.decrypt_poll_vote = stuck  # type: ignore[method-assign]
    started = time.monotonic()
    try:
        slow = await _off_loop(lambda: note.poll_vote(ev, c.PollVote("3EB0POLL")))
    finally:
        release.set()
    assert slow == c.PollVote("3EB0POLL") and time.monotonic() - started < 3 and note.undecrypted == 2


def test_neonize_decrypt_poll_vote_repaired() -> None:
    """The real binding: without the repair neonize's own call fails with a TypeError whatever the vote."""
    from neonize.client import NewClient

    notices.repair_decrypt_poll_vote()
    assert _binder.gocode.DecryptPollVote.errcheck is _binder.consume_bytes_struct
    client = NewClient("/tmp/zapgate-test-never-connected.db", uuid=f"NZPOLL{time.monotonic_ns()}")
    with pytest.raises(nexc.DecryptPollVoteError, match="client is nil"):  # Go answered, its answer was read
        client.decrypt_poll_vote(message_ev(CONTENT["poll_vote"]))


# --- through neonize's real dispatcher -----------------------------------------------------------------

async def test_notices_through_the_real_dispatcher() -> None:
    seen: list[Any] = []
    engine = offline_engine("NZNOTE", emit=seen.append, phone=None)
    engine.client.me = N.Device(JID=jid(ME), LID=jid("11111111111111", "lid"), Platform="", BussinessName="",
                                PushName="", Initialized=True)
    picture_urls = ["https://pps.whatsapp.net/v/alice.jpg"]
    engine.client.get_profile_picture = lambda *_a: N.ProfilePictureInfo(URL=picture_urls[0])
    engine.client.decrypt_poll_vote = lambda _ev: E.PollVoteMessage(selectedOptions=[hashlib.sha256(b"No").digest()])
    protos: list[Any] = [
        _offer(video=True, call_id="CALLV"), _terminate("CALLV"),
        _undecryptable(),
        _picture(jid(ALICE)),
        message_ev(CONTENT["poll_vote"], msg_id="3EB0VOTE"),
        message_ev(E.Message(protocolMessage=_proto(E.ProtocolMessage.EPHEMERAL_SETTING, ephemeralExpiration=86400))),
        message_ev(E.Message(senderKeyDistributionMessage=E.SenderKeyDistributionMessage(groupID="g"))),
        message_ev(E.Message(keepInChatMessage=E.KeepInChatMessage()), msg_id="3EB0KEEP"),
    ]
    execute = func_callback_bytes(engine.client.event.execute)
    uuid, buffers = engine.ctx.instance_id.encode(), []

    def push() -> None:
        for proto in protos:
            raw = proto.SerializeToString()
            buf = ctypes.create_string_buffer(raw, len(raw))
            buffers.append(buf)
            execute(uuid, ctypes.addressof(buf), len(raw), EVENT_TO_INT[type(proto)])

    thread = threading.Thread(target=push)
    thread.start()
    await _off_loop(thread.join)
    await _until(lambda: len(seen) >= 7)
    assert [type(e).__name__ for e in seen] == ["ChatNotified", "ChatNotified", "MessageReceived", "ChatNotified",
                                                "MessageReceived", "ChatChanged", "MessageReceived"]
    assert [(e.kind, e.call_id) for e in seen[:2]] == [("CALL_VIDEO", "CALLV"), ("CALL_MISSED_VIDEO", "CALLV")]
    assert seen[2].waiting and seen[2].content == c.Unsupported("ciphertext", {})
    assert seen[3].updated_photo == "https://pps.whatsapp.net/v/alice.jpg"
    assert seen[4].content == c.PollVote("3EB0POLL", option_hashes=(hashlib.sha256(b"No").hexdigest(),))
    assert isinstance(seen[5], ChatChanged) and seen[5].expiration_s == 86400
    assert isinstance(seen[6], MessageReceived) and seen[6].content == c.Unsupported("keepInChatMessage", {})


async def _until(check: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_source_helper_builds_the_same_addresses() -> None:
    chat, sender = translate.addresses(src(jid(GROUP, "g.us"), jid(ALICE_LID, "lid"), sender_alt=jid(ALICE)))
    assert chat == Address(jid=f"{GROUP}@g.us") and sender.phone == ALICE
