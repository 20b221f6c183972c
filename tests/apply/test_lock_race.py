"""Several real ``actionctl apply`` processes racing for one agent's lock, against one
emulator over HTTP whose tool ids are handed out at insert and become visible at commit
in another order (``id_order="shuffled"``): at most one apply ever holds the agent.

Every process applies a plan made from the same live state: each updates end_call and
creates ``contested_new`` its own way. Two holders would both pass the stale check and
both create it (a duplicate) or overwrite each other. So in every run: at most one
apply exits 0, every other one exits 3 having changed nothing, no name is duplicated,
the live state is exactly the winner's, and no lock tool is left.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from compiler.platform.lock_tools import LOCK_PREFIX
from tests.apply.test_lock import (
    CALL_CONTROL,
    SUPPORT,
    diverge,
    lock_agent_tools,
    make_lock_agent,
    remembered_lock_agents,
    start_apply,
)

FILLER = 4  # more creates per plan: the winner holds the lock longer, the applies overlap


def plans_from_one_state(site: Any, tmp_path: Path, contenders: int) -> list[Path]:
    original = (site.root / CALL_CONTROL).read_text()
    plans = []
    for index in range(contenders):
        (site.root / CALL_CONTROL).write_text(original)
        diverge(site.root, f"P{index}", FILLER)
        plan_file = tmp_path / f"plan-{index}.json"
        result = site.run("plan", "--out", plan_file)
        assert result.exit_code == 0, result.output
        assert json.loads(plan_file.read_text())["summary"]["create"] == 1 + FILLER
        plans.append(plan_file)
    (site.root / CALL_CONTROL).write_text(original)
    return plans


@dataclass
class Race:
    winner: str | None  # ``P<i>``, or None when every apply gave way
    lock_refusals: int  # applies refused by the lock (A907), not by staleness
    lock_creates: int  # lock tools created: more than one per apply means back-offs


def race_once(site: Any, tmp_path: Path, contenders: int) -> Race:
    """One race, checked."""
    plans = plans_from_one_state(site, tmp_path, contenders)
    site.server.stats.reset()
    processes = [start_apply(site.root, plan) for plan in plans]
    outputs = [(o + e).decode() for o, e in (p.communicate(timeout=120) for p in processes)]
    codes = [p.returncode for p in processes]
    assert all("Traceback" not in out for out in outputs), outputs
    assert codes.count(0) <= 1, f"two applies held the lock: exits {codes}\n{outputs}"
    assert all(code in (0, 3) for code in codes), f"exits {codes}\n{outputs}"
    for code, out in zip(codes, outputs, strict=True):
        if code == 3:
            assert "nothing was changed" in out and ("A907" in out or "A904" in out), out
    tools = site.tools()
    names = collections.Counter(t["name"] for t in tools)
    assert [n for n, count in names.items() if count > 1] == [], f"duplicates: {names}"
    assert not [n for n in names if n.startswith(LOCK_PREFIX)], "a lock tool on the agent"
    assert lock_agent_tools(site) == [], "a lock tool was left on the lock agent"
    winner = f"P{codes.index(0)}" if 0 in codes else None
    by_name = {t["name"]: t for t in tools}
    if winner is None:
        assert "contested_new" not in by_name
    else:
        assert by_name["contested_new"]["description"] == f"Created by {winner}"
        end_message = by_name["end_call"]["static_params"]["end_message"]
        assert end_message.endswith(f"Goodbye from {winner}!"), "a loser wrote"
    posts = site.server.stats.snapshot()["methods"].get("POST", 0)
    creates = posts - (1 + FILLER if winner else 0)  # the winner's own creates
    return Race(winner, sum("A907" in out for out in outputs), creates)


def reset(site: Any) -> None:
    """Back to the project as declared (the winner's contested_new deleted)."""
    for tool in site.tools():
        if tool["name"] == "contested_new" or tool["name"].startswith("filler_"):
            site.rest("DELETE", f"/agents/{SUPPORT}/tools/{tool['id']}")
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output


@pytest.fixture(params=["young", "settled"])
def racing_site(site_factory: Any, request: pytest.FixtureRequest) -> Any:
    """``young``: the lock agent made by the first apply (every apply looks it up after
    its create); ``settled``: made a month ago and remembered so, as on an account applied
    to for a while (no apply looks it up)."""
    # Latency makes the applies' lock phases overlap; the commit delay puts ids out of
    # visibility order (a create may become visible after a later id's create).
    site = site_factory(latency_ms=200, id_order="shuffled", commit_delay_ms=300)
    if request.param == "settled":
        make_lock_agent(site, age=timedelta(days=30))
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    settled = ["settled_at" in a for a in remembered_lock_agents(site)]
    assert settled == [request.param == "settled"]
    return site


def test_three_applies_race_with_shuffled_ids_at_most_one_holds(
    racing_site: Any, tmp_path: Path
) -> None:
    race_once(racing_site, tmp_path, 3)


@pytest.mark.slow
def test_many_races_with_shuffled_ids_never_two_holders(racing_site: Any, tmp_path: Path) -> None:
    races = []
    for round_ in range(6):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        races.append(race_once(racing_site, folder, 5))
        reset(racing_site)
    print(races)
    assert any(race.winner for race in races), "no apply ever won: the lock lets no one in"
    # More lock tools created than applies: some apply saw another's and backed off.
    assert any(race.lock_creates > 5 for race in races), "the applies never overlapped"


def test_the_emulator_command_serves_shuffled_ids(tmp_path: Path) -> None:
    """``actionctl emulator --id-order shuffled`` is the same store mode over HTTP."""
    command = [sys.executable, "-m", "compiler", "emulator", "--port", "0", "--id-order"]
    command += ["shuffled", "--db", str(tmp_path / "e.db")]
    env = {k: v for k, v in os.environ.items() if k != "OPENMIC_API_KEY"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()
        assert "OpenMic emulator serving http://127.0.0.1:" in line, line
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert process.returncode == 0
    bad = subprocess.run([*command[:7], "backwards"], capture_output=True, env=env, check=False)
    assert bad.returncode != 0 and b"sequential" in bad.stderr
