"""Shared fixtures: every test gets its own Postgres schema, Redis key prefix and NATS prefix.

Helpers live in ``tests/support/``; this file only declares fixtures."""

from __future__ import annotations

import gc
import os
import warnings
from collections.abc import AsyncIterator

import pytest

from gateway.core.config import Settings
from gateway.infra.db.database import Database
from gateway.infra.db.migrate import migrate
from gateway.ops.bootstrap import PartnerTokens, bootstrap_partner
from tests.support.api import CLIENT_TOKEN, PARTNER_TOKEN, Api, cleanup, make_settings, open_api
from tests.support.stack import Stack, fast, open_stack

with warnings.catch_warnings():
    # neonize's import runs os.popen("uname -a") and never closes the pipe.
    warnings.simplefilter("ignore", ResourceWarning)
    import neonize.client  # noqa: F401
    gc.collect()

@pytest.fixture
async def settings() -> AsyncIterator[Settings]:
    s = make_settings()
    await migrate(s)
    await bootstrap_partner(s, PartnerTokens(PARTNER_TOKEN, CLIENT_TOKEN, False))
    try:
        yield s
    finally:
        await cleanup(s)


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    async for a in open_api(settings):
        yield a


def pytest_report_header() -> list[str]:
    return [f"ZAPGATE_DATABASE_URL={os.environ.get('ZAPGATE_DATABASE_URL', '(default)')}"]


@pytest.fixture
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    """api + worker + dispatcher in this event loop, fast timings, a real webhook receiver."""
    async for s in open_stack(fast(settings)):
        yield s


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """A small pool on the test's own schema, for tests that read or write Postgres directly."""
    database = await Database.connect(settings, max_size=2)
    try:
        yield database
    finally:
        await database.close()
