"""Commands that only read the embedded local platform, or fail, leave no ``.actionctl/``
behind: a directory that is not a project stays exactly as it was. The first write (apply)
makes the state folder, with its ``.gitignore``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.plan.git_project import GIT_ENV, git


def everything_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts)


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["import"], 1),  # I021: no agents to import
        (["import", "--agent", "support"], 0),  # I024 warning: nothing to import
        (["import", "--out", "elsewhere"], 1),
        (["plan"], 1),  # E111: not a project
        (["validate"], 1),
        (["compile"], 1),
        (["apply", "--auto-approve"], 1),
        (["render", "support/x"], 1),
    ],
)
def test_a_directory_that_is_not_a_project_stays_empty(
    cli: Callable[..., CliResult], tmp_path: Path, args: list[str], exit_code: int
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("--project", empty, "--no-color", *args)
    assert result.exit_code == exit_code, result.output
    assert "internal error" not in result.output
    assert everything_under(empty) == []


def test_drift_in_a_clone_without_a_project_leaves_nothing(
    cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    clone = tmp_path / "clone"
    clone.mkdir()
    git(clone, "init", "-q")
    git(clone, "commit", "-q", "--allow-empty", "-m", "empty")
    for args in (["drift"], ["plan", "--base", "HEAD"]):
        cli("--project", clone, "--no-color", *args)
        assert everything_under(clone) == [], args


def test_plan_reads_and_apply_makes_the_state_folder(
    cli: Callable[..., CliResult], example_project: Path
) -> None:
    planned = cli("--project", example_project, "--no-color", "plan")
    assert planned.exit_code == 0, planned.output
    assert "to create" in planned.stdout
    assert not (example_project / ".actionctl").exists()
    applied = cli("--project", example_project, "-q", "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert (example_project / ".actionctl" / "platform.db").is_file()
    assert (example_project / ".actionctl" / ".gitignore").read_text().endswith("*\n")
    again = cli("--project", example_project, "--no-color", "plan")
    assert "No changes" in again.stdout, again.output
