"""``drift`` outside a project refuses like ``plan`` (E111, exit 1) instead of reporting
"No drift": real git repositories in tmp_path, the CLI in-process, the local platform
(nothing is deployed: every case stops before or without a live tool)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.plan.git_project import GIT_ENV, git


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))  # no user git config


def repository_with_a_readme(root: Path) -> Path:
    """A git repository whose one commit holds a README and nothing actionctl reads."""
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("Not an actionctl project.\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "readme")
    return root


def add_project(example_project: Path, dest: Path) -> None:
    for name in ("actionctl.yaml", "channels", "actions"):
        source = example_project / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)


def run(cli: Callable[..., Any], root: Path, *args: str) -> Any:
    return cli("--project", root, "--no-color", *args)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_drift_in_a_repository_that_is_not_a_project_fails_like_plan(
    cli: Callable[..., Any], tmp_path: Path, fmt: str
) -> None:
    root = repository_with_a_readme(tmp_path / "repo")

    plan = run(cli, root, "plan")
    drift = run(cli, root, "drift", "--format", fmt)

    assert plan.exit_code == 1 and "error E111 not an actionctl project" in plan.output
    assert drift.exit_code == 1, drift.output
    assert drift.stdout == ""  # no report: a check reading stdout sees nothing to trust
    assert "error E111 not an actionctl project at HEAD (" in drift.stderr
    where = plan.output.split(": error E111")[0]
    assert drift.stderr.startswith(f"{where}: error E111 ")  # located where plan's is
    assert "is --project right?" in drift.stderr
    assert root.resolve().as_posix() in drift.stderr
    assert "internal error" not in drift.output
    assert git(root, "status", "--porcelain", "--ignored") == ""  # nothing written


def test_drift_against_a_ref_before_the_project_was_committed_is_e111(
    cli: Callable[..., Any], tmp_path: Path, example_project: Path
) -> None:
    root = repository_with_a_readme(tmp_path / "repo")
    add_project(example_project, root)

    uncommitted = run(cli, root, "drift")
    assert uncommitted.exit_code == 1, uncommitted.output
    assert "error E111 not an actionctl project at HEAD (" in uncommitted.stderr
    assert "commit it" in uncommitted.stderr

    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "project")
    before = run(cli, root, "drift", "--ref", "HEAD~1", "--format", "json")
    assert before.exit_code == 1, before.output
    assert "error E111 not an actionctl project at HEAD~1 (" in before.stderr

    # At HEAD the project is there: the local platform has none of its tools yet, so
    # every one of them is drift (exit 2), not an error.
    at_head = run(cli, root, "drift", "--format", "json")
    assert at_head.exit_code == 2, at_head.output
    assert "E111" not in at_head.output
    report = json.loads(at_head.stdout)
    assert report["drift"] is True and report["ref"] == "HEAD" and report["tools"]


def test_a_project_subdirectory_missing_at_the_ref_is_e111(
    cli: Callable[..., Any], tmp_path: Path, example_project: Path
) -> None:
    root = repository_with_a_readme(tmp_path / "repo")
    project = root / "deploy" / "actions-config"
    project.mkdir(parents=True)
    add_project(example_project, project)

    result = run(cli, project, "drift")

    assert result.exit_code == 1, result.output
    assert "error E111 not an actionctl project at HEAD (" in result.stderr
    assert project.resolve().as_posix() in result.stderr


def test_plan_base_before_the_project_existed_is_still_an_empty_base(
    cli: Callable[..., Any], tmp_path: Path, example_project: Path
) -> None:
    """Only drift refuses an empty configuration at the ref: for ``plan --base`` it is
    the branch that adds the project, and every tool is this branch's change."""
    root = repository_with_a_readme(tmp_path / "repo")
    add_project(example_project, root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "project")

    result = run(cli, root, "plan", "--base", "HEAD~1", "--format", "json")

    assert result.exit_code == 0, result.output
    three_way = json.loads(result.stdout)["three_way"]
    assert three_way["tools"], three_way
    assert {tool["class"] for tool in three_way["tools"]} == {"change"}
    assert three_way["summary"]["drift"] == three_way["summary"]["conflict"] == 0
