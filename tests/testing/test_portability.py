"""The optional portability warnings (OpenAI strict mode): off by default, warnings
only, located at the schema object concerned in the action's file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult, write_files
from tests.testing.conftest import line_of

ACTION = """\
kind: action
type: api_call
agent: a
name: lookup
description: Looks a booking up in the bookings backend by its reference.
url: https://api.example.com/lookup
method: GET
parameters_schema:
  type: object
  additionalProperties: false
  properties:
    ref: {type: string, description: The reference}
    note:
      type: object
      description: A note
      properties:
        text: {type: string, description: The text}
  required: [ref]
"""
TEST = """\
kind: test
action: a/lookup
golden: false
cases:
- name: looks up
  parameters: {ref: R1}
"""


def project(tmp_path: Path, action: str = ACTION) -> Path:
    return write_files(
        tmp_path / "p",
        {
            "actionctl.yaml": "environments:\n  dev: {}\n",
            "actions/a/lookup.yaml": action,
            "tests/a/lookup.test.yaml": TEST,
        },
    )


def test_off_by_default(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    result = cli("--project", project(tmp_path), "test")
    assert result.exit_code == 0
    assert "U150" not in result.stdout and "U151" not in result.stdout


def test_openai_strict_mode_warnings_point_at_each_object(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    root = project(tmp_path)
    result = cli("--project", root, "test", "--portability", "openai")
    assert result.exit_code == 0, result.output  # warnings only
    path = root / "actions/a/lookup.yaml"
    lines = [line for line in result.stdout.splitlines() if " U150 " in line]
    at_root = f"actions/a/lookup.yaml:{line_of(path, 'type: object')}:3"
    at_note = f"actions/a/lookup.yaml:{line_of(path, '      type: object')}:7"
    found = {tuple(line.split(": warning U150 OpenAI strict mode: a/lookup: ")) for line in lines}
    optional = " (make an optional one a union with null)"
    assert found == {
        (at_root, "every property of the root must be required; not: note" + optional),
        (at_note, "every property of properties.note must be required; not: text" + optional),
        (at_note, "properties.note needs additionalProperties: false"),
    }
