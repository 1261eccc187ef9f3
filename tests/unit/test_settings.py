"""Settings refuse unsafe and malformed values with a clear message and a distinct exit code."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from gateway.core.config import EXIT_CONFIG_ERROR, Settings, parse_gap


@pytest.fixture(autouse=True)
def no_operator_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests of defaults and validation must not see the operator's ZAPGATE_* variables."""
    for name in [n for n in os.environ if n.startswith("ZAPGATE_")]:
        monkeypatch.delenv(name)


def test_defaults_are_fine_in_dev() -> None:
    s = Settings()
    assert s.http_port == 8080 and s.gap_range_s == (1.0, 3.0) and s.env == "dev"


def test_defaults_ignore_the_operator_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAPGATE_HTTP_PORT", "9999")
    assert Settings().http_port == 9999  # the environment is read...
    monkeypatch.delenv("ZAPGATE_HTTP_PORT")
    assert Settings().http_port == 8080  # ...and the fixture above keeps it out of the other tests


def test_production_refuses_default_secrets() -> None:
    with pytest.raises(ValidationError) as err:
        Settings(env="production")  # type: ignore[arg-type]
    text = str(err.value)
    assert "ZAPGATE_SECRET_KEY" in text and "ZAPGATE_PARTNER_TOKEN" in text and "ZAPGATE_CLIENT_TOKEN" in text


def test_production_accepts_real_secrets_but_not_insecure_webhooks() -> None:
    good = {"env": "production", "secret_key": "k" * 40, "partner_token": "p" * 30, "client_token": "c" * 30}
    assert Settings(**good).env == "production"  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="ALLOW_INSECURE_WEBHOOKS"):
        Settings(**good, allow_insecure_webhooks=True)  # type: ignore[arg-type]


@pytest.mark.parametrize(("field", "value"), [
    ("database_url", "mysql://x@y/z"),
    ("database_url", "not a url"),
    ("redis_url", "http://127.0.0.1:6379"),
    ("nats_url", "nats://:4222"),
    ("nats_url", "nats://127.0.0.1:99999"),
    ("send_gap_s", "3-1"),
    ("send_gap_s", "abc"),
    ("http_port", 0),
    ("redis_prefix", "Bad Prefix"),
])
def test_malformed_values_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Settings(**{field: value})  # type: ignore[arg-type]


def test_gap_parsing() -> None:
    assert parse_gap("0") == (0.0, 0.0)
    assert parse_gap("1-3") == (1.0, 3.0)
    assert parse_gap("2.5") == (2.5, 2.5)


def test_load_settings_exits_with_clear_message() -> None:
    env = {**os.environ, "ZAPGATE_ENV": "production", "ZAPGATE_REDIS_URL": "http://nope"}
    proc = subprocess.run([sys.executable, "-m", "gateway", "migrate"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == EXIT_CONFIG_ERROR
    assert "invalid configuration" in proc.stderr and "ZAPGATE_REDIS_URL" in proc.stderr
