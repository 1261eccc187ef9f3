"""The neonize engine's sends, presence and read receipts: the exact neonize calls they make.

The engine holds a real ``NewClient`` created without network; its runtime is replaced by a recorder, so every
FFI call is recorded as (client method, args, kwargs), checked against the real method's signature, answered
from a script and never reaches Go.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import io
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from neonize.proto import Neonize_pb2 as N
from neonize.utils.enum import ChatPresence, ChatPresenceMedia, MediaType, Presence, ReceiptType
from PIL import Image

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.errors import EngineError, NotConnected
from gateway.core.events import Address, Connected, PresenceState, ReceiptReceived, ReceiptStatus
from gateway.worker.engines.neonize import sending
from gateway.worker.engines.neonize.engine import NeonizeEngine
from tests.support.neonize import ALICE, CAROL, GROUP, ME, jid
from tests.support.neonize_engine import offline_engine

A = f"{ALICE}@s.whatsapp.net"
G = f"{GROUP}@g.us"
ME_LID = "11111111111111"
ALICE_LID = "22222222222222"
SECRET_MISSING = "failed to encrypt poll vote: original message secret key not found"
UPLOAD = N.UploadResponse(url="https://mmg.whatsapp.net/x", DirectPath="/v/t62/x", Handle="", MediaKey=b"k" * 32,
                          FileEncSHA256=b"e" * 32, FileSHA256=b"s" * 32, FileLength=1234)

Call = tuple[str, tuple[Any, ...], dict[str, Any]]


class Recorder:
    """Stands in for ``NeonizeRuntime``: records each call, answers from ``script`` (a value, an exception, or a
    list of them consumed in order)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.script: dict[str, Any] = {}

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        kw: dict[str, Any] = {}
        if isinstance(fn, functools.partial):
            partial: functools.partial[Any] = fn
            fn, args, kw = partial.func, (*partial.args, *args), dict(partial.keywords)
        name = fn.__name__
        inspect.signature(fn).bind(*args, **kw)  # the real neonize method accepts these arguments
        self.calls.append((name, args, kw))
        answer = self.script.get(name)
        if isinstance(answer, list):
            answer = answer.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def named(self, name: str) -> list[Call]:
        return [call for call in self.calls if call[0] == name]


@pytest.fixture
async def engine() -> AsyncIterator[NeonizeEngine]:
    media: dict[str, bytes] = {}

    async def read_media(key: str) -> bytes | None:
        return media.get(key)

    seen: list[Any] = []
    eng = offline_engine("NZSEND", emit=seen.append, read_media=read_media)
    eng.runtime = Recorder()  # type: ignore[assignment]
    eng.client.me = N.Device(JID=jid(ME), LID=jid(ME_LID, "lid"), Platform="", BussinessName="", PushName="Me",
                             Initialized=True)
    eng.test_media = media  # type: ignore[attr-defined]
    eng.test_seen = seen  # type: ignore[attr-defined]
    yield eng
    await eng.sends.drain()


def rec(engine: NeonizeEngine) -> Recorder:
    assert isinstance(engine.runtime, Recorder)
    return engine.runtime


def response(message_id: str = "3EB0SENT", ts: int = 1700000000) -> Any:
    return N.SendResponse(ID=message_id, Timestamp=ts, ServerID=0)


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jid_str(proto: Any) -> str:
    return f"{proto.User}@{proto.Server}"


# --- send and the SENT receipt --------------------------------------------------------------------

async def test_send_then_sent_receipt_after_the_senders_event(engine: NeonizeEngine) -> None:
    rec(engine).script["send_message"] = response("3EB0ABC", 1700000001)
    message_id = await engine.send(Outgoing(A, c.Text("oi")))
    assert message_id == "3EB0ABC"
    (_, (to, message), _), = rec(engine).named("send_message")
    assert jid_str(to) == A and to.Device == 0 and message.conversation == "oi"
    seen = engine.test_seen  # type: ignore[attr-defined]
    assert seen == []  # not yet: the sender's MessageSent is captured first
    await asyncio.sleep(0)
    assert seen == [ReceiptReceived(chat=Address(jid=A, phone=ALICE), message_ids=("3EB0ABC",),
                                    status=ReceiptStatus.SENT, timestamp_ms=1700000001000, is_group=False)]


