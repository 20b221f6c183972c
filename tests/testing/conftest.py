"""The example project with its offline tests (tests/<agent>/*.test.yaml and the golden
payloads in tests/golden/), copied into a tmp dir."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT, CliResult

EXAMPLE_TESTS = ("tests/support", "tests/billing", "tests/golden")


@pytest.fixture
def tested_project(example_project: Path) -> Path:
    for folder in EXAMPLE_TESTS:
        shutil.copytree(REPO_ROOT / folder, example_project / folder)
    return example_project


@pytest.fixture
def run_json(cli: Callable[..., CliResult]) -> Callable[..., tuple[int, dict[str, Any]]]:
    """``actionctl test --format json`` on a project: (exit code, the parsed report)."""

    def run(root: Path, *args: str | Path) -> tuple[int, dict[str, Any]]:
        result = cli("--project", root, "test", "--format", "json", *args)
        return result.exit_code, json.loads(result.stdout)

    return run


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` holding ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def failures(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f | {"id": r["id"]} for r in report["results"] for f in r["failures"]]
