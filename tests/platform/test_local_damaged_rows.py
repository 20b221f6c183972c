"""A local platform database edited by hand or by another program: a damaged row is a
located P112 that says what is wrong and how out, never an internal error, and never
taken for a tool (a tool taken wrongly would be planned for deletion or update)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult

DAMAGE = {
    "not JSON": ("UPDATE tools SET body = '{not json' WHERE id = ?", "is not JSON"),
    "bytes": ("UPDATE tools SET body = x'ff00' WHERE id = ?", "is not JSON"),
    "a list": ("UPDATE tools SET body = '[1, 2]' WHERE id = ?", "is not a JSON object"),
    "no type": ('UPDATE tools SET body = \'{"name": "x"}\' WHERE id = ?', "has no type string"),
    "a number name": (
        'UPDATE tools SET body = \'{"type": "dtmf", "name": 5}\' WHERE id = ?',
        "has no name string",
    ),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_tool_row_is_reported_by_every_command_that_reads_it(
    example_project: Path, cli: Callable[..., CliResult], damage: str
) -> None:
    applied = cli("--project", example_project, "apply", "--auto-approve", "-q")
    assert applied.exit_code == 0, applied.output
    database = example_project / ".actionctl" / "platform.db"
    sql, expected = DAMAGE[damage]
    with sqlite3.connect(database) as db:
        (tool_id,) = db.execute("SELECT min(id) FROM tools").fetchone()
        db.execute(sql, (tool_id,))

    for command in (["plan"], ["import", "--include-declared"], ["apply", "--auto-approve"]):
        result = cli("--project", example_project, "--no-color", *command)
        assert result.exit_code == 1, (command, result.output)
        assert "internal error" not in result.output
        assert "error P112 the local platform's database has a damaged tool row" in result.stderr
        assert f"tool {tool_id}: its body {expected}" in result.stderr, result.output
        assert "move .actionctl/platform.db away" in result.stderr
