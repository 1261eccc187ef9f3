"""Browser tests: the whole stack served over real HTTP, driven by Playwright in Debian's Chromium.

``zapgate services ensure`` (``make test``, ``make up``) installs Chromium with apt when it is missing;
Playwright's own browser download is never used. ``DASHBOARD_SCREENSHOTS=<dir>`` keeps the screenshots
(``make screenshots`` writes ``docs/dashboard/``); otherwise they go to the test's temporary directory.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright

from dispatch.consumer import Dispatcher
from gateway.api.app import create_app
from gateway.core.config import Settings
from gateway.infra.bus import Bus
from gateway.infra.db.database import Database
from gateway.infra.kv.state import connect_redis
from gateway.ops.provision import chromium_path
from gateway.worker.worker import Worker
from tests.support.processes import free_port
from tests.support.receiver import Receiver
from tests.support.stack import fast

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"]


@dataclass
class Served:
    base_url: str
    receiver: Receiver
    settings: Settings


@pytest.fixture
async def served(settings: Settings) -> AsyncIterator[Served]:
    """api (uvicorn on a loopback port) + worker + dispatcher in this event loop, and a webhook receiver."""
    s = fast(settings, webhook_retry_total_s=1.0)
    receiver = Receiver()
    await receiver.start()
    db = await Database.connect(s)
    redis = connect_redis(s.redis_url)
    bus = await Bus.connect(s.nats_url)
    stop = asyncio.Event()
    roles = [asyncio.create_task(Worker(s, "w-browser", db=db, bus=bus, redis=redis).run(stop)),
             asyncio.create_task(Dispatcher(s, "d-browser", db=db, bus=bus, redis=redis).run(stop))]
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(s), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on", timeout_graceful_shutdown=10))  # as `zapgate api`
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not serving.done(), "the api did not start"
            await asyncio.sleep(0.05)
        yield Served(f"http://127.0.0.1:{port}", receiver, s)
    finally:
        server.should_exit = True
        if not (await asyncio.wait({serving}, timeout=8))[0]:
            for task in server.server_state.tasks:  # a request still running at shutdown: print where it waits
                task.print_stack()
        await asyncio.wait_for(serving, 30)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*roles), 30)
        await receiver.stop()
        await bus.close()
        await redis.aclose()
        await db.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    path = chromium_path()
    assert path, "Chromium is not installed: run `zapgate services ensure` as root, or apt-get install chromium"
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    tab = await context.new_page()
    tab.set_default_timeout(20_000)
    try:
        yield tab
    finally:
        await context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("DASHBOARD_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target
