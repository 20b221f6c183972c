"""N319 on the hook's path: a change that renames an action (same agent, same document
but the name) without ``renamed_from`` is pointed out before the commit, against git's
HEAD (plan's L805 says it against the live tools). Real git repositories."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.plan.git_project import git

SUMMARY = "actions/support/send_summary_sms.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "voice"
    root.mkdir()
    for name in ("actions", "channels"):
        shutil.copytree(REPO_ROOT / name, root / name)
    shutil.copy(REPO_ROOT / "actionctl.yaml", root / "actionctl.yaml")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    return root


def rename(root: Path, file: str, new_name: str, extra: str = "") -> None:
    path = root / file
    text = path.read_text()
    assert "name: send_summary_sms\n" in text
    path.write_text(text.replace("name: send_summary_sms\n", f"name: {new_name}\n{extra}"))


def validate(cli: Callable[..., Any], root: Path, *args: object) -> Any:
    return cli("--project", root, "--no-color", "validate", *args)


def test_a_rename_in_place_is_pointed_out_with_the_fix(cli: Callable[..., Any], repo: Path) -> None:
    rename(repo, SUMMARY, "send_recap")
    result = validate(cli, repo, repo / SUMMARY)
    assert result.exit_code == 0  # a warning: the commit goes on
    (line,) = [line for line in result.stdout.splitlines() if " N319 " in line]
    assert line.startswith(f"{SUMMARY}:4:7: warning N319 name 'send_recap'")
    assert "renames 'send_summary_sms' of agent 'support'" in line
    assert "add `renamed_from: send_summary_sms`" in line
    assert validate(cli, repo, "--no-cache", repo / SUMMARY).stdout == result.stdout


def test_a_moved_and_renamed_file_names_where_it_was(cli: Callable[..., Any], repo: Path) -> None:
    git(repo, "mv", SUMMARY, "actions/support/recap.yaml")
    rename(repo, "actions/support/recap.yaml", "send_recap")
    result = validate(cli, repo, "--changed")
    assert f"renames 'send_summary_sms' (in {SUMMARY})" in result.stdout
    assert result.stdout.startswith("actions/support/recap.yaml:4:7: warning N319")


def test_a_declared_rename_is_not_pointed_out(cli: Callable[..., Any], repo: Path) -> None:
    rename(repo, SUMMARY, "send_recap", "renamed_from: send_summary_sms\n")
    result = validate(cli, repo, repo / SUMMARY)
    assert result.exit_code == 0 and "N319" not in result.stdout


@pytest.mark.parametrize(
    "how",
    ["another field changed too", "the old name still declared", "no change to compare"],
)
def test_what_is_no_undeclared_rename(cli: Callable[..., Any], repo: Path, how: str) -> None:
    if how == "another field changed too":
        rename(repo, SUMMARY, "send_recap", "async: true\n")
        args: tuple[object, ...] = (repo / SUMMARY,)
    elif how == "the old name still declared":
        copy = repo / "actions/support/recap.yaml"
        shutil.copy(repo / SUMMARY, copy)
        rename(repo, "actions/support/recap.yaml", "send_recap")
        args = ("--changed",)
    else:
        rename(repo, SUMMARY, "send_recap")
        args = ()  # a whole validate: no base (plan's L805 compares with the live tools)
    result = validate(cli, repo, *args)
    assert result.exit_code == 0, result.stdout
    assert "N319" not in result.stdout
    assert result.stdout.startswith("ok:")
