"""`actionctl emulator` as a user runs it: a real process, a URL on stdout, Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from compiler.platform.store import Store
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
        response = httpx.get(f"{match.group(0)}/h/v2/agents/support/tools", headers=headers)
        assert response.status_code == 200
        assert httpx.get(f"{match.group(0)}/h/v2/agents").status_code == 401
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
    assert "seed.yaml:2:5: agents[0].uid is required" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        ("agents: 5\n", "seed.yaml:1:9: agents must be a list of mappings, got 5"),
        ("- a\n- b\n", "seed.yaml:1:1: Y106 a document must be a mapping"),
        ("agents: [a, b]\n", "seed.yaml:1:10: agents[0] must be a mapping, got 'a'"),
        ("agents:\n  - {uid: 7}\n", "agents[0].uid must be a non-empty string, got 7"),
        ("agents:\n  - {uid: x, name: [1]}\n", "agents[0].name must be a non-empty string"),
        ("agents:\n  - {uid: x}\n  - {uid: x}\n", "agents[1].uid 'x' is already the uid"),
        ("agents:\n  - uid: x\n    tools: 3\n", "seed.yaml:3:12: agents[0].tools must be a list"),
        (
            "agents:\n  - uid: x\n    tools: [{type: end_call}]\n",
            "seed.yaml:3:13: agents[0].tools[0] is not a valid tool: Validation failed: name",
        ),
        (
            "phone_numbers:\n  - {phone_number: 15550000001}\n",
            "phone_numbers[0].phone_number must be a non-empty string, got 15550000001 (quote it",
        ),
        (
            "phone_numbers:\n  - {phone_number: '+1555', inbound_agent_uid: 5}\n",
            "phone_numbers[0].inbound_agent_uid must be an agent uid (a string), got 5",
        ),
        (
            "agent: []\n",
            "seed.yaml:1:8: agent is not a seed file key (expected agents or phone_numbers)",
        ),
        (
            "agents:\n  - {uid: x, created_at: yesterday}\n",
            "seed.yaml:2:26: agents[0].created_at must be an ISO 8601 date-time",
        ),
        ("agents: [\n", "seed.yaml:2:1: Y10"),
        ("a: 1\n---\nb: 2\n", "seed.yaml:3:1: the seed file must be one YAML document"),
    ],
    ids=[
        "agents-int",
        "top-list",
        "agent-string",
        "uid-int",
        "name-list",
        "uid-twice",
        "tools-int",
        "tool-no-name",
        "number-int",
        "uid-int-in-number",
        "unknown-key",
        "created-at-word",
        "bad-yaml",
        "two-documents",
    ],
)
def test_a_seed_file_of_the_wrong_shape_is_named_not_a_bug(
    cli: Callable[..., CliResult], tmp_path: Path, seed: str, expected: str
):
    (tmp_path / "seed.yaml").write_text(seed, encoding="utf-8")
    db = tmp_path / "e.db"
    result = cli("emulator", "--port", "0", "--db", db, "--seed", tmp_path / "seed.yaml")
    assert result.exit_code == 1
    assert expected in result.stderr.replace(str(tmp_path) + "/", "")
    assert "internal error" not in result.output
    assert "Traceback" not in result.output


def test_a_bad_tool_in_the_seed_writes_nothing(cli: Callable[..., CliResult], tmp_path: Path):
    """Checked before writing: else the agent would exist without the tool, and a
    restart with the fixed seed would leave that agent alone."""
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        "agents:\n  - uid: x\n    tools:\n      - {type: end_call, name: ok}\n"
        "      - {type: api_request, name: no_url}\n",
        encoding="utf-8",
    )
    result = cli("emulator", "--port", "0", "--db", tmp_path / "e.db", "--seed", seed)
    assert result.exit_code == 1
    assert "agents[0].tools[1] is not a valid tool" in result.stderr
    store = Store(tmp_path / "e.db")
    try:
        assert store.list_agents().items == []
    finally:
        store.close()


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--port", "99999", "99999 is not in the range 0<=x<=65535"),
        ("--port", "-1", "-1 is not in the range 0<=x<=65535"),
        ("--latency-ms", "inf", "inf is not in the range 0<=x<=600000"),
        ("--latency-ms", "nan", "--latency-ms: must be a number of milliseconds"),
    ],
)
def test_an_out_of_range_option_is_a_usage_error(
    cli: Callable[..., CliResult], tmp_path: Path, option: str, value: str, expected: str
):
    result = cli("emulator", "--db", tmp_path / "e.db", "--port", "0", option, value)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "internal error" not in result.output


def test_a_port_in_use_is_an_error(cli: Callable[..., CliResult], tmp_path: Path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = cli("emulator", "--db", tmp_path / "e.db", "--port", port)
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
