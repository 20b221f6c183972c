"""A required field that is "missing" because it is misspelt: the misspelling is the
cause, the missing field its consequence (real files, the real loader)."""

from __future__ import annotations

from pathlib import Path

from compiler.diagnostics import Diagnostic, sorted_diagnostics
from compiler.load import load_project
from tests.conftest import write_files

ACTION = """\
kind: action
type: api_call
agent: support
name: look
description: Looks up a booking.
{url}
method: GET
"""


def loaded(tmp_path: Path, url_line: str) -> list[Diagnostic]:
    root = write_files(tmp_path, {"actions/a.yaml": ACTION.format(url=url_line)})
    return sorted_diagnostics(load_project(root).diagnostics)


def test_the_misspelt_field_comes_first_with_the_missing_one_folded_under_it(
    tmp_path: Path,
) -> None:
    (root,) = loaded(tmp_path, "ulr: https://bookings.example.com/lookup")
    assert (root.code, root.line) == ("S201", 6)
    assert "did you mean 'url'?" in root.message
    assert [(d.code, d.message.split(" of ")[0]) for d in root.consequences] == [
        ("S202", "missing required field 'url'")
    ]


def test_an_unrelated_unknown_field_does_not_fold_a_missing_one(tmp_path: Path) -> None:
    found = loaded(tmp_path, "colour: blue")
    assert sorted(d.code for d in found) == ["S201", "S202"]
    assert all(not d.consequences and d.caused_by is None for d in found)
