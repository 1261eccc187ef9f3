"""The engine interface: our own types in, our own events out (through a synchronous callback)."""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gateway.core.commands import UNKNOWN, Outgoing, Unknown
from gateway.core.config import Settings
from gateway.core.errors import EngineError
from gateway.core.events import EngineEvent, MessageReceived, PresenceState

# The engine callback: returns an awaitable resolved once the event is durable (JetStream), or None when
# nothing captures events (tests). Engines wait for it before acknowledging what WhatsApp handed over.
EmitFn = Callable[[EngineEvent], Awaitable[None] | None]
SendRecorder = Callable[[str, Outgoing], Awaitable[None]]
SendLookup = Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class EngineContext:
    instance_id: str
    settings: Settings
    emit: EmitFn
    device_jid: str | None = None  # a paired device to restore without a new QR
    record_send: SendRecorder | None = None  # sandbox: where the simulated phone logs what it got
    lookup_send: SendLookup | None = None  # sandbox: the WhatsApp id a zaapId was sent as, if it was
    read_media: Callable[[str], Awaitable[bytes | None]] | None = None  # media store key → bytes
    backlog: Callable[[], int] | None = None  # events captured and not yet published (backpressure)


class Engine(abc.ABC):
    """One WhatsApp session. ``connect`` returns once started; progress arrives as events."""

    def __init__(self, ctx: EngineContext) -> None:
        self.ctx = ctx

    @abc.abstractmethod
    async def connect(self) -> None: ...

    @abc.abstractmethod
    async def disconnect(self) -> None:
        """Stop the session and keep the pairing (restart later without a QR)."""

    @abc.abstractmethod
    async def logout(self) -> None:
        """Unlink the device; a new pairing is needed afterwards."""

    @abc.abstractmethod
    async def pair_phone(self, phone: str) -> str:
        """Start pairing by phone number; returns the code the user types on the phone."""

    @abc.abstractmethod
    async def send(self, outgoing: Outgoing) -> str:
        """Send and return the WhatsApp message id."""

    async def send_chat_presence(self, to: str, state: PresenceState) -> None:  # noqa: B027 - optional
        """Show composing/recording/paused in a chat (no-op where unsupported)."""

    async def download(self, message: MessageReceived) -> bytes:
        """Download and decrypt a received message's media."""
        raise EngineError("this engine cannot download media", transient=False)

    async def sent_id(self, zaap_id: str) -> str | Unknown | None:
        """Whether a queued message left: its WhatsApp id, None (it did not), or UNKNOWN."""
        return UNKNOWN

    @abc.abstractmethod
    async def mark_read(self, chat: str, message_id: str) -> None:
        """Send a read receipt for a message in a chat."""
