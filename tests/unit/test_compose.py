"""docker/compose.yml has no unsafe default: exact image releases, required secrets, loopback-only ports,
and Redis, NATS and Postgres that refuse a client without the password the gateway is given.

Compose's own `${VAR:-default}` / `${VAR:?message}` interpolation is reproduced here (the subset the file
uses) so the settings each role would receive can be checked without Docker."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from gateway.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker/compose.yml"
ROLES = ("api", "worker", "dispatch", "migrate")
SECRETS = ("ZAPGATE_SECRET_KEY", "ZAPGATE_POSTGRES_PASSWORD", "ZAPGATE_REDIS_PASSWORD", "ZAPGATE_NATS_PASSWORD",
           "MINIO_ROOT_PASSWORD")
# An exact release: 1.2.3 with an optional variant (-alpine, -slim-bookworm), or MinIO's RELEASE.<timestamp>;
# Postgres numbers its releases MAJOR.MINOR (16.15), so there two parts are exact and "16" alone is not.
EXACT_TAG = re.compile(r"\d+\.\d+\.\d+(-[a-z0-9.]+)*|RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ")
TWO_PART_RELEASES = {"postgres": re.compile(r"\d+\.\d+(-[a-z0-9.]+)*")}
ANY_INTERFACE = "0.0.0.0"  # noqa: S104 - what ZAPGATE_BIND opts into, and where the image's api listens
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


class MissingVariable(Exception):
    """Raised when a `${VAR:?message}` is interpolated without VAR, as `docker compose` refuses to start."""


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(m: re.Match[str]) -> str:
        name, op, arg = m["name"], m["op"] or "", m["arg"] or ""
        have = env.get(name)
        unset = have is None or (op.startswith(":") and have == "")
        if unset and op.endswith("?"):
            raise MissingVariable(f"{name}: {arg}")
        if unset and op.endswith("-"):
            return arg
        return have or ""

    return VARIABLE.sub(one, value)


def _raw() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def _services(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    services: dict[str, Any] = _raw()["services"]
    return services if env is None else interpolate(services, env)


def _secrets() -> dict[str, str]:
    return {name: f"{name.lower()}-0123456789abcdef" for name in SECRETS}


def _flag(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


def test_every_image_is_an_exact_release() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    for name, service in _services().items():
        image = service["image"]
        assert "$" not in image, f"{name}: {image} must not be chosen by a variable"
        reference, _, digest = image.partition("@")
        repo, _, tag = reference.rpartition(":")
        assert repo and tag and "/" not in tag, f"{name}: {image} has no tag"
        assert not digest or re.fullmatch(r"sha256:[0-9a-f]{64}", digest), (name, image)
        if "build" in service:
            # Built from docker/Dockerfile, never pulled: a registry's "zapgate" is not ours.
            assert service.get("pull_policy") == "build", name
            assert tag == version, f"{name}: tag the local image with the project version {version}"
        else:
            exact = TWO_PART_RELEASES.get(repo, EXACT_TAG)
            assert exact.fullmatch(tag), f"{name}: {image} is not an exact release"


def test_secrets_have_no_default() -> None:
    text = COMPOSE.read_text()
    for name in SECRETS:
        assert f"${{{name}:?" in text, name
        assert not re.search(rf"\$\{{{name}:?-", text), f"{name} must not have a default"
    env = _raw()["x-zapgate-env"]
    assert re.fullmatch(r"\$\{ZAPGATE_SECRET_KEY:\?[^}]+\}", env["ZAPGATE_SECRET_KEY"])
    for name in SECRETS:
        without = {k: v for k, v in _secrets().items() if k != name}
        with pytest.raises(MissingVariable, match=name):
            _services(without)


def test_published_ports_bind_loopback_by_default() -> None:
    services = _services(_secrets())
    published = {name: s.get("ports", []) for name, s in services.items() if s.get("ports")}
    assert set(published) == {"api"}, "only the api is published (NATS monitoring and the stores stay inside)"
    for name, ports in published.items():
        for port in ports:
            spec = port if isinstance(port, str) else f"{port.get('host_ip', '')}:{port.get('published')}:"
            assert spec.startswith("127.0.0.1:"), (name, port)
    raw = _services()["api"]["ports"]
    assert raw == ["${ZAPGATE_BIND:-127.0.0.1}:8080:8080"]
    opened = _services({**_secrets(), "ZAPGATE_BIND": ANY_INTERFACE})["api"]["ports"]
    assert opened == [f"{ANY_INTERFACE}:8080:8080"]


def test_stores_require_the_password_the_roles_are_given() -> None:
    secrets = _secrets()
    services = _services(secrets)
    redis_command = services["redis"]["command"]
    nats_command = services["nats"]["command"]
    assert _flag(redis_command, "--requirepass") == secrets["ZAPGATE_REDIS_PASSWORD"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == secrets["ZAPGATE_POSTGRES_PASSWORD"]
    assert services["minio"]["environment"]["MINIO_ROOT_PASSWORD"] == secrets["MINIO_ROOT_PASSWORD"]
    for role in ROLES:
        env = services[role]["environment"]
        redis = urlsplit(env["ZAPGATE_REDIS_URL"])
        nats = urlsplit(env["ZAPGATE_NATS_URL"])
        db = urlsplit(env["ZAPGATE_DATABASE_URL"])
        assert (redis.hostname, redis.password) == ("redis", secrets["ZAPGATE_REDIS_PASSWORD"]), role
        assert (nats.hostname, nats.username, nats.password) == (
            "nats", _flag(nats_command, "--user"), _flag(nats_command, "--pass")), role
        assert nats.password == secrets["ZAPGATE_NATS_PASSWORD"], role
        assert (db.hostname, db.password) == ("postgres", secrets["ZAPGATE_POSTGRES_PASSWORD"]), role
        assert env["ZAPGATE_SECRET_KEY"] == secrets["ZAPGATE_SECRET_KEY"], role
        assert env["AWS_SECRET_ACCESS_KEY"] == secrets["MINIO_ROOT_PASSWORD"], role


def test_each_role_gets_settings_that_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interpolated environment (plus the Dockerfile's ZAPGATE_HTTP_HOST=0.0.0.0) passes the settings'
    validators, credentials in the URLs included."""
    secrets = {**_secrets(), "ZAPGATE_SECRET_KEY": "0123456789abcdef" * 4}
    for role in ROLES:
        env = _services(secrets)[role]["environment"]
        with monkeypatch.context() as m:
            for key in [k for k in Settings.model_fields if f"ZAPGATE_{k.upper()}" not in env]:
                m.delenv(f"ZAPGATE_{key.upper()}", raising=False)
            for key, value in {**env, "ZAPGATE_HTTP_HOST": ANY_INTERFACE}.items():
                m.setenv(key, str(value))
            settings = Settings()
        assert settings.secret_key.get_secret_value() == secrets["ZAPGATE_SECRET_KEY"], role
        assert urlsplit(settings.redis_url).password == secrets["ZAPGATE_REDIS_PASSWORD"], role
