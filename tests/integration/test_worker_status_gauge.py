"""The worker counts its engines by instance status at every lease renewal (the disconnected-instances alert)."""

from __future__ import annotations

from gateway.ops.metrics import INSTANCES_BY_STATUS
from tests.support.polling import eventually
from tests.support.stack import Stack


def _count(status: str) -> float:
    return float(INSTANCES_BY_STATUS.labels(status)._value.get())


async def test_engines_are_counted_by_status(stack: Stack) -> None:
    waiting = await stack.instance()
    paired = await stack.paired()

    async def counted() -> bool:
        await stack.worker.renew_once()
        return _count("CONNECTED") == 1 and _count("QR_PENDING") == 1

    await eventually(counted)
    await stack.api.client.get(stack.api.path(paired, "disconnect"), headers=stack.api.client_headers)  # log out
    await eventually(lambda: _status_is(stack, paired["id"], "CONNECTED", negate=True))
    await stack.worker.renew_once()
    statuses = [s.status.value for s in stack.worker.sessions.values()]
    assert _count("CONNECTED") == 0 and "CONNECTED" not in statuses
    for status in set(statuses):
        assert _count(status) == statuses.count(status)
    assert waiting["id"] != paired["id"]


async def _status_is(stack: Stack, instance_id: str, status: str, *, negate: bool = False) -> bool:
    now = stack.worker.sessions[instance_id].status.value
    return (now != status) if negate else (now == status)
