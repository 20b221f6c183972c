"""What an apply costs, counted at the emulator: the listing of each touched agent (read
once, under its lock, pages of 100), one request per change, and per apply the lock
tool's create and delete on the lock agent and its tool list; while the lock agent is
younger than an hour (not *settled*), also its look-up by name after that create. The
first time in a project, one look-up before the create: then where the lock agent is
is remembered in .actionctl/. No GET before a write (the per-agent listing is the
guard), none after (the POST/PATCH response is the tool).

minimum = list pages + 1 per change (what the changes need at the very least); the goal
is requests / minimum <= 1.05 for creates, updates, deletes and a no-change apply.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from compiler.apply.lock import SETTLE, SETTLED_FOR
from compiler.apply.lock_memory import LockAgentMemory
from compiler.platform.client import OpenMicClient
from tests.apply.test_lock import dtmf, make_lock_agent, remembered_lock_agents
from tests.conftest import TEST_API_KEY

SUPPORT = "agent_support_dev"
BULK = 100  # more than a page of tools on one agent
EXAMPLE_SUPPORT, EXAMPLE_BILLING = 11, 2
# Per apply that locks, on a lock agent under an hour old: the lock agent looked up by
# name after the lock's create, its tools listed once; the first apply in a project
# also looks it up before the create.
LOCK_AGENT_GETS = 2
FIRST_LOCK_AGENT_GETS = LOCK_AGENT_GETS + 1
# A settled lock agent (made over an hour before, remembered so): its tool list alone.
SETTLED_LOCK_AGENT_GETS = 1
AN_OLD_ACCOUNT = timedelta(days=30)


def bulk_file(root: Path, description: str = "Presses 2") -> Path:
    path = root / "actions" / "support" / "bulk.yaml"
    path.write_text("".join(dtmf(f"bulk_{i:03}", description) for i in range(BULK)))
    return path


def pages(tools: int) -> int:
    return max(1, math.ceil(tools / 100))


def apply_saved(site: Any, tmp_path: Path, *plan_args: str) -> dict[str, int]:
    """Plan into a file, then count the requests of applying it alone."""
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file, *plan_args).exit_code == 0
    site.server.stats.reset()
    result = site.run("apply", plan_file)
    assert result.exit_code == 0, result.output
    assert "A910" not in result.stderr  # read back from the responses: nothing differs
    methods: dict[str, int] = site.server.stats.snapshot()["methods"]
    return methods


def ratio(methods: dict[str, int], minimum: int) -> float:
    return sum(methods.values()) / minimum


def test_creates_cost_one_request_each(site: Any, tmp_path: Path) -> None:
    make_lock_agent(site)  # as on any account an apply has run on before
    bulk_file(site.root)
    creates = BULK + EXAMPLE_SUPPORT + EXAMPLE_BILLING
    methods = apply_saved(site, tmp_path)
    # One lock tool for both agents (create, delete), one listing page each (empty).
    assert methods == {"POST": creates + 1, "GET": 2 + FIRST_LOCK_AGENT_GETS, "DELETE": 1}
    assert ratio(methods, pages(0) * 2 + creates) <= 1.05


def test_the_first_apply_on_an_account_makes_the_lock_agent_once(site: Any, tmp_path: Path) -> None:
    """Two requests once per account: the lock agent's create and one more look-up."""
    methods = apply_saved(site, tmp_path)
    creates = EXAMPLE_SUPPORT + EXAMPLE_BILLING
    assert methods == {"POST": creates + 1 + 1, "GET": 2 + FIRST_LOCK_AGENT_GETS + 1, "DELETE": 1}
    (site.root / "actions" / "support" / "call_control.yaml").unlink()
    methods = apply_saved(site, tmp_path, "--prune")
    assert methods["POST"] == 1  # the lock tool alone
    assert methods["GET"] == 1 + LOCK_AGENT_GETS  # support alone; the lock agent remembered


def test_updates_cost_one_request_each(site: Any, tmp_path: Path) -> None:
    bulk_file(site.root)
    assert site.run("apply", "--auto-approve").exit_code == 0
    bulk_file(site.root, "Presses 2 on the keypad")
    methods = apply_saved(site, tmp_path)
    listed = BULK + EXAMPLE_SUPPORT
    # Only support is touched: its 111 tools in two pages; no lock tool among them.
    get = pages(listed) + LOCK_AGENT_GETS
    assert methods == {"POST": 1, "GET": get, "PATCH": BULK, "DELETE": 1}
    assert ratio(methods, pages(listed) + BULK) <= 1.05


