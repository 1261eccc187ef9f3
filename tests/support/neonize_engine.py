"""A NeonizeEngine for unit tests: a real neonize client created without a network, marked connected."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gateway.worker.engines.base import EngineContext
from gateway.worker.engines.neonize.engine import NeonizeEngine
from tests.support.api import make_settings
from tests.support.neonize import ME


def offline_engine(tag: str, *, emit: Callable[[Any], Any] | None = None, phone: str | None = ME,
                   **context: Any) -> NeonizeEngine:
    """Connected as ``phone`` without a network: what the client's methods answer is whatever the test puts on
    ``engine.client`` (the FFI is never reached). ``tag`` starts the instance id, unique per call."""
    engine = NeonizeEngine(EngineContext(instance_id=f"{tag}{time.monotonic_ns()}", settings=make_settings(),
                                         emit=emit if emit is not None else lambda _e: None, **context))
    engine.connected = True
    engine.phone = phone
    return engine
