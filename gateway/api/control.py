"""The api's side of the control plane: one request to the worker that owns an instance.

A request the owning worker received and then died with (kill -9) is never answered. Rather than wait the whole
control timeout, a request still unanswered after ``WATCH_AFTER_S`` is watched: the lease names the worker, and
every ``WATCH_EVERY_S`` that worker is asked whether it is still up (``Names.worker_subject``). NATS answers "no
responders" at once for a worker whose connection is gone, and the call fails then (502 ``CONTROL_FAILED``,
retry) instead of at the timeout. A slow answer from a live worker is still waited for; anything the watch
cannot tell (Redis away, no lease, the ping timing out) leaves the call waiting as before.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson

from gateway.core.commands import Action, encode_request
from gateway.core.errors import BusError, ControlFailed, InstanceUnavailable, InvalidInput, NoResponder, RemoteError
from gateway.core.names import Names
from gateway.infra.bus import Bus
from gateway.infra.kv.leases import LeaseReader

WATCH_AFTER_S = 1.0  # a request answered sooner is never watched
WATCH_EVERY_S = 0.5


class ControlClient:
    """Used by the api: one request to the owning worker, errors mapped to Z-API shaped ones."""

    def __init__(self, bus: Bus, names: Names, timeout_s: float, leases: LeaseReader | None = None) -> None:
        self.bus = bus
        self.names = names
        self.timeout_s = timeout_s
        self.leases = leases

    async def call(self, instance_id: str, action: Action, **args: Any) -> dict[str, Any]:
        try:
            request = encode_request(action, args)
        except orjson.JSONEncodeError as exc:  # the input guard refuses these first; never a 500
            raise InvalidInput(f"cannot be sent to the worker: {exc}", field="body") from exc
        try:
            data = await self._request(instance_id, request)
        except NoResponder as exc:
            raise InstanceUnavailable("no worker is running this instance yet; retry in a few seconds") from exc
        except BusError as exc:
            raise ControlFailed(f"the worker did not answer: {exc}") from exc
        reply = orjson.loads(data)
        if reply.get("ok"):
            result: dict[str, Any] = reply.get("result") or {}
            return result
        if reply.get("status") == 400:
            raise InvalidInput(reply.get("error", "invalid"), field=reply.get("field", ""))
        raise RemoteError(reply.get("error", "worker error"), remote_status=int(reply.get("status", 500)),
                          remote_code=reply.get("code", "INTERNAL_ERROR"))

    async def _request(self, instance_id: str, request: bytes) -> bytes:
        pending = asyncio.ensure_future(self.bus.request(self.names.control_subject(instance_id), request,
                                                         self.timeout_s))
        try:
            if self.leases is not None and not (await asyncio.wait({pending}, timeout=WATCH_AFTER_S))[0]:
                owner = await self._owner(instance_id)
                while owner is not None and not (await asyncio.wait({pending}, timeout=WATCH_EVERY_S))[0]:
                    if await self._gone(owner):
                        raise ControlFailed("the worker running this instance stopped before it answered; retry")
            return await pending
        finally:
            if not pending.done():
                pending.cancel()
                with contextlib.suppress(BaseException):
                    await pending

    async def _owner(self, instance_id: str) -> str | None:
        assert self.leases is not None
        try:
            holder = await self.leases.owner(instance_id)
        except Exception:  # Redis away: no watch, the timeout decides
            return None
        return holder[0] if holder is not None else None

    async def _gone(self, worker: str) -> bool:
        """True only when NATS says nobody serves the worker's subject (its connection is gone)."""
        try:
            await self.bus.request(self.names.worker_subject(worker), b"", WATCH_EVERY_S)
        except NoResponder:
            return True
        except Exception:  # busy or unknown: not proof that it is gone
            return False
        return False
