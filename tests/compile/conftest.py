from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from compile_helpers import build_project

from compiler.model import Action, Project


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Project]:
    """``project(*actions)``: see ``compile_helpers.build_project``."""

    def build(*actions: Action) -> Project:
        return build_project(tmp_path, *actions)

    return build
