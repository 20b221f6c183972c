"""Loading and validating thousands of actions stays fast (slow: run with -m slow)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from compiler.compile.checks import check_project
from compiler.load import load_project

ACTION = """\
kind: action
type: send_text_message
agent: agent_{agent}
name: send_confirmation_{i}
description: Sends confirmation number {i} to the caller after a booking is made.
recipient: contact
parameters_schema:
  type: object
  properties:
    booking_reference: {{type: string, description: The booking reference}}
  required: [booking_reference]
message: "Hi, your booking is confirmed! Reference: {{{{ .parameters.booking_reference }}}}."
"""


@pytest.mark.slow
def test_five_thousand_actions_load_and_validate_quickly(tmp_path: Path) -> None:
    for i in range(5000):
        folder = tmp_path / "actions" / f"group{i // 500}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"a{i}.yaml").write_text(ACTION.format(agent=i % 10, i=i))
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        loaded = load_project(tmp_path)
        assert loaded.project is not None
        check_project(loaded.project)
        best = min(best, time.perf_counter() - start)
    assert len(loaded.project.actions) == 5000
    assert loaded.diagnostics == []
    assert best < 2.0, f"load + validate took {best:.2f} s"
