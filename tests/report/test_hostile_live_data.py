"""Strings from the platform reach no output raw: a live tool named with ``ESC[2J``, an
OSC 52 clipboard write, a bidi override (Trojan Source) or a lone surrogate is escaped
in every format. JSON stays lossless (``\\u`` escapes read back as the same string) and
valid UTF-8; text and Markdown show visible escapes."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult

HOSTILE = "\x1b[2J evil\u202ex\x1b]52;c;aGk=\x07\x85\u2028"
RAW = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


@pytest.fixture
def hostile_project(example_project: Path, cli: Callable[..., CliResult]) -> Path:
    assert cli("--project", example_project, "apply", "--auto-approve", "-q").exit_code == 0
    body = {"type": "dtmf", "name": HOSTILE, "description": HOSTILE, "static_params": {}}
    with sqlite3.connect(example_project / ".actionctl" / "platform.db") as db:
        ((uid,),) = db.execute("SELECT agent_uid FROM tools WHERE name = 'end_call'")
        db.execute(
            "INSERT INTO tools (agent_uid, type, name, body, created_at, updated_at) "
            "VALUES (?, 'dtmf', ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            (uid, HOSTILE, json.dumps(body)),
        )
    return example_project


@pytest.mark.parametrize("extra", [[], ["--prune"]])
def test_plan_json_is_lossless_valid_utf8_and_holds_no_raw_control(
    hostile_project: Path, cli: Callable[..., CliResult], extra: list[str]
) -> None:
    result = cli("--project", hostile_project, "plan", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.stdout.replace("\n", ""))
    result.stdout.encode("utf-8")
    plan = json.loads(result.stdout)
    names = {tool["name"] for tool in plan.get("unmanaged", [])}
    names |= {change["name"] for change in plan["changes"]}
    assert HOSTILE in names


def test_a_saved_plan_with_hostile_names_is_written_escaped_and_read_back(
    hostile_project: Path, cli: Callable[..., CliResult]
) -> None:
    saved = hostile_project / "plan.json"
    result = cli("--project", hostile_project, "plan", "--prune", "--out", saved)
    assert result.exit_code == 0, result.output
    text = saved.read_text(encoding="utf-8")
    assert not RAW.search(text.replace("\n", ""))
    assert any(c["name"] == HOSTILE for c in json.loads(text)["changes"])


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("extra", [[], ["--prune"]])
def test_plan_text_and_markdown_show_hostile_names_escaped(
    hostile_project: Path, cli: Callable[..., CliResult], fmt: str, extra: list[str]
) -> None:
    result = cli("--project", hostile_project, "plan", "--format", fmt, *extra)
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.stdout.replace("\n", ""))
    assert "\\x1b[2J evil\\u202ex\\x1b]52;c;aGk=\\x07" in result.stdout
