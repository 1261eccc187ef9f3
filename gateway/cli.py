"""The ``zapgate`` command: up, migrate, services, and the three roles."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys

from gateway.core.config import EXIT_CONFIG_ERROR, Settings, load_settings
from gateway.core.errors import ProvisionError
from gateway.ops.banner import first_run
from gateway.ops.logs import configure_logging

EXIT_PROVISION_ERROR = 69  # EX_UNAVAILABLE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zapgate", description="zapgate WhatsApp gateway")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="provision services, migrate, bootstrap, supervise all roles")
    up.add_argument("--workers", type=int, default=None, help="worker processes (ZAPGATE_WORKERS)")
    sub.add_parser("migrate", help="apply database migrations")
    services = sub.add_parser("services", help="make Postgres, Redis and NATS available")
    services.add_argument("action", choices=["ensure", "stop"])
    sub.add_parser("bootstrap", help="create/refresh the partner from the configured tokens")
    sub.add_parser("rehash-tokens", help="after changing ZAPGATE_SECRET_KEY: store the new instance token "
                                         "hashes (old tokens are refused from then on)")
    sub.add_parser("api", help="run the api role")
    worker = sub.add_parser("worker", help="run a worker role")
    worker.add_argument("--worker-id", default=None)
    sub.add_parser("dispatch", help="run the dispatch role")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command == "dispatch":  # dispatch has one entry point, dispatch.main: hand this process to it
        os.execv(sys.executable, [sys.executable, "-m", "dispatch"])  # noqa: S606
    settings = load_settings()
    role = args.command if args.command in ("api", "worker", "dispatch") else "cli"
    configure_logging(settings.log_level, role)
    from gateway.ops.sentry import init_sentry

    init_sentry(settings, role)
    with contextlib.suppress(KeyboardInterrupt):
        _run(args, settings)


def _run(args: argparse.Namespace, settings: Settings) -> None:
    if args.command == "migrate":
        from gateway.infra.db.migrate import migrate

        applied = asyncio.run(migrate(settings))
        print(f"zapgate: migrations applied: {applied or 'none (up to date)'}")
    elif args.command == "services":
        _services(args.action, settings)
    elif args.command == "rehash-tokens":
        count, resealed = asyncio.run(_rehash_tokens(settings))
        print(f"zapgate: {count} instance token(s) now derive from the current ZAPGATE_SECRET_KEY")
        if resealed is not None:
            print(f"zapgate: {resealed[0]} proxy password(s) sealed again under it; {resealed[1]} did not open "
                  "with ZAPGATE_PREVIOUS_SECRET_KEY (set those proxies again)")
    elif args.command == "bootstrap":
        _bootstrap(settings, show=True)
    elif args.command == "up":
        _up(settings, args.workers or settings.workers)
    elif args.command == "api":
        _api(settings)
    elif args.command == "worker":
        from gateway.worker.worker import run_worker

        asyncio.run(run_worker(settings, args.worker_id))


def _services(action: str, settings: Settings) -> None:
    from gateway.ops import provision

    if action == "stop":
        print(f"zapgate: stopped {provision.stop_started(settings) or 'nothing'}")
        return
    try:
        asyncio.run(provision.ensure_all(settings))
    except ProvisionError as exc:
        print(f"zapgate: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_PROVISION_ERROR) from None


async def _rehash_tokens(settings: Settings) -> tuple[int, tuple[int, int] | None]:
    from gateway.core.ids import hash_token, instance_token
    from gateway.core.sealing import Sealer
    from gateway.infra.db.database import Database
    from gateway.infra.db.instances import InstanceStore

    secret = settings.secret_key.get_secret_value()

    def token_hash(instance_id: str, version: int) -> str:
        return hash_token(instance_token(secret, instance_id, version))

    db = await Database.connect(settings, max_size=1)
    try:
        store = InstanceStore(db)
        resealed = None
        if settings.previous_secret_key is not None:
            resealed = await store.reseal_proxy_passwords(Sealer(settings.previous_secret_key.get_secret_value()),
                                                          Sealer.of(settings))
        return await store.rehash_tokens(token_hash), resealed
    finally:
        await db.close()


def _bootstrap(settings: Settings, show: bool) -> tuple[str, str]:
    from gateway.ops.bootstrap import bootstrap_partner, dev_tokens_path, resolve_tokens
    from gateway.ops.logs import register_secret

    try:
        tokens = resolve_tokens(settings)
    except ValueError as exc:
        print(f"zapgate: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG_ERROR) from None
    register_secret(tokens.partner_token)  # generated ones are not in settings: redact them by value too
    register_secret(tokens.client_token)
    asyncio.run(bootstrap_partner(settings, tokens))
    if show:
        origin = f"generated (dev only, kept in {dev_tokens_path(settings)})" if tokens.generated else "from env"
        print(f"zapgate: partner token ({origin}): {tokens.partner_token}")
        print(f"zapgate: client token: {tokens.client_token}")
    return tokens.partner_token, tokens.client_token


def _api(settings: Settings) -> None:
    import uvicorn

    from gateway.api.app import create_app

    config = uvicorn.Config(create_app(settings), host=settings.http_host, port=settings.http_port,
                            log_config=None, access_log=False, lifespan="on", server_header=False,
                            timeout_keep_alive=30, timeout_graceful_shutdown=10)
    uvicorn.Server(config).run()


def _up(settings: Settings, workers: int) -> None:
    from gateway.infra.db.migrate import migrate
    from gateway.ops import provision
    from gateway.ops.supervisor import Supervisor, metrics_ports, role_specs

    try:
        metrics = metrics_ports(settings.http_port, settings.worker_metrics_port, settings.dispatch_metrics_port,
                                workers)
    except ValueError as exc:
        print(f"zapgate: invalid configuration: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG_ERROR) from None
    try:
        results = asyncio.run(provision.ensure_all(settings))
    except ProvisionError as exc:
        print(f"zapgate: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_PROVISION_ERROR) from None
    asyncio.run(migrate(settings))
    partner_token, client_token = _bootstrap(settings, show=True)
    print(first_run(settings.base_url, partner_token, client_token), flush=True)
    workers_at = " ".join(f":{p}" for p in metrics.workers)
    print(f"zapgate: Prometheus /metrics on {settings.http_host}: api :{settings.http_port}, "
          f"dispatch :{metrics.dispatch}, workers {workers_at}", flush=True)

    async def supervise() -> None:
        from gateway.ops.runtime import stop_event_on_signals

        stop = stop_event_on_signals()
        env = {**os.environ, "ZAPGATE_WORKERS": str(workers)}
        await Supervisor(role_specs(workers, metrics), env=env).run(stop)

    try:
        asyncio.run(supervise())
    finally:
        if any(r.how != "reused" for r in results):
            logging.getLogger(__name__).info("stopping services started by this run")
            provision.stop_started(settings)