def test_deletes_cost_one_request_each(site: Any, tmp_path: Path) -> None:
    path = bulk_file(site.root)
    assert site.run("apply", "--auto-approve").exit_code == 0
    path.unlink()
    methods = apply_saved(site, tmp_path, "--prune")
    listed = BULK + EXAMPLE_SUPPORT
    get = pages(listed) + LOCK_AGENT_GETS
    assert methods == {"POST": 1, "GET": get, "DELETE": BULK + 1}
    assert ratio(methods, pages(listed) + BULK) <= 1.05


def test_an_apply_with_no_changes_costs_the_listing_and_the_lock(site: Any) -> None:
    """apply --auto-approve locks before it reads (it cannot know there is nothing to
    do before reading): the listing and the lock; a saved plan with no changes, only
    the listing (``plan``)."""
    bulk_file(site.root)
    assert site.run("apply", "--auto-approve").exit_code == 0
    site.server.stats.reset()
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    listing = pages(BULK + EXAMPLE_SUPPORT) + pages(EXAMPLE_BILLING)
    methods = site.server.stats.snapshot()["methods"]
    assert methods == {"GET": listing + LOCK_AGENT_GETS, "POST": 1, "DELETE": 1}


def test_an_apply_plans_under_the_lock_and_lists_each_agent_once(site: Any) -> None:
    """Without a saved plan the locks are taken first and the plan reads under them:
    the stale check needs no second listing."""
    bulk_file(site.root)
    assert site.run("apply", "--auto-approve").exit_code == 0
    bulk_file(site.root, "Presses 2 on the keypad")
    site.server.stats.reset()
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    listing = pages(BULK + EXAMPLE_SUPPORT) + pages(EXAMPLE_BILLING)
    methods = site.server.stats.snapshot()["methods"]
    assert methods == {"GET": listing + LOCK_AGENT_GETS, "POST": 1, "PATCH": BULK, "DELETE": 1}
    assert ratio(methods, listing + BULK) <= 1.05


def test_a_type_change_costs_one_patch(site: Any, tmp_path: Path) -> None:
    assert site.run("apply", "--auto-approve").exit_code == 0
    path = site.root / "actions" / "support" / "call_control.yaml"
    # dtmf -> end_call under the same name: ``type`` is patchable, the id stays.
    path.write_text(
        path.read_text().replace(
            "type: openmic.dtmf\nagent: support\nname: press_one_for_reception",
            "type: openmic.end_call\nagent: support\nname: press_one_for_reception",
        )
    )
    text = path.read_text()
    start = text.index("name: press_one_for_reception")
    end = text.index("---", start) if "---" in text[start:] else len(text)
    block = text[start:end].replace('static_params:\n  digits: "1"\n', "")
    path.write_text(text[:start] + block + text[end:])
    methods = apply_saved(site, tmp_path)
    # The lock's create and delete, the listing under it, and one PATCH of the tool.
    assert methods == {"POST": 1, "PATCH": 1, "GET": 1 + LOCK_AGENT_GETS, "DELETE": 1}


def test_a_replace_costs_a_delete_and_a_create(site: Any, tmp_path: Path) -> None:
    assert site.run("apply", "--auto-approve").exit_code == 0
    path = site.root / "actions" / "support" / "lookup_booking.yaml"
    # No PATCH removes a timeout (no field is nullable): the tool is replaced.
    path.write_text(path.read_text().replace("timeout_ms: 5000\n", ""))
    methods = apply_saved(site, tmp_path)
    assert methods == {"POST": 2, "GET": 1 + LOCK_AGENT_GETS, "DELETE": 2}


def test_a_settled_lock_agent_saves_the_look_up_after_the_create(site: Any, tmp_path: Path) -> None:
    """On an account applied to for a while, the lock costs three requests (create, the
    lock agent's tool list, delete) once the project remembers its lock agent; four in a
    fresh checkout (CI), which looks it up before the create and not after."""
    home = make_lock_agent(site, age=AN_OLD_ACCOUNT)
    path = bulk_file(site.root)
    creates = BULK + EXAMPLE_SUPPORT + EXAMPLE_BILLING
    methods = apply_saved(site, tmp_path)
    assert methods == {"POST": creates + 1, "GET": 2 + 1 + SETTLED_LOCK_AGENT_GETS, "DELETE": 1}
    (kept,) = remembered_lock_agents(site)
    assert kept["uid"] == home and "settled_at" in kept
    path.unlink()
    methods = apply_saved(site, tmp_path, "--prune")
    listed = BULK + EXAMPLE_SUPPORT
    assert methods == {
        "POST": 1,
        "GET": pages(listed) + SETTLED_LOCK_AGENT_GETS,
        "DELETE": BULK + 1,
    }
    assert ratio(methods, pages(listed) + BULK) <= 1.03


