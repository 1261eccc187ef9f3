"""The A/B runner's order and verdicts (``tests/bench/ab.py``): pairs alternate which side goes first, and a
figure's winner depends on whether more or less of it is better."""

from __future__ import annotations

from tests.bench.ab import compare, order


def test_pairs_alternate_which_side_runs_first() -> None:
    assert order(3) == ["base", "tree", "tree", "base", "base", "tree"]


def test_each_figure_counts_the_pairs_the_tree_did_better_in() -> None:
    runs = [("base", {"inbound_delivered_per_s": 800.0, "inbound_latency_p99_ms_at_500": 400.0}),
            ("tree", {"inbound_delivered_per_s": 900.0, "inbound_latency_p99_ms_at_500": 100.0}),
            ("tree", {"inbound_delivered_per_s": 700.0, "inbound_latency_p99_ms_at_500": 300.0}),
            ("base", {"inbound_delivered_per_s": 750.0, "inbound_latency_p99_ms_at_500": 200.0})]
    verdicts = compare(runs)
    assert verdicts["inbound_delivered_per_s"] == (775.0, 800.0, 1, 2)  # more is better: one pair of two
    assert verdicts["inbound_latency_p99_ms_at_500"] == (300.0, 200.0, 1, 2)  # less is better: one pair of two
