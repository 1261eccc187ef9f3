"""What the pages show, built from the API's own views and stores (no second copy of any rule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.api.state import AppState
from gateway.core import events as ev
from gateway.core.models import CallbackKind, Instance
from gateway.core.status import InstanceStatus
from gateway.infra.db.dashboard import DashboardReads, InstanceHealth

LABELS = {
    InstanceStatus.CONNECTED: "connected",
    InstanceStatus.QR_PENDING: "QR pending",
    InstanceStatus.ERROR: "error",
    InstanceStatus.BANNED: "error",
}
TEXT_FIELDS = ("text", "caption", "question", "name", "emoji", "title", "file_name")


def status_label(status: str) -> str:
    """The four states the dashboard shows: connected, QR pending, disconnected, error."""
    try:
        return LABELS.get(InstanceStatus(status), "disconnected")
    except ValueError:
        return "disconnected"


@dataclass(frozen=True, slots=True)
class Row:
    instance: Instance
    live: dict[str, str]
    health: InstanceHealth | None

    @property
    def status(self) -> str:
        return self.live.get("status", InstanceStatus.STOPPED.value)

    @property
    def label(self) -> str:
        return status_label(self.status)

    @property
    def phone(self) -> str:
        return self.live.get("phone") or self.instance.phone or ""

    @property
    def worker(self) -> str:
        return self.live.get("owner", "")


async def rows(zg: AppState, instances: list[Instance]) -> list[Row]:
    healths = await DashboardReads(zg.db).health([(i.id, zg.names.partition_of(i.id)) for i in instances])
    return [Row(i, await zg.state.get(i.id), healths.get(i.id)) for i in instances]


def webhooks(instance: Instance) -> list[tuple[CallbackKind, str]]:
    return [(kind, instance.callbacks.get(kind) or "") for kind in CallbackKind]


def _preview(content: Any) -> tuple[str, str]:
    kind = type(content).__name__
    for name in TEXT_FIELDS:
        value = getattr(content, name, None)
        if isinstance(value, str) and value:
            return kind, value[:200]
    return kind, ""


def _who(address: ev.Address) -> str:
    return address.phone or address.jid


def _row(body: bytes) -> dict[str, Any] | None:
    event = ev.decode(body).event
    if isinstance(event, ev.MessageReceived):
        kind, text = _preview(event.content)
        return {"at": event.timestamp_ms, "direction": "out (phone)" if event.from_me else "in",
                "chat": _who(event.chat), "kind": kind, "text": text, "id": event.message_id, "status": ""}
    if isinstance(event, ev.MessageSent):
        kind, text = _preview(event.message.content) if event.message else ("", "")
        return {"at": event.message.timestamp_ms if event.message else 0, "direction": "out (API)",
                "chat": _who(event.chat), "kind": kind, "text": text, "id": event.message_id or event.zaap_id,
                "status": f"FAILED: {event.error}" if event.error else ""}
    return None


async def recent_traffic(zg: AppState, instance_id: str, limit: int = 15) -> list[dict[str, Any]]:
    """The recent messages in and out, newest first, from stored events, with their latest status."""
    reads = DashboardReads(zg.db)
    bodies = await reads.recent_events(instance_id, ("MessageReceived", "MessageSent"), limit)
    found = [row for body in bodies if (row := _row(body)) is not None]
    statuses = await reads.message_statuses(instance_id, [r["id"] for r in found if not r["status"]])
    for row in found:
        row["status"] = row["status"] or statuses.get(row["id"], "")
    return found
