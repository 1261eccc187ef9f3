"""Fuzz the API with schemathesis against its own OpenAPI document, past auth, with a whole stack behind it.

The api under test is served by uvicorn on a free port in this event loop (beside a worker and a dispatcher,
so control routes reach a real sandbox engine); schemathesis runs in a thread and talks HTTP to it. Path
parameters ``instance_id``/``token`` are a real paired sandbox instance's, and the Client-Token and partner
token are real, so cases get past auth. Destructive partner routes (delete, rotate-token) get a second
instance of their own. Checks: no 5xx, and status code, content type and body conform to the document.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import schemathesis
import uvicorn
from schemathesis import engine
from schemathesis.engine import events

from gateway.api.app import create_app
from gateway.core.config import Settings
from tests.support.api import CLIENT_TOKEN, PARTNER_TOKEN
from tests.support.stack import Stack

CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance")
DESTRUCTIVE = r"^/instances/\{instance_id\}(/rotate-token)?$"  # DELETE /instances/{id}, rotate-token
CREATE = "/instances/integrator/on-demand"
UNSUPPORTED = "unsupported"  # the tag of routes a linked device cannot serve: 501 by design (api/unsupported.py)
CANCEL = r"^/instances/\{instance_id\}/token/\{token\}/integrator/on-demand/cancel$"  # ends the instance
CALLS_ADD_ON = r"/integrator/on-demand/subscription(/update)?$"  # withCalls: true is 501 by design


@dataclass
class FuzzResult:
    seed: int
    max_examples: int
    duration_s: float = 0.0
    documented: set[str] = field(default_factory=set)
    operations: set[str] = field(default_factory=set)
    examples: int = 0
    server_errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    stop_reason: str = ""
    by_phase: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{len(self.operations)} operations, {self.examples} examples, {len(self.failures)} failures, "
                f"{self.server_errors} server errors in {self.duration_s:.0f} s (seed {self.seed})")


def fuzz_config(*, instance: dict[str, Any], victim: dict[str, Any], seed: int, max_examples: int,
                max_time_s: int | None, workers: int) -> dict[str, Any]:
    """A schemathesis configuration (the ``schemathesis.toml`` layout, as a dict)."""
    config: dict[str, Any] = {
        "seed": seed,
        "workers": workers,
        "request-timeout": 30,
        "continue-on-failure": True,
        "warnings": {"enabled": False},
        "generation": {"max-examples": max_examples, "mode": "all", "database": "none"},
        "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": []}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "auth": {"openapi": {"clientToken": {"api_key": CLIENT_TOKEN}, "partnerToken": {"bearer": PARTNER_TOKEN}}},
        "parameters": {"path.instance_id": instance["id"], "path.token": instance["token"]},
        "operations": [{"include-path-regex": DESTRUCTIVE, "parameters": {"path.instance_id": victim["id"]}},
                       {"include-path-regex": CANCEL,
                        "parameters": {"path.instance_id": victim["id"], "path.token": victim["token"]}},
                       {"include-tag": UNSUPPORTED,
                        "checks": {"not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "501"]}}},
                       {"include-path-regex": CALLS_ADD_ON,
                        "checks": {"not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "501"]}}}],
    }
    if max_time_s is not None:
        config["max-time"] = max_time_s
    return config


def _case_label(case: Any) -> str:
    return str(case.operation.label)


def _record(result: FuzzResult, recorder: Any) -> None:
    for case_id, node in recorder.cases.items():
        case = node.value
        result.examples += 1
        result.operations.add(_case_label(case))
        interaction = recorder.interactions.get(case_id)
        response = interaction.response if interaction is not None else None
        if response is not None:
            result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500 and not _by_design(case, response.status_code):
                result.server_errors += 1
        for check in recorder.checks.get(case_id, []):
            if check.failure_info is not None:
                result.failures.append(_failure_line(check, case, response))


def _by_design(case: Any, status: int) -> bool:
    """A 501 from a route documented as one a linked device cannot serve: the answer, not a fault."""
    return status == 501 and (UNSUPPORTED in (case.operation.tags or [])
                              or re.search(CALLS_ADD_ON, case.operation.path) is not None)


def _failure_line(check: Any, case: Any, response: Any) -> str:
    """One line: the check, the operation, the status, what was wrong and the curl that reproduces it."""
    failure = check.failure_info.failure
    status = response.status_code if response is not None else "-"
    detail = " ".join(str(getattr(failure, "message", "")).split())[:400]
    steps = check.failure_info.steps
    curl = steps[-1].curl if steps else ""
    return f"{check.name}: {_case_label(case)} -> {status}: {failure.title} | {detail} | {curl}"


def before_call(_context: Any, case: Any, _kwargs: dict[str, Any]) -> None:
    """Instances the fuzzer creates run the sandbox engine, not neonize (which would open a device-store
    pool and dial WhatsApp for each). Other values of ``engine`` still reach the API as generated.

    A global hook (schemathesis calls only those before a request), registered for the run only."""
    body = case.body
    if case.operation.path == CREATE and isinstance(body, dict) and body.get("engine", "neonize") == "neonize":
        case.body = {**body, "engine": "sandbox"}


def run_schemathesis(base_url: str, config: dict[str, Any], seed: int, max_examples: int) -> FuzzResult:
    """Blocking: load the document, run every phase but the stateful one, collect what happened."""
    result = FuzzResult(seed=seed, max_examples=max_examples)
    start = time.perf_counter()
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json",
                                           config=schemathesis.Config.from_dict(config))
    schema.config.update(base_url=base_url)
    result.documented = {operation.ok().label for operation in schema.get_all_operations()}
    schemathesis.hook(before_call)
    try:
        _execute(schema, result)
    finally:
        schemathesis.hooks.unregister(before_call)
    result.duration_s = time.perf_counter() - start
    return result


def _execute(schema: Any, result: FuzzResult) -> None:
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            phase = str(getattr(event, "phase", "fuzzing"))
            result.by_phase[phase] = result.by_phase.get(phase, 0) + len(event.recorder.cases)
            _record(result, event.recorder)
        elif isinstance(event, events.NonFatalError):
            result.failures.append(f"error: {event.label}: {type(event.value).__name__}: {event.value}")
        elif isinstance(event, events.FatalError):
            result.failures.append(f"fatal: {type(event.exception).__name__}: {event.exception}")
        elif isinstance(event, events.EngineFinished):
            result.stop_reason = str(event.stop_reason)


@contextlib.asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[str]:
    """A fresh api (its own lifespan) served by uvicorn on a free local port, in this event loop."""
    # IPPROTO_TCP, or asyncio does not set TCP_NODELAY on accepted connections (40 ms per answer, Nagle)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), lifespan="on", log_config=None,
                                           access_log=False, log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        sock.close()


async def fuzz_stack(stack: Stack, *, seed: int, max_examples: int, max_time_s: int | None = None,
                     workers: int = 1) -> FuzzResult:
    """Fuzz a second api served over HTTP, beside ``stack`` (its worker runs the paired instance).

    One schemathesis worker: with more, CPython 3.11 may fail compiling in two threads at once
    ("AST constructor recursion depth mismatch") and the run reports it as an error.
    """
    instance = await stack.paired()
    victim = await stack.api.create_instance(name="victim")
    config = fuzz_config(instance=instance, victim=victim, seed=seed, max_examples=max_examples,
                         max_time_s=max_time_s, workers=workers)
    # failed-auth blocking off: the fuzzer's wrong tokens would block its own address (429) for the run;
    # media URLs it makes up fail fast
    served = stack.settings.model_copy(update={"auth_failures_per_minute": 0, "db_pool_max": 4,
                                               "media_fetch_timeout_s": 5.0})
    async with serve(served) as base_url:
        result = await asyncio.to_thread(run_schemathesis, base_url, config, seed, max_examples)
    engines = await _engines(stack)
    if engines - {"sandbox"}:
        result.failures.append(f"harness: the fuzzer created instances of engines {sorted(engines)}")
    return result


async def _engines(stack: Stack) -> set[str]:
    """The engines of the instances that exist now (the fuzzer must only create sandbox ones)."""
    seen: set[str] = set()
    page, pages = 1, 1
    while page <= pages:
        r = await stack.api.client.get("/instances", params={"page": page, "pageSize": 100}, headers=stack.api.partner)
        body = r.json()
        seen |= {item["engine"] for item in body["content"]}
        page, pages = page + 1, body["totalPage"]
    return seen
