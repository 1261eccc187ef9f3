"""Many neonize engines connecting concurrently in one process while FFI reads run in other threads.

Without the process-wide lock this aborts the process (Go "concurrent map writes", SIGABRT); with it,
every connect fails cleanly offline and the process exits 0.

Usage: python -m tests.support.neonize_stress SESSIONS STORE [--no-lock]   (--no-lock: the control experiment)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
import time
from collections.abc import Iterator

logging.basicConfig(level=logging.ERROR)

from gateway.core.config import Settings  # noqa: E402
from gateway.worker.engines.base import EngineContext  # noqa: E402
from gateway.worker.engines.neonize.engine import NeonizeEngine  # noqa: E402
from gateway.worker.engines.neonize.runtime import NeonizeRuntime  # noqa: E402

RETRIES = 2


class NoLock:
    """The control: the same calls without the guard rail."""

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        yield

    def acquire_exclusive(self) -> None:
        pass

    def release_exclusive(self) -> None:
        pass

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        yield


async def main(sessions: int, dsn: str, no_lock: bool) -> int:
    settings = Settings(neonize_connect_retries=RETRIES, neonize_backoff_initial_s=0.01, neonize_backoff_max_s=0.02,
                        neonize_database_url=dsn, neonize_threads=sessions * 2 + 16)
    events: list[object] = []
    engines = [NeonizeEngine(EngineContext(instance_id=f"stress-{i:04d}", settings=settings, emit=events.append))
               for i in range(sessions)]
    runtime = NeonizeRuntime.get(settings)
    if no_lock:
        runtime.lock = NoLock()  # type: ignore[assignment]
    stop = threading.Event()
    reads = [0]

    def reader() -> None:  # FFI reads from other threads, as API calls would do
        while not stop.is_set():
            for engine in engines[:5]:
                with runtime.lock.shared():
                    _ = engine.client.is_connected
                reads[0] += 1
            time.sleep(0.001)  # like API calls arriving, rather than a GIL-starving spin

    await runtime.ensure_store(dsn)  # the one-time migration, before the readers start
    threads = [threading.Thread(target=reader, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    await asyncio.gather(*(e.connect() for e in engines))
    while any(e.running for e in engines):
        await asyncio.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    attempts = sum(e.attempts for e in engines)
    failed_cleanly = all(e.last_error and "dial" in e.last_error for e in engines)
    print(f"sessions={sessions} connect_attempts={attempts} ffi_reads={reads[0]} clean={failed_cleanly}")
    return 0 if failed_cleanly and attempts == sessions * (RETRIES + 1) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(int(sys.argv[1]), sys.argv[2], "--no-lock" in sys.argv)))
