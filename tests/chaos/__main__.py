"""The fault suite: ``make chaos`` (``python -m tests.chaos [--quick] [--only NAME]``).

Private Postgres, Redis and NATS on free ports; api, two workers and dispatch as real processes; four
sandbox instances under steady inbound and sends through the HTTP API; one fault per experiment,
injected mid-stream; then every accepted message is looked for at the webhook receiver. Results go to
``docs/reliability.md`` (between the chaos markers) and ``docs/reliability.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from gateway.core.config import Settings
from gateway.core.names import Names
from gateway.infra.bus import Bus, publish_once
from gateway.infra.db.migrate import migrate
from gateway.infra.kv.state import connect_redis
from gateway.ops.bootstrap import PartnerTokens, bootstrap_partner
from tests.bench.common import machine
from tests.chaos.load import Recorder, Traffic, count, run_load
from tests.chaos.nats_cluster import NODES, NatsCluster
from tests.chaos.services import Services
from tests.chaos.trace import trace_lost
from tests.support.api import CLIENT_TOKEN, PARTNER_TOKEN
from tests.support.processes import free_port, settings_env

ROOT = Path(__file__).resolve().parents[2]
DOC, DATA = ROOT / "docs" / "reliability.md", ROOT / "docs" / "reliability.json"
BEGIN, END = "<!-- chaos:begin -->", "<!-- chaos:end -->"


@dataclass
class Run:
    settings: Settings
    services: Services
    recorder: Recorder
    procs: dict[str, subprocess.Popen[bytes]]
    env: dict[str, str]
    base: str

    logs: Path | None = None
    cluster: NatsCluster | None = None  # the experiments on a 3-node JetStream cluster

    def spawn(self, name: str) -> None:
        argv = {"api": ["-m", "gateway", "api"], "dispatch": ["-m", "dispatch"]}.get(
            name, ["-m", "gateway", "worker", "--worker-id", name])
        out = (self.logs / f"{name}.log").open("ab") if self.logs is not None else subprocess.DEVNULL
        self.procs[name] = subprocess.Popen([sys.executable, *argv], env=self.env, stdout=out, stderr=out)

    def kill(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait()


async def _kill_and_restart(run: Run, name: str) -> None:
    run.kill(name)
    await asyncio.sleep(1.0)  # what `zapgate up`'s supervisor does, a moment later
    run.spawn(name)


async def _outage(run: Run, name: str, seconds: float) -> None:
    run.services.stop(name)
    await asyncio.sleep(seconds)
    run.services.resume(name)


async def _hang(run: Run, name: str, seconds: float) -> None:
    """The service stops answering without closing anything (SIGSTOP), ``seconds`` long."""
    pids = run.services.hang(name)
    try:
        await asyncio.sleep(seconds)
    finally:
        run.services.unhang(pids)


async def _leader_killed(run: Run, seconds: float) -> None:
    """kill -9 of the node leading the events stream; it comes back ``seconds`` later with its store."""
    assert run.cluster is not None
    node = await run.cluster.leader_of(Names.from_settings(run.settings).events_stream)
    run.cluster.kill(node)
    await asyncio.sleep(seconds)
    run.cluster.start(node)


async def _stream_full(run: Run, seconds: float) -> None:
    """``ZG_EVENTS`` full: dispatch stalls (SIGSTOP: nothing frees space) and the stream's byte cap comes down to
    just above what it holds, so capture publishes are refused once that fills; ``seconds`` later the cap is
    restored and dispatch goes on."""
    names = Names.from_settings(run.settings)
    bus = await Bus.connect(run.settings.nats_url)
    dispatch = run.procs["dispatch"]
    try:
        dispatch.send_signal(signal.SIGSTOP)
        await asyncio.sleep(0.5)  # what it had in flight settles
        info = await bus.js.stream_info(names.events_stream)
        cap = info.config.max_bytes
        # a little above what it holds: JetStream deletes the oldest messages of a stream whose cap comes down
        # below what it holds, and the workers publish on while this runs (a cap of exactly what it held when
        # read deleted the oldest undelivered event: one message lost in 3 of 6 full runs); the margin fills in a second
        info.config.max_bytes = int(info.state.bytes) + 32 * 1024
        await bus.js.update_stream(info.config)
        await asyncio.sleep(seconds)
        info.config.max_bytes = cap
        await bus.js.update_stream(info.config)
    finally:
        dispatch.send_signal(signal.SIGCONT)
        await bus.close()


async def _receiver_down(run: Run, seconds: float) -> None:
    run.recorder.failing = True
    await asyncio.sleep(seconds)
    run.recorder.failing = False


async def _poison(run: Run, instance_id: str) -> None:
    names = Names.from_settings(run.settings)
    bus = await Bus.connect(run.settings.nats_url)
    try:
        await publish_once(bus, names.event_subject(names.partition_of(instance_id), instance_id),
                           b'{"instance_id": "' + instance_id.encode() + b'", "event": {"_t": "Nope"}}', "poison", {})
    finally:
        await bus.close()


Fault = Callable[[Run, list[dict[str, Any]]], Awaitable[None]]
FAULTS: dict[str, tuple[str, Fault]] = {
    "worker-kill9": ("kill -9 of a worker (restarted 1 s later)", lambda r, _i: _kill_and_restart(r, "w0")),
    "dispatch-kill9": ("kill -9 of dispatch (restarted 1 s later)", lambda r, _i: _kill_and_restart(r, "dispatch")),
    "api-kill9": ("kill -9 of the api mid-request (restarted 1 s later)", lambda r, _i: _kill_and_restart(r, "api")),
    "receiver-500": ("the webhook receiver answers 500 for 30 s", lambda r, _i: _receiver_down(r, 30)),
    "nats-stop": ("NATS stopped 20 s", lambda r, _i: _outage(r, "nats", 20)),
    "postgres-stop": ("Postgres stopped 20 s", lambda r, _i: _outage(r, "postgres", 20)),
    "redis-stop": ("Redis stopped 20 s (it keeps nothing: leases and fences reset)",
                   lambda r, _i: _outage(r, "redis", 20)),
    "postgres-hang": ("Postgres hangs 20 s (SIGSTOP: connections stay open, nothing answers)",
                      lambda r, _i: _hang(r, "postgres", 20)),
    "postgres-hang-long": ("Postgres hangs 45 s (SIGSTOP), past asyncpg's 30 s statement timeout",
                           lambda r, _i: _hang(r, "postgres", 45)),
    "redis-hang": ("Redis hangs 20 s (SIGSTOP)", lambda r, _i: _hang(r, "redis", 20)),
    "nats-hang": ("NATS hangs 20 s (SIGSTOP)", lambda r, _i: _hang(r, "nats", 20)),
    "poison": ("a poison event in an instance's partition", lambda r, i: _poison(r, i[0]["id"])),
    "events-stream-full": ("ZG_EVENTS full 20 s: dispatch stopped (SIGSTOP) and the stream's byte cap lowered to "
                           "just above what it holds; then both restored", lambda r, _i: _stream_full(r, 20)),
    "nats-leader-kill9": ("3-node JetStream cluster, 3 replicas: kill -9 of the events stream's leader node "
                          "(back 20 s later)", lambda r, _i: _leader_killed(r, 20)),
}
CLUSTER_FAULTS = {"nats-leader-kill9"}  # run against a private 3-node cluster instead of the single NATS


async def _instances(run: Run, count_: int) -> list[dict[str, Any]]:
    hooks = {f"{k}CallbackUrl": f"{run.recorder.url}/{k}" for k in ("received", "delivery")}
    out = []
    async with httpx.AsyncClient(base_url=run.base, timeout=10) as client:
        for n in range(count_):
            r = await client.post("/instances/integrator/on-demand", json={"name": f"chaos{n}", "engine": "sandbox",
                                                                           **hooks},
                                  headers={"Authorization": f"Bearer {PARTNER_TOKEN}"})
            r.raise_for_status()
            out.append(r.json())
        for n, inst in enumerate(out):
            path = f"/instances/{inst['id']}/token/{inst['token']}/sandbox/scan"
            deadline = time.monotonic() + 60
            while (await client.post(path, json={"phone": f"55119{n:08d}"},
                                     headers={"Client-Token": CLIENT_TOKEN})).status_code != 200:
                assert time.monotonic() < deadline, "instance not paired in time"
                await asyncio.sleep(0.3)
    return out


async def _double_sends(run: Run, instances: list[dict[str, Any]]) -> int:
    """Sends that left twice, from the sandbox phones' ledger (lost when Redis restarts: see the note)."""
    names = Names.from_settings(run.settings)
    redis = connect_redis(run.settings.redis_url)
    try:
        twice = 0
        for inst in instances:
            zaaps = [orjson.loads(e)["outgoing"]["zaap_id"] for e in await redis.lrange(
                names.sandbox_sent_key(inst["id"]), 0, -1)]
            twice += len(zaaps) - len(set(zaaps))
        return twice
    finally:
        await redis.aclose()


