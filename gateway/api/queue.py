"""Z-API queue endpoints: list (cursor pages), count, delete all, delete one."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Path, Query

from gateway.api.answers import Done, QueueCleared, QueueCount, QueueItem, QueuePage
from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.bodies import QueuePageRequest
from gateway.api.openapi import CLIENT_TOKEN, INSTANCE_ERRORS, doc
from gateway.core.errors import InvalidInput, NotFound
from gateway.infra.db.outbox import OutboxRow, OutboxStore

router = APIRouter(prefix="/instances/{instance_id}/token/{token}", tags=["queue"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)
MAX_PAGE = 30


def _message_text(row: OutboxRow) -> str:
    content = orjson.loads(row.payload).get("content", {})
    for key in ("text", "caption", "question", "emoji"):
        if content.get(key):
            return str(content[key])
    return str(content.get("_t", row.kind))


def queue_item(row: OutboxRow) -> dict[str, Any]:
    """Z-API's PascalCase queue item."""
    return {"_id": row.zaap_id, "DelayMessage": int(row.delay_message) if row.delay_message is not None else -1,
            "Message": _message_text(row), "InstanceId": row.instance_id, "Phone": row.phone, "ZaapId": row.zaap_id,
            "DelayTyping": int(row.delay_typing), "MessageId": row.zaap_id,
            "Created": int(row.created_at.timestamp() * 1000), "CreatedAt": row.created_at.isoformat(),
            "Beta": False, "IsTrial": False, "Status": row.status}


def _cursor(state: object) -> int:
    if state in (None, ""):
        return 0
    try:
        return int(base64.urlsafe_b64decode(str(state).encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("is not a cursor returned by this endpoint", field="pagingState") from exc


@router.post("/queue", **doc(QueuePageRequest, ok=QueuePage, optional_body=True))
async def list_queue(instance: InstanceDep, zg: State,
                     body: Annotated[dict[str, Any] | None, Body()] = None) -> dict[str, Any]:
    raw = body or {}
    size = raw.get("pageSize", 20)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_PAGE:
        raise InvalidInput(f"must be between 1 and {MAX_PAGE}", field="pageSize")
    rows = await OutboxStore(zg.db).page(instance.id, _cursor(raw.get("pagingState")), size + 1)
    more = len(rows) > size
    rows = rows[:size]
    state = base64.urlsafe_b64encode(str(rows[-1].seq).encode()).decode() if more and rows else None
    return {"messages": [queue_item(r) for r in rows], "pagingState": state, "hasMore": more}


@router.get("/queue", **doc(ok=list[QueueItem]))
async def list_queue_deprecated(instance: InstanceDep, zg: State,
                                page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000)] = 100,
                                page: Annotated[int, Query(ge=1)] = 1) -> list[dict[str, Any]]:
    del page  # Z-API ignores it too
    return [queue_item(r) for r in await OutboxStore(zg.db).page(instance.id, 0, page_size)]


@router.get("/queue/count", **doc(ok=QueueCount))
async def queue_count(instance: InstanceDep, zg: State) -> dict[str, int]:
    return {"count": await OutboxStore(zg.db).count(instance.id)}


@router.delete("/queue", **doc(ok=QueueCleared))
async def clear_queue(instance: InstanceDep, zg: State) -> dict[str, Any]:
    return {"value": True, "deleted": await OutboxStore(zg.db).delete_all(instance.id)}


@router.delete("/queue/{zaap_id}", **doc(ok=Done))
async def delete_queued(instance: InstanceDep, zg: State,
                        zaap_id: Annotated[str, Path(max_length=64)]) -> dict[str, bool]:
    if not await OutboxStore(zg.db).delete_one(instance.id, zaap_id):
        raise NotFound("no queued message with this zaapId (already sent, failed or deleted)")
    return {"value": True}
