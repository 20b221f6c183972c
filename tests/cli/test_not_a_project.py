"""Every command that reads a project refuses a git repository that is not one the same
way: E111 located at the project directory, exit 1, nothing printed on stdout and
nothing written. Real git repositories in tmp_path, the CLI in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.plan.git_project import GIT_ENV, git

E111 = "error E111 not an actionctl project"


@pytest.fixture
def not_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose one commit holds a README and nothing actionctl reads."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))  # no user git config
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("Not an actionctl project.\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "readme")
    return root


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["compile"],
        ["plan"],
        ["plan", "--base", "HEAD"],
        ["plan", "--format", "json"],
        ["apply", "--auto-approve"],
        ["drift"],
        ["drift", "--format", "json"],
        ["render", "support/send_booking_confirmation"],
        ["fmt", "--check"],
    ],
    ids=" ".join,
)
def test_each_command_refuses_a_repository_that_is_not_a_project(
    cli: Callable[..., Any], not_a_project: Path, args: list[str]
) -> None:
    plan = cli("--project", not_a_project, "--no-color", "plan")
    (plans,) = [line for line in plan.output.splitlines() if E111 in line]

    result = cli("--project", not_a_project, "--no-color", *args)

    assert result.exit_code == 1, result.output
    (line,) = [line for line in result.output.splitlines() if E111 in line]
    assert line.startswith(f"{not_a_project.as_posix()}: error E111 ")  # located there
    if args[0] == "drift":  # said of the configuration at the ref it reads
        assert line.startswith(f"{not_a_project.as_posix()}: {E111} at HEAD (")
    else:
        assert line == plans  # word for word
    assert not result.stdout.strip() or E111 in result.stdout  # no report on stdout
    assert "No drift" not in result.output and "internal error" not in result.output
    assert git(not_a_project, "status", "--porcelain", "--ignored") == ""


def test_a_saved_plan_is_not_applied_from_a_directory_that_is_not_a_project(
    cli: Callable[..., Any], not_a_project: Path, example_project: Path, tmp_path: Path
) -> None:
    planfile = tmp_path / "plan.json"
    saved = cli("--project", example_project, "plan", "--out", planfile)
    assert saved.exit_code == 0, saved.output

    for env in ([], ["--env", "dev"]):
        result = cli("--project", not_a_project, "--no-color", *env, "apply", planfile)

        assert result.exit_code == 1, result.output
        assert E111 in result.stderr, result.output
        # (before: E101 "unknown environment 'dev'" at actionctl.yaml:1:1, a file that
        # does not exist)
        assert "actionctl.yaml:1:1" not in result.output
    assert git(not_a_project, "status", "--porcelain", "--ignored") == ""


@pytest.mark.parametrize("command", ["validate", "compile", "plan", "apply", "import"])
def test_an_unknown_env_without_actionctl_yaml_points_at_the_directory(
    cli: Callable[..., Any], example_project: Path, command: str
) -> None:
    """A project of channels/ and actions/ alone has only the environment 'default':
    E101 cannot point into actionctl.yaml, which does not exist."""
    (example_project / "actionctl.yaml").unlink()

    result = cli("--project", example_project, "--no-color", "--env", "prod", command)

    assert result.exit_code == 1, result.output
    assert f"{example_project.as_posix()}: error E101 unknown environment 'prod'" in (result.output)
    assert f"no actionctl.yaml in {example_project.resolve().as_posix()}" in result.output
    assert "actionctl.yaml:1:1" not in result.output
    assert sorted(p.name for p in example_project.iterdir()) == ["actions", "channels"]
