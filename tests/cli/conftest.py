"""Fixtures of the CLI tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def run(example_project: Path, cli: Callable[..., Any]) -> Callable[..., Any]:
    """``actionctl --project <example project> --no-color ARGS...`` in-process."""

    def invoke(*args: str | Path) -> Any:
        return cli("--project", example_project, "--no-color", *args)

    return invoke