async def test_send_failure_is_transient_and_no_receipt(engine: NeonizeEngine) -> None:
    rec(engine).script["send_message"] = RuntimeError("SendMessage: websocket not connected")
    with pytest.raises(EngineError) as err:
        await engine.send(Outgoing(G, c.Text("oi")))
    assert err.value.transient is True
    await asyncio.sleep(0)
    assert engine.test_seen == []  # type: ignore[attr-defined]
    engine.connected = False
    with pytest.raises(NotConnected):
        await engine.send(Outgoing(A, c.Text("oi")))


async def test_edit_and_revoke_go_through_send_message(engine: NeonizeEngine) -> None:
    rec(engine).script["send_message"] = response()
    await engine.send(Outgoing(A, c.Text("novo"), edit_id="3EB0OLD"))
    await engine.send(Outgoing(G, c.Revoke("3EB0HERS", from_me=False, sender=f"{CAROL}@s.whatsapp.net")))
    (_, (_, edit), _), (_, (to, revoke), _) = rec(engine).named("send_message")
    key = edit.editedMessage.message.protocolMessage.key
    assert (key.ID, key.fromMe) == ("3EB0OLD", True)
    assert jid_str(to) == G and revoke.protocolMessage.key.participant == f"{CAROL}@s.whatsapp.net"


# --- uploads and link previews --------------------------------------------------------------------

async def test_media_upload_from_the_store(engine: NeonizeEngine) -> None:
    engine.test_media["I/out/a.ogg"] = b"OggS"  # type: ignore[attr-defined]
    rec(engine).script.update(upload=UPLOAD, send_message=response())
    await engine.send(Outgoing(A, c.Audio(c.MediaRef(mime_type="audio/ogg", key="I/out/a.ogg"), ptt=True)))
    (_, (data, kind), _), = rec(engine).named("upload")
    assert (data, kind) == (b"OggS", MediaType.MediaAudio)
    sent = rec(engine).named("send_message")[0][1][1]
    assert sent.audioMessage.PTT and sent.audioMessage.directPath == "/v/t62/x"
    with pytest.raises(EngineError) as err:
        await engine.send(Outgoing(A, c.Image(c.MediaRef(mime_type="image/jpeg", key="gone"))))
    assert err.value.transient is False


async def test_button_list_header_uploaded(engine: NeonizeEngine) -> None:
    engine.test_media["I/out/v.mp4"] = b"mp4"  # type: ignore[attr-defined]
    rec(engine).script.update(upload=UPLOAD, send_message=response())
    body = c.ButtonList(text="Veja", buttons=(c.Button("1", "Sim"),), video=c.MediaRef(mime_type="video/mp4",
                                                                                         key="I/out/v.mp4"))
    await engine.send(Outgoing(A, body))
    assert rec(engine).named("upload")[0][1] == (b"mp4", MediaType.MediaVideo)
    sent = rec(engine).named("send_message")[0][1][1]
    assert sent.viewOnceMessage.message.buttonsMessage.videoMessage.directPath == "/v/t62/x"


async def test_forward_of_whatsapp_media_uploads_nothing(engine: NeonizeEngine) -> None:
    rec(engine).script["send_message"] = response()
    media = c.MediaRef(mime_type="image/jpeg", file_length=10, sha256_hex="01" * 32, direct_path="/v/x",
                       media_key_b64="bWVkaWFrZXk=", enc_sha256_hex="02" * 32)
    await engine.send(Outgoing(A, c.Forward("3EB0O", G, c.Image(media))))
    assert rec(engine).named("upload") == []
    assert rec(engine).named("send_message")[0][1][1].imageMessage.contextInfo.isForwarded
    with pytest.raises(EngineError) as err:
        await engine.send(Outgoing(A, c.Forward("3EB0UNKNOWN", G, None)))
    assert err.value.transient is False


