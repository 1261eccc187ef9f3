"""RSS per neonize client, created and connect-attempted offline. python -m tests.bench.neonize_rss N STORE"""

from __future__ import annotations

import contextlib
import logging
import sys

logging.basicConfig(level=logging.ERROR)

from neonize.client import ClientFactory, NewClient  # noqa: E402

from tests.bench.common import rss_mb  # noqa: E402


def main(count: int, store: str) -> None:
    ClientFactory.get_all_devices_from_db(store)
    before = _self_rss()
    clients = []
    for i in range(count):
        client = NewClient(store, uuid=f"rss-{i}")
        with contextlib.suppress(Exception):  # offline: every connect fails, that is the point
            client.connect()
        clients.append(client)
    print(f"{before:.1f} {_self_rss():.1f}")


def _self_rss() -> float:
    import os

    return rss_mb(os.getpid())


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
