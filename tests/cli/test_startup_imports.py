"""What ``actionctl`` imports before doing any work. Start-up time is measured in
bench/bench_startup.py; this is its deterministic half: modules only some commands (or only
a failure) need are imported where they are needed, so ``--version``, ``--help``, shell
completion and the pre-commit hook's ``validate`` do not load them. Each one cost a few
milliseconds at every start."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compiler.cli.main import COMMANDS
from compiler.load.cache import RACY_NS
from tests.conftest import REPO_ROOT

# module -> who needs it (and so may import it)
NOT_AT_START = {
    "pathlib": "any command that runs (its --project); it imports urllib.parse, ipaddress",
    "difflib": "a mistyped command, a did-you-mean hint",
    "compiler.diagnostics": "a command that reports or fails",
    "compiler.platform.base": "a command that talks to the platform, or fails doing so",
}
NOT_IN_VALIDATE = {
    "difflib": "a did-you-mean hint",
    "regex": "an SMS message longer than one part (grapheme clusters)",
    "hashlib": "fingerprints (plan, apply) and the apply lock's machine identity",
    "socket": "the apply lock's host name",
    "logging": "the HTTP client (masking URLs in httpx's log)",
}

RUN_CLI = """
import json, sys
from compiler.cli.main import run
code = run(sys.argv[1:])
print(json.dumps([code, sorted(m for m in {watched!r} if m in sys.modules)]), file=sys.stderr)
"""


def _cli(watched: dict[str, str], *args: str, cwd: Path = REPO_ROOT) -> tuple[int, list[str]]:
    """Run actionctl in a fresh interpreter: (exit code, which watched modules it imported)."""
    return _python(RUN_CLI.format(watched=sorted(watched)), *args, cwd=cwd)


def _python(code: str, *args: str, cwd: Path = REPO_ROOT) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert done.stderr.strip(), done.stdout
    result, modules = json.loads(done.stderr.strip().splitlines()[-1])
    return result, modules


@pytest.mark.parametrize("args", [["--version"], ["--help"]], ids=" ".join)
def test_version_and_help_import_none_of_them(args: list[str]) -> None:
    assert _cli(NOT_AT_START, *args) == (0, [])


def test_they_still_load_when_a_command_needs_them() -> None:
    # The probe can see them: a mistyped command gets its hint, a failure its diagnostic.
    code, modules = _cli(NOT_AT_START, "valdate")
    assert code == 1 and "difflib" in modules
    code, modules = _cli(NOT_AT_START, "--project", "/", "schema")
    assert code == 0 and "pathlib" in modules
    code, modules = _cli(NOT_AT_START, "--project", "/nonexistent-project-dir", "compile")
    assert code == 1 and "compiler.diagnostics" in modules


def test_validating_a_clean_project_imports_none_of_the_modules_it_does_not_use(
    example_project: Path,
) -> None:
    # What the pre-commit hook runs, on every commit.
    assert _cli(NOT_IN_VALIDATE, "validate", cwd=example_project) == (0, [])
    # A typo with a close match, a message of two parts: the hint and the count load them.
    (example_project / "actions" / "support" / "send_summary_sms.yaml").write_text(
        "kind: action\ntype: send_text_message\nagent: support\nname: send_summary_sms\n"
        "description: Sends the caller a summary.\nmessaging_channel: Customer notificatons\n"
        "recipient: contact\nmessage: " + "Your summary is ready. " * 10 + "\n"
    )
    assert _cli(NOT_IN_VALIDATE, "validate", cwd=example_project) == (1, ["difflib", "regex"])


WHO_NEEDS_THEM = """
import json, sys
from compiler.canonical import fingerprint
from compiler.platform import lock_tools
from compiler.sms import analyze_sms
from compiler.load.urls import hide_in_http_logs
from compiler.wording import did_you_mean

