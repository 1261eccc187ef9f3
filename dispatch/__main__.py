"""``python -m dispatch``: run the dispatch role."""

import asyncio

from dispatch.main import run_dispatch
from gateway.core.config import load_settings
from gateway.ops.logs import configure_logging
from gateway.ops.sentry import init_sentry


def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_level, "dispatch")
    init_sentry(settings, "dispatch")
    asyncio.run(run_dispatch(settings))


if __name__ == "__main__":
    main()
