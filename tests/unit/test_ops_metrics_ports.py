"""`zapgate up` starts every worker and dispatch with a Prometheus metrics server, each on its own port."""

from __future__ import annotations

import pytest

from gateway.core.config import Settings
from gateway.ops.supervisor import MetricsPorts, metrics_ports, role_specs


def test_unset_ports_follow_the_api_port() -> None:
    fields = Settings.model_fields
    assert (fields["worker_metrics_port"].default, fields["dispatch_metrics_port"].default) == (0, 0)  # lone role
    ports = metrics_ports(fields["http_port"].default, 0, 0, workers=3)
    assert ports == MetricsPorts(dispatch=8081, workers=(8082, 8083, 8084))


def test_a_set_worker_port_is_the_first_workers() -> None:
    assert metrics_ports(8080, 9101, 9100, workers=2) == MetricsPorts(dispatch=9100, workers=(9101, 9102))


@pytest.mark.parametrize(("worker", "dispatch", "workers"), [(9101, 9102, 2), (8080, 0, 1), (0, 8082, 1),
                                                               (65535, 9000, 2)])
def test_colliding_or_overflowing_ports_are_refused(worker: int, dispatch: int, workers: int) -> None:
    with pytest.raises(ValueError, match="metrics ports"):
        metrics_ports(8080, worker, dispatch, workers)


def test_each_child_gets_its_own_port() -> None:
    specs = {s.name: s for s in role_specs(2, metrics_ports(8080, 0, 0, 2))}
    assert set(specs) == {"api", "worker-1", "worker-2", "dispatch"}
    assert specs["api"].env == {}
    assert specs["worker-1"].env == {"ZAPGATE_WORKER_METRICS_PORT": "8082"}
    assert specs["worker-2"].env == {"ZAPGATE_WORKER_METRICS_PORT": "8083"}
    assert specs["dispatch"].env == {"ZAPGATE_DISPATCH_METRICS_PORT": "8081"}
    assert all(s.env == {} for s in role_specs(2))
