"""What the sandbox phone does with a pin, an event, an event's edit or answer (WhatsApp's rules).

Refused (``EngineError``, not transient: the message ends ``FAILED`` with a ``DeliveryCallback`` saying why):

- an event's edit naming a message that is not an event the phone sent in that chat (only an event's creator
  edits it);
- an answer to an event the phone sent itself (WhatsApp counts its creator as going, always).
Pins are not checked against the chat's messages: WhatsApp's server does not either.

Records (``sandbox/phone``): ``pins`` (``id``, ``chat``, ``messageId``, ``action`` pin/unpin,
``durationSeconds``, ``fromMe``, ``participant``), ``events`` (``id``, ``chat``, ``name``, ``description``,
``startTime`` (epoch s), ``location``, ``canceled``, ``joinLink`` (a made-up WhatsApp call link when the event has
``callLinkType``), ``editedId`` for an edit), ``eventResponses`` (``id``, ``chat``, ``eventId``, ``response``).
PIX, copy-code and carousel messages leave like any message (the phone keeps them among its sent messages).
"""

from __future__ import annotations

import hashlib

from gateway.core import content_interactive as ci
from gateway.core.commands import Outgoing
from gateway.core.errors import EngineError
from gateway.worker.engines.sandbox.account import AccountWorld

EVENT_KIND = "Event"  # the kind a sent event is remembered as in its chat


def _sent_event(world: AccountWorld, chat: str, message_id: str) -> bool:
    found = world.chats.get(chat)
    sent = found.sent_message(message_id) if found is not None else None
    return sent is not None and sent.kind == EVENT_KIND


def check(world: AccountWorld, out: Outgoing) -> None:
    """Raise what WhatsApp would refuse of this send (nothing for other contents)."""
    body = out.content
    if isinstance(body, ci.EventEdit) and not _sent_event(world, out.to, body.message_id):
        raise EngineError("only an event's creator can edit it: the phone sent no event with this id in this chat",
                          transient=False)
    if isinstance(body, ci.EventResponse) and _sent_event(world, out.to, body.message_id):
        raise EngineError("the phone created this event: WhatsApp counts its creator as going, always",
                          transient=False)


def call_link(message_id: str, call_type: str) -> str:
    """A WhatsApp-like call link for an event (the sandbox's own, stable per message)."""
    token = hashlib.sha256(message_id.encode()).hexdigest()[:22]
    return f"https://call.whatsapp.com/{call_type}/{token}"


def _event_record(event: ci.Event, message_id: str) -> dict[str, object]:
    place = event.place
    return {"name": event.name, "description": event.description, "startTime": event.start_s,
            "location": {"name": place.name, "address": place.address, "latitude": place.latitude,
                         "longitude": place.longitude} if place is not None else None,
            "canceled": event.canceled,
            "joinLink": call_link(message_id, event.call_type) if event.call_type else None}


def note(world: AccountWorld, out: Outgoing, message_id: str) -> None:
    """Keep the records of what left (the caller commits)."""
    body, to = out.content, out.to
    if isinstance(body, ci.Pin):
        world.record("pins", id=message_id, chat=to, messageId=body.message_id,
                     action="pin" if body.pin else "unpin", durationSeconds=body.duration_s if body.pin else 0,
                     fromMe=body.from_me, participant=body.participant)
    elif isinstance(body, ci.Event):
        world.record("events", id=message_id, chat=to, editedId=None, **_event_record(body, message_id))
    elif isinstance(body, ci.EventEdit):
        world.record("events", id=message_id, chat=to, editedId=body.message_id,
                     **_event_record(body.event, body.message_id))
    elif isinstance(body, ci.EventResponse):
        world.record("eventResponses", id=message_id, chat=to, eventId=body.message_id, response=body.response)
