"""Compose file parses and names the services and settings the code reads; library boundaries hold."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from gateway.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]

# library -> the only places allowed to import it (path prefixes, relative to the repo root)
BOUNDARIES = {
    "neonize": ("gateway/worker/engines/neonize/",),
    "nats": ("gateway/infra/bus.py",),
    "redis": ("gateway/infra/kv/state.py", "gateway/infra/kv/leases.py"),
    "asyncpg": ("gateway/infra/db/", "dispatch/store"),
    "aiohttp": ("dispatch/deliver", "gateway/media/fetch"),
    "boto3": ("gateway/infra/s3",),
}


def test_compose_parses_and_names_services_and_env() -> None:
    compose = yaml.safe_load((ROOT / "docker/compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "nats", "minio", "api", "worker", "dispatch"} <= set(services)
    assert "-js" in services["nats"]["command"] and services["nats"]["volumes"]
    fields = {f"ZAPGATE_{name.upper()}" for name in Settings.model_fields}
    for role in ("api", "worker", "dispatch"):
        env = services[role]["environment"]
        for key in ("ZAPGATE_DATABASE_URL", "ZAPGATE_REDIS_URL", "ZAPGATE_NATS_URL"):
            assert key in env, (role, key)
        unknown = {k for k in env if k.startswith("ZAPGATE_")} - fields
        assert not unknown, unknown
    assert services["api"]["command"] == ["api"] and services["dispatch"]["command"] == ["dispatch"]


def test_dockerfile_runs_as_non_root() -> None:
    text = (ROOT / "docker/Dockerfile").read_text()
    assert "USER zapgate" in text and "slim" in text


def test_env_example_names_real_settings() -> None:
    fields = {f"ZAPGATE_{name.upper()}" for name in Settings.model_fields}
    names = {line.split("=", 1)[0].lstrip("# ").strip() for line in
             (ROOT / ".env.example").read_text().splitlines() if "=" in line and "ZAPGATE_" in line}
    assert names and names <= fields, names - fields


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_each_io_library_is_behind_one_module() -> None:
    offenders = []
    for path in [*ROOT.glob("gateway/**/*.py"), *ROOT.glob("dispatch/**/*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        for lib in _imports(path) & set(BOUNDARIES):
            if not rel.startswith(BOUNDARIES[lib]):
                offenders.append(f"{rel} imports {lib}")
    assert offenders == []


def test_gateway_never_imports_dispatch() -> None:
    bad = [p for p in ROOT.glob("gateway/**/*.py") if "dispatch" in _imports(p)]
    assert bad == []


def test_configuration_doc_lists_every_setting() -> None:
    text = (ROOT / "docs/configuration.md").read_text()
    missing = [n for n in Settings.model_fields if f"`ZAPGATE_{n.upper()}`" not in text]
    assert missing == []
