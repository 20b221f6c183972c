"""The plan --base benchmark runs on a small project and checks its own answers."""

from __future__ import annotations

from bench import bench_drift


def test_drift_bench_classifies_the_edit_on_a_small_project() -> None:
    result = bench_drift.run(actions=20, runs=1)
    assert result["classified_right"] is True
    assert result["plan_s"] > 0 and result["plan_base_s"] > 0
    assert result["ratio_base_to_plan"] == result["plan_base_s"] / result["plan_s"]
    assert result["cpu_ratio_base_to_plan"] == result["plan_base_cpu_s"] / result["plan_cpu_s"]
    assert result["plan_cpu_s"] > 0
