"""Settings for every role, loaded once per process from ``ZAPGATE_*`` variables and passed down."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import secrets
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gateway.core.retention import parse_overrides

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - the refused default
EXIT_CONFIG_ERROR = 78  # EX_CONFIG from sysexits.h

_PREFIX_RE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class MediaStoreKind(StrEnum):
    LOCAL = "local"
    S3 = "s3"


def _check_url(value: str, schemes: tuple[str, ...], name: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"{name} must be a {' or '.join(s + '://' for s in schemes)} URL with a host")
    try:
        _ = parts.port
    except ValueError as exc:
        raise ValueError(f"{name} has an invalid port") from exc
    return value


class Settings(BaseSettings):
    """Every knob of zapgate. Build it directly in tests: ``Settings(database_url=...)``."""

    model_config = SettingsConfigDict(env_prefix="ZAPGATE_", env_file=None, extra="ignore")

    env: Annotated[Environment, Field(
        description="Deployment environment: dev | test | production (production refuses unsafe values)",
    )] = Environment.DEV
    secret_key: Annotated[SecretStr, Field(
        description="Derives instance tokens and webhook secrets, signs media links, seals proxy passwords "
                    "(32+ characters in production)",
    )] = SecretStr(DEV_SECRET_KEY)
    previous_secret_key: Annotated[SecretStr | None, Field(
        description="Only while rotating the secret key: the old key, for `zapgate rehash-tokens` to open the "
                    "sealed proxy passwords and seal them again under the new one",
    )] = None

    database_url: Annotated[str, Field(description="PostgreSQL connection URL (postgresql:// or postgres://)")] = (
        "postgresql://zapgate:zapgate@127.0.0.1:5432/zapgate"
    )
    db_schema: Annotated[str, Field(
        description="Postgres schema holding zapgate's tables; separates several stacks or tests on one server",
    )] = "public"
    db_pool_max: Annotated[int, Field(
        ge=1, le=200, description="Maximum connections in each process's Postgres pool",
    )] = 10
    redis_url: Annotated[str, Field(description="Redis connection URL (redis:// or rediss://)")] = (
        "redis://127.0.0.1:6379/0"
    )
    redis_prefix: Annotated[str, Field(
        description="Prefix of every Redis key; separates several stacks or tests on one server",
    )] = "zapgate"
    nats_url: Annotated[str, Field(description="NATS (JetStream) connection URL (nats:// or tls://); several "
                                               "servers of one cluster separated by commas")] = (
        "nats://127.0.0.1:4222"
    )
    nats_prefix: Annotated[str, Field(
        description="Prefix of NATS subjects, stream and consumer names; separates several stacks or tests",
    )] = "zg"

    partner_token: Annotated[SecretStr | None, Field(
        description="Bearer token of the partner API (required in production; generated in dev/test when unset)",
    )] = None
    client_token: Annotated[SecretStr | None, Field(
        description="Client-Token header of instance routes (required in production; generated in dev/test when unset)",
    )] = None

    http_host: Annotated[str, Field(description="Address the api and the metrics servers listen on")] = "127.0.0.1"
    http_port: Annotated[int, Field(ge=1, le=65535, description="TCP port the api listens on")] = 8080
    public_url: Annotated[str | None, Field(
        description="External base URL of the api, used in local media links (else built from host and port)",
    )] = None
    max_body_bytes: Annotated[int, Field(
        ge=1024, description="Largest accepted request body, in bytes (larger ones get 413)",
    )] = 24 * 1024 * 1024

    allow_insecure_webhooks: Annotated[bool, Field(
        description="1 allows http:// and private/loopback webhook targets (dev and tests only)",
    )] = False
    send_gap_s: Annotated[str, Field(
        description="Default gap between queued sends, in seconds: '2', '1-3' random 1 to 3 s, '0' none",
    )] = "1-3"
    workers: Annotated[int, Field(ge=1, le=64, description="Worker processes started by `zapgate up`")] = 1

    lease_ttl_s: Annotated[float, Field(
        gt=0.5, le=300,
        description="TTL of instance and partition leases, in seconds; a crashed process's share moves after it",
    )] = 10.0
    heartbeat_ttl_s: Annotated[float, Field(
        gt=0.5, le=300, description="How long a worker or dispatcher heartbeat counts it as alive, in seconds",
    )] = 6.0
    placement_interval_s: Annotated[float, Field(
        gt=0.05, le=60, description="Interval between placement rounds that take or release leases, in seconds",
    )] = 1.0
    control_timeout_s: Annotated[float, Field(
        gt=0.1, le=120, description="How long the api waits for the owning worker to answer a control call, in seconds",
    )] = 10.0
    proxy_test_target: Annotated[str, Field(
        pattern=r"^[A-Za-z0-9.-]+:[0-9]{1,5}$",
        description="host:port the proxy test (POST proxy/test) asks an instance's proxy to reach",
    )] = "web.whatsapp.com:443"
    proxy_test_timeout_s: Annotated[float, Field(
        gt=0, le=60, description="How long the proxy test waits for the proxy to connect to the target, in seconds",
    )] = 10.0

    capture_ack_timeout_s: Annotated[float, Field(
        gt=0, le=600,
        description="How long an engine callback waits for JetStream to hold its event before it returns, in seconds",
    )] = 10.0
    capture_drain_s: Annotated[float, Field(
        gt=0, le=600,
        description="At a graceful stop, how long to wait for JetStream before keeping the rest in Postgres, in s",
    )] = 5.0
    capture_buffer: Annotated[int, Field(
        ge=10, le=1_000_000, description="Events buffered per instance in a worker before new events are refused",
    )] = 10_000
    events_max_age_s: Annotated[float, Field(
        ge=0, description="Age after which JetStream drops an undelivered event, in seconds (0: never; keep 0)",
    )] = 0
    events_max_bytes: Annotated[int, Field(
        ge=-1, description="Size cap of undelivered events in JetStream, in bytes; when full, capture waits (-1: none)",
    )] = 1024**3
    stream_replicas: Annotated[int, Field(
        ge=1, le=5, description="JetStream replicas of zapgate's streams: 1 on one NATS server, 3 on a 3-node cluster",
    )] = 1
    dispatch_batch: Annotated[int, Field(
        ge=1, le=10_000, description="Events a dispatcher fetches per batch (also its consumer's max ack pending)",
    )] = 256
    dispatch_lane_cap: Annotated[int, Field(
        ge=1, le=1_000_000, description="Deliveries one instance's lane holds in memory; the rest wait in Postgres",
    )] = 1000
    dispatch_ack_wait_s: Annotated[float, Field(
        gt=1, le=3600,
        description="How long JetStream waits for dispatch to ack a batch before redelivering it, in seconds",
    )] = 30.0
    webhook_timeout_s: Annotated[float, Field(
        gt=0.1, le=120, description="Total timeout of one webhook POST, in seconds (connect capped at 5 s)",
    )] = 10.0
    webhook_max_connections: Annotated[int, Field(
        ge=1, le=10_000, description="Maximum open webhook connections per dispatcher process",
    )] = 256
    webhook_retry_initial_s: Annotated[float, Field(
        gt=0, le=3600, description="First webhook retry delay, doubled on each failed attempt, in seconds",
    )] = 1.0
    webhook_retry_max_s: Annotated[float, Field(
        gt=0, le=86400, description="Upper bound of a webhook retry delay, in seconds",
    )] = 300.0
    webhook_retry_total_s: Annotated[float, Field(
        gt=0, le=30 * 86400, description="How long a failing webhook is retried before it is dead-lettered, in seconds",
    )] = 86400.0
    webhook_breaker_failures: Annotated[int, Field(
        ge=1, le=1000, description="Consecutive failures of a webhook URL that open its circuit breaker",
    )] = 5
    webhook_breaker_cooldown_s: Annotated[float, Field(
        gt=0, le=3600, description="How long an open circuit leaves a webhook URL alone before a probe, in seconds",
    )] = 30.0
    outbox_idle_poll_s: Annotated[float, Field(
        gt=0, le=3600,
        description="How often an idle sender looks at its queue without a bell, in seconds (the worker's "
                    "reconcile loop already rings a missed bell every outbox_reconcile_s, in one query)",
    )] = 300.0
    outbox_reconcile_s: Annotated[float, Field(
        gt=0, le=3600,
        description="How often a worker checks Postgres for queued sends whose bell was missed, in seconds",
    )] = 2.0
    idempotency_key_ttl_s: Annotated[float, Field(
        gt=0, le=30 * 86400,
        description="How long an Idempotency-Key keeps answering with the send it first queued, in seconds",
    )] = 86400.0
    queue_cap: Annotated[int, Field(
        ge=1, le=1_000_000, description="Maximum queued messages per instance; further sends are refused",
    )] = 1000
    send_retry_initial_s: Annotated[float, Field(
        gt=0, le=600, description="First retry delay of a transiently failed send, doubled per attempt, in seconds",
    )] = 1.0
    send_rate_per_s: Annotated[float, Field(
        ge=0, le=10_000, description="Sends accepted per second per instance by the api's rate limiter (0 = off)",
    )] = 0.0
    auth_failures_per_minute: Annotated[int, Field(
        ge=0, le=100_000, description="Failed authentications a client address may make in a minute before "
                                      "it is refused with 429 (0 = no limit)",
    )] = 20
    api_fast_sends: Annotated[bool, Field(
        description="Serve plain send requests (JSON object body, no Idempotency-Key) without FastAPI's request "
                    "machinery: the same authentication, validation and queueing, about twice as fast",
    )] = True
    api_enqueue_batches: Annotated[int, Field(
        ge=0, le=64, description="How many statements the api runs at once to commit accepted sends; sends that "
                                 "arrive meanwhile share the next statement (group commit). 0 = one statement "
                                 "per send",
    )] = 4
    auth_cache_s: Annotated[float, Field(
        ge=0, le=10, description="How long the api keeps a send's instance lookup and its address's clean check "
                                 "in memory, in seconds (0 = ask Postgres and Redis on every send). A deleted "
                                 "instance or rotated token is dropped at once everywhere NATS reaches",
    )] = 1.0
    auth_block_s: Annotated[int, Field(
        ge=1, le=86_400, description="How long a client address over the failed-authentication limit is refused",
    )] = 60
    dashboard_session_ttl_s: Annotated[int, Field(
        ge=60, le=30 * 86_400, description="How long a dashboard sign-in lasts, in seconds (idle or not)",
    )] = 8 * 3600
    dashboard_cookie_secure: Annotated[bool, Field(
        description="Always mark the dashboard's session cookie Secure (set it when a proxy terminates HTTPS); "
                    "a request that arrived over HTTPS gets a Secure cookie regardless",
    )] = False
    send_burst: Annotated[int, Field(
        ge=1, le=100_000, description="Burst size of the per-instance send rate limiter, in requests",
    )] = 20
    max_media_bytes: Annotated[int, Field(
        ge=1024, description="Largest media file accepted for sending (URL or data URI), in bytes",
    )] = 16 * 1024 * 1024
    sandbox_send_delay_s: Annotated[float, Field(
        ge=0, le=60, description="Simulated time the sandbox engine takes per send, in seconds",
    )] = 0.0
    worker_metrics_port: Annotated[int, Field(
        ge=0, le=65535, description="Port of a worker's Prometheus metrics server (0 = not started; under "
                                    "`zapgate up`, 0 = the api's port + 1 + the worker's number, else worker 1's port)",
    )] = 0
    dispatch_metrics_port: Annotated[int, Field(
        ge=0, le=65535, description="Port of the dispatcher's Prometheus metrics server (0 = not started; under "
                                    "`zapgate up`, 0 = the api's port + 1)",
    )] = 0
    sandbox_qr_rotate_s: Annotated[float, Field(
        gt=0, le=600, description="How often the sandbox engine rotates an unpaired instance's QR code, in seconds",
    )] = 20.0
    sandbox_receipt_delay_s: Annotated[float, Field(
        ge=0, le=600, description="Delay before each sandbox receipt (SENT, RECEIVED, READ), in seconds",
    )] = 1.0
    sandbox_reconnect_delay_s: Annotated[float, Field(
        ge=0, le=600, description="Delay before the sandbox engine reconnects after a dropped connection, in seconds",
    )] = 1.0
    sandbox_seed: Annotated[int | None, Field(
        description="Seed that makes sandbox message ids and QR codes reproducible (random when unset)",
    )] = None

    neonize_connect_retries: Annotated[int, Field(
        ge=0, le=1000, description="Times the neonize engine retries a failed connect before it gives up with ERROR",
    )] = 8
    neonize_backoff_initial_s: Annotated[float, Field(
        gt=0, le=600, description="First neonize reconnect delay, doubled per attempt, in seconds",
    )] = 1.0
    neonize_backoff_max_s: Annotated[float, Field(
        gt=0, le=3600, description="Upper bound of the neonize reconnect delay, in seconds",
    )] = 120.0
    neonize_qr_timeout_s: Annotated[float, Field(
        gt=0, le=3600, description="Time an unpaired neonize session shows QR codes before reconnecting, in seconds",
    )] = 150.0
    neonize_threads: Annotated[int, Field(
        ge=8, le=4096, description="Size of the thread pool that runs neonize calls in a worker",
    )] = 256
    neonize_database_url: Annotated[str | None, Field(
        description="DSN of neonize's device store (else database <db>_wa on ZAPGATE_DATABASE_URL's server)",
    )] = None
    neonize_db_idle_timeout_s: Annotated[float, Field(
        ge=0, le=86400, description="Postgres idle_session_timeout of device-store connections, in seconds (0 = off)",
    )] = 120.0

    media_store: Annotated[MediaStoreKind, Field(description="Where media is stored: local | s3")] = (
        MediaStoreKind.LOCAL
    )
    media_dir: Annotated[Path, Field(description="Directory of the local media store")] = Path(".zapgate/media")
    media_url_ttl_s: Annotated[float, Field(
        gt=1, le=365 * 86400, description="Lifetime of media links, in seconds (S3 links are capped at 7 days)",
    )] = 30 * 86400
    media_retention_s: Annotated[float, Field(
        gt=60, description="How long stored media is kept before the retention job deletes it, in seconds",
    )] = 30 * 86400
    media_download_timeout_s: Annotated[float, Field(
        gt=0.1, le=600, description="Timeout of downloading an inbound message's media, in seconds",
    )] = 60.0
    media_hold_s: Annotated[float, Field(
        gt=0.1, le=3600,
        description="Longest a message's webhooks wait for its media download (longer than the download timeout; "
                    "past it, e.g. the worker died, the message is delivered with downloadError), in seconds",
    )] = 90.0
    inbound_media_max_bytes: Annotated[int, Field(
        ge=1024, le=2**31 - 1,
        description="Largest inbound media downloaded, in bytes (larger: delivered with downloadError, not fetched)",
    )] = 100 * 1024 * 1024
    media_max_pixels: Annotated[int, Field(
        ge=10_000, le=2**31 - 1,
        description="Most pixels (width x height, read from the header) of an image decoded or accepted for sending",
    )] = 40_000_000
    media_fetch_timeout_s: Annotated[float, Field(
        gt=0.1, le=600, description="Total timeout of fetching a media URL given in a send request, in seconds",
    )] = 30.0
    media_fetch_max_redirects: Annotated[int, Field(
        ge=0, le=10, description="Redirects followed when fetching a media URL given in a send request",
    )] = 3
    media_retry_delay_s: Annotated[float, Field(
        ge=0, le=86400,
        description="Delay before retrying a failed inbound media download, times the attempt number, in seconds",
    )] = 30.0
    allow_private_media: Annotated[bool, Field(
        description="1 allows fetching send media from private, loopback and link-local addresses",
    )] = False
    s3_bucket: Annotated[str | None, Field(
        description="S3 bucket of the media store (required with ZAPGATE_MEDIA_STORE=s3)",
    )] = None
    s3_prefix: Annotated[str, Field(description="Key prefix of media objects in the S3 bucket")] = "zapgate/"
    s3_region: Annotated[str, Field(description="S3 region")] = "us-east-1"
    s3_endpoint: Annotated[str | None, Field(
        description="Custom S3 endpoint URL, e.g. MinIO (AWS S3 when unset)",
    )] = None
    s3_path_style: Annotated[bool, Field(description="Use path-style S3 addressing (MinIO)")] = False

    retention_days: Annotated[int, Field(
        ge=1, le=3650,
        description="Age after which delivered events, webhooks, messages and sends are deleted, in days",
    )] = 30
    retention_overrides: Annotated[str, Field(
        description="Per-table retention in days, e.g. events=7,messages=90 (tables: see docs/operations.md)",
    )] = ""
    retention_batch: Annotated[int, Field(
        ge=100, le=1_000_000, description="Rows deleted per statement by the retention job",
    )] = 5000
    retention_interval_s: Annotated[float, Field(
        gt=0, le=86400, description="How often dispatch runs the retention job, in seconds",
    )] = 3600.0
    sentry_dsn: Annotated[SecretStr | None, Field(
        description="Sentry DSN; errors are reported to Sentry when set",
    )] = None
    log_level: Annotated[str, Field(description="Logging level (DEBUG, INFO, WARNING, ERROR)")] = "INFO"
    data_dir: Annotated[Path, Field(
        description="Directory for the data of services started by `zapgate up` and the dev tokens file",
    )] = Path(".zapgate")
    migrations_dir: Annotated[Path | None, Field(
        description="Directory of the NNNN_name.sql migrations (default: the repository's migrations/)",
    )] = None

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str) -> str:
        return _check_url(v, ("postgresql", "postgres"), "ZAPGATE_DATABASE_URL")

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, v: str) -> str:
        return _check_url(v, ("redis", "rediss"), "ZAPGATE_REDIS_URL")

    @field_validator("nats_url")
    @classmethod
    def _nats_url(cls, v: str) -> str:
        for server in v.split(","):
            _check_url(server.strip(), ("nats", "tls"), "ZAPGATE_NATS_URL")
        return v

    @field_validator("public_url", "s3_endpoint")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        return None if v is None else _check_url(v, ("http", "https"), "URL setting")

    @field_validator("redis_prefix", "nats_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        if not _PREFIX_RE.match(v):
            raise ValueError("must be lowercase letters, digits or _ (max 31), starting with a letter")
        return v

    @field_validator("db_schema")
    @classmethod
    def _schema(cls, v: str) -> str:
        if not _PREFIX_RE.match(v):
            raise ValueError("must be a plain lowercase identifier")
        return v

    @field_validator("retention_overrides")
    @classmethod
    def _retention(cls, v: str) -> str:
        parse_overrides(v)
        return v

    @field_validator("send_gap_s")
    @classmethod
    def _gap(cls, v: str) -> str:
        parse_gap(v)
        return v

    @model_validator(mode="after")
    def _safety(self) -> Settings:
        """Refuse unsafe values together, each with what to do about it."""
        problems = self._secret_problems()
        if self.media_hold_s <= self.media_download_timeout_s:
            problems.append("ZAPGATE_MEDIA_HOLD_S must be longer than ZAPGATE_MEDIA_DOWNLOAD_TIMEOUT_S (webhooks "
                            "would go without media that is still downloading)")
        if self.env is Environment.PRODUCTION:
            if self.partner_token is None or len(self.partner_token) < 24:
                problems.append("ZAPGATE_PARTNER_TOKEN must be set (24+ characters)")
            if self.client_token is None or len(self.client_token) < 24:
                problems.append("ZAPGATE_CLIENT_TOKEN must be set (24+ characters)")
            if self.allow_insecure_webhooks:
                problems.append("ZAPGATE_ALLOW_INSECURE_WEBHOOKS is for dev and tests only")
            if self.media_store is MediaStoreKind.S3 and not self.s3_bucket:
                problems.append("ZAPGATE_S3_BUCKET is required with ZAPGATE_MEDIA_STORE=s3")
        if problems:
            raise ValueError("unsafe settings: " + "; ".join(problems))
        return self

    def _secret_problems(self) -> list[str]:
        """The built-in key is public: anyone who knows it derives every instance token, webhook secret
        and media link signature. It is accepted only by a dev gateway listening on loopback."""
        key = self.secret_key.get_secret_value()
        if key != DEV_SECRET_KEY:
            if self.env is Environment.PRODUCTION and len(key) < 32:
                return ["ZAPGATE_SECRET_KEY must be a random value of 32+ characters"]
            return []
        if self.env is not Environment.DEV:
            return [f"ZAPGATE_SECRET_KEY must be set with ZAPGATE_ENV={self.env.value} "
                    "(a random value of 32+ characters, e.g. `openssl rand -hex 32`)"]
        if not is_loopback_host(self.http_host):
            return [f"ZAPGATE_SECRET_KEY must be set to listen on {self.http_host} "
                    "(the built-in key is public; it is accepted on loopback only)"]
        return []

    @property
    def gap_range_s(self) -> tuple[float, float]:
        return parse_gap(self.send_gap_s)

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.http_host}:{self.http_port}"


def parse_gap(value: str) -> tuple[float, float]:
    """``"1-3"`` → (1.0, 3.0); ``"0"`` → (0.0, 0.0)."""
    text = value.strip()
    try:
        if "-" in text:
            low_s, high_s = text.split("-", 1)
            low, high = float(low_s), float(high_s)
        else:
            low = high = float(text)
    except ValueError as exc:
        raise ValueError("ZAPGATE_SEND_GAP_S must be seconds ('2') or a range ('1-3')") from exc
    if low < 0 or high < low or high > 60:
        raise ValueError("ZAPGATE_SEND_GAP_S must satisfy 0 <= low <= high <= 60")
    return low, high


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def local_secret_path(settings: Settings) -> Path:
    """Where a dev gateway keeps its generated secret key (mode 600), beside the dev tokens."""
    return Path(settings.data_dir) / "secret-key"


def with_local_secret(settings: Settings) -> Settings:
    """A dev gateway without ``ZAPGATE_SECRET_KEY`` uses a random key generated once in the data dir,
    so every role of it agrees and nothing derives from the public built-in key."""
    if settings.secret_key.get_secret_value() != DEV_SECRET_KEY:
        return settings
    path = local_secret_path(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another role created it first
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    key = path.read_text().strip()
    if len(key) < 32:
        raise ValueError(f"{path} holds no usable secret key (delete it to generate a new one)")
    return settings.model_copy(update={"secret_key": SecretStr(key)})


def load_settings() -> Settings:
    """Load settings from the environment or exit with a clear message and ``EXIT_CONFIG_ERROR``."""
    try:
        return with_local_secret(Settings())
    except ValidationError as exc:
        lines = ["zapgate: invalid configuration"]
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "settings"
            field = f"ZAPGATE_{loc.upper()}" if err["loc"] else "settings"
            lines.append(f"  {field}: {err['msg']}")
        print("\n".join(lines), file=sys.stderr)
        raise SystemExit(EXIT_CONFIG_ERROR) from None
    except (OSError, ValueError) as exc:
        print(f"zapgate: invalid configuration: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG_ERROR) from None
