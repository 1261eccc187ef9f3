"""Z-API's pin, event, PIX, copy-code and carousel sends: validated, recorded and queued like every send.

``pin-message``, ``send-event``, ``send-edit-event``, ``send-event-response``, ``send-button-pix``,
``send-button-otp`` and ``send-carousel`` answer ``{zaapId, messageId, id}`` once the send is committed to the
instance's queue (``send.enqueue``); the FIFO sender sends them in request order. A carousel's files (one per
card) are fetched and stored here, before the commit, as the single file of other sends is.

On a neonize instance, what neonize 0.5.2 cannot send answers 501 before anything is queued
(``engine_gaps``): an event's edit or answer, and an event with a call link.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Depends

from gateway.api.answers import Sent
from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.newsletter_docs import inline_doc
from gateway.api.openapi import CLIENT_TOKEN, INSTANCE_ERRORS
from gateway.api.send import SEND_FAILS, IdempotencyKey, Json, _body, enqueue
from gateway.api.send_interactive_docs import INTERACTIVE_BODIES
from gateway.api.sendspec_interactive import ACTIONS, InteractiveRequest, parse_interactive
from gateway.api.state import AppState
from gateway.core import content_interactive as ci
from gateway.core.engine_gaps import NeonizeGap, gap_error
from gateway.core.models import EngineKind, Instance

router = APIRouter(prefix="/instances/{instance_id}/token/{token}", tags=["send"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)


def neonize_gap(instance: Instance, body: Any) -> NeonizeGap | None:
    """What neonize 0.5.2 cannot send of this content (None: it can)."""
    if instance.engine is not EngineKind.NEONIZE:
        return None
    if isinstance(body, ci.EventEdit):
        return NeonizeGap.EVENT_EDIT
    if isinstance(body, ci.EventResponse):
        return NeonizeGap.EVENT_RESPONSE
    if isinstance(body, ci.Event) and body.call_type:
        return NeonizeGap.EVENT_CALL_LINK
    return None


async def _with_card_files(zg: AppState, instance: Instance, parsed: InteractiveRequest) -> InteractiveRequest:
    """A carousel's cards with their files stored (fetched or decoded, checked, kept by hash)."""
    body = parsed.request.outgoing.content
    if not parsed.card_files or not isinstance(body, ci.Carousel):
        return parsed
    cards = list(body.cards)
    for f in parsed.card_files:
        ref = await zg.media.outbound(instance.id, f.kind, f.media, f.field)
        cards[f.index] = dataclasses.replace(cards[f.index], media=ref)
    outgoing = dataclasses.replace(parsed.request.outgoing, content=ci.Carousel(body.text, tuple(cards)))
    return InteractiveRequest(dataclasses.replace(parsed.request, outgoing=outgoing))


def _route(action: str) -> None:
    async def send(instance: InstanceDep, zg: State, body: Json, key: IdempotencyKey = None) -> dict[str, str]:
        parsed = parse_interactive(action, _body(body), max_media_bytes=zg.settings.max_media_bytes)
        gap = neonize_gap(instance, parsed.request.outgoing.content)
        if gap is not None:
            raise gap_error(gap)
        parsed = await _with_card_files(zg, instance, parsed)
        return await enqueue(zg, instance, parsed.request, key)

    send.__name__ = action.replace("-", "_")
    router.post(f"/{action}", **inline_doc(INTERACTIVE_BODIES[action], ok=Sent, fails=(*SEND_FAILS, 501)))(send)


for _action in ACTIONS:
    _route(_action)
