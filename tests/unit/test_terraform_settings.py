"""The ECS task definitions give each role every ZAPGATE_* setting a production role needs, and no name the
settings class does not know; the values given load through the settings' own validators.

What "needs" means is read from the code, not listed by hand where it can be: a setting whose default points
at this machine (loopback URLs and addresses), a setting production refuses to start without, the metrics
ports the collector scrapes, plus the few this deployment needs for a stated reason (NEEDED_HERE)."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pydantic import ValidationError

from gateway.core.config import Settings
from tests.unit.test_terraform import TF, blocks

APP = TF / "modules/app"
ENV_NAMES = {f"ZAPGATE_{name.upper()}" for name in Settings.model_fields}
NEEDED_HERE = {
    # RDS refuses plain connections (rds.force_ssl); the derived device-store DSN says sslmode=disable.
    "ZAPGATE_NEONIZE_DATABASE_URL": "neonize's device store over TLS",
    # Media links and the dashboard must name the public host, not the task's address.
    "ZAPGATE_PUBLIC_URL": "the public base URL behind the load balancer",
    # Three NATS nodes: the streams must be replicated on them.
    "ZAPGATE_STREAM_REPLICAS": "replicated JetStream streams",
    # The bucket's lifecycle rule and the app's retention job must agree.
    "ZAPGATE_MEDIA_RETENTION_S": "media retention matching the S3 lifecycle",
}


@pytest.fixture(autouse=True)
def _no_zapgate_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the settings refuse or default to must not depend on the caller's environment."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def _loopback(value: object) -> bool:
    text = str(value)
    host = urlsplit(text).hostname if "://" in text else text
    try:
        return host is not None and (host == "localhost" or ipaddress.ip_address(host).is_loopback)
    except ValueError:
        return False


def production_refusals() -> set[str]:
    """Variables a production process refuses to start without, as the validators name them."""
    with pytest.raises(ValidationError) as info:
        Settings(env="production", http_host="0.0.0.0", media_store="s3", _env_file=None)  # noqa: S104
    return set(re.findall(r"ZAPGATE_[A-Z0-9_]+", str(info.value))) - {"ZAPGATE_ENV"}


def needed() -> set[str]:
    fields = Settings.model_fields
    local = {f"ZAPGATE_{n.upper()}" for n, f in fields.items() if _loopback(f.default)}
    metrics = {f"ZAPGATE_{n.upper()}" for n in fields if n.endswith("_metrics_port")}
    return local | production_refusals() | metrics | set(NEEDED_HERE) | {"ZAPGATE_ENV", "ZAPGATE_MEDIA_STORE"}


def environment() -> dict[str, Any]:
    env: dict[str, Any] = blocks(APP, "locals")["environment"]
    return env


def secret_names() -> set[str]:
    """Names the roles read from Secrets Manager: the keys of every secret map the modules hand to the app."""
    names: set[str] = set()
    for module in ("secrets", "database", "redis", "nats"):
        directory = TF / "modules" / module
        for local in blocks(directory, "locals").values():
            if isinstance(local, dict):
                names |= {k for k in local if k.startswith("ZAPGATE_")}
        for output in blocks(directory, "output").values():
            if isinstance(output["value"], dict):
                names |= {k for k in output["value"] if k.startswith("ZAPGATE_")}
    merged = blocks(APP, "locals")["secrets"]
    if "ZAPGATE_SENTRY_DSN" in merged:
        names.add("ZAPGATE_SENTRY_DSN")
    return names


def test_the_required_set_is_derived_from_the_code() -> None:
    assert {"ZAPGATE_SECRET_KEY", "ZAPGATE_PARTNER_TOKEN", "ZAPGATE_CLIENT_TOKEN", "ZAPGATE_S3_BUCKET"} <= (
        production_refusals())
    assert {"ZAPGATE_DATABASE_URL", "ZAPGATE_REDIS_URL", "ZAPGATE_NATS_URL", "ZAPGATE_HTTP_HOST"} <= needed()
    assert {"ZAPGATE_WORKER_METRICS_PORT", "ZAPGATE_DISPATCH_METRICS_PORT"} <= needed()


def test_every_needed_setting_is_wired_and_every_name_is_known() -> None:
    env, secrets = set(environment()), secret_names()
    assert "ZAPGATE_SECRET_KEY" in secrets and "ZAPGATE_DATABASE_URL" in secrets
    assert env & secrets == set(), "a setting is both plain and secret"
    assert needed() - env - secrets == set(), "settings a production role needs but its task does not get"
    assert (env | secrets) - ENV_NAMES == set(), "names the settings class does not know"
    assert set(NEEDED_HERE) <= ENV_NAMES


def test_secrets_stay_out_of_the_plain_environment() -> None:
    secret_fields = {f"ZAPGATE_{n.upper()}" for n, f in Settings.model_fields.items()
                     if "SecretStr" in str(f.annotation) or (n.endswith("_url") and n != "public_url")}
    secret_fields -= {"ZAPGATE_S3_ENDPOINT"}
    assert secret_fields & set(environment()) == set()
    # optional: the Sentry DSN; the previous secret key is given only to the one-off rotation task
    assert secret_fields - {"ZAPGATE_SENTRY_DSN", "ZAPGATE_PREVIOUS_SECRET_KEY"} <= secret_names()


def _resolve(value: Any, variables: dict[str, Any]) -> str:
    """The few expression forms environment.tf uses: ${var.x}, ${tostring(var.x)}, ${tostring(var.x * N)}."""
    def one(m: re.Match[str]) -> str:
        expr = m[1].strip()
        inner = re.fullmatch(r"tostring\((.*)\)", expr)
        expr = inner[1] if inner else expr
        product = re.fullmatch(r"var\.(\w+)\s*\*\s*(\d+)", expr)
        if product:
            return str(variables[product[1]] * int(product[2]))
        plain = re.fullmatch(r"var\.(\w+)", expr)
        assert plain, f"unexpected expression {expr}"
        return str(variables[plain[1]])

    return re.sub(r"\$\{(.*?)\}", one, str(value))


def test_the_task_environment_loads_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    variables = {n: b.get("default") for n, b in blocks(APP, "variable").items()}
    variables.update(public_host="api.example.com", media_bucket="zapgate-media-x", region="us-east-1")
    env = {k: _resolve(v, variables) for k, v in environment().items()}
    fake = {"ZAPGATE_SECRET_KEY": "k" * 64, "ZAPGATE_PARTNER_TOKEN": "p" * 48, "ZAPGATE_CLIENT_TOKEN": "c" * 48,
            "ZAPGATE_DATABASE_URL": "postgresql://zapgate:pw@db.example:5432/zapgate?sslmode=require",
            "ZAPGATE_NEONIZE_DATABASE_URL": "postgres://zapgate:pw@db.example:5432/zapgate_wa?sslmode=require",
            "ZAPGATE_REDIS_URL": "rediss://:token@redis.example:6379/0",
            "ZAPGATE_NATS_URL": "nats://zapgate:pw@nats.zapgate.internal:4222"}
    assert set(fake) == secret_names() - {"ZAPGATE_SENTRY_DSN"}
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for key, value in {**env, **fake}.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.env.value == "production" and settings.media_store.value == "s3"
    assert settings.public_url == "https://api.example.com"
    assert settings.media_retention_s == 30 * 86400
    assert settings.stream_replicas == 3
    assert (settings.worker_metrics_port, settings.dispatch_metrics_port) == (9101, 9102)


def test_metrics_ports_match_the_security_groups_and_scrape_labels() -> None:
    root = blocks(TF, "locals")
    groups = blocks(TF / "modules/security_groups", "variable")
    app = blocks(APP, "variable")
    for name in ("worker_metrics_port", "dispatch_metrics_port", "http_port"):
        assert root[name] == groups[name]["default"] == app[name]["default"], name
    env = environment()
    assert env["ZAPGATE_WORKER_METRICS_PORT"] == "${tostring(var.worker_metrics_port)}"
    assert env["ZAPGATE_DISPATCH_METRICS_PORT"] == "${tostring(var.dispatch_metrics_port)}"
    role = blocks(APP, "module")["role"]
    assert role["docker_labels"]["PROMETHEUS_PORT"] == "${tostring(each.value.metrics)}"


def test_task_definitions_read_the_environment_and_secrets() -> None:
    role = blocks(APP, "module")["role"]
    assert role["environment"] == "${local.environment}" and role["secrets"] == "${local.secrets}"
    text = (TF / "modules/service/main.tf").read_text()
    assert "environment            = local.environment" in text and "secrets                = local.secrets" in text
    assert Path(TF / "modules/service/main.tf").read_text().count("valueFrom = var.secrets[k]") == 1