results = [
    analyze_sms("a" * 170).segments,
    fingerprint({}).startswith("sha256:"),
    len(lock_tools.MACHINE) == 12 and lock_tools.HOST != "",
    did_you_mean("valdate", ["validate"]),
]
hide_in_http_logs("https://gateway.example/KEY/v2")
watched = ("regex", "hashlib", "socket", "logging", "difflib")
print(json.dumps([results, sorted(m for m in watched if m in sys.modules)]), file=sys.stderr)
"""


def test_the_functions_that_need_them_import_them() -> None:
    results, modules = _python(WHO_NEEDS_THEM)
    assert results == [2, True, True, " (did you mean 'validate'?)"]
    assert modules == ["difflib", "hashlib", "logging", "regex", "socket"]


COMPLETE = """
import json, os, sys
from compiler.cli.main import cli
os.environ.update(_ACTIONCTL_COMPLETE="zsh_complete", COMP_WORDS="actionctl ", COMP_CWORD="1")
try:
    cli.main(prog_name="actionctl")
except SystemExit as exit_:
    code = exit_.code
commands = sorted(m for m in sys.modules if m.startswith("compiler.cli.") and m not in
                  ("compiler.cli.main", "compiler.cli.context"))
print(json.dumps([code, commands]), file=sys.stderr)
"""


def test_completing_a_command_name_imports_no_command_module() -> None:
    # Every Tab runs actionctl; the names and their help come from COMMANDS.
    done = subprocess.run(
        [sys.executable, "-c", COMPLETE], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert json.loads(done.stderr.strip().splitlines()[-1]) == [0, []]
    lines = done.stdout.splitlines()  # zsh: type, value, help; three lines each
    completions = dict(zip(lines[1::3], lines[2::3], strict=True))
    assert completions == {name: short for name, (_, short) in COMMANDS.items()}


def test_validating_a_file_writes_its_cache_only_when_it_changes(example_project: Path) -> None:
    # The hook's run: tempfile (~10 ms) is imported to write the cache, not to read it.
    watched = {"tempfile": "writing a file atomically"}
    file = "actions/billing/send_invoice_email.yaml"
    # Files changed within the file system's coarsest clock tick are hashed again on the
    # next run and recorded once settled (a write); wait until the copies are past that,
    # so the second run's answer does not depend on how fast the first one was.
    newest = max(
        max(s.st_mtime_ns, s.st_ctime_ns)
        for s in (p.stat() for p in example_project.rglob("*") if p.is_file())
    )
    while time.time_ns() <= newest + RACY_NS:
        time.sleep(0.05)
    assert _cli(watched, "validate", file, cwd=example_project) == (0, ["tempfile"])
    assert _cli(watched, "validate", file, cwd=example_project) == (0, [])


NOT_IN_A_LOCAL_PLAN = {
    "httpx": "the OpenMic client (platform: openmic)",
    "deepdiff": "a tool that differs from its live version",
}


def test_a_plan_with_nothing_to_change_on_the_local_platform_needs_neither(
    example_project: Path,
) -> None:
    assert _cli(NOT_IN_A_LOCAL_PLAN, "apply", "--auto-approve", cwd=example_project)[0] == 0
    plan = ("plan", "--detailed-exitcode")
    assert _cli(NOT_IN_A_LOCAL_PLAN, *plan, cwd=example_project) == (0, [])
    action = example_project / "actions" / "billing" / "send_invoice_email.yaml"
    action.write_text(action.read_text().replace("e.g. INV-1042", "e.g. INV-2042"))
    assert _cli(NOT_IN_A_LOCAL_PLAN, *plan, cwd=example_project) == (2, ["deepdiff"])


def test_fmt_check_imports_what_only_writing_and_diffing_need_only_then(
    example_project: Path,
) -> None:
    # The pre-commit hook's other command: it shows no diff, and writes only its store of
    # what it found canonical (compiler/fmt/known.py), the first time.
    watched = {"tempfile": "writing a file atomically", "difflib": "fmt --diff"}
    assert _cli(watched, "fmt", "--check", cwd=example_project) == (0, ["tempfile"])
    assert _cli(watched, "fmt", "--check", cwd=example_project) == (0, [])
    action = example_project / "actions" / "billing" / "send_invoice_email.yaml"
    kind, type_, rest = action.read_text().split("\n", 2)
    action.write_text(f"{type_}\n{kind}\n{rest}")  # not the canonical key order
    assert _cli(watched, "fmt", "--diff", cwd=example_project) == (1, ["difflib"])
    assert _cli(watched, "fmt", cwd=example_project) == (0, ["tempfile"])
