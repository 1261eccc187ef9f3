"""Settings for every role, loaded once per process from ``ZAPGATE_*`` variables and passed down."""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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

    env: Environment = Environment.DEV
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)

    database_url: str = "postgresql://zapgate:zapgate@127.0.0.1:5432/zapgate"
    db_schema: str = "public"
    db_pool_max: Annotated[int, Field(ge=1, le=200)] = 10
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "zapgate"
    nats_url: str = "nats://127.0.0.1:4222"
    nats_prefix: str = "zg"

    partner_token: SecretStr | None = None
    client_token: SecretStr | None = None

    http_host: str = "127.0.0.1"
    http_port: Annotated[int, Field(ge=1, le=65535)] = 8080
    public_url: str | None = None
    max_body_bytes: Annotated[int, Field(ge=1024)] = 24 * 1024 * 1024

    allow_insecure_webhooks: bool = False
    send_gap_s: str = "1-3"
    workers: Annotated[int, Field(ge=1, le=64)] = 1

    lease_ttl_s: Annotated[float, Field(gt=0.5, le=300)] = 10.0
    heartbeat_ttl_s: Annotated[float, Field(gt=0.5, le=300)] = 6.0
    placement_interval_s: Annotated[float, Field(gt=0.05, le=60)] = 1.0
    control_timeout_s: Annotated[float, Field(gt=0.1, le=120)] = 10.0

    capture_buffer: Annotated[int, Field(ge=10, le=1_000_000)] = 10_000
    events_max_age_s: Annotated[float, Field(gt=60)] = 7 * 86400
    events_max_bytes: Annotated[int, Field(ge=-1)] = -1
    dispatch_batch: Annotated[int, Field(ge=1, le=10_000)] = 256
    dispatch_ack_wait_s: Annotated[float, Field(gt=1, le=3600)] = 30.0
    webhook_timeout_s: Annotated[float, Field(gt=0.1, le=120)] = 10.0
    webhook_max_connections: Annotated[int, Field(ge=1, le=10_000)] = 256
    webhook_retry_initial_s: Annotated[float, Field(gt=0, le=3600)] = 1.0
    webhook_retry_max_s: Annotated[float, Field(gt=0, le=86400)] = 300.0
    webhook_retry_total_s: Annotated[float, Field(gt=0, le=30 * 86400)] = 86400.0
    webhook_breaker_failures: Annotated[int, Field(ge=1, le=1000)] = 5
    webhook_breaker_cooldown_s: Annotated[float, Field(gt=0, le=3600)] = 30.0
    outbox_ack_wait_s: Annotated[float, Field(gt=1, le=3600)] = 30.0
    queue_cap: Annotated[int, Field(ge=1, le=1_000_000)] = 1000
    send_retry_initial_s: Annotated[float, Field(gt=0, le=600)] = 1.0
    send_rate_per_s: Annotated[float, Field(ge=0, le=10_000)] = 0.0
    send_burst: Annotated[int, Field(ge=1, le=100_000)] = 20
    max_media_bytes: Annotated[int, Field(ge=1024)] = 16 * 1024 * 1024
    sandbox_send_delay_s: Annotated[float, Field(ge=0, le=60)] = 0.0
    worker_metrics_port: Annotated[int, Field(ge=0, le=65535)] = 0
    dispatch_metrics_port: Annotated[int, Field(ge=0, le=65535)] = 0
    sandbox_qr_rotate_s: Annotated[float, Field(gt=0, le=600)] = 20.0
    sandbox_receipt_delay_s: Annotated[float, Field(ge=0, le=600)] = 1.0
    sandbox_reconnect_delay_s: Annotated[float, Field(ge=0, le=600)] = 1.0
    sandbox_seed: int | None = None

    neonize_connect_retries: Annotated[int, Field(ge=0, le=1000)] = 8
    neonize_backoff_initial_s: Annotated[float, Field(gt=0, le=600)] = 1.0
    neonize_backoff_max_s: Annotated[float, Field(gt=0, le=3600)] = 120.0
    neonize_qr_timeout_s: Annotated[float, Field(gt=0, le=3600)] = 150.0
    neonize_threads: Annotated[int, Field(ge=8, le=4096)] = 256
    neonize_database_url: str | None = None
    neonize_db_idle_timeout_s: Annotated[float, Field(ge=0, le=86400)] = 120.0

    media_store: MediaStoreKind = MediaStoreKind.LOCAL
    media_dir: Path = Path(".zapgate/media")
    media_url_ttl_s: Annotated[float, Field(gt=1, le=365 * 86400)] = 30 * 86400
    media_retention_s: Annotated[float, Field(gt=60)] = 30 * 86400
    media_download_timeout_s: Annotated[float, Field(gt=0.1, le=600)] = 60.0
    media_fetch_timeout_s: Annotated[float, Field(gt=0.1, le=600)] = 30.0
    media_fetch_max_redirects: Annotated[int, Field(ge=0, le=10)] = 3
    media_retry_delay_s: Annotated[float, Field(ge=0, le=86400)] = 30.0
    allow_private_media: bool = False
    s3_bucket: str | None = None
    s3_prefix: str = "zapgate/"
    s3_region: str = "us-east-1"
    s3_endpoint: str | None = None
    s3_path_style: bool = False

    sentry_dsn: SecretStr | None = None
    log_level: str = "INFO"
    data_dir: Path = Path(".zapgate")

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
        return _check_url(v, ("nats", "tls"), "ZAPGATE_NATS_URL")

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

    @field_validator("send_gap_s")
    @classmethod
    def _gap(cls, v: str) -> str:
        parse_gap(v)
        return v

    @model_validator(mode="after")
    def _production_safety(self) -> Settings:
        if self.env is not Environment.PRODUCTION:
            return self
        problems = []
        if self.secret_key.get_secret_value() == DEV_SECRET_KEY or len(self.secret_key) < 32:
            problems.append("ZAPGATE_SECRET_KEY must be set to a random value of 32+ characters")
        if self.partner_token is None or len(self.partner_token) < 24:
            problems.append("ZAPGATE_PARTNER_TOKEN must be set (24+ characters)")
        if self.client_token is None or len(self.client_token) < 24:
            problems.append("ZAPGATE_CLIENT_TOKEN must be set (24+ characters)")
        if self.allow_insecure_webhooks:
            problems.append("ZAPGATE_ALLOW_INSECURE_WEBHOOKS is for dev and tests only")
        if self.media_store is MediaStoreKind.S3 and not self.s3_bucket:
            problems.append("ZAPGATE_S3_BUCKET is required with ZAPGATE_MEDIA_STORE=s3")
        if problems:
            raise ValueError("unsafe production settings: " + "; ".join(problems))
        return self

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


def load_settings() -> Settings:
    """Load settings from the environment or exit with a clear message and ``EXIT_CONFIG_ERROR``."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = ["zapgate: invalid configuration"]
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "settings"
            field = f"ZAPGATE_{loc.upper()}" if err["loc"] else "settings"
            lines.append(f"  {field}: {err['msg']}")
        print("\n".join(lines), file=sys.stderr)
        raise SystemExit(EXIT_CONFIG_ERROR) from None
