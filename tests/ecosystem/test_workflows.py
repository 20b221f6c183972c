"""The example CI files parse, match their platforms' schemas, and every ``actionctl``
command line in them uses commands and flags that exist in the CLI."""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from tests.conftest import REPO_ROOT

GITHUB_WORKFLOWS = sorted((REPO_ROOT / "examples" / "github-actions").glob("*.yml"))
GITLAB_CI = REPO_ROOT / "examples" / "gitlab-ci" / ".gitlab-ci.yml"
ALL_FILES = [*GITHUB_WORKFLOWS, GITLAB_CI]
SHELL_OPERATORS = {"&&", "||", ";", "|", "&", "(", ")", "$(", "`", ";;"}
REDIRECTIONS = {">", ">>", "<", "2>", "2>>", "&>"}


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


def actionctl_invocations(script: str) -> Iterator[list[str]]:
    """The argument lists of every ``actionctl`` command in a shell script."""
    script = script.replace("\\\n", " ")  # line continuations
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            tokens = list(lexer)
        except ValueError:  # heredoc bodies (python code) are not shell
            continue
        yield from _commands_named_actionctl(tokens)


def _commands_named_actionctl(tokens: list[str]) -> Iterator[list[str]]:
    command: list[str] = []
    skip_next = False
    for token in [*tokens, ";"]:
        if skip_next:
            skip_next = False
            continue
        if token in REDIRECTIONS:
            skip_next = True
            continue
        if token in SHELL_OPERATORS or token.startswith(("$(", "`")):
            if command and command[0] == "actionctl":
                yield command[1:]
            command = []
            continue
        if not command and _is_assignment(token):
            continue  # FOO=1 actionctl ...
        command.append(token)


def _is_assignment(token: str) -> bool:
    name, equals, _ = token.partition("=")
    return bool(equals) and name.isidentifier()


def options_of(command: click.Command) -> dict[str, click.Parameter]:
    names: dict[str, click.Parameter] = {}
    for param in command.params:
        if isinstance(param, click.Option):
            for name in [*param.opts, *param.secondary_opts]:
                names[name] = param
    return names


def takes_value(param: click.Parameter) -> bool:
    return isinstance(param, click.Option) and not param.is_flag and not param.count


def check_invocation(args: list[str]) -> list[str]:
    """Problems with one ``actionctl ARGS`` line: unknown command, unknown flag."""
    from compiler.cli.main import cli

    problems: list[str] = []
    rest = _consume_options(cli, options_of(cli), args, problems, "actionctl")
    if not rest:
        return [*problems, f"no command in: actionctl {shlex.join(args)}"]
    name, *rest = rest
    with click.Context(cli) as context:
        command = cli.get_command(context, name)
    if command is None:
        return [*problems, f"unknown command {name!r}"]
    options = options_of(command)
    options.update({"--help": click.Option(["--help"], is_flag=True)})
    _consume_options(command, options, rest, problems, f"actionctl {name}", positional_ok=True)
    return problems


def _consume_options(
    command: click.Command,
    options: dict[str, click.Parameter],
    args: list[str],
    problems: list[str],
    where: str,
    *,
    positional_ok: bool = False,
) -> list[str]:
    """Check leading options; return the args from the first positional on (the group's
    subcommand) or, with positional_ok, check options anywhere."""
    index = 0
    while index < len(args):
        arg = args[index]
        if not arg.startswith("-") or arg == "-":
            if not positional_ok:
                return args[index:]
            index += 1
            continue
        flag = arg.split("=", 1)[0]
        param = options.get(flag)
        if param is None:
            problems.append(f"{where}: unknown option {flag}")
        elif takes_value(param) and "=" not in arg:
            index += 1  # its value
        index += 1
    return []


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
    assert check_invocation(["--bogus"]) == [
        "actionctl: unknown option --bogus",
        "no command in: actionctl --bogus",
    ]
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
