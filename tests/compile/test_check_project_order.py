"""``check_project`` runs the template rules and the compiler action by action (so a
template is parsed once); what it reports must be exactly what the rules run one family
after another, then the compiler, report: the same diagnostics in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.compile.checks import check_project, compile_diagnostics
from compiler.diagnostics import Diagnostic
from compiler.load import load_project
from compiler.model import Project
from compiler.validate import rule_diagnostics
from compiler.validate.causes import link_causes
from compiler.validate.rules import sms, templates
from tests.conftest import write_files
from tests.validate.generated_projects import generate


def _one_family_after_another(project: Project) -> list[Diagnostic]:
    diagnostics = rule_diagnostics(project)
    diagnostics += compile_diagnostics(project, diagnostics)
    return link_causes(project, diagnostics)


def _loaded(root: Path) -> Project:
    loaded = load_project(root)
    assert loaded.project is not None
    return loaded.project


@pytest.mark.parametrize("seed", range(12))
def test_same_diagnostics_in_the_same_order(tmp_path: Path, seed: int) -> None:
    project = _loaded(write_files(tmp_path / "p", generate(seed, "openmic", "http://x")))
    found = check_project(project)
    assert found == _one_family_after_another(project)
    assert found  # (every seed has mistakes: the comparison is not of two empty lists)


@pytest.mark.parametrize("family", [templates, sms])
def test_the_families_taken_action_by_action_check_nothing_else(
    tmp_path: Path, family: object
) -> None:
    """check_project calls their check_action: their check must be that loop alone."""
    for seed in range(6):
        project = _loaded(write_files(tmp_path / str(seed), generate(seed, "openmic", "http://x")))
        whole = list(family.check(project))  # type: ignore[attr-defined]
        by_action = [
            d
            for action in project.actions_read_in_full()
            for d in (
                templates.check_action(action, project.root)
                if family is templates
                else sms.check_action(action)
            )
        ]
        assert whole == by_action
