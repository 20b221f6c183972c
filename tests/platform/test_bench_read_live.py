"""The read benchmark runs and uses the minimum number of requests (a small, fast
version by default; the full 2,000-tool run with its 2x-floor goal under -m slow)."""

from __future__ import annotations

import pytest

from bench.bench_read_live import run


def test_small_read_uses_the_minimum_requests():
    result = run(agents=3, tools_per_agent=150, latency_ms=0, repeats=1, in_process=True)
    assert result["tools"] == 450
    assert result["requests"] == result["min_requests"] == 6


@pytest.mark.slow
def test_full_benchmark_meets_its_goal():
    result = run()
    assert result["requests"] == result["min_requests"] == 20
    assert result["ratio_to_floor"] <= 2, result
