"""What ``actionctl`` imports before doing any work. Start-up time is measured in
bench/bench_startup.py; this is its deterministic half: modules only some commands (or only
a failure) need are imported where they are needed, so ``--version``, ``--help`` and shell
completion do not load them. Each module here cost a few milliseconds at every start."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

# module -> who needs it (and so may import it)
LAZY_MODULES = {
    "pathlib": "any command that runs (its --project); it imports urllib.parse, ipaddress",
    "difflib": "a mistyped command (did-you-mean)",
    "compiler.diagnostics": "a command that reports or fails",
    "compiler.platform.base": "a command that talks to the platform, or fails doing so",
}

PROBE = """
import json, sys
from compiler.cli.main import run
code = run(sys.argv[1:])
print(json.dumps([code, sorted(m for m in {lazy!r} if m in sys.modules)]), file=sys.stderr)
"""


def _imported(*args: str) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(lazy=sorted(LAZY_MODULES)), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    code, modules = json.loads(done.stderr.strip().splitlines()[-1])
    return code, modules


@pytest.mark.parametrize("args", [["--version"], ["--help"]], ids=" ".join)
def test_version_and_help_import_none_of_the_lazy_modules(args: list[str]) -> None:
    assert _imported(*args) == (0, [])


def test_the_lazy_modules_still_load_when_needed() -> None:
    # The probe can see them: a mistyped command gets its hint, a failure its diagnostic.
    code, modules = _imported("valdate")
    assert code == 1 and "difflib" in modules
    code, modules = _imported("--project", "/", "schema")
    assert code == 0 and "pathlib" in modules
    code, modules = _imported("--project", "/nonexistent-project-dir", "compile")
    assert code == 1 and "compiler.diagnostics" in modules
