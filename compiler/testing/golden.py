"""Golden compiled payloads: ``tests/golden/<environment>/<agent>/<name>.json``, the
canonical payload the action compiles to. A change to what would be deployed then shows
in review as a change to a file, and here field by field (the plan's renderer).

``--update`` writes a golden only when it is missing or differs (so its time stamp, and
git, move only for what changed). A golden no tested action and environment owns is an
orphan: reported, never deleted behind the user's back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compiler.atomic_write import write_atomically
from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import U130, U131, U132, U133
from compiler.testing.cases import GOLDEN_FOLDER
from compiler.testing.results import Failure

GOLDEN_MISSING = U130
GOLDEN_DIFFERS = U131
GOLDEN_ORPHAN = U132
GOLDEN_UNREADABLE = U133


def golden_path(environment: str, address: str) -> str:
    return f"{GOLDEN_FOLDER}/{environment}/{address}.json"


def golden_text(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def compare(
    root: Path, environment: str, address: str, payload: Mapping[str, Any], at: Location
) -> list[Failure]:
    """Failures of the action's golden payload in ``environment`` (located at the test
    document's ``action``, the line that asked for it)."""
    shown = golden_path(environment, address)
    try:
        text = (root / shown).read_text(encoding="utf-8")
    except FileNotFoundError:
        message = f"no golden payload {shown}: run `actionctl test --update` to write it"
        return [Failure.at(at, GOLDEN_MISSING, message)]
    except OSError as error:
        return [Failure.at(at, GOLDEN_UNREADABLE, f"cannot read {shown}: {error.strerror}")]
    try:
        golden = json.loads(text)
    except ValueError as error:
        message = f"{shown} is not JSON ({error}): run `actionctl test --update` to rewrite it"
        return [Failure.at(at, GOLDEN_UNREADABLE, message)]
    if golden == payload:
        return []
    message = f"{address} compiles differently from {shown} in {environment}"
    return [Failure.at(at, GOLDEN_DIFFERS, message, field_diff(golden, payload))]


def field_diff(golden: Any, payload: Mapping[str, Any]) -> list[str]:
    """Golden -> compiled, one line per changed field, as ``actionctl plan`` shows it."""
    from compiler.plan.diff import field_changes
    from compiler.plan.lines import field_lines

    if not isinstance(golden, Mapping):
        return [f"- {json.dumps(golden)}", "+ (the compiled payload)"]
    lines = []
    for change in field_changes(golden, payload):
        lines += [f"{'  ' * line.depth}{line.sign} {line.text}" for line in field_lines(change)]
    return lines


def update(root: Path, environment: str, address: str, payload: Mapping[str, Any]) -> bool:
    """Write the golden when it is missing or differs; True when written."""
    path = root / golden_path(environment, address)
    text = golden_text(payload)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, ValueError):
        pass  # missing or unreadable: written below
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text)
    return True


def orphans(root: Path, owned: set[str]) -> list[Diagnostic]:
    """A warning for each golden file that no tested action and environment owns."""
    top = root / GOLDEN_FOLDER
    if not top.is_dir():
        return []
    found = sorted(p.relative_to(root).as_posix() for p in top.rglob("*.json"))
    message = (
        "{} belongs to no tested action and environment (renamed or removed?): "
        "delete it, or add a test for its action"
    )
    return [
        Diagnostic.warning(Location(file), GOLDEN_ORPHAN, message.format(file))
        for file in found
        if file not in owned
    ]
