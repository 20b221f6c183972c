"""Apply as a person watches it in a terminal: a real pseudo-terminal, the emulator
over loopback HTTP with 400 ms per request. After the answer a line comes within 2 s,
and while requests are pending (the locks taken and released, the writes, stopping
after Ctrl-C) no 5 s pass without one. The question restates what and where."""

from __future__ import annotations

import itertools
import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT

FIRST_LINE_WITHIN = 2.0
NEVER_SILENT_FOR = 5.0
LATENCY_MS = 400
QUESTION = b"Apply these changes?"


@dataclass
class Terminal:
    """An ``actionctl apply`` on a pseudo-terminal, its output read as lines with the
    time each one arrived."""

    process: subprocess.Popen[bytes]
    master: int
    lines: list[tuple[float, str]] = field(default_factory=list)
    pending: bytes = b""

    def read(self, until: float) -> bool:
        """Read what arrives before ``until`` (monotonic); False once the child closed
        the terminal."""
        while time.monotonic() < until:
            ready, _, _ = select.select([self.master], [], [], until - time.monotonic())
            if not ready:
                return True
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the child closed the terminal
                data = b""
            if not data:
                return False
            self.pending += data
            *complete, self.pending = self.pending.split(b"\n")
            now = time.monotonic()
            self.lines += [(now, raw.decode(errors="replace").rstrip("\r")) for raw in complete]
        return True

    def wait_for(self, text: str, timeout: float = 60) -> float:
        """Read until a line containing ``text`` arrives; returns when it did."""
        deadline = time.monotonic() + timeout
        seen = len(self.lines)
        while time.monotonic() < deadline:
            for at, line in self.lines[seen:]:
                if text in line:
                    return at
            seen = len(self.lines)
            if not self.read(min(deadline, time.monotonic() + 0.1)):
                break
        raise AssertionError(f"{text!r} never came:\n{self.text()}")

    def wait_for_question(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while QUESTION not in self.pending and time.monotonic() < deadline:
            assert self.read(min(deadline, time.monotonic() + 0.1)), self.text()
        assert QUESTION in self.pending, self.text()
        return self.text()

    def answer(self, text: bytes) -> float:
        """Type ``text``; the question (a line without its end, echo being off) is
        taken as a line of its own, shown before the answer."""
        self.lines.append((time.monotonic(), self.pending.decode(errors="replace")))
        self.pending = b""
        answered = time.monotonic()
        os.write(self.master, text)
        return answered

    def finish(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while self.read(deadline) and time.monotonic() < deadline:
            pass
        code = self.process.wait(timeout=10)
        os.close(self.master)
        return code

    def text(self) -> str:
        return "\n".join(line for _, line in self.lines) + self.pending.decode(errors="replace")

    def after(self, start: float) -> list[tuple[float, str]]:
        return [(at, line) for at, line in self.lines if at >= start]


def in_terminal(root: Path, *args: str) -> Terminal:
    master, slave = pty.openpty()
    attributes = termios.tcgetattr(slave)
    attributes[3] &= ~termios.ECHO  # the answer is not echoed back as if it were output
    termios.tcsetattr(slave, termios.TCSANOW, attributes)
    command = [sys.executable, "-m", "compiler", "--project", str(root), "apply", *args]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    return Terminal(process, master)


def assert_never_silent(lines: list[tuple[float, str]], since: float, until: float) -> None:
    times = [since] + [at for at, _ in lines] + [until]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert max(gaps) <= NEVER_SILENT_FOR, (max(gaps), lines)


def test_after_yes_every_phase_shows_and_the_question_says_what_and_where(
    site_factory: Any,
) -> None:
    site = site_factory(latency_ms=LATENCY_MS)
    terminal = in_terminal(site.root, "--parallelism", "2")
    asked = terminal.wait_for_question()
    host = site.url.removeprefix("http://")
    assert f"Applying to environment 'dev' on OpenMic API at http://{host}:" in asked
    assert "  13 changes: 13 to create, 0 to update, 0 to replace, 0 to delete" in asked
    assert "  2 agents: billing (agent_billing_dev), support (agent_support_dev)" in asked

    answered = terminal.answer(b"y\n")
    code = terminal.finish()
    ended = time.monotonic()
    assert code == 0, terminal.text()
    shown = terminal.after(answered)
    assert shown and shown[0][0] - answered <= FIRST_LINE_WITHIN, (shown[:1], answered)
    assert_never_silent(shown, answered, ended)
    lines = [line for _, line in shown]
    assert lines[0] == "Taking the apply locks on 2 agents"
    assert any(
        line.startswith("  locked agent_support_dev, read its 0 live tools") for line in lines
    )
    assert sum(line.startswith("[") for line in lines) == 13
    assert lines[-4:] == [
        "Releasing 2 apply locks",
        "  released the lock on agent_billing_dev (1/2)",
        "  released the lock on agent_support_dev (2/2)",
        "Apply complete: 13 created.",
    ]
    assert not any("\x1b" in line for line in lines)  # plain lines: a CI log reads the same


def test_ctrl_c_says_what_stopping_involves_and_each_lock_released(site_factory: Any) -> None:
    site = site_factory(latency_ms=LATENCY_MS)
    terminal = in_terminal(site.root, "--parallelism", "2")
    terminal.wait_for_question()
    answered = terminal.answer(b"y\n")
    terminal.wait_for("[1/13]")
    terminal.process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    code = terminal.finish()
    ended = time.monotonic()
    assert code == 130, terminal.text()
    assert_never_silent(terminal.after(answered), answered, ended)
    after = terminal.after(interrupted)
    stopping = [(at, line) for at, line in after if line.startswith("stopping: ")]
    assert stopping, terminal.text()
    (at, line), *_ = stopping
    assert at - interrupted <= FIRST_LINE_WITHIN, terminal.text()
    assert re.fullmatch(
        r"stopping: finishing [12] in-flight requests?, releasing 2 locks; "
        r"Ctrl-C again to abort",
        line,
    ), line
    lines = [line for _, line in after]
    assert "  released the lock on agent_billing_dev (1/2)" in lines
    assert "  released the lock on agent_support_dev (2/2)" in lines
    assert lines[-1].startswith("Interrupted: "), lines


def test_a_ci_log_gets_the_same_lines_without_control_characters(
    site_factory: Any, monkeypatch: Any
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)  # colour allowed: only the pipe stops it
    site = site_factory()
    result = site.cli("--project", site.root, "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "Taking the apply locks on 2 agents" in lines
    assert "Releasing 2 apply locks" in lines
    assert "  released the lock on agent_support_dev (2/2)" in lines
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", result.output), result.output


@pytest.mark.slow
def test_twenty_agents_at_the_default_pace_are_never_silent(
    emulator_factory: Any, cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """As a new user tried it: 60 creates on 20 agents, 400 ms per request, 100
    requests a minute; Ctrl-C after ten changes. The plan's read (20 requests, 12 s), the
    locks and their release after Ctrl-C were silent before, and the time left, told
    the locks' lines as a pace, said "about 2s" with 59 creates to go."""
    from tests.reliability.fleet import KEY_ENV, RELIABILITY_KEY, Fleet, Workspace

    monkeypatch.setenv(KEY_ENV, RELIABILITY_KEY)
    server = emulator_factory(api_key=RELIABILITY_KEY, latency_ms=LATENCY_MS)
    fleet = Fleet(agents=20, keep=0, updates=0, deletes=0, replaces=0, creates=3)
    ws = Workspace(tmp_path / "fleet", server, fleet, cli)
    ws.write(2)
    ws.add_agents()
    config = ws.root / "actionctl.yaml"
    data = yaml.safe_load(config.read_text())
    data["rate_limit"] = {"requests_per_minute": 100}
    config.write_text(yaml.safe_dump(data, sort_keys=False))

    started = time.monotonic()
    terminal = in_terminal(ws.root)
    asked = terminal.wait_for_question(timeout=120)
    # The plan's read before the question is never silent either.
    assert_never_silent(terminal.after(started), started, time.monotonic())
    assert any(line.startswith("Reading the live tools of 20 agents") for _, line in terminal.lines)
    assert "  60 changes: 60 to create, 0 to update, 0 to replace, 0 to delete" in asked
    assert "  20 agents: agent0 (uid_agent0), " in asked and "and 12 more" in asked
    answered = terminal.answer(b"y\n")
    terminal.wait_for("[10/60]", timeout=120)
    terminal.process.send_signal(signal.SIGINT)
    code = terminal.finish(timeout=120)
    ended = time.monotonic()
    assert code == 130, terminal.text()
    shown = terminal.after(answered)
    assert shown[0][0] - answered <= FIRST_LINE_WITHIN, shown[:1]
    assert_never_silent(shown, answered, ended)
    lines = [line for _, line in shown]
    # 84 requests at 100 a minute: one lock tool's create and delete, the lock agent's
    # look-up and tool list, 20 listings, 60 creates.
    assert lines[0] == "Taking the apply locks on 20 agents (about 51s left)"
    for line in lines:  # each create takes 0.6 s: the time left is never far below that
        told = re.match(r"\[(\d+)/60\] \(about (\d+)s left\)", line)
        if told:
            assert int(told[2]) >= (60 - int(told[1])) * 0.6 * 0.8, line
    assert sum(line.startswith("  released the lock on ") for line in lines) == 20
    assert any(line.startswith("stopping: ") for line in lines), lines
