"""Settings refuse unsafe and malformed values with a clear message and a distinct exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize("env", ["test", "production"])
def test_the_builtin_secret_is_refused_outside_dev(env: str) -> None:
    with pytest.raises(ValidationError, match="ZAPGATE_SECRET_KEY must be set"):
        Settings(env=env, partner_token="p" * 30, client_token="c" * 30)  # type: ignore[arg-type]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "gateway.internal"])  # noqa: S104
def test_the_builtin_secret_is_refused_on_a_non_loopback_address(host: str) -> None:
    with pytest.raises(ValidationError, match=f"listen on {host}"):
        Settings(http_host=host)
    assert Settings(http_host=host, secret_key="s" * 40).http_host == host


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "::1", "localhost"])
def test_the_builtin_secret_is_accepted_on_loopback_in_dev(host: str) -> None:
    assert Settings(http_host=host).http_host == host


def test_a_dev_gateway_generates_its_secret_once(tmp_path: Path) -> None:
    from gateway.core.config import DEV_SECRET_KEY, local_secret_path, with_local_secret

    settings = Settings(data_dir=tmp_path)
    first = with_local_secret(settings)
    key = first.secret_key.get_secret_value()
    assert key != DEV_SECRET_KEY and len(key) == 64
    assert local_secret_path(settings).stat().st_mode & 0o777 == 0o600
    assert with_local_secret(Settings(data_dir=tmp_path)).secret_key.get_secret_value() == key  # kept
    explicit = Settings(data_dir=tmp_path, secret_key="e" * 40)
    assert with_local_secret(explicit) is explicit  # a configured key always wins


def test_a_role_refuses_to_start_with_the_builtin_secret_on_all_interfaces(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAPGATE_")}
    env |= {"ZAPGATE_HTTP_HOST": "0.0.0.0", "ZAPGATE_DATA_DIR": str(tmp_path)}  # noqa: S104
    proc = subprocess.run([sys.executable, "-m", "gateway", "api"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == EXIT_CONFIG_ERROR
    assert "ZAPGATE_SECRET_KEY must be set to listen on 0.0.0.0" in proc.stderr
