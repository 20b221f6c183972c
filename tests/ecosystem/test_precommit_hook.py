"""The pre-commit hook other repositories use (``.pre-commit-hooks.yaml``).

The default run executes the hook's ``entry`` exactly as declared, on the files
pre-commit would pass, in a real git repository; the slow run goes through
``pre-commit try-repo`` itself (clone at HEAD, a fresh venv, pip install of this
package: needs the package registry).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.ecosystem.conftest import VENV_BIN, git, offline_env

HOOK_ID = "actionctl-validate"


def hook() -> dict[str, object]:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    (found,) = [h for h in hooks if h["id"] == HOOK_ID]
    return found


def tracked_files(repo: Path) -> list[str]:
    return git(repo, "ls-files").split()


def files_pre_commit_passes(repo: Path) -> list[str]:
    pattern = re.compile(str(hook()["files"]))
    return [f for f in tracked_files(repo) if pattern.search(f)]


def run_entry(repo: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the hook the way pre-commit does: ``entry`` + the matched file names, in the
    repository root, with the venv's console script."""
    command, *args = shlex.split(str(hook()["entry"]))
    return subprocess.run(
        [str(VENV_BIN / command), *args, *files],
        cwd=repo,
        capture_output=True,
        text=True,
        env=offline_env(),
        timeout=60,
    )


def test_hook_definition_matches_the_contract() -> None:
    declared = hook()
    assert declared["entry"] == "actionctl validate --changed"
    assert declared["language"] == "python"
    assert declared["pass_filenames"] is True
    assert declared["always_run"] is True  # a commit that only deletes must run it too
    assert declared["require_serial"] is True
    pattern = re.compile(str(declared["files"]))
    for path in ("actions/a.yaml", "actions/x/y.yml", "channels/c.yaml", "actionctl.yaml"):
        assert pattern.search(path), path
    for path in ("README.md", "actions/a.json", "src/actions/a.yaml", "schemas/a.yaml"):
        assert not pattern.search(path), path


def test_hook_files_pattern_selects_the_sample_project(
    sample_repo: Callable[[str], Path],
) -> None:
    repo = sample_repo("good")
    assert sorted(files_pre_commit_passes(repo)) == [
        "actionctl.yaml",
        "actions/support/booking.yaml",
        "actions/support/handover.yaml",
        "channels/notifications.yaml",
    ]


def test_entry_passes_on_valid_files(sample_repo: Callable[[str], Path]) -> None:
    repo = sample_repo("good")
    result = run_entry(repo, files_pre_commit_passes(repo))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_entry_fails_on_bad_files_and_names_them(sample_repo: Callable[[str], Path]) -> None:
    repo = sample_repo("bad")
    result = run_entry(repo, files_pre_commit_passes(repo))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "actions/support/booking.yaml" in output
    assert "Marketing blasts" in output  # the channel no file declares
    assert "customer_name" in output  # the parameter the schema does not declare
    assert "Traceback" not in output


def test_only_the_changed_file_is_reported_but_references_resolve_across_the_project(
    sample_repo: Callable[[str], Path],
) -> None:
    repo = sample_repo("good")
    # Only the action changed: its channel lives in a file pre-commit does not pass.
    result = run_entry(repo, ["actions/support/booking.yaml"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_clean_changed_file_passes_even_when_another_file_is_broken(
    sample_repo: Callable[[str], Path],
) -> None:
    repo = sample_repo("bad")
    result = run_entry(repo, ["actions/support/handover.yaml"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "booking.yaml" not in result.stdout + result.stderr


def test_a_changed_file_whose_reference_breaks_fails(sample_repo: Callable[[str], Path]) -> None:
    repo = sample_repo("good")
    channel = repo / "channels" / "notifications.yaml"
    channel.write_text(channel.read_text().replace("Customer notifications", "Renamed channel"))
    result = run_entry(repo, ["actions/support/booking.yaml"])
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Customer notifications" in output


AUDIT_NO_NETWORK = """
import sys
def refuse(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname"):
        raise SystemExit(f"NETWORK ATTEMPT: {event} {args!r}")
sys.addaudithook(refuse)
from compiler.cli.main import main
sys.argv = ["actionctl", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("sample, expected", [("good", 0), ("bad", 1)])
def test_validate_makes_no_network_call(
    sample_repo: Callable[[str], Path], sample: str, expected: int
) -> None:
    repo = sample_repo(sample)
    result = subprocess.run(
        [sys.executable, "-c", AUDIT_NO_NETWORK, "validate", *files_pre_commit_passes(repo)],
        cwd=repo,
        capture_output=True,
        text=True,
        env=offline_env(),
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert "NETWORK ATTEMPT" not in output
    assert result.returncode == expected, output


def try_repo(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # pre-commit builds the hook's venv with pip, which needs the package registry: this
    # run keeps the real environment (the hook's own offline behaviour is tested above).
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO_ROOT), HOOK_ID, *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


@pytest.mark.slow
def test_pre_commit_try_repo_passes_and_fails_on_the_right_files(
    sample_repo: Callable[[str], Path], tmp_path: Path
) -> None:
    home = tmp_path / "pre-commit-home"
    good = try_repo(sample_repo("good"), home, "--all-files")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    bad_repo = sample_repo("bad")
    bad = try_repo(bad_repo, home, "--all-files")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "actions/support/booking.yaml" in bad.stdout
    assert "Marketing blasts" in bad.stdout

    only_clean = try_repo(bad_repo, home, "--files", "actions/support/handover.yaml")
    assert only_clean.returncode == 0, only_clean.stdout + only_clean.stderr


def test_project_in_a_subdirectory_reports_paths_from_the_repository_root(
    sample_repo: Callable[[str], Path], tmp_path: Path
) -> None:
    # docs/ci.md: a local hook with `entry: actionctl --project voice validate`
    repo = tmp_path / "monorepo"
    repo.mkdir()
    sample_repo("bad").rename(repo / "voice")
    files = ["voice/actions/support/booking.yaml"]
    command = [str(VENV_BIN / "actionctl"), "--project", "voice", "validate", "--format", "github"]
    result = subprocess.run(
        [*command, *files], cwd=repo, capture_output=True, text=True, env=offline_env()
    )
    assert result.returncode == 1, result.stdout + result.stderr
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert annotations
    assert all("file=voice/actions/support/booking.yaml," in line for line in annotations)
    clean = subprocess.run(
        [*command, "voice/actions/support/handover.yaml"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=offline_env(),
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr
