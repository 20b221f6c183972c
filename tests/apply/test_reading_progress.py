"""The plan's read of the live tools, shown as it goes when it takes a while (at 100
requests a minute, 20 agents take 12 s). Real emulator over HTTP; the client paced at
20 requests a minute so that two agents' listings take about 3 s."""

from __future__ import annotations

import re

import pytest

from tests.apply.conftest import Site, point_at
from tests.apply.test_progress_terminal import in_terminal

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


def test_quiet_and_short_reads_say_nothing(site: Site) -> None:
    point_at(site.root, site.url, rate_limit=SLOW)
    quiet = site.cli("--project", site.root, "--no-color", "-q", "plan")
    assert quiet.exit_code == 0, quiet.output
    assert "Reading the live tools" not in quiet.stderr
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
