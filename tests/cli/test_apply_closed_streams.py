"""``apply`` run with its standard input closed (a daemon, a CI step with ``<&-``): it
refuses to apply without confirmation (A906, exit 1), never an internal error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_apply_with_stdin_closed_refuses_as_without_a_terminal(example_project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "compiler", "--project", str(example_project), "apply"],
        preexec_fn=lambda: os.close(0),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert "A906" in result.stderr and "stdin is not a terminal" in result.stderr
    assert not (example_project / ".actionctl" / "platform.db").exists()  # nothing applied
