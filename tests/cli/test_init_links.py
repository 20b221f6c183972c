"""``init`` writes nothing through a link: an ``actions`` or ``channels`` folder that is a
link (inside the project or out of it), a dangling ``actionctl.yaml`` link, a linked
``.gitignore``. Refused with E132, and nothing is written anywhere."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("actions", "outside"),
        ("channels", "outside"),
        ("actionctl.yaml", "outside/project.yaml"),  # dangling: would be created there
        (".gitignore", "outside/ignore"),
        ("actions", "inside"),  # even inside: the link is someone's, not init's
    ],
)
def test_init_refuses_to_write_through_a_link(
    cli: Callable[..., CliResult], tmp_path: Path, link: str, target: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "inside").mkdir()
    destination = tmp_path / target if target.startswith("outside") else project / target
    os.symlink(destination, project / link)
    before_outside, before_project = _tree(outside), _tree(project)

    result = cli("--project", project, "--no-color", "init")

    assert result.exit_code == 1, result.output
    assert "E132" in result.stderr and f"{link} is a link" in result.stderr
    assert "nothing was written" in result.stderr
    assert _tree(outside) == before_outside and _tree(project) == before_project


def test_init_refuses_a_project_directory_that_is_a_link(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    os.symlink(real, tmp_path / "project")
    result = cli("--project", tmp_path / "project", "--no-color", "init")
    assert result.exit_code == 1 and "E132" in result.stderr
    assert list(real.iterdir()) == []


def test_init_refuses_a_folder_where_a_file_goes(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / "actionctl.yaml").mkdir(parents=True)
    result = cli("--project", project, "--no-color", "init")
    assert result.exit_code == 1
    assert "actionctl.yaml exists and is not a regular file" in result.stderr
    assert _tree(project) == ["actionctl.yaml"]
