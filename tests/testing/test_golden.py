"""Golden compiled payloads: a missing one fails, --update rewrites only what changed,
an orphan is reported (and kept)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import CliResult
from tests.testing.conftest import failures, replace_in

GOLDEN = "tests/golden/{}/support/send_booking_confirmation.json"


def test_a_missing_golden_fails_and_says_how_to_write_it(
    tested_project: Path, run_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    (tested_project / GOLDEN.format("dev")).unlink()
    code, report = run_json(tested_project)
    assert code == 1
    (failure,) = failures(report)
    assert failure["code"] == "U130"
    assert failure["id"] == "support/send_booking_confirmation::golden[dev]"
    assert "actionctl test --update" in failure["message"]
    assert (failure["file"], failure["line"]) == (
        "tests/support/send_booking_confirmation.test.yaml",
        3,  # the test's `action:` line
    )


def test_update_writes_only_the_goldens_that_changed(
    tested_project: Path, cli: Callable[..., CliResult]
) -> None:
    goldens = sorted((tested_project / "tests/golden").rglob("*.json"))
    old = 1_000_000_000
    for path in goldens:
        os.utime(path, (old, old))
    replace_in(tested_project / "actionctl.yaml", '"+15550100001"', '"+15550100009"')
    result = cli("--project", tested_project, "test", "--update")
    # The goldens follow the change; the cases that expect the old number still fail.
    assert result.exit_code == 1
    assert "U126" in result.stdout and "U131" not in result.stdout
    changed = {
        p.relative_to(tested_project).as_posix() for p in goldens if p.stat().st_mtime != old
    }
    # Prod's number reaches the three SMS actions of its channel, and nothing else.
    assert changed == {
        "tests/golden/prod/support/send_booking_confirmation.json",
        "tests/golden/prod/support/send_directions_to_number.json",
        "tests/golden/prod/support/send_summary_sms.json",
    }
    assert sorted(line for line in result.stdout.splitlines() if line.startswith("wrote ")) == [
        f"wrote {file}" for file in sorted(changed)
    ]
    payload = json.loads((tested_project / GOLDEN.format("prod")).read_text())
    assert payload["static_params"]["from_number"] == "+15550100009"


def test_an_orphan_golden_is_reported_and_kept(
    tested_project: Path, cli: Callable[..., CliResult]
) -> None:
    orphan = tested_project / "tests/golden/dev/support/renamed_away.json"
    orphan.write_text("{}\n")
    result = cli("--project", tested_project, "test")
    assert result.exit_code == 0, result.output  # a warning
    assert "tests/golden/dev/support/renamed_away.json: warning U132" in result.stdout
    assert orphan.exists()
    # A run of some tests only cannot tell an orphan: it says nothing about it.
    assert "U132" not in cli("--project", tested_project, "test", "-k", "lookup").stdout


def test_a_golden_that_is_not_json_fails(
    tested_project: Path, run_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    (tested_project / GOLDEN.format("dev")).write_text("{not json")
    code, report = run_json(tested_project)
    assert code == 1
    assert [f["code"] for f in failures(report)] == ["U133"]


def test_golden_false_writes_and_checks_none(
    tested_project: Path, cli: Callable[..., CliResult]
) -> None:
    test_file = tested_project / "tests/support/lookup_booking.test.yaml"
    replace_in(
        test_file,
        "action: support/lookup_booking\n",
        "action: support/lookup_booking\ngolden: false\n",
    )
    for environment in ("dev", "prod"):
        (tested_project / f"tests/golden/{environment}/support/lookup_booking.json").unlink()
    result = cli("--project", tested_project, "test", "--update")
    assert result.exit_code == 0, result.output
    assert not (tested_project / "tests/golden/dev/support/lookup_booking.json").exists()
    assert "wrote" not in result.stdout
