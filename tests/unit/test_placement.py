"""Placement is fair: no worker takes more than its share, extras are handed over."""

from __future__ import annotations

from gateway.core.placement import plan

INSTANCES = [f"I{i:03d}" for i in range(30)]


def test_alone_takes_everything() -> None:
    p = plan(INSTANCES, ["w1"], "w1", set())
    assert p.target == 30 and sorted(p.try_acquire) == INSTANCES and p.release == []


def test_share_with_peers_and_shed_extras() -> None:
    owned = set(INSTANCES)
    p = plan(INSTANCES, ["w1", "w2", "w3"], "w1", owned)
    assert p.target == 10 and len(p.release) == 20 and p.try_acquire == []


def test_unwanted_are_released_first() -> None:
    p = plan(INSTANCES[:5], ["w1"], "w1", {"I000", "GONE"})
    assert p.release == ["GONE"]
    assert set(p.try_acquire) == set(INSTANCES[1:5])


def test_workers_prefer_different_instances() -> None:
    a = plan(INSTANCES, ["w1", "w2", "w3"], "w1", set()).try_acquire[:10]
    b = plan(INSTANCES, ["w1", "w2", "w3"], "w2", set()).try_acquire[:10]
    assert len(set(a) & set(b)) < 8


def test_nothing_wanted() -> None:
    assert plan([], ["w1"], "w1", set()).target == 0
