"""terraform/ without an AWS account or a terraform binary: every file parses (python-hcl2), the modules are
documented and wired, the deployment settings the reliability notes ask for are there, and checkov (its own
venv, .venv-checkov, installed by `make test`) reports no failed check and no skip without a reason."""

from __future__ import annotations

import json
import os
import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2 import SerializationOptions

ROOT = Path(__file__).resolve().parents[2]
TF = ROOT / "terraform"
MODULES = ("network", "kms", "secrets", "security_groups", "database", "redis", "nats", "media", "logs", "alb",
           "service", "app", "monitoring")
# Plain values, as terraform sees them: no quotes around strings or names, no comments, no block markers.
PLAIN = SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)
CHECKOV = Path(os.environ.get("ZAPGATE_CHECKOV", ROOT / ".venv-checkov/bin/checkov"))
SKIP = re.compile(r"#\s*checkov:skip=(CKV2?_[A-Z]+_\d+)(?::(.*))?")


@cache
def parsed(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = hcl2.loads(path.read_text(), serialization_options=PLAIN)
    return data


def blocks(directory: Path, kind: str) -> dict[str, Any]:
    """Blocks of one kind ("variable", "output", "module", "locals") of every .tf file in a directory."""
    found: dict[str, Any] = {}
    for path in sorted(directory.glob("*.tf")):
        for entry in parsed(path).get(kind, []):
            found.update(entry)
    return found


def resources(directory: Path) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for path in sorted(directory.glob("*.tf")):
        for entry in parsed(path).get("resource", []):
            for rtype, named in entry.items():
                for name, body in named.items():
                    found[(rtype, name)] = body
    return found


def test_every_file_parses() -> None:
    files = sorted(TF.rglob("*.tf"))
    assert len(files) >= 4 * len(MODULES)
    for path in files:
        assert isinstance(parsed(path), dict), path


def test_versions_are_pinned_in_the_root_and_every_module() -> None:
    for directory in [TF, *(TF / "modules" / m for m in MODULES)]:
        terraform = parsed(directory / "versions.tf")["terraform"][0]
        assert terraform["required_version"] == ">= 1.6", directory
        aws = terraform["required_providers"][0]["aws"]
        assert aws["source"] == "hashicorp/aws" and re.fullmatch(r"~> 5\.\d+", aws["version"]), directory


def test_every_module_is_documented_and_the_root_uses_it() -> None:
    used = {m["source"].removeprefix("./modules/") for m in blocks(TF, "module").values()}
    used |= {m["source"].removeprefix("../") for m in blocks(TF / "modules/app", "module").values()}
    assert used == set(MODULES)
    readme = (TF / "README.md").read_text()
    for directory in [TF, *(TF / "modules" / m for m in MODULES)]:
        for kind in ("variable", "output"):
            undocumented = [n for n, b in blocks(directory, kind).items() if not b.get("description", "").strip()]
            assert undocumented == [], (directory, kind)
    for module in MODULES:
        assert f"modules/{module}" in readme, module
    for name in blocks(TF, "variable"):
        assert f"`{name}`" in readme, f"terraform/README.md does not document variable {name}"
    for name in blocks(TF, "output"):
        assert f"`{name}`" in readme, f"terraform/README.md does not document output {name}"


def test_root_passes_every_required_module_variable() -> None:
    for call in blocks(TF, "module").values():
        directory = (TF / call["source"]).resolve()
        required = {n for n, b in blocks(directory, "variable").items() if "default" not in b}
        given = set(call) - {"source", "for_each", "count", "depends_on", "providers"}
        assert required <= given, (call["source"], required - given)
        assert given <= set(blocks(directory, "variable")), (call["source"], given - set(blocks(directory, "variable")))


def test_security_groups_are_all_handed_to_a_module() -> None:
    """The CKV2_AWS_5 skips say each group is attached through the module's outputs: every output is used."""
    outputs = set(blocks(TF / "modules/security_groups", "output"))
    main = (TF / "main.tf").read_text()
    assert {o for o in outputs if f"module.security_groups.{o}" not in main} == set()


def test_public_subnets_hold_only_the_load_balancer_and_nat() -> None:
    main = (TF / "main.tf").read_text()
    assert main.count("module.network.public_subnet_ids") == 1
    assert re.search(r'module "alb" \{[^}]*module\.network\.public_subnet_ids', main, re.S)
    for (rtype, _name), body in resources(TF / "modules/network").items():
        if rtype == "aws_subnet":
            assert body.get("map_public_ip_on_launch", False) is False


def test_roles_never_stop_all_at_once_and_hand_over_in_time() -> None:
    service = resources(TF / "modules/service")[("aws_ecs_service", "this")]
    assert service["deployment_minimum_healthy_percent"] == 100
    assert service["deployment_circuit_breaker"][0] == {"enable": True, "rollback": True}
    assert service["network_configuration"][0]["assign_public_ip"] is False
    roles = blocks(TF / "modules/app", "locals")["roles"]
    assert set(roles) == {"api", "worker", "dispatch"}
    assert roles["worker"]["stop_s"] == 120  # the Fargate maximum: engines, capture spill, lease release
    assert 100 < roles["worker"]["max_pct"] <= 150  # replaced in steps, never the whole set at once
    worker = blocks(TF / "modules/app", "variable")["worker"]
    assert worker["default"]["min_count"] >= 2 and "min_count >= 2" in worker["validation"][0]["condition"]
    assert all(30 <= r["stop_s"] <= 120 for r in roles.values())
    dispatch = blocks(TF / "modules/app", "variable")["dispatch"]["default"]
    assert dispatch["max_count"] <= 16  # one dispatcher per event partition at most


def test_each_role_scales_on_its_own_signal() -> None:
    policies = resources(TF / "modules/app")
    text = json.dumps({k[1]: v for k, v in policies.items() if k[0] == "aws_appautoscaling_policy"})
    assert "ECSServiceAverageCPUUtilization" in text and "ALBRequestCountPerTarget" in text
    assert "zapgate_worker_instances_running" in text and "zapgate_dispatch_consumer_lag" in text
    collector = (TF / "modules/monitoring/variables.tf").read_text()
    assert "^zapgate_worker_instances_running$" in collector and "^zapgate_dispatch_consumer_lag$" in collector


def test_media_lifecycle_and_media_retention_come_from_one_variable() -> None:
    main = blocks(TF, "module")
    assert main["media"]["retention_days"] == main["app"]["media_retention_days"] == "${var.media_retention_days}"
    env = blocks(TF / "modules/app", "locals")["environment"]
    assert env["ZAPGATE_MEDIA_RETENTION_S"] == "${tostring(var.media_retention_days * 86400)}"
    lifecycle = resources(TF / "modules/media")[("aws_s3_bucket_lifecycle_configuration", "media")]
    assert lifecycle["rule"][0]["expiration"][0]["days"] == "${var.retention_days}"
    access = resources(TF / "modules/media")[("aws_s3_bucket_public_access_block", "media")]
    assert all(access[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                           "restrict_public_buckets"))


def test_nats_is_a_replicated_cluster_and_the_alert_rules_are_loaded() -> None:
    main = blocks(TF, "module")
    assert blocks(TF, "locals")["nats_nodes"] == 3
    assert main["nats"]["node_count"] == main["app"]["stream_replicas"] == "${local.nats_nodes}"
    assert "docs/ops/alerts.yml" in main["monitoring"]["alert_rules_yaml"]
    assert (ROOT / "docs/ops/alerts.yml").exists()


def _checkov(*args: str) -> dict[str, Any]:
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: run `make test` (it installs requirements/checkov.txt into .venv-checkov)")
    proc = subprocess.run([str(CHECKOV), *args, "--skip-download", "--quiet", "--compact", "-o", "json"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, check=False)
    assert proc.stdout.strip(), proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    reports = report if isinstance(report, list) else [report]
    assert len(reports) == 1, [r.get("check_type") for r in reports]
    result: dict[str, Any] = reports[0]
    return result


@pytest.mark.parametrize(("framework", "target"), [("terraform", "terraform"), ("dockerfile", "docker")])
def test_checkov_finds_no_failed_check(framework: str, target: str) -> None:
    report = _checkov("-d", target, "--framework", framework)
    summary = report["summary"]
    failed = [(c["check_id"], c["resource"], c["file_path"]) for c in report["results"]["failed_checks"]]
    assert failed == [] and summary["failed"] == 0, failed
    assert summary["parsing_errors"] == 0 and summary["passed"] > 50, summary


def test_every_checkov_skip_says_why() -> None:
    skips = []
    for path in [*TF.rglob("*.tf"), ROOT / "docker/Dockerfile"]:
        for line in path.read_text().splitlines():
            if "checkov:skip" in line:
                m = SKIP.search(line)
                assert m, f"{path}: malformed skip: {line.strip()}"
                skips.append((path.name, m[1], (m[2] or "").strip()))
    assert skips
    assert [s for s in skips if len(s[2].split()) < 6] == [], "a skip needs a written reason"
