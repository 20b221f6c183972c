"""What an apply costs, counted at the emulator: the listing of each touched agent (read
once, under its lock, pages of 100), one request per change, and the lock's create and
delete per agent. No GET before a write (the per-agent listing is the guard), none after
(the POST/PATCH response is the tool).

minimum = list pages + 1 per change (what the changes need at the very least); the goal
is requests / minimum <= 1.05 for creates, updates, deletes and a no-change apply.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from tests.apply.test_lock import dtmf

SUPPORT = "agent_support_dev"
BULK = 100  # more than a page of tools on one agent
EXAMPLE_SUPPORT, EXAMPLE_BILLING = 11, 2


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
    bulk_file(site.root)
    creates = BULK + EXAMPLE_SUPPORT + EXAMPLE_BILLING
    methods = apply_saved(site, tmp_path)
    # Two agents, each: lock create + one listing page (its lock alone) + lock delete.
    assert methods == {"POST": creates + 2, "GET": 2, "DELETE": 2}
    assert ratio(methods, pages(0) * 2 + creates) <= 1.05


def test_updates_cost_one_request_each(site: Any, tmp_path: Path) -> None:
    bulk_file(site.root)
    assert site.run("apply", "--auto-approve").exit_code == 0
    bulk_file(site.root, "Presses 2 on the keypad")
    methods = apply_saved(site, tmp_path)
    listed = BULK + EXAMPLE_SUPPORT
    # Only support is touched: its 111 tools and the lock tool fit in two pages.
    assert methods == {"POST": 1, "GET": pages(listed + 1), "PATCH": BULK, "DELETE": 1}
    assert ratio(methods, pages(listed) + BULK) <= 1.05


def test_deletes_cost_one_request_each(site: Any, tmp_path: Path) -> None:
    path = bulk_file(site.root)
    assert site.run("apply", "--auto-approve").exit_code == 0
    path.unlink()
    methods = apply_saved(site, tmp_path, "--prune")
    listed = BULK + EXAMPLE_SUPPORT
    assert methods == {"POST": 1, "GET": pages(listed + 1), "DELETE": BULK + 1}
    assert ratio(methods, pages(listed) + BULK) <= 1.05


def test_an_apply_with_no_changes_costs_the_listing_alone(site: Any) -> None:
    bulk_file(site.root)
    assert site.run("apply", "--auto-approve").exit_code == 0
    site.server.stats.reset()
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    listing = pages(BULK + EXAMPLE_SUPPORT) + pages(EXAMPLE_BILLING)
    assert site.server.stats.snapshot()["methods"] == {"GET": listing}


def test_a_replace_costs_a_delete_and_a_create(site: Any, tmp_path: Path) -> None:
    assert site.run("apply", "--auto-approve").exit_code == 0
    path = site.root / "actions" / "support" / "call_control.yaml"
    # dtmf -> end_call under the same name: the type cannot change in place.
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
    assert methods == {"POST": 2, "GET": 1, "DELETE": 2}
