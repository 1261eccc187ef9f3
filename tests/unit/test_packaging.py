"""Compose file parses and names the services and settings the code reads; gateway never imports dispatch.

Which module may import which I/O library is import-linter's job (``.importlinter``, tests/unit/test_layout.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from gateway.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]

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


def test_gateway_never_imports_dispatch() -> None:
    bad = [p for p in ROOT.glob("gateway/**/*.py") if "dispatch" in _imports(p)]
    assert bad == []


def test_configuration_doc_lists_every_setting() -> None:
    text = (ROOT / "docs/configuration.md").read_text()
    missing = [n for n in Settings.model_fields if f"`ZAPGATE_{n.upper()}`" not in text]
    assert missing == []