async def experiment(services: Services, name: str, quick: bool, logs: Path | None = None) -> dict[str, Any]:
    """One fault under load; a cluster fault gets a private NATS cluster, stopped whatever happens."""
    tag = secrets.token_hex(3)
    cluster = NatsCluster(services.root / f"cluster-{tag}") if name in CLUSTER_FAULTS else None
    try:
        if cluster is not None:
            await cluster.up()
        return await _experiment(services, name, quick, logs, tag, cluster)
    finally:
        if cluster is not None:
            cluster.close()


async def _experiment(services: Services, name: str, quick: bool, logs: Path | None, tag: str,
                      cluster: NatsCluster | None) -> dict[str, Any]:
    description, fault = FAULTS[name]
    port = free_port()
    on_cluster: dict[str, Any] = {} if cluster is None else {"nats_url": cluster.url, "stream_replicas": NODES}
    settings = services.settings().model_copy(update={**on_cluster,
        "env": "test", "secret_key": "chaos-secret-" + "x" * 32, "db_schema": f"c_{tag}", "redis_prefix": f"c{tag}",
        "nats_prefix": f"c{tag}", "partner_token": PARTNER_TOKEN, "client_token": CLIENT_TOKEN,
        "allow_insecure_webhooks": True, "send_gap_s": "0", "http_port": port, "lease_ttl_s": 3.0,
        "heartbeat_ttl_s": 2.0, "sandbox_receipt_delay_s": 0.2})
    await migrate(settings)
    await bootstrap_partner(settings, PartnerTokens(PARTNER_TOKEN, CLIENT_TOKEN, False))
    recorder = Recorder()
    env = settings_env(settings, ZAPGATE_PLACEMENT_INTERVAL_S="0.3", ZAPGATE_WEBHOOK_RETRY_INITIAL_S="0.2",
                       ZAPGATE_WEBHOOK_RETRY_MAX_S="2", ZAPGATE_LOG_LEVEL="WARNING",
                       **({"ZAPGATE_STREAM_REPLICAS": str(NODES)} if cluster is not None else {}))
    run = Run(settings, services, recorder, {}, env, f"http://127.0.0.1:{port}", logs, cluster)
    await recorder.start()
    try:
        for role in ("api", "w0", "w1", "dispatch"):
            run.spawn(role)
        async with httpx.AsyncClient() as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if (await client.get(f"{run.base}/ready", timeout=2)).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "stack not ready"
                await asyncio.sleep(0.2)
        instances = await _instances(run, 4)
        traffic, stop = Traffic(), asyncio.Event()
        load = asyncio.create_task(run_load(run.base, instances, CLIENT_TOKEN, traffic, inbound_per_s=50,
                                            sends_per_s=20, until=stop))
        warm, after = (5, 5) if quick else (15, 15)
        await asyncio.sleep(warm)
        fault_started = time.monotonic()
        await fault(run, instances)
        fault_ended = time.monotonic()
        await asyncio.sleep(after)
        stop.set()
        await asyncio.wait_for(load, 120)  # requests in flight finish (or keep retrying until accepted)
        settle_deadline = time.monotonic() + 90
        while time.monotonic() < settle_deadline:
            counts = count(traffic, recorder)
            if counts.inbound_lost == 0 and counts.sends_lost == 0:
                break
            await asyncio.sleep(1)
        counts = count(traffic, recorder)
        lost_trace = await trace_lost(settings, counts.lost_examples)  # before the stack goes
        # how long after the fault ended requests were still refused (0: none after it)
        recovered = traffic.last_error_at - fault_ended if traffic.last_error_at else 0.0
        return {"fault": name, "what": description, **asdict(counts),
                "sent_twice": await _double_sends(run, instances), "refused_requests": traffic.refused,
                "fault_s": round(fault_ended - fault_started, 1), "recovery_s": round(max(0.0, recovered), 1),
                "settled": counts.inbound_lost == 0 and counts.sends_lost == 0,
                **({"lost_trace": lost_trace} if lost_trace else {})}
    finally:
        for proc in run.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in run.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        await recorder.stop()


