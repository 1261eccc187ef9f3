"""Status (story) bodies → ``SendRequest`` (pure). Every rule broken is a 400 naming the field.

A status is an ordinary queued send to ``status@broadcast``; a reply to one is a send to its author that
quotes it (the quoted message lives in ``status@broadcast`` and was written by the author).
"""

from __future__ import annotations

from typing import Any

from gateway.api.account_docs import STATUS_VIDEO_BYTES
from gateway.api.sendspec import MEDIA_KIND, PARSERS, Body, SendRequest, contact_jid
from gateway.core.commands import Outgoing
from gateway.core.errors import InvalidInput
from gateway.core.phones import STATUS_BROADCAST

# each status endpoint → the send endpoint whose content it shares
STATUS_SENDS = {"send-text-status": "send-text", "send-image-status": "send-image", "send-video-status": "send-video"}
STATUS_REPLIES = {"reply-status-text": "send-text", "reply-status-gif": "send-gif",
                  "reply-status-sticker": "send-sticker"}


def parse_status(action: str, raw: Any, *, max_media_bytes: int) -> SendRequest:
    if not isinstance(raw, dict):
        raise InvalidInput("request body must be a JSON object", field="body")
    limit = min(max_media_bytes, STATUS_VIDEO_BYTES) if action == "send-video-status" else max_media_bytes
    b = Body(raw, limit)
    send = STATUS_SENDS.get(action) or STATUS_REPLIES[action]
    content, media = PARSERS[send](b)
    delay = b.num("delayMessage", low=1, high=15)
    kind, field = MEDIA_KIND.get(send, ("", ""))
    if action in STATUS_SENDS:
        outgoing = Outgoing(to=STATUS_BROADCAST, content=content)
        phone, typing = STATUS_BROADCAST, 0.0
    else:
        author = contact_jid(raw.get("phone"))
        status_id = b.str_("statusMessageId", required=True, max_len=128)
        outgoing = Outgoing(to=author, content=content, quoted_id=status_id, quoted_chat=STATUS_BROADCAST,
                            quoted_participant=author)
        phone, typing = str(raw["phone"]), b.num("delayTyping", low=1, high=15) or 0.0
    return SendRequest(kind=action, phone=phone, outgoing=outgoing, delay_message_s=delay, delay_typing_s=typing,
                       media=media, media_kind=kind, media_field=field,
                       media_max_bytes=limit if action == "send-video-status" else None)
