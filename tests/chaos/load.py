"""The fault suite's traffic and bookkeeping: steady inbound and sends through the real HTTP API, a webhook
receiver that records everything, and the counts (accepted vs delivered, duplicates, order, recovery)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from aiohttp import web

from tests.support.receiver import serve

SENDER_PHONE = "5511988887777"


@dataclass
class Recorder:
    """The partner's webhook endpoint; can answer 500 on purpose (``failing``)."""

    failing: bool = False
    port: int = 0
    received: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))  # inst: [(msg, wid)]
    delivery: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))  # inst: [(zaap, wid)]
    _runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        if self.failing:
            return web.Response(status=500)
        body = orjson.loads(await request.read())
        wid = request.headers.get("webhook-id", "")
        instance = body.get("instanceId", "")
        if body.get("type") == "ReceivedCallback" and not body.get("fromMe"):
            self.received[instance].append((body.get("messageId", ""), wid))
        elif body.get("type") == "DeliveryCallback":
            self.delivery[instance].append((body.get("zaapId", ""), wid))
        return web.Response(text="ok")

    async def start(self) -> None:
        self._runner, self.port = await serve("POST", self._handle)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Traffic:
    """What the API accepted (answered 2xx), per instance and in order, and when it answered errors."""

    accepted_in: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    accepted_out: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    refused: int = 0
    server_errors: int = 0
    last_error_at: float = 0.0


async def _post(client: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str],
                traffic: Traffic) -> dict[str, Any] | None:
    """One request, retried (same idempotency) until accepted or the load stops: what a careful partner does."""
    while True:
        try:
            r = await client.post(url, json=body, headers=headers, timeout=30)
        except httpx.HTTPError:
            r = None
        if r is not None and r.status_code == 200:
            data: dict[str, Any] = r.json()
            return data
        if r is not None and r.status_code >= 500 and r.status_code not in (502, 503):
            traffic.server_errors += 1
        traffic.refused += 1
        traffic.last_error_at = time.monotonic()
        await asyncio.sleep(0.5)


async def run_load(base: str, instances: list[dict[str, Any]], client_token: str, traffic: Traffic, *,
                   inbound_per_s: float, sends_per_s: float, until: asyncio.Event) -> None:
    """Steady inbound (sandbox/inbound with our own message ids) and sends (Idempotency-Key) across instances."""
    counter = itertools.count()
    headers = {"Client-Token": client_token}

    async def inbound(inst: dict[str, Any], n: int) -> None:
        message_id = f"CHAOS{n:010d}"
        url = f"{base}/instances/{inst['id']}/token/{inst['token']}/sandbox/inbound"
        body = {"from": SENDER_PHONE, "type": "text", "message": f"in {n}", "messageId": message_id}
        if await _post(client, url, body, headers, traffic) is not None:
            traffic.accepted_in[inst["id"]].append(message_id)

    async def send(inst: dict[str, Any], n: int) -> None:
        url = f"{base}/instances/{inst['id']}/token/{inst['token']}/send-text"
        answer = await _post(client, url, {"phone": SENDER_PHONE, "message": f"out {n}"},
                             {**headers, "Idempotency-Key": f"chaos-{n}"}, traffic)
        if answer is not None:
            traffic.accepted_out[inst["id"]].append(answer["zaapId"])

    async def lane(inst: dict[str, Any], rate: float, act: Any) -> None:
        """One instance's requests one after another, so 'accepted order' is well defined per instance."""
        gap = 1 / rate if rate > 0 else 0
        while not until.is_set() and rate > 0:
            started = time.monotonic()
            await act(inst, next(counter))
            await asyncio.sleep(max(0.0, gap - (time.monotonic() - started)))

    async with httpx.AsyncClient() as client:
        per_in, per_out = inbound_per_s / len(instances), sends_per_s / len(instances)
        await asyncio.gather(*(lane(i, per_in, inbound) for i in instances),
                             *(lane(i, per_out, send) for i in instances))


@dataclass
class Counts:
    inbound_accepted: int
    inbound_delivered: int
    inbound_lost: int
    sends_accepted: int
    sends_confirmed: int
    sends_lost: int
    duplicates: int  # the same message under two webhook-ids (the same webhook-id twice is allowed)
    repeats: int  # the same webhook-id delivered again (at-least-once, counted apart)
    order_inversions: int
    server_errors: int
    inversion_examples: list[str] = field(default_factory=list)  # "instance: later before earlier"
    lost_examples: list[str] = field(default_factory=list)  # "instance/messageId" accepted, never delivered


def count(traffic: Traffic, recorder: Recorder) -> Counts:
    lost_in = delivered_in = lost_out = confirmed = duplicates = repeats = inversions = 0
    examples: list[str] = []
    lost_examples: list[str] = []
    for instance, accepted in traffic.accepted_in.items():
        got = recorder.received.get(instance, [])
        first_wid: dict[str, str] = {}
        order: list[str] = []
        for message_id, wid in got:
            if message_id in first_wid:
                if first_wid[message_id] == wid:
                    repeats += 1
                else:
                    duplicates += 1
                continue
            first_wid[message_id] = wid
            order.append(message_id)
        wanted, arrived = set(accepted), set(first_wid)
        delivered_in += len(wanted & arrived)
        lost_in += len(wanted - arrived)
        lost_examples += [f"{instance}/{m}" for m in accepted if m not in arrived][:5]
        position = {m: i for i, m in enumerate(accepted)}
        seen = [position[m] for m in order if m in position]
        for a, b in itertools.pairwise(seen):
            if b < a:
                inversions += 1
                examples.append(f"{instance}: {accepted[a]} arrived before {accepted[b]}")
    for instance, zaaps in traffic.accepted_out.items():
        got_ids = {z for z, _ in recorder.delivery.get(instance, [])}
        confirmed += len(set(zaaps) & got_ids)
        lost_out += len(set(zaaps) - got_ids)
        seen_z: dict[str, str] = {}
        for zaap, wid in recorder.delivery.get(instance, []):
            if zaap in seen_z and seen_z[zaap] != wid:
                duplicates += 1
            seen_z.setdefault(zaap, wid)
    return Counts(sum(len(v) for v in traffic.accepted_in.values()), delivered_in, lost_in,
                  sum(len(set(v)) for v in traffic.accepted_out.values()), confirmed, lost_out, duplicates, repeats,
                  inversions, traffic.server_errors, examples[:5], lost_examples[:5])
