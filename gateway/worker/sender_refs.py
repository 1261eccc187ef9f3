"""The message a pin, an event's edit or an event's answer names, resolved by the sender before sending.

The API takes ``messageId``/``eventMessageId`` as Z-API gives it: a WhatsApp id or one of our zaapIds. At
send time the zaapId becomes the WhatsApp id it was sent as, and what dispatch stored says who wrote the
message (its key names the author in groups). Not known to the gateway: a pin is taken to name one of our
messages (as a reaction does), an event's answer someone else's event (one cannot answer one's own), and an
event's edit always names ours (only its creator may edit it).
"""

from __future__ import annotations

from dataclasses import replace

from gateway.core import content_interactive as ci
from gateway.infra.db.originals import Originals
from gateway.infra.db.outbox import OutboxStore

Refers = ci.Pin | ci.EventEdit | ci.EventResponse


async def resolve_reference(body: Refers, *, store: OutboxStore, originals: Originals, instance_id: str,
                            chat: str) -> Refers:
    real = await store.resolve(instance_id, body.message_id)
    if isinstance(body, ci.EventEdit):
        return replace(body, message_id=real)
    author = await originals.author(instance_id, real)
    from_me = author.from_me if author is not None else isinstance(body, ci.Pin)
    participant = None if from_me or author is None else author.sender
    return replace(body, message_id=real, from_me=from_me, chat=chat, participant=participant)
