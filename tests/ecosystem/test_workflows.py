"""The example CI files parse, match their platforms' schemas, and every ``actionctl``
command line in them uses commands and flags that exist in the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.ecosystem.cli_lines import actionctl_invocations, check_invocation

GITHUB_WORKFLOWS = sorted((REPO_ROOT / "examples" / "github-actions").glob("*.yml"))
GITLAB_CI = REPO_ROOT / "examples" / "gitlab-ci" / ".gitlab-ci.yml"
ALL_FILES = [*GITHUB_WORKFLOWS, GITLAB_CI]


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def shell_blocks(path: Path) -> Iterator[str]:
    """Every shell script in a workflow: GitHub ``run:`` and GitLab ``script`` lists."""
    data = load(path)
    if path.name == ".gitlab-ci.yml":
        for job in data.values():
            if not isinstance(job, dict):
                continue
            for key in ("before_script", "script", "after_script"):
                lines = job.get(key) or []
                yield from ([lines] if isinstance(lines, str) else lines)
        yield from data.get("default", {}).get("before_script", [])
        return
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            if "run" in step:
                yield step["run"]


def test_there_are_example_workflows() -> None:
    names = {path.name for path in GITHUB_WORKFLOWS}
    assert {"actionctl-validate.yml", "actionctl-plan.yml", "actionctl-apply.yml"} <= names
    assert GITLAB_CI.is_file()


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_example_files_parse_as_yaml(path: Path) -> None:
    assert isinstance(load(path), dict)


@pytest.mark.parametrize(
    "path, schema",
    [(p, "vendor.github-workflows") for p in GITHUB_WORKFLOWS] + [(GITLAB_CI, "vendor.gitlab-ci")],
    ids=lambda x: x.name if isinstance(x, Path) else x,
)
def test_example_files_match_their_platform_schema(path: Path, schema: str) -> None:
    # check-jsonschema ships these schemas (SchemaStore copies): no network needed.
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checker_finds_invocations_and_catches_bad_flags() -> None:
    script = (
        "set +e\nFOO=1 actionctl --env prod plan \\\n  --format markdown --out p.json > plan.md\n"
        "x=$(actionctl --bogus schema --nope) && actionctl frobnicate # actionctl nothing\n"
    )
    found = list(actionctl_invocations(script))
    assert found == [
        ["--env", "prod", "plan", "--format", "markdown", "--out", "p.json"],
        ["--bogus", "schema", "--nope"],
        ["frobnicate"],
    ]
    assert check_invocation(["--bogus"]) == ["actionctl: unknown option --bogus"]
    assert check_invocation(["--version"]) == []
    assert check_invocation(found[2]) == ["unknown command 'frobnicate'"]


def every_invocation() -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for path in ALL_FILES:
        for block in shell_blocks(path):
            found += [(path.name, args) for args in actionctl_invocations(block)]
    return found


def test_examples_use_the_commands_the_issue_asks_for() -> None:
    lines = [" ".join(args) for _, args in every_invocation()]
    assert any("validate" in line and "--format github" in line for line in lines)
    assert any("plan" in line and "--out" in line and "markdown" in line for line in lines)
    assert any("apply" in line and ".json" in line for line in lines)


@pytest.mark.parametrize(
    "source, args", every_invocation(), ids=lambda x: x if isinstance(x, str) else " ".join(x)
)
def test_every_actionctl_line_uses_real_commands_and_flags(source: str, args: list[str]) -> None:
    assert check_invocation(args) == []


def test_plan_comment_is_found_by_the_hidden_marker() -> None:
    plan = (REPO_ROOT / "examples" / "github-actions" / "actionctl-plan.yml").read_text()
    assert "<!-- actionctl-plan -->" in plan
    assert "updateComment" in plan and "createComment" in plan
    assert "upload-artifact" in plan


def test_apply_runs_the_saved_plan_under_a_concurrency_group() -> None:
    workflow = load(REPO_ROOT / "examples" / "github-actions" / "actionctl-apply.yml")
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["concurrency"]["group"]
    steps = workflow["jobs"]["apply"]["steps"]
    assert any(str(s.get("uses", "")).startswith("actions/download-artifact") for s in steps)
    text = (REPO_ROOT / "examples" / "github-actions" / "actionctl-apply.yml").read_text()
    assert "secrets.OPENMIC_API_KEY" in text


SCRIPTS = [(path.name, block) for path in ALL_FILES for block in shell_blocks(path)]


@pytest.mark.parametrize(
    "source, script", SCRIPTS, ids=[f"{name}-{i}" for i, (name, _) in enumerate(SCRIPTS)]
)
def test_every_script_is_valid_shell(source: str, script: str) -> None:
    # bash -n parses without running: catches unbalanced quotes, if/fi, heredoc ends.
    result = subprocess.run(
        ["bash", "-n", "-c", script], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, f"{source}: {result.stderr}"
