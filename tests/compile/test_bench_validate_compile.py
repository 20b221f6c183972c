"""The validate+compile benchmark runs and reports both figures and their ratio."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_validate_compile.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_validate_compile", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_project_is_clean_and_every_action_compiles(tmp_path: Path) -> None:
    bench = load_bench()
    bench.generate(tmp_path / "p", 24)  # two of each of the 12 kinds
    elapsed, tools, diagnostics = bench.in_process(tmp_path / "p")
    assert elapsed > 0 and tools == 24
    assert diagnostics == []


def test_run_reports_figures_and_ratio() -> None:
    result = load_bench().run(actions=24, runs=1)
    assert result["tools"] == 24 and result["errors"] == 0
    assert result["check_jsonschema_s"] > 0
    assert result["ratio"] == pytest.approx(
        result["validate_compile_s"] / result["check_jsonschema_s"]
    )


def test_the_phases_benchmark_reports_each_phase_beside_the_floor() -> None:
    from bench import bench_validate_phases as phases

    figures = phases.run((24,), runs=1)
    size = "24"
    for name in ("load", "schema", "rules", "compile_step", "total", "compile_cli"):
        assert figures[f"{name}_{size}_ratio"] == pytest.approx(
            figures[f"{name}_{size}_s"] / figures[f"floor_{size}_s"]
        )
    assert 0 < figures[f"compile_cli_{size}_peak_mb"] < 400
    assert "| compile_cli peak RSS |" in phases.table(figures, (24,))
