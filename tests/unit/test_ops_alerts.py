"""docs/ops/alerts.yml and docs/ops/grafana.json name only metrics the code defines (read from the Prometheus
registry after importing every module that defines metrics), with labels those metrics have; the alerts cover
the failures the runbook promises, and each alert's runbook link lands on a heading of docs/operations.md."""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import REGISTRY

from gateway.core import events

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "docs/ops/alerts.yml"
DASHBOARD = ROOT / "docs/ops/grafana.json"
RUNBOOK = ROOT / "docs/operations.md"
# Series Prometheus makes itself, not the code.
BUILTIN = {"up": frozenset({"job", "instance"})}
METRIC = re.compile(r"\b(zapgate_[a-z0-9_]+|up)\b(\{[^}]*\})?")
MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"')
GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_sum", "_count", "_created"),
            "gauge": ("",), "summary": ("_sum", "_count", "_created"), "info": ("_info",)}


@dataclass(frozen=True)
class Family:
    name: str
    labels: frozenset[str]


def _metric_modules() -> list[str]:
    """Every module of gateway/ and dispatch/ that defines prometheus_client metrics."""
    found = []
    for path in sorted([*ROOT.glob("gateway/**/*.py"), *ROOT.glob("dispatch/**/*.py")]):
        text = path.read_text()
        if re.search(r"^from prometheus_client import .*\b(Counter|Gauge|Histogram|Summary|Info)\b", text, re.M):
            found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def exposed() -> dict[str, Family]:
    """Sample name (as scraped) → its family, for every metric in the default registry."""
    for module in _metric_modules():
        importlib.import_module(module)
    names: dict[str, Family] = {}
    for collector in list(REGISTRY._collector_to_names):  # every registered collector, even without samples
        labels = frozenset(getattr(collector, "_labelnames", ()))
        for family in collector.collect():
            for suffix in SUFFIXES.get(family.type, ("",)):
                extra = {"le"} if suffix == "_bucket" else set()
                names[family.name + suffix] = Family(family.name, labels | extra)
    return names


def _alert_rules() -> list[dict[str, Any]]:
    data = yaml.safe_load(ALERTS.read_text())
    return [rule for group in data["groups"] for rule in group["rules"]]


def _dashboard_exprs() -> list[str]:
    def walk(panels: list[dict[str, Any]]) -> list[str]:
        out = []
        for panel in panels:
            out += [t["expr"] for t in panel.get("targets", [])]
            out += walk(panel.get("panels", []))
        return out

    return walk(json.loads(DASHBOARD.read_text())["panels"])


def problems(expr: str, known: dict[str, Family]) -> list[str]:
    """What in a PromQL expression names a metric, a label or an engine event kind that does not exist."""
    found = []
    kinds = {name for name, value in vars(events).items() if isinstance(value, type)}
    used = [m[1] for m in METRIC.finditer(expr)]
    for m in METRIC.finditer(expr):
        name, matchers = m[1], m[2] or ""
        labels = BUILTIN[name] if name in BUILTIN else known[name].labels if name in known else None
        if labels is None:
            found.append(f"no metric {name}")
            continue
        for label, _op, value in MATCHER.findall(matchers):
            if label not in labels:
                found.append(f"{name} has no label {label}")
            if name == "zapgate_engine_events_total" and label == "kind":
                found += [f"no engine event {k}" for k in value.split("|") if k not in kinds]
    every_label = set().union(*(BUILTIN.get(n) or known[n].labels for n in used if n in known or n in BUILTIN))
    for group in GROUPING.findall(expr):
        found += [f"grouping by unknown label {lb}" for lb in map(str.strip, group.split(","))
                  if lb and lb not in every_label]
    return found


def test_metric_modules_are_found_and_define_the_pipeline_metrics() -> None:
    modules = _metric_modules()
    assert {"gateway.ops.metrics", "dispatch.metrics"} <= set(modules), modules
    known = exposed()
    for name in ("zapgate_dispatch_consumer_lag", "zapgate_webhooks_dead_lettered_total", "zapgate_capture_buffered",
                 "zapgate_events_stream_bytes", "zapgate_engine_events_total", "zapgate_http_request_seconds_bucket"):
        assert name in known, name
    assert "zapgate_dispatch_consumer_lag_total" not in known  # a gauge has no _total


def test_checker_refuses_unknown_names() -> None:
    known = exposed()
    assert problems('sum(zapgate_no_such_metric)', known) == ["no metric zapgate_no_such_metric"]
    assert problems('zapgate_dispatch_lanes{hook="x"}', known) == ["zapgate_dispatch_lanes has no label hook"]
    assert problems('zapgate_engine_events_total{kind=~"Connected|Vanished"}', known) == ["no engine event Vanished"]
    assert problems('sum by (route) (zapgate_dispatch_lanes)', known) == ["grouping by unknown label route"]
    assert problems('sum by (hook) (rate(zapgate_webhooks_delivered_total[5m]))', known) == []


def test_alerts_name_only_metrics_that_exist() -> None:
    known = exposed()
    rules = _alert_rules()
    assert rules
    assert {r["alert"]: problems(r["expr"], known) for r in rules} == {r["alert"]: [] for r in rules}


def test_alerts_cover_what_the_runbook_promises() -> None:
    exprs = {r["alert"]: r["expr"] for r in _alert_rules()}
    wanted = {
        "consumer lag": "zapgate_dispatch_consumer_lag",
        "dead letters": "zapgate_webhooks_dead_lettered_total",
        "instances disconnected": "zapgate_worker_instances_by_status",
        "capture back-pressure": "zapgate_capture_buffered",
        "stream near full": "zapgate_events_stream_bytes",
        "stream full": "zapgate_events_stream_full",
    }
    assert [what for what, needle in wanted.items() if not any(needle in e for e in exprs.values())] == []


def _slug(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_alert_has_severity_summary_and_a_runbook_section() -> None:
    anchors = {_slug(line.lstrip("#")) for line in RUNBOOK.read_text().splitlines() if line.startswith("#")}
    for rule in _alert_rules():
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        page, _, anchor = rule["annotations"]["runbook"].partition("#")
        assert page == "docs/operations.md" and anchor in anchors, (rule["alert"], anchor)


def test_dashboard_names_only_metrics_that_exist_and_shows_every_one() -> None:
    known = exposed()
    exprs = _dashboard_exprs()
    assert [(e, p) for e in exprs if (p := problems(e, known))] == []
    shown = {known[m[1]].name for e in exprs for m in METRIC.finditer(e) if m[1] in known}
    ours = {f.name for f in known.values() if f.name.startswith("zapgate_")}
    assert ours - shown == set(), "metrics missing from docs/ops/grafana.json"


def test_dashboard_is_importable() -> None:
    dash = json.loads(DASHBOARD.read_text())
    assert dash["uid"] and dash["title"] and dash["schemaVersion"] >= 30
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids))
    assert any(v["type"] == "datasource" for v in dash["templating"]["list"])
