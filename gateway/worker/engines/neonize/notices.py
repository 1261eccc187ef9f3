"""neonize notifications that are not ordinary messages → our events: calls, undecryptable messages, a
contact's new picture, a chat's disappearing-message setting; poll votes decrypted.

Everything here runs on the Go callback thread. Translation is plain protobuf reading. The two FFI calls a
notification needs (a poll vote's decryption, a changed picture's URL) never run on that thread: Go's
session maps have no locks (neonize.md §5.3), so an FFI call must hold the runtime's shared lock, and this
thread may not wait for it unbounded (while a connect window holds the lock exclusively its first sign of
life may be this very thread's next event). They run on the runtime's pool under the shared lock, like any
engine call, and this thread waits at most ``timeout_s`` for them; past that the event leaves without the
result (a vote with no option hashes, a picture notice with no URL).

neonize 0.5.2 forwards no push-name, contact, archive, pin, mute, mark-read, clear, delete or label event
(whatsmeow's ``events.PushName``, ``Contact``, ``Archive``, ``Pin``, ``Mute``, ``MarkChatAsRead``,
``ClearChat``, ``DeleteChat``, ``LabelAssociationChat`` have no code in its ``EVENT_TO_INT`` nor a case in its
Go event handler), so ``PROFILE_NAME_UPDATED`` and ``CHAT_LABEL_ASSOCIATION`` never come from this engine.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content as c
from gateway.core.events import ChatChanged, ChatNotified, GroupNotified, MessageReceived
from gateway.worker.engines.neonize.groups import Me
from gateway.worker.engines.neonize.pictures import Pictures
from gateway.worker.engines.neonize.runtime import NeonizeRuntime
from gateway.worker.engines.neonize.translate import (
    BROADCAST_SERVER,
    GROUP_SERVER,
    LID_SERVER,
    NEWSLETTER_SERVER,
    PHONE_SERVER,
    address,
    addresses,
    jid_string,
    timestamp_ms,
)

log = logging.getLogger(__name__)

CALLBACK_FFI_TIMEOUT_S = 5.0  # how long an event waits for the FFI call it needs
OPEN_CALLS_KEPT = 256  # call offers remembered until they end (the oldest forgotten first)


def repair_decrypt_poll_vote() -> None:
    """neonize 0.5.2 forgot ``DecryptPollVote`` in its list of FFI calls whose ``BytesReturn`` it copies and frees
    (``_binder.py``), so ``decrypt_poll_vote`` always raises ``TypeError: expected bytes, LP_Bytes found`` and leaks
    the answer. Give it the same ``errcheck`` as its siblings (once; a fixed neonize keeps its own)."""
    from neonize import _binder

    go = getattr(_binder.gocode, "DecryptPollVote", None)
    if go is not None and getattr(go, "errcheck", None) is None:
        go.errcheck = _binder.consume_bytes_struct


# --- pure translation ------------------------------------------------------------------------------

def undecryptable(ev: Any) -> MessageReceived | None:
    """``UndecryptableMessage`` → a waiting message (``None`` when the sender asked to hide the failure).

    Its id is the message's own: when whatsmeow's retry later decrypts it, the real message carries the same
    id (see the event-id note in the report: ``event_id_for`` must tell the two apart)."""
    if ev.DecryptFailMode == N.UndecryptableMessage.DECRYPT_FAIL_HIDE:
        return None  # a reaction, vote or edit the sender marked "hide": no placeholder on the phone either
    info, src = ev.Info, ev.Info.MessageSource
    chat, sender = addresses(src)
    return MessageReceived(
        message_id=info.ID, chat=chat, sender=sender, from_me=bool(src.IsFromMe), is_group=bool(src.IsGroup),
        timestamp_ms=timestamp_ms(info.Timestamp), content=c.Unsupported("ciphertext", {}), push_name=info.Pushname,
        waiting=True, is_newsletter=src.Chat.Server == NEWSLETTER_SERVER,
        is_broadcast=src.Chat.Server == BROADCAST_SERVER and src.Chat.User != "status")


def chat_setting(ev: Any) -> ChatChanged | None:
    """A ``protocolMessage`` EPHEMERAL_SETTING (a chat's disappearing timer changed) → ``ChatChanged``."""
    msg = ev.Message
    if not msg.HasField("protocolMessage") or msg.protocolMessage.type != E.ProtocolMessage.EPHEMERAL_SETTING:
        return None
    chat, _sender = addresses(ev.Info.MessageSource)
    return ChatChanged(chat=chat, timestamp_ms=timestamp_ms(ev.Info.Timestamp),
                       expiration_s=int(msg.protocolMessage.ephemeralExpiration))


def user_picture(ev: Any, url: str | None, me: Me) -> ChatNotified:
    """A contact's (or our own) ``Picture`` → ``PROFILE_PICTURE_UPDATED`` (``url`` None: removed, or unknown)."""
    chat = address(ev.JID)
    sender = address(ev.Author) if ev.Author.User else chat
    state = "removed" if ev.Remove else "set"
    return ChatNotified(chat=chat, kind="PROFILE_PICTURE_UPDATED", timestamp_ms=timestamp_ms(ev.Timestamp),
                        notification_id=f"picture:{chat.jid}:{ev.Timestamp}:{state}", sender=sender,
                        from_me=me.owns(sender), updated_photo=None if ev.Remove else url)


def is_video(node: Any) -> bool:
    """Whether a call offer's ``<offer>`` node offers video (it then has a ``<video>`` child beside ``<audio>``)."""
    return any(child.Tag == "video" for child in node.Nodes)


# --- calls -----------------------------------------------------------------------------------------

class CallTracker:
    """Call offers → ``CALL_VOICE``/``CALL_VIDEO``; an offer that ends (terminate: rejected, timed out, hung up)
    without having been accepted → ``CALL_MISSED_VOICE``/``CALL_MISSED_VIDEO``. Open offers are kept in a bounded
    dict (call id → the offer's notification); a terminate for an offer we never saw (it came before a restart,
    or was forgotten) emits nothing: whether it was answered is unknown."""

    def __init__(self, me: Callable[[], Me], limit: int = OPEN_CALLS_KEPT) -> None:
        self.me = me
        self.limit = limit
        self._open: OrderedDict[str, ChatNotified] = OrderedDict()

    def __repr__(self) -> str:
        return f"<CallTracker open={len(self._open)}>"

    def offer(self, ev: Any) -> ChatNotified:
        return self._offered(ev.basicCallMeta, video=is_video(ev.data))

    def offer_notice(self, ev: Any) -> ChatNotified:
        """A group call's notice (its media named in the event)."""
        return self._offered(ev.basicCallMeta, video=ev.media == "video")

    def accept(self, ev: Any) -> None:
        self._open.pop(ev.basicCallMeta.callID, None)  # answered: its end is no missed call

    def terminate(self, ev: Any) -> ChatNotified | None:
        meta = ev.basicCallMeta
        offered = self._open.pop(meta.callID, None)
        log.info("call %s ended (%s), %s", meta.callID, ev.reason or "no reason",
                 "unanswered" if offered is not None else "answered or not seen")
        if offered is None:
            return None
        kind = "CALL_MISSED_VIDEO" if offered.kind == "CALL_VIDEO" else "CALL_MISSED_VOICE"
        at = timestamp_ms(meta.timestamp) if meta.timestamp else offered.timestamp_ms
        return dataclasses.replace(offered, kind=kind, timestamp_ms=at, notification_id=f"call:{meta.callID}:missed")

    def _offered(self, meta: Any, *, video: bool) -> ChatNotified:
        # a 1:1 caller as delivered (``from``: what ``reject_call`` wants), with its other form when given; in a
        # group call ``from`` is the group and the caller its creator
        origin = getattr(meta, "from")  # a Python keyword
        group = origin.Server == GROUP_SERVER
        caller = meta.callCreator if group and meta.callCreator.User else origin
        sender = address(caller, meta.callCreatorAlt)
        chat = address(origin) if group else sender
        note = ChatNotified(chat=chat, kind="CALL_VIDEO" if video else "CALL_VOICE",
                            timestamp_ms=timestamp_ms(meta.timestamp), notification_id=f"call:{meta.callID}:offer",
                            sender=sender, from_me=self.me().owns(sender), is_group=group, call_id=meta.callID)
        self._open[meta.callID] = note
        self._open.move_to_end(meta.callID)
        while len(self._open) > self.limit:
            self._open.popitem(last=False)
        return note


# --- the engine's notices ----------------------------------------------------------------------------

class Notices:
    """What the engine's handlers call for these events (``calls`` for the call events)."""

    def __init__(self, client: Any, runtime: NeonizeRuntime, loop: asyncio.AbstractEventLoop, *,
                 connected: Callable[[], bool], me: Callable[[], Me],
                 group_picture: Callable[[Any], list[GroupNotified]],
                 timeout_s: float = CALLBACK_FFI_TIMEOUT_S, pictures: Pictures | None = None) -> None:
        repair_decrypt_poll_vote()
        self.client = client
        self.runtime = runtime
        self.loop = loop
        self.connected = connected
        self.me = me
        self.group_picture = group_picture
        self.timeout_s = timeout_s
        self.pictures = pictures if pictures is not None else Pictures()
        self.calls = CallTracker(me)
        self.decrypted = 0
        self.undecrypted = 0

    def __repr__(self) -> str:
        return f"<Notices {self.calls!r} votes decrypted={self.decrypted} failed={self.undecrypted}>"

    def on_undecryptable(self, proto: Any) -> MessageReceived | None:
        return undecryptable(proto)

    def on_picture(self, proto: Any) -> list[GroupNotified] | ChatNotified | None:
        """A group's picture → its group notification; a user's → ``PROFILE_PICTURE_UPDATED`` with the new URL."""
        server = proto.JID.Server
        if server == GROUP_SERVER:
            return self.group_picture(proto)
        if server not in (PHONE_SERVER, LID_SERVER):
            return None
        url = None
        if not proto.Remove:
            url = self._picture_url(proto.JID)
        self.pictures.learn(f"{proto.JID.User}@{server}", url)
        return user_picture(proto, url, self.me())

    def poll_vote(self, proto: Any, vote: c.PollVote) -> c.PollVote:
        """The vote with the sha256 (hex) of each chosen option; unchanged (no hashes) when it cannot be decrypted."""
        try:
            answer = self._ffi(self.client.decrypt_poll_vote, proto)
        except Exception as exc:
            self.undecrypted += 1
            log.warning("poll vote %s not decrypted: %s", proto.Info.ID, exc)
            return vote
        self.decrypted += 1
        return dataclasses.replace(vote, option_hashes=tuple(bytes(o).hex() for o in answer.selectedOptions))

    def _picture_url(self, jid: Any) -> str | None:
        try:
            picture = self._ffi(self.client.get_profile_picture, jid,
                                N.GetProfilePictureParams(Preview=False, ExistingID="", IsCommunity=False))
        except Exception as exc:  # hidden from us, gone again, or no answer in time: announced without the URL
            log.info("picture of %s not fetched: %s", jid_string(jid), exc)
            return None
        return str(picture.URL) or None

    def _ffi(self, fn: Callable[..., Any], *args: Any) -> Any:
        """On the callback thread: ``fn`` on the runtime's pool (shared FFI lock), waited for ``timeout_s``."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            raise RuntimeError("an FFI call from a notice must not run on the event loop's thread")

        def locked() -> Any:  # under the FFI lock no stop() runs: the Go client is still there
            if not self.connected():
                raise RuntimeError("the instance is not connected")
            return fn(*args)

        async def bounded() -> Any:
            return await asyncio.wait_for(self.runtime.call(locked), self.timeout_s)

        pending = bounded()
        try:
            future = asyncio.run_coroutine_threadsafe(pending, self.loop)
        except Exception:  # the loop is closing
            pending.close()
            raise
        return future.result(self.timeout_s + 1.0)
