"""The goals issue 15 sets for the published figures, checked against a run's medians."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Goal:
    text: str
    met: Callable[[float, dict[str, float]], bool]  # (the figure, every median of the run) -> met?


def at_least(bound: float) -> Goal:
    return Goal(f"≥ {bound:g}", lambda v, _m: v >= bound)


def at_most(bound: float) -> Goal:
    return Goal(f"≤ {bound:g}", lambda v, _m: v <= bound)


GOALS: dict[str, Goal] = {
    "inbound_ratio_vs_baseline": at_least(0.5),
    "inbound_latency_p99_ms_at_500": at_most(100),
    "inbound_offered_per_s_at_500": Goal("≥ 490 (the load was really offered)", lambda v, _m: v >= 490),
    "send_ratio_vs_baseline": at_least(0.3),
    "send_api_p99_ms_at_200": at_most(50),
    "send_offered_per_s_at_200": Goal("≥ 196 (the load was really offered)", lambda v, _m: v >= 196),
    "scale_instances": Goal("10,000 placed", lambda v, _m: v >= 10_000),
    "scale_workers": Goal("on 4 workers", lambda v, _m: v == 4),
    "failover_kill9_takeover_s": Goal("≤ lease TTL + 3 s", lambda v, m: v <= m.get("failover_lease_ttl_s", 0) + 3),
    "failover_events_lost": Goal("0", lambda v, _m: v == 0),
    "durability_duplicates_delivered": Goal("0", lambda v, _m: v == 0),
}


def verdict(key: str, medians: dict[str, float]) -> str:
    goal = GOALS.get(key)
    value = medians.get(key, math.nan)
    if goal is None:
        return ""
    if math.isnan(value):
        return "not measured"
    return "met" if goal.met(value, medians) else "**missed**"
