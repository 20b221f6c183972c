"""Secrets sweep: with a distinctive API key in the environment, run every command and
output format, the happy paths and the error paths (wrong key 401, unreachable URL,
500s, lost responses, verbose request logs, the emulator's own output), and grep
everything that comes out (stdout, stderr, log records, plan files, compiled files,
imported files, the GitHub job summary, every file under the test's directory) for the
key, its base64 forms, a fragment of it, and any ``Bearer <token>``.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import re
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.reliability.fleet import (
    KEY_ENV,
    RELIABILITY_KEY,
    Fleet,
    Workspace,
    actionctl_command,
    subprocess_env,
)

FLEET = Fleet(agents=1, keep=3, updates=1, deletes=1, replaces=1, creates=2)
WRONG_KEY = "wrong-K3y-77aa1c0ffee-SECRET"
# A key made only of letters, digits and _ (as many vendors' are): it passed for a
# variable name once, and P109 printed it.
PASTED_KEY = "omk_live_4f9a8b7c6d5e4f3a2b1cQZ"


def forms(key: str) -> list[str]:
    """The key as it could leak: raw, base64 (plain, URL-safe, of the header value), and a
    distinctive fragment (a truncated or partly masked key is still a leak)."""
    found = [key, key[4:18]]
    for text in (key, f"Bearer {key}", f":{key}"):
        encoded = base64.b64encode(text.encode()).decode()
        found += [encoded.rstrip("="), base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")]
    return found


BEARER = re.compile(r"Bearer\s+[A-Za-z0-9._~+/=-]{6,}")


class Sweep:
    """Everything the product said or wrote, labelled, checked at the end."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.texts: list[tuple[str, str]] = []
        self.caplog = caplog

    def add(self, label: str, text: str) -> None:
        self.texts.append((label, text))

    def add_result(self, label: str, result: Any) -> Any:
        self.add(f"{label} stdout", result.stdout)
        self.add(f"{label} stderr", result.stderr)
        return result

    def add_files(self, root: Path) -> None:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            self.add(str(path.relative_to(root)), path.read_bytes().decode("latin-1"))

    def check(self, minimum: int) -> None:
        """No leak anywhere, log records included; ``minimum``: texts that must have been
        looked at (so a sweep that saw nothing cannot pass)."""
        for record in self.caplog.records:
            self.add(f"log {record.name}", record.getMessage() + repr(record.args))
        assert self.leaks() == []
        assert len(self.texts) >= minimum

    def leaks(self) -> list[str]:
        found = []
        patterns = forms(RELIABILITY_KEY) + forms(WRONG_KEY) + forms(PASTED_KEY)
        for label, text in self.texts:
            found += [f"{label}: contains {p!r}" for p in patterns if p in text]
            found += [f"{label}: {m.group(0)[:20]}..." for m in BEARER.finditer(text)]
        return found


@pytest.fixture
def sweep(caplog: pytest.LogCaptureFixture) -> Sweep:
    """A Sweep that also sees every log record (any logger, DEBUG and up)."""
    caplog.set_level(logging.DEBUG)
    return Sweep(caplog)


def run_process(sweep: Sweep, label: str, command: list[str], **env: str) -> int:
    done = subprocess.run(command, capture_output=True, env=subprocess_env(**env), timeout=120)
    sweep.add(f"{label} stdout", done.stdout.decode("utf-8", "replace"))
    sweep.add(f"{label} stderr", done.stderr.decode("utf-8", "replace"))
    assert b"Traceback" not in done.stderr or env.get("ACTIONCTL_DEBUG"), done.stderr
    return done.returncode


def set_project(ws: Workspace, **changes: Any) -> None:
    path = ws.root / "actionctl.yaml"
    path.write_text(yaml.safe_dump({**yaml.safe_load(path.read_text()), **changes}))


