"""A file the project cannot read is an error, never a skip: links that lead
nowhere or outside the project, unreadable folders, FIFOs, folders where a file is
expected, submodules not checked out. Each is a located diagnostic and exit 1 through
the CLI, and with ``prune`` nothing is deleted on a partial picture."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT

HANDOVER = (
    "kind: action\ntype: handover\nagent: support\nname: {name}\n"
    "description: Hand over to a person\nphone_number: '+15550000001'\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "actions").mkdir(parents=True)
    (root / "actionctl.yaml").write_text("prune: true\n")
    (root / "actions" / "a.yaml").write_text(HANDOVER.format(name="front_desk"))
    return root


def validate(cli: Callable[..., Any], root: Path) -> tuple[int, list[dict[str, Any]]]:
    result = cli("--project", root, "validate", "--format", "json")
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def located(diagnostics: list[dict[str, Any]], code: str) -> list[str]:
    return [d["file"] for d in diagnostics if d["code"] == code and d["severity"] == "error"]


def test_a_dangling_link_is_an_error(cli: Callable[..., Any], project: Path) -> None:
    (project / "actions" / "gone.yaml").symlink_to(project / "nowhere.yaml")
    (project / "actions" / "team").symlink_to(project / "no-such-folder")
    code, diagnostics = validate(cli, project)
    assert code == 1
    assert located(diagnostics, "E112") == ["actions/gone.yaml", "actions/team"]


def test_a_link_loop_is_an_error(cli: Callable[..., Any], project: Path) -> None:
    (project / "actions" / "x.yaml").symlink_to(project / "actions" / "y.yaml")
    (project / "actions" / "y.yaml").symlink_to(project / "actions" / "x.yaml")
    (project / "actions" / "up").symlink_to(project / "actions")
    code, diagnostics = validate(cli, project)
    assert code == 1
    assert sorted(located(diagnostics, "E112")) == [
        "actions/up",
        "actions/x.yaml",
        "actions/y.yaml",
    ]


def test_links_outside_the_project_are_not_followed(
    cli: Callable[..., Any], project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text("password: hunter2\n")
    (project / "actions" / "root").symlink_to("/")
    (project / "actions" / "shared").symlink_to(outside)
    (project / "actions" / "one.yaml").symlink_to(outside / "secret.yaml")
    result = cli("--project", project, "validate", "--format", "json")
    assert result.exit_code == 1
    diagnostics = json.loads(result.stdout)
    assert sorted(located(diagnostics, "E113")) == [
        "actions/one.yaml",
        "actions/root",
        "actions/shared",
    ]
    assert "hunter2" not in result.output
    assert len(diagnostics) == 3  # nothing of the machine was read


def test_the_actions_folder_itself_linked_to_root_is_refused(tmp_path: Path) -> None:
    """It used to read every YAML file on the machine (157 s): a child with a time bound."""
    root = tmp_path / "p"
    root.mkdir()
    (root / "actions").symlink_to("/")
    (root / "channels").symlink_to("/etc")
    result = run_cli(root, "validate", "--format", "json", timeout=20)
    assert result.returncode == 1, result.stderr
    assert located(json.loads(result.stdout), "E113") == ["actions", "channels"]


def test_links_inside_the_project_are_followed(cli: Callable[..., Any], project: Path) -> None:
    shared = project / "shared"
    shared.mkdir()
    (shared / "b.yaml").write_text(HANDOVER.format(name="back_office"))
    (project / "actions" / "shared").symlink_to(shared)
    code, diagnostics = validate(cli, project)
    assert (code, diagnostics) == (0, [])


def test_a_fifo_is_never_opened(project: Path) -> None:
    os.mkfifo(project / "actions" / "pipe.yaml")
    os.mkfifo(project / "actionctl.yaml.fifo")
    result = run_cli(project, "validate", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert located(json.loads(result.stdout), "E115") == ["actions/pipe.yaml"]


def test_a_fifo_as_the_project_file_is_never_opened(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    os.mkfifo(root / "actionctl.yaml")
    result = run_cli(root, "validate", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert located(json.loads(result.stdout), "E115") == ["actionctl.yaml"]


def test_a_folder_where_a_file_is_expected(cli: Callable[..., Any], tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "actionctl.yaml").mkdir(parents=True)
    (root / "channels" / "main.yaml").mkdir(parents=True)
    (root / "actions").write_text("not a folder\n")
    code, diagnostics = validate(cli, root)
    assert code == 1
    assert sorted(located(diagnostics, "E115")) == [
        "actionctl.yaml",
        "actions",
        "channels/main.yaml",
    ]


def test_an_unreadable_folder_or_file_is_an_error(project: Path) -> None:
    root = project
    locked = root / "actions" / "locked"
    locked.mkdir()
    (locked / "c.yaml").write_text(HANDOVER.format(name="locked_away"))
    (root / "actions" / "secret.yaml").write_text(HANDOVER.format(name="secret"))
    locked.chmod(0)
    (root / "actions" / "secret.yaml").chmod(0)
    try:
        result = run_cli(root, "validate", "--format", "json", unprivileged=True)
    finally:
        locked.chmod(0o755)
    assert result.returncode == 1, result.stderr
    diagnostics = json.loads(result.stdout)
    assert located(diagnostics, "E114") == ["actions/locked"]
    assert located(diagnostics, "Y111") == ["actions/secret.yaml"]


def test_a_submodule_not_checked_out_is_an_error(cli: Callable[..., Any], project: Path) -> None:
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / ".gitmodules").write_text(
        '[submodule "team"]\n\tpath = actions/team\n\turl = https://example.invalid/t.git\n'
    )
    (project / "actions" / "team").mkdir()
    code, diagnostics = validate(cli, project)
    assert code == 1
    assert located(diagnostics, "E116") == ["actions/team"]
    (project / "actions" / "team" / "t.yaml").write_text(HANDOVER.format(name="team_desk"))
    assert validate(cli, project) == (0, [])


def test_an_empty_folder_that_is_no_submodule_is_just_empty(
    cli: Callable[..., Any], project: Path
) -> None:
    (project / "actions" / "empty").mkdir()
    assert validate(cli, project) == (0, [])


def test_prune_deletes_nothing_while_a_file_failed_to_load(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    """The reproduction: apply with prune, then a folder of actions becomes a dangling
    link (a submodule or a moved folder); plan and apply must refuse, not delete."""
    root = tmp_path / "p"
    shutil.copytree(REPO_ROOT / "actions", root / "actions")
    shutil.copytree(REPO_ROOT / "channels", root / "channels")
    config = (REPO_ROOT / "actionctl.yaml").read_text().replace("prune: false", "prune: true")
    (root / "actionctl.yaml").write_text(config)
    assert cli("--project", root, "apply", "--auto-approve").exit_code == 0
    shutil.move(root / "actions" / "billing", tmp_path / "billing-moved")
    (root / "actions" / "billing").symlink_to(root / "billing-was-here")
    plan = cli("--project", root, "plan")
    assert plan.exit_code == 1
    assert "E112" in plan.stderr
    assert "delete" not in plan.stdout.lower()
    apply = cli("--project", root, "apply", "--auto-approve")
    assert apply.exit_code == 1
    shutil.move(tmp_path / "billing-moved", tmp_path / "billing")
    (root / "actions" / "billing").unlink()
    shutil.move(tmp_path / "billing", root / "actions" / "billing")
    after = cli("--project", root, "plan", "--detailed-exitcode")
    assert after.exit_code == 0, after.output  # every tool is still live


# ------------------------------------------------------------------ helpers


def run_cli(
    root: Path, *args: str, unprivileged: bool = False, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process with a time bound (a hang fails, it does not block).
    ``unprivileged``: without root's power to read any file (file modes then count)."""
    prefix: list[str] = []
    if unprivileged and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: file modes cannot be tested")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "compiler", "--project", str(root), "--no-color", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        check=False,
    )


def test_a_project_file_linked_outside_is_not_read(cli: Callable[..., Any], tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    outside = tmp_path / "shadow"
    outside.write_text("platform: openmic\nsecret: hunter2\n")
    (root / "actionctl.yaml").symlink_to(outside)
    result = cli("--project", root, "validate", "--format", "json")
    assert result.exit_code == 1
    assert located(json.loads(result.stdout), "E113") == ["actionctl.yaml"]
    assert "hunter2" not in result.output
