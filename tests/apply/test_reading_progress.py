"""The plan's read of the live tools, shown as it goes when it takes a while (at 100
requests a minute, 20 agents take 12 s). Real emulator over HTTP; the client paced at
20 requests a minute so that two agents' listings take about 3 s."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from compiler.apply.reading import reading_live
from compiler.platform.client import OpenMicClient
from tests.apply.conftest import AGENTS, Site, point_at
from tests.apply.test_progress_terminal import in_terminal
from tests.conftest import TEST_API_KEY

SLOW = {"requests_per_minute": 20}
ANNOUNCED = re.compile(
    r"Reading the live tools of 2 agents on OpenMic API at http://127\.0\.0\.1:\d+"
    r"( \(about \d+s left\))?"
)


def test_a_long_read_says_what_it_reads_in_plain_lines(site: Site) -> None:
    point_at(site.root, site.url, rate_limit=SLOW)
    result = site.run("plan")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert any(ANNOUNCED.fullmatch(line) for line in lines), result.stderr
    assert not any(ANNOUNCED.search(line) for line in result.stdout.splitlines())
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", result.stderr)  # a CI log's lines


def test_quiet_json_diagnostics_and_short_reads_say_nothing(site: Site) -> None:
    point_at(site.root, site.url, rate_limit=SLOW)
    quiet = site.cli("--project", site.root, "--no-color", "-q", "plan")
    assert quiet.exit_code == 0, quiet.output
    assert "Reading the live tools" not in quiet.stderr
    machine = site.cli("--project", site.root, "--diagnostics-format", "json", "plan")
    assert machine.exit_code == 0, machine.output
    assert "Reading the live tools" not in machine.stderr  # stderr is the JSON diagnostics
    point_at(site.root, site.url)  # unpaced: the read ends well within the first 2 s
    fast = site.run("plan")
    assert fast.exit_code == 0, fast.output
    assert "Reading the live tools" not in fast.stderr


def test_apply_after_a_question_shows_the_read_too(site: Site) -> None:
    point_at(site.root, site.url, rate_limit=SLOW)
    terminal = in_terminal(site.root)  # a person at a terminal, asked before anything is written
    terminal.wait_for_question()
    terminal.answer(b"n\n")
    assert terminal.finish() != 0
    assert any(ANNOUNCED.fullmatch(line) for _, line in terminal.lines), terminal.text()


@pytest.mark.slow
def test_auto_approve_reads_under_its_locks_whose_lines_say_so(site: Site) -> None:
    """Not told twice: the locks' lines say each agent's tools were read under it."""
    assert site.run("apply", "--auto-approve").exit_code == 0  # unpaced: all created
    point_at(site.root, site.url, rate_limit=SLOW)
    locked = site.run("apply", "--auto-approve")  # nothing to do: the lock and the read
    assert locked.exit_code == 0, locked.output
    assert "Reading the live tools" not in locked.stderr
    lines = locked.stderr.splitlines()
    assert "Taking the apply locks on 2 agents" in lines, locked.stderr
    assert any(line.startswith("  locked agent_support_dev, read its 11") for line in lines)


def test_the_lines_count_the_requests_sent_and_stop_with_the_read(site_factory: Any) -> None:
    """The client over HTTP, 300 ms per request, read one agent after the other: an
    announcement, then lines counting what was sent; none after the read, also when it
    ends in an error."""
    site = site_factory(latency_ms=300)
    client = OpenMicClient(site.url, TEST_API_KEY)
    said: list[str] = []
    try:
        with reading_live(client, 2, said.append, first_after=0.1, every=0.2):
            for _ in range(2):
                for uid in AGENTS.values():
                    client.list_tools(uid)
        ended = len(said)
        with pytest.raises(RuntimeError), reading_live(client, 2, said.append, first_after=0.05):
            time.sleep(0.3)
            raise RuntimeError("the read failed")
        failed = len(said)
        time.sleep(0.3)
    finally:
        client.close()
    assert said[0].startswith("Reading the live tools of 2 agents on OpenMic API at http://")
    still = [re.fullmatch(r"  still reading: (\d+) requests? sent", line) for line in said]
    counts = [int(match[1]) for match in still[1:ended] if match]
    assert counts and counts == sorted(counts) and counts[-1] <= 4, said
    assert failed == ended + 1 and len(said) == failed  # announced, then nothing after it
