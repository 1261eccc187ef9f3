"""docker/compose.yml has no unsafe default: exact image releases, required secrets, loopback-only ports,
and Redis, NATS and Postgres that refuse a client without the password the gateway is given; it names every
setting a production role needs, keeps every service healthy-checked and restarted, and serves the worker and
dispatch metrics. docker/compose.nats-cluster.yml makes NATS a 3-node cluster; docker/compose.dev.yml gives
`make up` its stores on loopback.

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
SECRETS = ("ZAPGATE_SECRET_KEY", "ZAPGATE_PARTNER_TOKEN", "ZAPGATE_CLIENT_TOKEN", "ZAPGATE_POSTGRES_PASSWORD",
           "ZAPGATE_REDIS_PASSWORD", "ZAPGATE_NATS_PASSWORD", "MINIO_ROOT_PASSWORD")
# An exact release: 1.2.3 with an optional variant (-alpine, -slim-bookworm), or MinIO's RELEASE.<timestamp>;
# Postgres numbers its releases MAJOR.MINOR (16.15), so there two parts are exact and "16" alone is not.
EXACT_TAG = re.compile(r"v?\d+\.\d+\.\d+(-[a-z0-9.]+)*|RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ")
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
    assert set(published) == {"api", "prometheus"}, "only the api (and Prometheus, --profile monitoring) are published"
    for name, ports in published.items():
        for port in ports:
            spec = port if isinstance(port, str) else f"{port.get('host_ip', '')}:{port.get('published')}:"
            assert spec.startswith("127.0.0.1:"), (name, port)
    assert _services()["prometheus"]["ports"] == ["127.0.0.1:9090:9090"]  # no authentication: loopback, always
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


# --- the production shape: health, restarts, settings, metrics, options ---------------------------------------
LONG_RUNNING = ("postgres", "redis", "nats", "minio", "api", "worker", "dispatch", "prometheus")
ONE_SHOT = ("minio-init", "migrate")


def test_every_service_is_health_checked_and_restarted() -> None:
    services = _services()
    assert set(services) == set(LONG_RUNNING) | set(ONE_SHOT)
    for name in LONG_RUNNING:
        assert services[name]["restart"] == "unless-stopped", name
        test = services[name]["healthcheck"]["test"]
        assert test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, name
    for name in ONE_SHOT:
        assert services[name]["restart"] in ("no", "on-failure"), name
    for role in ("api", "worker", "dispatch"):
        assert services[role]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", role
        assert services[role]["depends_on"]["minio-init"]["condition"] == "service_completed_successfully", role
    assert services["worker"]["stop_grace_period"] == "120s"  # engines stopped, capture spilled, leases released


def _needed_by_compose() -> set[str]:
    from tests.unit.test_terraform_settings import NEEDED_HERE, needed

    # On the compose network Postgres takes plain connections and media links name the S3 endpoint, so the
    # device-store DSN and the public URL can stay derived.
    return needed() - set(NEEDED_HERE) | {"ZAPGATE_STREAM_REPLICAS", "ZAPGATE_MEDIA_RETENTION_S"}


def test_roles_get_every_setting_they_need_and_only_known_names(monkeypatch: pytest.MonkeyPatch) -> None:
    known = {f"ZAPGATE_{n.upper()}" for n in Settings.model_fields}
    for name in known:
        monkeypatch.delenv(name, raising=False)
    env = _raw()["x-zapgate-env"]
    assert _needed_by_compose() - set(env) == set()
    for path in (COMPOSE, CLUSTER, DEV):
        for service in yaml.safe_load(path.read_text())["services"].values():
            names = {k for k in service.get("environment") or {} if k.startswith("ZAPGATE_")}
            assert names - known == set(), (path.name, names - known)
    assert env["ZAPGATE_WORKER_METRICS_PORT"] == "9101" and env["ZAPGATE_DISPATCH_METRICS_PORT"] == "9102"


def test_health_checks_and_prometheus_use_the_metrics_ports() -> None:
    services = _services()
    env = _raw()["x-zapgate-env"]
    for role, setting in (("worker", "ZAPGATE_WORKER_METRICS_PORT"), ("dispatch", "ZAPGATE_DISPATCH_METRICS_PORT")):
        assert f"127.0.0.1:{env[setting]}/metrics" in " ".join(services[role]["healthcheck"]["test"]), role
    assert "/ready" in " ".join(services["api"]["healthcheck"]["test"])
    prometheus = yaml.safe_load((ROOT / "docker/prometheus.yml").read_text())
    jobs = {j["job_name"]: j["dns_sd_configs"][0] for j in prometheus["scrape_configs"]}
    assert {j: (c["names"], c["port"]) for j, c in jobs.items()} == {
        "zapgate-api": (["api"], int(env["ZAPGATE_HTTP_PORT"])),
        "zapgate-worker": (["worker"], int(env["ZAPGATE_WORKER_METRICS_PORT"])),
        "zapgate-dispatch": (["dispatch"], int(env["ZAPGATE_DISPATCH_METRICS_PORT"]))}
    assert prometheus["rule_files"] == ["/etc/prometheus/alerts.yml"]
    assert "../docs/ops/alerts.yml:/etc/prometheus/alerts.yml:ro" in services["prometheus"]["volumes"]
    assert services["prometheus"]["profiles"] == ["monitoring"]


def test_media_bucket_expires_with_the_media_retention() -> None:
    services = _services()
    env = _raw()["x-zapgate-env"]
    assert services["minio-init"]["environment"]["MEDIA_RETENTION_S"] == env["ZAPGATE_MEDIA_RETENTION_S"]
    script = services["minio-init"]["command"][0]
    assert "mc ilm rule add --expire-days" in script and "mc anonymous set none" in script
    assert env["ZAPGATE_S3_BUCKET"] in script


CLUSTER = ROOT / "docker/compose.nats-cluster.yml"
DEV = ROOT / "docker/compose.dev.yml"


def _merged_with_cluster(secrets: Mapping[str, str]) -> dict[str, Any]:
    """docker compose -f compose.yml -f compose.nats-cluster.yml: services and their mappings merged by key."""
    base = interpolate(_raw()["services"], secrets)
    override = interpolate(yaml.safe_load(CLUSTER.read_text())["services"], secrets)
    merged = dict(base)
    for name, service in override.items():
        merged[name] = {**base.get(name, {}), **service}
        for key in ("environment", "depends_on"):
            if key in service and key in base.get(name, {}):
                merged[name][key] = {**base[name][key], **service[key]}
    return merged


def test_nats_cluster_option_has_three_routed_nodes_and_replicated_streams() -> None:
    secrets = _secrets()
    services = _merged_with_cluster(secrets)
    nodes = {n: services[n]["command"] for n in ("nats", "nats-2", "nats-3")}
    names = {_flag(c, "--name") for c in nodes.values()}
    assert names == {"nats-1", "nats-2", "nats-3"}
    assert {_flag(c, "--cluster_name") for c in nodes.values()} == {"zapgate"}
    for node, command in nodes.items():
        routes = {urlsplit(r).hostname for r in _flag(command, "--routes").split(",")}
        assert routes == set(nodes) - {node}, node
        assert _flag(command, "--pass") == secrets["ZAPGATE_NATS_PASSWORD"], node
        assert "-js" in command
    volumes = {services[n]["volumes"][0].split(":")[0] for n in nodes}
    assert len(volumes) == 3
    for role in ROLES:
        assert services[role]["environment"]["ZAPGATE_STREAM_REPLICAS"] == "3", role
    for role in ("api", "worker", "dispatch"):
        assert {"nats", "nats-2", "nats-3"} <= set(services[role]["depends_on"]), role


def test_dev_compose_serves_the_default_urls_on_loopback() -> None:
    dev = yaml.safe_load(DEV.read_text())["services"]
    published = {}
    for name, service in dev.items():
        for spec in service.get("ports", []):
            host, port, _ = spec.rsplit(":", 2)
            assert host == "127.0.0.1", (name, spec)
            published[int(port)] = name
        image = service["image"]
        assert EXACT_TAG.fullmatch(image.rpartition(":")[2]) or TWO_PART_RELEASES["postgres"].fullmatch(
            image.rpartition(":")[2]), image
    fields = Settings.model_fields
    for setting, service in (("database_url", "postgres"), ("redis_url", "redis"), ("nats_url", "nats")):
        url = urlsplit(str(fields[setting].default))
        assert url.hostname == "127.0.0.1" and published.get(url.port or 0) == service, setting
    db = urlsplit(str(fields["database_url"].default))
    assert dev["postgres"]["environment"]["POSTGRES_PASSWORD"] == db.password
    assert dev["postgres"]["environment"]["POSTGRES_USER"] == db.username
