"""Z-API status (story) routes: statuses are queued sends to ``status@broadcast``; replies are queued sends to
the status's author quoting it. Answers as the send endpoints: ``{zaapId, messageId, id}`` once durable."""

from __future__ import annotations

from gateway.api.account import Json, instance_router
from gateway.api.account_docs import STATUS_BODIES
from gateway.api.answers import Sent
from gateway.api.auth import InstanceDep, State
from gateway.api.openapi import doc
from gateway.api.send import SEND_FAILS, IdempotencyKey, enqueue
from gateway.api.statusspec import parse_status

router = instance_router("status")


def _route(action: str) -> None:
    async def send(instance: InstanceDep, zg: State, body: Json, key: IdempotencyKey = None) -> dict[str, str]:
        req = parse_status(action, body, max_media_bytes=zg.settings.max_media_bytes)
        return await enqueue(zg, instance, req, key)

    send.__name__ = action.replace("-", "_")
    router.post(f"/{action}", **doc(STATUS_BODIES[action], ok=Sent, fails=SEND_FAILS))(send)


for _action in STATUS_BODIES:
    _route(_action)