def render(results: list[dict[str, Any]], facts: dict[str, Any], command: str) -> str:
    head = ("| fault | inbound accepted | delivered | lost | sends accepted | confirmed | lost | sent twice "
            "| duplicates | repeats | order inversions | 5xx (not 502/503) | recovery s |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = [f"| {r['what']} | {r['inbound_accepted']} | {r['inbound_delivered']} | {r['inbound_lost']} | "
            f"{r['sends_accepted']} | {r['sends_confirmed']} | {r['sends_lost']} | {r['sent_twice']} | "
            f"{r['duplicates']} | {r['repeats']} | {r['order_inversions']} | {r['server_errors']} | "
            f"{r['recovery_s']} |" for r in results]
    return "\n".join([BEGIN, "", f"Command: `{command}`; commit {facts['commit']}; {facts['cores']} cores, "
                      f"{facts['ram_gib']} GiB, {facts['cpu']}, Python {facts['python']}.", "", head, *rows, "",
                      END])


def publish(results: list[dict[str, Any]], command: str) -> None:
    facts = machine()
    DATA.write_text(json.dumps({"machine": facts, "command": command, "results": results}, indent=2) + "\n")
    text = DOC.read_text()
    block = render(results, facts, command)
    if BEGIN in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## Fault suite results\n\n" + block + "\n"
    DOC.write_text(text)


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    services = Services.on_free_ports(Path(tempfile.mkdtemp(prefix="zapgate-chaos-")))
    await services.start()
    try:
        results = []
        for name in args.only or list(FAULTS):
            print(f"chaos: {name} ...", flush=True)
            result = await experiment(services, name, args.quick, args.logs)
            print(f"chaos: {name}: {result}", flush=True)
            results.append(result)
        return results
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos")
    parser.add_argument("--quick", action="store_true", help="shorter phases; results are not published")
    parser.add_argument("--only", action="append", choices=list(FAULTS), help="run only this fault (repeatable)")
    parser.add_argument("--logs", type=Path, default=None, help="write each process's log to this directory")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    if not args.quick and not args.only:
        publish(results, "make chaos")
    bad = [r["fault"] for r in results if not r["settled"] or r["sent_twice"] or r["duplicates"]
           or r["order_inversions"]]
    print("chaos: all faults: nothing lost, nothing twice, in order" if not bad else f"chaos: FAILED: {bad}")
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
