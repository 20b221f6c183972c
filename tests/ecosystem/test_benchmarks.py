"""The benchmarks run with one command each and report what the issue asks for."""

from __future__ import annotations

import importlib
import subprocess
import sys
from types import ModuleType

import pytest

from tests.conftest import REPO_ROOT


def bench(name: str) -> ModuleType:
    return importlib.import_module(f"bench.{name}")


def test_startup_bench_reports_actionctl_beside_bare_python() -> None:
    result = bench("bench_startup").run(runs=3)
    assert result["python_pass_s"] > 0
    assert result["actionctl_version_s"] > result["python_pass_s"]
    assert result["ratio_to_python"] == pytest.approx(
        result["actionctl_version_s"] / result["python_pass_s"]
    )
    # The 0.12 s goal is measured by the benchmark, not asserted on a shared machine; an
    # eager import of the pipeline at start-up is caught deterministically by
    # tests/ecosystem/test_cli_polish.py::test_startup_paths_import_none_of_the_pipeline.


def test_precommit_bench_resolves_references_on_a_small_project() -> None:
    result = bench("bench_precommit").run(actions=40, runs=1)
    assert result["references_resolved"] is True
    assert result["changed_file_s"] > 0
    assert result["file"].startswith("actions/")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bench_startup", "bench_precommit"])
def test_benchmarks_run_from_the_command_line_and_meet_their_goals(name: str) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / f"{name}.py")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "meets" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0