async def test_link_thumbnail_small_and_large(engine: NeonizeEngine) -> None:
    engine.test_media["L/img.png"] = png(1200, 630)  # type: ignore[attr-defined]
    rec(engine).script.update(upload=UPLOAD, send_message=response())
    link = c.Link(text="veja https://x.io", url="https://x.io", title="X", description="d",
                  image=c.MediaRef(mime_type="image/png", key="L/img.png"))
    await engine.send(Outgoing(A, link))
    ext = rec(engine).named("send_message")[0][1][1].extendedTextMessage
    thumb = Image.open(io.BytesIO(ext.JPEGThumbnail))
    assert thumb.format == "JPEG" and max(thumb.size) <= 96 and thumb.size == (96, 50)
    assert (ext.thumbnailWidth, ext.thumbnailHeight) == (96, 50) and rec(engine).named("upload") == []
    await engine.send(Outgoing(A, c.Link(**{**_fields(link), "size": "LARGE"})))
    (_, (data, kind), _), = rec(engine).named("upload")
    assert kind == MediaType.MediaLinkThumbnail and Image.open(io.BytesIO(data)).size == (720, 378)
    large = rec(engine).named("send_message")[1][1][1].extendedTextMessage
    assert large.thumbnailDirectPath == "/v/t62/x" and (large.thumbnailWidth, large.thumbnailHeight) == (720, 378)
    assert max(Image.open(io.BytesIO(large.JPEGThumbnail)).size) <= 192
    engine.test_media["L/bad"] = b"not an image"  # type: ignore[attr-defined]
    await engine.send(Outgoing(A, c.Link(**{**_fields(link), "image": c.MediaRef(key="L/bad")})))
    await engine.send(Outgoing(A, c.Link(**{**_fields(link), "image": c.MediaRef(key="L/gone")})))
    for call in rec(engine).named("send_message")[2:]:
        ext = call[1][1].extendedTextMessage
        assert ext.matchedText == "https://x.io" and not ext.HasField("JPEGThumbnail")  # sent, without image


def _fields(link: c.Link) -> dict[str, Any]:
    return {"text": link.text, "url": link.url, "title": link.title, "description": link.description,
            "image": link.image, "size": link.size}


# --- poll votes -----------------------------------------------------------------------------------

async def test_poll_vote_tries_our_poll_then_the_contacts(engine: NeonizeEngine) -> None:
    built = _vote_message()
    rec(engine).script.update(build_poll_vote=[RuntimeError(SECRET_MISSING), built],
                              get_lid_from_pn=jid(ALICE_LID, "lid"), send_message=response())
    await engine.send(Outgoing(A, c.PollVote("3EB0POLL", ("Sim", "Talvez"))))
    first, second = rec(engine).named("build_poll_vote")
    info, options = first[1]
    assert options == ["Sim", "Talvez"] and info.ID == "3EB0POLL"
    src = info.MessageSource
    assert (jid_str(src.Chat), jid_str(src.Sender), src.IsFromMe, src.IsGroup) == (A, f"{ME_LID}@lid", True, False)
    info.SerializeToString()  # every required field of the proto2 MessageInfo is set
    theirs = second[1][0].MessageSource
    assert (jid_str(theirs.Sender), theirs.IsFromMe) == (f"{ALICE_LID}@lid", False)
    assert jid_str(rec(engine).named("get_lid_from_pn")[0][1][0]) == A
    assert rec(engine).named("send_message")[0][1][1] is built


async def test_poll_vote_in_a_group_with_its_author_and_unknown_polls(engine: NeonizeEngine) -> None:
    rec(engine).script.update(build_poll_vote=_vote_message(), send_message=response())
    await engine.send(Outgoing(G, c.PollVote("3EB0GP", ("a",)), quoted_participant=f"{CAROL}@s.whatsapp.net"))
    (_, (info, _), _), = rec(engine).named("build_poll_vote")
    assert jid_str(info.MessageSource.Sender) == f"{CAROL}@s.whatsapp.net" and info.MessageSource.IsGroup
    assert not info.MessageSource.IsFromMe
    rec(engine).script["build_poll_vote"] = RuntimeError(SECRET_MISSING)
    with pytest.raises(EngineError) as err:
        await engine.send(Outgoing(G, c.PollVote("3EB0OLD", ("a",))))
    assert err.value.transient is False and "unknown to this session" in err.value.message
    rec(engine).script["build_poll_vote"] = RuntimeError("failed to get original message secret key: db down")
    with pytest.raises(EngineError) as err:
        await engine.send(Outgoing(G, c.PollVote("3EB0X", ("a",))))
    assert err.value.transient is True
    with pytest.raises(EngineError):
        await engine.send(Outgoing(G, c.PollVote("3EB0X", (), option_hashes=("ab",))))


def _vote_message() -> Any:
    from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

    return E.Message(pollUpdateMessage=E.PollUpdateMessage(vote=E.PollEncValue(encPayload=b"v", encIV=b"i" * 12)))


# --- presence ---------------------------------------------------------------------------------------

