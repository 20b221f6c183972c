"""`actionctl emulator` as a user runs it: a real process, a URL on stdout, Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import REPO_ROOT, TEST_API_KEY, CliResult


def start_emulator(
    db: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """``python -m compiler emulator --port 0 --db DB ARGS...`` as a real process, its
    stdout and stderr piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "compiler", "emulator", "--port", "0", "--db", str(db), *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serves_until_interrupted_and_keeps_the_key_quiet(tmp_path: Path):
    seed = tmp_path / "seed.yaml"
    seed.write_text("agents:\n  - {uid: support, name: Support}\n", encoding="utf-8")
    env = {**os.environ, "OPENMIC_API_KEY": TEST_API_KEY}
    process = start_emulator(tmp_path / "e.db", "--seed", str(seed), env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert match, first
        headers = {"Authorization": f"Bearer {TEST_API_KEY}"}
        response = httpx.get(f"{match.group(0)}/v2/agents/support/tools", headers=headers)
        assert response.status_code == 200
        assert httpx.get(f"{match.group(0)}/v2/agents").status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "Stopped." in err
    assert TEST_API_KEY not in first + out + err


def test_sigterm_stops_it_cleanly(tmp_path: Path):
    process = start_emulator(tmp_path / "e.db")
    assert process.stdout is not None
    assert "serving http://127.0.0.1:" in process.stdout.readline()
    process.terminate()
    _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "Stopped." in err


def test_help_lists_the_fault_options(cli: Callable[..., CliResult]):
    result = cli("emulator", "--help")
    assert result.exit_code == 0
    for option in (
        "--latency-ms",
        "--fault-rate",
        "--fault-seed",
        "--rate-limit",
        "--seed",
        "--db",
    ):
        assert option in result.stdout


def test_a_bad_seed_file_is_an_error_not_a_traceback(cli: Callable[..., CliResult], tmp_path: Path):
    seed = tmp_path / "seed.yaml"
    seed.write_text("agents:\n  - {name: no uid}\n", encoding="utf-8")
    result = cli("emulator", "--port", "0", "--db", tmp_path / "e.db", "--seed", seed)
    assert result.exit_code == 1
    assert "each agent needs a uid" in result.stderr
    assert "Traceback" not in result.output