def test_trusting_a_settled_lock_agent_does_not_extend_the_trust(site: Any, tmp_path: Path) -> None:
    """Settled five hours ago: an apply trusts it (no look-up after the create) and
    leaves when it settled as it was, so it is looked at again a day after that."""
    home = make_lock_agent(site, age=AN_OLD_ACCOUNT)
    five_hours_ago = (datetime.now(UTC) - timedelta(hours=5)).isoformat()
    remember(site, {**lock_agent(site, home), "settled_at": five_hours_ago})
    methods = apply_saved(site, tmp_path)
    assert methods["GET"] == 2 + SETTLED_LOCK_AGENT_GETS
    assert remembered_lock_agents(site)[0]["settled_at"] == five_hours_ago


@pytest.mark.parametrize(
    ("age", "settled"),
    [(SETTLE + timedelta(seconds=10), True), (SETTLE - timedelta(seconds=10), False)],
    ids=["just-over-an-hour", "just-under-an-hour"],
)
def test_a_lock_agent_settles_an_hour_after_it_was_made(
    site: Any, tmp_path: Path, age: timedelta, settled: bool
) -> None:
    make_lock_agent(site, age=age)
    methods = apply_saved(site, tmp_path)
    lock_gets = 1 + (SETTLED_LOCK_AGENT_GETS if settled else LOCK_AGENT_GETS)
    assert methods["GET"] == 2 + lock_gets
    assert ("settled_at" in remembered_lock_agents(site)[0]) is settled


def test_a_lock_agent_remembered_young_settles_at_the_look_up_after_the_create(
    site: Any, tmp_path: Path
) -> None:
    """Remembered before it was an hour old (no ``settled_at``): the next apply still looks
    it up after its create, and that look-up settles it; the one after saves it."""
    home = make_lock_agent(site, age=AN_OLD_ACCOUNT)
    remember(site, lock_agent(site, home))
    methods = apply_saved(site, tmp_path)
    assert methods["GET"] == 2 + LOCK_AGENT_GETS  # no look-up before the create, one after
    assert "settled_at" in remembered_lock_agents(site)[0]
    (site.root / "actions" / "support" / "call_control.yaml").unlink()
    methods = apply_saved(site, tmp_path, "--prune")
    assert methods["GET"] == 1 + SETTLED_LOCK_AGENT_GETS


def test_a_settled_lock_agent_is_looked_at_again_a_day_after_it_settled(
    site: Any, tmp_path: Path
) -> None:
    """Trusted for a day (what bounds the harm of a lock agent renamed by hand): then one
    apply looks it up after its create again, which settles it anew."""
    home = make_lock_agent(site, age=AN_OLD_ACCOUNT)
    long_ago = (datetime.now(UTC) - SETTLED_FOR - timedelta(minutes=1)).isoformat()
    remember(site, {**lock_agent(site, home), "settled_at": long_ago})
    methods = apply_saved(site, tmp_path)
    assert methods["GET"] == 2 + LOCK_AGENT_GETS  # looked up after the create
    assert remembered_lock_agents(site)[0]["settled_at"] > long_ago
    (site.root / "actions" / "support" / "call_control.yaml").unlink()
    methods = apply_saved(site, tmp_path, "--prune")
    assert methods["GET"] == 1 + SETTLED_LOCK_AGENT_GETS


def lock_agent(site: Any, uid: str) -> dict[str, Any]:
    """The lock agent as a look-up lists it: what the project remembers of it."""
    agent = site.server.store.get_agent(uid)
    return {key: agent[key] for key in ("uid", "name", "created_at")}


def remember(site: Any, agent: dict[str, Any]) -> None:
    """What a project remembers of the lock agent, written as apply writes it."""
    client = OpenMicClient(site.url, TEST_API_KEY)
    try:
        LockAgentMemory(site.root).remember(client.target, [agent])
    finally:
        client.close()
