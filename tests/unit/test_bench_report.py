"""The benchmark report: percentiles, medians and the rendered table (no timing asserted)."""

from __future__ import annotations

from tests.bench.__main__ import render
from tests.bench.common import median, pct


def test_percentiles_and_median() -> None:
    values = [float(v) for v in range(1, 101)]
    assert pct(values, 50) == 50.0 or pct(values, 50) == 51.0
    assert pct(values, 99) == 99.0 and pct(values, 100) == 100.0 and pct([], 50) != pct([], 50)  # nan
    assert median([3.0, 1.0, 2.0]) == 2.0


def test_render_lists_machine_command_every_figure_its_goal_and_the_previous_run() -> None:
    report = {"machine": {"cores": 2, "cpu": "x", "ram_gib": 24, "python": "3.11", "commit": "abc"},
              "quick": False, "runs": 3, "seconds": 12.3,
              "median": {"inbound_delivered_per_s": 800.0, "inbound_ratio_vs_baseline": 0.6,
                         "send_ratio_vs_baseline": 0.2},
              "all": {"inbound_delivered_per_s": [790.0, 800.0, 810.0], "inbound_ratio_vs_baseline": [0.6] * 3,
                      "send_ratio_vs_baseline": [0.2] * 3},
              "previous": {"commit": "old", "median": {"inbound_delivered_per_s": 700.0}}}
    text = render(report, "make bench")
    assert "`make bench`" in text and "2 cores" in text and "commit `abc`" in text and "commit `old`" in text
    assert "| `inbound_delivered_per_s` | 800.0 | 700.0 | 790.0, 800.0, 810.0 |" in text
    goals = text.split("## Every figure")[0]
    assert "| `inbound_ratio_vs_baseline` | ≥ 0.5 | 0.6 | met |" in goals
    assert "| `send_ratio_vs_baseline` | ≥ 0.3 | 0.2 | **missed** |" in goals
    assert "| `send_api_p99_ms_at_200` | ≤ 50 | — | not measured |" in goals