def test_no_command_or_output_format_leaks_the_key(
    workspace_factory: Callable[..., Workspace],
    sweep: Sweep,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENMIC_API_KEY", RELIABILITY_KEY)  # the default variable, too
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    ws = workspace_factory(FLEET, fault_seed=3, fault_retry_after=0)
    run = ws.run

    for fmt in ("text", "json", "github", "sarif"):
        sweep.add_result(f"validate {fmt}", run("validate", "--format", fmt))
    sweep.add_result("compile", run("compile", "--out", tmp_path / "compiled.json"))
    sweep.add_result("schema", run("schema", "action"))
    sweep.add_result("render", run("render", "agent0/keep_0", "--param", "ref=X1"))
    sweep.add_result("first apply -v", run("-v", "apply", "--auto-approve"))
    ws.write(2, prune=True)
    for fmt in ("text", "markdown", "json"):
        plan = tmp_path / f"plan-{fmt}.json"
        sweep.add_result(f"plan {fmt}", run("plan", "--format", fmt, "--out", plan))
    sweep.add_result("plan exitcode", run("-vv", "plan", "--detailed-exitcode"))

    # Every fault kind a few times (retries, lost creates, 429 waits: all logged with -vv),
    # scripted rather than random so the run is short and always sees each kind.
    ws.server.inject(*["500", None, "drop", None, "lost", None, "429", None] * 3)
    sweep.add_result("apply faults -vv", run("-vv", "apply", tmp_path / "plan-json.json"))
    sweep.add_result("stale apply", run("apply", tmp_path / "plan-json.json"))
    ws.server.faults.rate = 0.0
    sweep.add_result("apply rest", run("-vv", "apply", "--auto-approve"))
    imported = tmp_path / "imported"
    sweep.add_result("import", run("-v", "import", "--include-declared", "--out", imported))
    assert (imported / "actions").is_dir()

    # Error paths: 500s that a retry gets past, then a wrong key (401).
    ws.server.inject("500", "drop")
    sweep.add_result("plan 500s", run("-vv", "plan"))
    monkeypatch.setenv(KEY_ENV, WRONG_KEY)
    assert sweep.add_result("plan 401", run("-vv", "plan")).exit_code == 1
    sweep.add_result("apply 401", run("apply", "--auto-approve"))
    sweep.add_result("import 401", run("import", "--out", tmp_path / "nothing"))
    monkeypatch.setenv(KEY_ENV, RELIABILITY_KEY)

    sweep.add("emulator stats", emulator_stats(ws))
    sweep.add("step summary", summary.read_text() if summary.exists() else "")
    sweep.add_files(tmp_path)
    sweep.check(minimum=50)


@pytest.mark.slow
def test_exhausted_retries_and_unreachable_platform_do_not_leak(
    workspace_factory: Callable[..., Workspace],
    sweep: Sweep,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The paths that give up after the client's whole retry budget (~15 s each)."""
    ws = workspace_factory(FLEET)
    ws.server.faults.kinds = ("500",)
    ws.server.faults.rate = 1.0
    assert sweep.add_result("plan all 500", ws.run("-vv", "plan")).exit_code == 1
    ws.server.faults.kinds = ("drop",)
    assert (
        sweep.add_result("apply all drop", ws.run("-vv", "apply", "--auto-approve")).exit_code == 1
    )
    ws.server.faults.rate = 0.0
    set_project(ws, base_url="http://127.0.0.1:9")  # discard port: connection refused
    result = ws.run("-vv", "--diagnostics-format", "json", "plan")
    assert sweep.add_result("plan unreachable", result).exit_code == 1
    command = actionctl_command(ws.root, "-vv", "apply", "--auto-approve")
    assert run_process(sweep, "apply unreachable debug", command, ACTIONCTL_DEBUG="1") == 1
    sweep.check(minimum=8)


def emulator_stats(ws: Workspace) -> str:
    """The emulator's stats endpoint: body and headers."""
    response = httpx.get(
        f"{ws.server.url}/_emulator/stats",
        headers={"Authorization": f"Bearer {RELIABILITY_KEY}"},
        timeout=10,
    )
    return response.text + str(dict(response.headers))


def test_real_processes_and_the_emulator_command_do_not_leak(
    workspace_factory: Callable[..., Workspace], sweep: Sweep, tmp_path: Path
) -> None:
    """What a CI log would show: whole processes, tracebacks on (ACTIONCTL_DEBUG)."""
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump({"agents": [{"uid": "uid_agent0", "name": "agent0"}]}))
    options = ["--db", tmp_path / "e.db", "--seed", seed, "--fault-rate", "0.3"]
    emulator = subprocess.Popen(
        actionctl_command(tmp_path, "emulator", "--port", "0", *options),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(OPENMIC_API_KEY=RELIABILITY_KEY),
    )
    assert emulator.stdout is not None
    banner = emulator.stdout.readline().decode()
    url = re.search(r"http://127\.0\.0\.1:\d+", banner)
    assert url, banner
    ws = workspace_factory(FLEET)
    set_project(ws, base_url=url.group(0))
    for key in (RELIABILITY_KEY, WRONG_KEY):  # requests with a good and a bad key
        with contextlib.suppress(httpx.TransportError):
            httpx.get(
                f"{url.group(0)}/h/v2/agents",
                headers={"Authorization": f"Bearer {key}"},
                timeout=10,
            )
    apply = actionctl_command(ws.root, "-vv", "apply", "--auto-approve")
    assert run_process(sweep, "apply process", apply) in (0, 1)
    plan = actionctl_command(ws.root, "-vv", "plan")
    assert run_process(sweep, "plan debug", plan, ACTIONCTL_DEBUG="1", **{KEY_ENV: WRONG_KEY}) == 1
    emulator.send_signal(signal.SIGINT)
    out, err = emulator.communicate(timeout=10)
    sweep.add("emulator stdout", banner + out.decode("utf-8", "replace"))
    sweep.add("emulator stderr", err.decode("utf-8", "replace"))
    sweep.add_files(tmp_path)
    assert "Stopped" in err.decode()
    sweep.check(minimum=8)


def test_a_key_pasted_where_the_variable_name_goes_is_not_echoed(
    workspace_factory: Callable[..., Workspace], sweep: Sweep
) -> None:
    """A common mistake: ``api_key_env: <the key itself>``. The key is then in the
    project file already, but echoing it into every CI log makes it public. (S206 quoted
    it until b99787a.)"""
    ws = workspace_factory(FLEET)
    set_project(ws, api_key_env=RELIABILITY_KEY)
    sweep.add_result("validate", ws.run("validate"))
    for fmt in ("json", "github", "sarif"):
        sweep.add_result(f"validate {fmt}", ws.run("validate", "--format", fmt))
    result = sweep.add_result("plan", ws.run("plan"))
    assert result.exit_code == 1
    assert "S206" in result.output
    sweep.check(minimum=10)


def test_a_key_of_letters_digits_and_underscores_pasted_as_the_variable_name(
    workspace_factory: Callable[..., Workspace],
    sweep: Sweep,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``api_key_env: omk_live_...`` looked like a variable name: validate passed and plan
    printed it in P109, in every format. Also through a saved plan, where apply reads the
    project file without validating it."""
    ws = workspace_factory(FLEET)
    plan_file = tmp_path / "plan.json"
    assert ws.run("plan", "--out", plan_file).exit_code in (0, 2)
    set_project(ws, api_key_env=PASTED_KEY)
    monkeypatch.setenv(PASTED_KEY, RELIABILITY_KEY)  # even when such a variable exists
    for fmt in ("text", "json", "github", "sarif"):
        result = sweep.add_result(f"validate {fmt}", ws.run("validate", "--format", fmt))
        assert result.exit_code == 1 and "S206" in result.output
        result = ws.run("--diagnostics-format", fmt, "plan")
        sweep.add_result(f"plan {fmt}", result)
        assert result.exit_code == 1
    monkeypatch.delenv(PASTED_KEY)
    result = sweep.add_result("apply saved", ws.run("apply", plan_file))
    assert result.exit_code == 1
    sweep.check(minimum=18)


@pytest.mark.parametrize(
    "url",
    [
        "{url}/" + PASTED_KEY,
        "{url}/gateway/" + PASTED_KEY + "/",
        "{url}/v?key=" + PASTED_KEY,
        "http://user:" + PASTED_KEY + "@127.0.0.1:9",
        "http://127.0.0.1:99999/" + PASTED_KEY,
        "ftp://127.0.0.1/" + PASTED_KEY,
    ],
)
def test_a_key_in_the_base_url_is_never_printed(
    workspace_factory: Callable[..., Workspace],
    sweep: Sweep,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    url: str,
) -> None:
    """A key in ``$OPENMIC_BASE_URL``'s path was echoed by L801 (the emulator answers 404
    to every path under it, so every agent looks unknown); credentials, queries and bad
    URLs must not be echoed either, from the environment or from actionctl.yaml."""
    ws = workspace_factory(FLEET)
    base_url = url.format(url=ws.server.url)
    monkeypatch.setenv("OPENMIC_BASE_URL", base_url)
    for args in (("-vv", "plan"), ("-vv", "apply", "--auto-approve"), ("import", "--out", "x")):
        result = sweep.add_result(" ".join(args), ws.run(*args))
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
    monkeypatch.delenv("OPENMIC_BASE_URL")
    set_project(ws, base_url=base_url)
    for fmt in ("text", "json", "github", "sarif"):
        result = sweep.add_result(f"validate {fmt}", ws.run("validate", "--format", fmt))
        if not base_url.startswith(ws.server.url):
            assert result.exit_code == 1, result.output
    sweep.add_result("plan from the file", ws.run("plan"))
    sweep.check(minimum=12)


@pytest.mark.parametrize(
    "leaked",
    [
        RELIABILITY_KEY,
        f"key=...{RELIABILITY_KEY[4:20]}...",
        base64.b64encode(f"Bearer {RELIABILITY_KEY}".encode()).decode(),
        base64.b64encode(RELIABILITY_KEY.encode()).decode(),
        "Authorization: Bearer abcdef123456",
    ],
)
def test_the_sweep_finds_every_form(leaked: str, caplog: pytest.LogCaptureFixture) -> None:
    found = Sweep(caplog)
    found.add("output", f"some text {leaked} more text")
    assert found.leaks()
