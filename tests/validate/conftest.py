"""Helpers of the rule tests: a small project written into a directory, then loaded
(and validated) by the real loader and rules."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from compiler.compile.checks import check_project
from compiler.diagnostics import Diagnostic
from compiler.load import load_project
from compiler.model import Project
from tests.conftest import write_files


def load_clean(root: Path, files: Mapping[str, str]) -> Project:
    """Write ``files`` below ``root`` and load the project, which must load without a
    single diagnostic: a rule family's findings are then the rule's alone."""
    loaded = load_project(write_files(root, files))
    assert loaded.diagnostics == []
    assert loaded.project is not None
    return loaded.project


def validate_files(root: Path, files: Mapping[str, str]) -> list[Diagnostic]:
    """Write ``files`` below ``root``, load and validate: every diagnostic of both."""
    loaded = load_project(write_files(root, files))
    assert loaded.project is not None
    return list(loaded.diagnostics) + check_project(loaded.project)
