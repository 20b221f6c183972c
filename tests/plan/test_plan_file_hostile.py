"""Saved plans as an attacker writes them: ``apply PLANFILE`` reads a strict
shape, within bounds, from regular files only; every refusal is A901 at the plan file
(with line and column when the problem is at a spot), exit 1, no traceback, and
nothing written to the platform."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compiler.plan.file import MAX_PLAN_BYTES
from tests.conftest import REPO_ROOT

HANDOVER = (
    "kind: action\ntype: handover\nagent: support\nname: front_desk\n"
    "description: Hand over to a person\nphone_number: '+15550000001'\n"
)


@pytest.fixture
def planned(tmp_path: Path, cli: Callable[..., Any]) -> tuple[Path, dict[str, Any]]:
    """A project on the local platform and its saved plan (one create)."""
    root = tmp_path / "project"
    (root / "actions").mkdir(parents=True)
    (root / "actions" / "a.yaml").write_text(HANDOVER)
    plan_file = tmp_path / "plan.json"
    assert cli("--project", root, "plan", "--out", plan_file).exit_code == 0
    return root, json.loads(plan_file.read_text())


def apply(cli: Callable[..., Any], root: Path, plan_file: Path) -> tuple[Any, list[dict[str, Any]]]:
    result = cli("--project", root, "--diagnostics-format", "json", "apply", plan_file)
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    return result, json.loads(result.stderr)


def live_tools(cli: Callable[..., Any], root: Path) -> str:
    """What plan says now: the create is still pending when nothing was written."""
    return cli("--project", root, "plan", "--format", "json").stdout


def edited(data: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copy = json.loads(json.dumps(data))
    edit(copy)
    return copy


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value

    return edit


SHAPES = {
    "format_version-true": (_set("format_version", True), "format_version True"),
    "format_version-1.0": (_set("format_version", 1.0), "format_version 1.0"),
    "after-name-only": (_set("changes.0.after.name", "actionctl-lock-x"), "after.name"),
    "after-name-other": (_set("changes.0.after.name", "someone_else"), "after.name"),
    "name-reserved": (_set("changes.0.name", "actionctl-lock-x"), "reserved"),
    "address-mismatch": (_set("changes.0.address", "billing/front_desk"), "is not agent/name"),
    "after-not-canonical": (_set("changes.0.after.parameters", {}), "not a payload"),
    "after-unknown-type": (_set("changes.0.after.type", "shell"), "after.type"),
    "unknown-key": (_set("changes.0.run", "rm -rf /"), "unknown key 'run'"),
    "tool-id-bool": (_set("changes.0.tool_id", True), "tool_id"),
    "tool-id-huge": (_set("changes.0.tool_id", 2**70), "tool_id"),
    "target-not-string": (_set("target.platform", ["local"]), "target"),
    "prune-string": (_set("prune", "false"), "prune"),
    "long-name": (_set("changes.0.agent", "a" * 5000), "longer than"),
}


@pytest.mark.parametrize("case", list(SHAPES))
def test_a_plan_of_the_wrong_shape_is_refused(
    cli: Callable[..., Any], planned: tuple[Path, dict[str, Any]], tmp_path: Path, case: str
) -> None:
    root, data = planned
    edit, expected = SHAPES[case]
    plan_file = tmp_path / "edited.json"
    plan_file.write_text(json.dumps(edited(data, edit)))
    before = live_tools(cli, root)
    _, diagnostics = apply(cli, root, plan_file)
    assert [d["code"] for d in diagnostics] == ["A901"]
    assert expected in diagnostics[0]["message"]
    assert diagnostics[0]["file"] == str(plan_file)
    assert live_tools(cli, root) == before  # nothing was created


TEXTS = {
    "deep-nesting": (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 1, 262),
    "non-utf8": (b'{\n  "environment": "d\xffv"\n}', 2, 20),
    "huge-number": (b'{\n "format_version": ' + b"1" * 5000 + b"\n}", 2, 20),
    "nan": (b'{"format_version": NaN}', 0, 0),
    "infinity": (b'{"format_version": 1e999999}', 0, 0),
    "bad-json": (b'{"format_version": 1,,}', 1, 22),
}


@pytest.mark.parametrize("case", list(TEXTS))
def test_a_hostile_plan_text_is_a_located_error(
    cli: Callable[..., Any], planned: tuple[Path, dict[str, Any]], tmp_path: Path, case: str
) -> None:
    root, _ = planned
    raw, line, column = TEXTS[case]
    plan_file = tmp_path / "hostile.json"
    plan_file.write_bytes(raw)
    _, diagnostics = apply(cli, root, plan_file)
    assert [(d["code"], d["line"], d["column"]) for d in diagnostics] == [("A901", line, column)]


def test_an_oversized_plan_is_refused_unread(
    cli: Callable[..., Any], planned: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    root, _ = planned
    plan_file = tmp_path / "big.json"
    with plan_file.open("wb") as handle:  # sparse: no disk or memory spent
        handle.truncate(MAX_PLAN_BYTES + 1)
    _, diagnostics = apply(cli, root, plan_file)
    assert "more than" in diagnostics[0]["message"]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_plan_that_is_not_a_regular_file_is_never_read(
    planned: tuple[Path, dict[str, Any]], tmp_path: Path, kind: str
) -> None:
    """In a child with 1 GB of address space and a 60 s bound: a FIFO used to hang and
    /dev/zero grew to 6.5 GB in 8 s."""
    root, _ = planned
    plan_file = tmp_path / "plan-in"
    if kind == "fifo":
        os.mkfifo(plan_file)
    else:
        plan_file = Path("/dev/zero")

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [sys.executable, "-m", "compiler", "--project", str(root), "apply", str(plan_file)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
        preexec_fn=limit_memory,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "A901" in result.stderr
    assert "Traceback" not in result.stderr
