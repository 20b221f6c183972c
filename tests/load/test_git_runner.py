"""The one git runner, in real repositories whose own configuration is hostile: nothing
the repository names ever runs, a hook's GIT_* environment does not mislead git, and a
git that cannot answer is a located error rather than "ok"."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compiler.load.changes import read_changes
from compiler.load.git import GitError, git_environment, run_git
from tests.plan.git_project import GIT_ENV, git

INVOICE = "actions/billing/send_invoice_email.yaml"
PAYMENT = "actions/billing/send_payment_link.yaml"


@pytest.fixture
def project(example_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example project (platform: local) committed on ``main``."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(example_project.parent))
    for name in ("PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        monkeypatch.delenv(name, raising=False)
    git(example_project, "init", "-q", "-b", "main")
    git(example_project, "add", "-A")
    git(example_project, "commit", "-q", "-m", "one")
    return example_project


@pytest.fixture
def hostile(project: Path, tmp_path: Path) -> Path:
    """``project`` whose .git/config names a program (it appends to ``tmp_path/MARKER``)
    as fsmonitor, clean/smudge/process filter, external diff and textconv for every YAML
    file, with an edit, a deletion and a rename pending and every index entry racily
    clean (the index older than the files), so git would hash them through the filter.
    The trap is shown to be armed: plain git runs it."""
    marker = tmp_path / "MARKER"
    trap = tmp_path / "trap.sh"
    trap.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\ncat\n')
    trap.chmod(0o755)
    (project / ".gitattributes").write_text("*.yaml filter=evil diff=evil\n")
    for key in ("core.fsmonitor", "filter.evil.clean", "filter.evil.smudge", "diff.external"):
        git(project, "config", key, str(trap))
    git(project, "config", "diff.evil.textconv", str(trap))
    git(project, "config", "filter.evil.required", "true")
    with open(project / INVOICE, "a", encoding="utf-8") as handle:
        handle.write("# edited\n")
    git(project, "mv", PAYMENT, "actions/billing/payment_link.yaml")
    os.utime(project / ".git" / "index", (946684800, 946684800))  # 2000-01-01: racy
    _armed(project, marker)
    return project


def _armed(project: Path, marker: Path) -> None:
    for args in (["diff-index", "--name-status", "HEAD"], ["diff", "HEAD"]):
        subprocess.run(["git", *args], cwd=project, capture_output=True, check=False)
        assert marker.exists(), f"git {' '.join(args)} did not run the trap: the test is void"
        marker.unlink()


def test_validate_changed_runs_nothing_the_repository_names(
    hostile: Path, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    result = cli("--project", hostile, "validate", "--changed")
    assert result.exit_code == 0, result.output
    assert "2 actions" in result.stdout  # the edit and the renamed file were seen
    assert not (tmp_path / "MARKER").exists()


def test_the_changes_are_still_read_with_filters_off(hostile: Path, tmp_path: Path) -> None:
    changes = read_changes(hostile, {INVOICE}, with_diff=True)
    assert changes.failure is None
    assert INVOICE in changes.changed and "actions/billing/payment_link.yaml" in changes.changed
    assert PAYMENT in changes.removed
    assert b"# edited" not in changes.old_texts[INVOICE]
    assert not (tmp_path / "MARKER").exists()


def test_plan_base_and_drift_run_nothing_the_repository_names(
    hostile: Path, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    plan = cli("--project", hostile, "plan", "--base", "HEAD")
    assert plan.exit_code == 0, plan.output
    drift = cli("--project", hostile, "drift")
    assert drift.exit_code in (0, 2), drift.output
    assert "configuration at HEAD" in drift.output
    assert not (tmp_path / "MARKER").exists()


def test_a_filter_driver_that_cannot_be_switched_off_is_refused(project: Path) -> None:
    git(project, "config", "filter.a=b.clean", "true")
    with pytest.raises(GitError) as refused:
        run_git(project, "diff-index", "HEAD", reads_worktree=True)
    assert "cannot be disabled" in refused.value.message


def test_a_hooks_git_environment_does_not_point_git_elsewhere(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Any]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    git(elsewhere, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(elsewhere / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "no-such-index"))
    monkeypatch.setenv("GIT_WORK_TREE", str(elsewhere))
    os.remove(project / PAYMENT)
    result = cli("--project", project, "validate", "--changed")
    assert result.exit_code == 0, result.output
    changes = read_changes(project, set(), with_diff=True)
    assert changes.failure is None and changes.removed == {PAYMENT}


def test_the_environment_keeps_what_pre_commit_keeps() -> None:
    env = git_environment(
        {
            "PATH": "/bin",
            "GIT_DIR": "x",
            "GIT_INDEX_FILE": "y",
            "GIT_CONFIG_PARAMETERS": "'core.fsmonitor'='x'",
            "GIT_SSH_COMMAND": "ssh",
            "GIT_CONFIG_KEY_0": "k",
        }
    )
    assert env["PATH"] == "/bin" and env["GIT_SSH_COMMAND"] == "ssh" and "GIT_CONFIG_KEY_0" in env
    assert not {"GIT_DIR", "GIT_INDEX_FILE", "GIT_CONFIG_PARAMETERS"} & set(env)


def test_a_corrupt_index_is_e133_not_ok(project: Path, cli: Callable[..., Any]) -> None:
    (project / ".git" / "index").write_bytes(b"DIRC this is not an index")
    result = cli("--project", project, "validate", "--changed", INVOICE)
    assert result.exit_code == 1, result.output
    assert "E133" in result.stdout and "index" in result.stdout
    assert result.stdout.startswith(project.resolve().as_posix() + ":")  # located


def test_an_index_that_is_a_folder_is_e133_not_ok(project: Path, cli: Callable[..., Any]) -> None:
    index = project / ".git" / "index"
    index.unlink()
    index.mkdir()
    result = cli("--project", project, "validate", "--changed")
    assert result.exit_code == 1, result.output
    assert "E133" in result.stdout


def test_a_pre_commit_ref_that_does_not_exist_is_e133_not_ok(
    project: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Any]
) -> None:
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "HEAD")
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "no-such-branch")
    result = cli("--project", project, "validate", "--changed", INVOICE)
    assert result.exit_code == 1, result.output
    assert "E133" in result.stdout and "PRE_COMMIT_TO_REF=no-such-branch)" in result.stdout


def test_a_pre_commit_range_is_read_from_the_two_refs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(project, "checkout", "-q", "-b", "topic")
    git(project, "rm", "-q", PAYMENT)
    git(project, "commit", "-q", "-m", "two")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "main")
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "topic")
    changes = read_changes(project, set(), with_diff=True)
    assert changes.failure is None and changes.removed == {PAYMENT}
    assert changes.base == git(project, "rev-parse", "main").strip()
    assert PAYMENT in changes.old_texts


def test_git_missing_is_a_git_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(project))  # no git there
    with pytest.raises(GitError) as missing:
        run_git(project, "rev-parse", "HEAD")
    assert missing.value.reason == "missing"
    assert shutil.which("git") is None