async def test_chat_presence_states_map_to_neonizes_send_enums(engine: NeonizeEngine) -> None:
    for state in (PresenceState.COMPOSING, PresenceState.RECORDING, PresenceState.PAUSED, PresenceState.AVAILABLE):
        await engine.send_chat_presence(A, state)
    calls = rec(engine).named("send_chat_presence")
    assert [(jid_str(j), s, m) for _, (j, s, m), _ in calls] == [
        (A, ChatPresence.CHAT_PRESENCE_COMPOSING, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT),
        (A, ChatPresence.CHAT_PRESENCE_COMPOSING, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_AUDIO),
        (A, ChatPresence.CHAT_PRESENCE_PAUSED, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT),
    ]  # AVAILABLE is not a chat state: nothing sent
    rec(engine).script["send_chat_presence"] = RuntimeError("websocket not connected")
    with pytest.raises(EngineError):
        await engine.send_chat_presence(A, PresenceState.COMPOSING)
    engine.connected = False
    with pytest.raises(NotConnected):
        await engine.send_chat_presence(A, PresenceState.PAUSED)


async def test_first_send_to_a_private_chat_subscribes_once_per_connection(engine: NeonizeEngine) -> None:
    rec(engine).script["send_message"] = response()
    await engine.send(Outgoing(A, c.Text("1")))
    await engine.send(Outgoing(A, c.Text("2")))
    await engine.send(Outgoing(G, c.Text("3")))
    await engine.sends.drain()
    assert [jid_str(call[1][0]) for call in rec(engine).named("subscribe_presence")] == [A]
    await engine._deliver(Connected(phone=ME))  # a new connection: subscriptions start again
    await engine.send(Outgoing(A, c.Text("4")))
    await engine.sends.drain()
    assert len(rec(engine).named("subscribe_presence")) == 2


async def test_failed_subscription_is_retried_on_the_next_send(engine: NeonizeEngine) -> None:
    failing = [RuntimeError("no privacy token"), None, None]
    rec(engine).script.update(send_message=response(), subscribe_presence=failing)
    await engine.send(Outgoing(A, c.Text("1")))
    await engine.sends.drain()  # logged, not raised
    assert A not in engine.sends.subscribed
    await engine.send(Outgoing(A, c.Text("2")))
    await engine.sends.drain()
    assert len(rec(engine).named("subscribe_presence")) == 2 and A in engine.sends.subscribed
    await engine.subscribe_presence(f"{CAROL}@s.whatsapp.net")
    assert jid_str(rec(engine).named("subscribe_presence")[-1][1][0]) == f"{CAROL}@s.whatsapp.net"


async def test_available_announced_after_connected(engine: NeonizeEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sending, "ANNOUNCE_RETRY_S", 0.0)
    rec(engine).script["send_presence"] = [RuntimeError("can't send presence without PushName set"), None]
    await engine._deliver(Connected(phone=ME))
    await engine.sends.drain()
    assert [call[1] for call in rec(engine).named("send_presence")] == [(Presence.AVAILABLE,), (Presence.AVAILABLE,)]
    rec(engine).script["send_presence"] = RuntimeError("still failing")
    await engine._deliver(Connected(phone=ME))
    await engine.sends.drain()  # gave up after a few attempts, nothing raised
    assert len(rec(engine).named("send_presence")) == 2 + sending.ANNOUNCE_ATTEMPTS


# --- read receipts ----------------------------------------------------------------------------------

async def test_mark_read_sender_in_groups_chat_in_private(engine: NeonizeEngine) -> None:
    await engine.mark_read(G, "3EB0G", f"{CAROL}@s.whatsapp.net")
    await engine.mark_read(A, "3EB0P")
    await engine.mark_read("status@broadcast", "3EB0S", A)
    group, private, status = rec(engine).named("mark_read")
    assert group[1] == ("3EB0G",) and group[2]["receipt"] == ReceiptType.READ
    assert (jid_str(group[2]["chat"]), jid_str(group[2]["sender"])) == (G, f"{CAROL}@s.whatsapp.net")
    assert (jid_str(private[2]["chat"]), jid_str(private[2]["sender"])) == (A, A)
    assert (jid_str(status[2]["chat"]), jid_str(status[2]["sender"])) == ("status@broadcast", A)
    with pytest.raises(EngineError) as err:
        await engine.mark_read(G, "3EB0G")
    assert err.value.transient is False
    rec(engine).script["mark_read"] = RuntimeError("websocket not connected")
    with pytest.raises(EngineError):
        await engine.mark_read(A, "3EB0P")
