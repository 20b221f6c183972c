"""The name rules at ``renamed_from`` (N314-N318) on real YAML files: the old name is the
platform's, so only what keeps review honest applies, located at the name itself."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from compiler.diagnostics import Severity
from compiler.validate.rules import names
from tests.validate.conftest import load_clean

UI = "kind: action\ntype: client_action\nagent: {agent}\nname: {name}\n"
NATIVE = "kind: action\ntype: openmic.end_call\nagent: {agent}\nname: {name}\ndescription: Ends.\n"


def action(name: str, renamed: str | list[str], agent: str = "support", form: str = UI) -> str:
    """An action whose renamed_from is line 5 (one name) or lines 6.. (a list) in the
    dashboard's form."""
    text = form.format(agent=agent, name=json.dumps(name))
    if isinstance(renamed, str):
        return text + f"renamed_from: {json.dumps(renamed)}\n"
    return text + "renamed_from:\n" + "".join(f"  - {json.dumps(n)}\n" for n in renamed)


def run(root: Path, files: dict[str, str]) -> list[tuple[str, str, str, int, int, str]]:
    project = load_clean(root, files)
    return [(d.code, d.severity, d.file, d.line, d.column, d.message) for d in names.check(project)]


def test_a_dashboard_action_may_be_renamed_from_a_name_only_the_platform_allows(
    tmp_path: Path,
) -> None:
    """N311's characters are for names to deploy: an old "Send SMS" is renamed away."""
    files = {"actions/a.yaml": action("send_sms", ["Send SMS", "send sms (old)"])}
    assert run(tmp_path, files) == []


def test_renamed_from_a_look_alike_of_a_declared_name_is_n317(tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": UI.format(agent="support", name="book"),
        "actions/b.yaml": action("reserve", "b\u043eok"),  # a Cyrillic о
    }
    [(code, severity, file, line, column, message)] = [
        r for r in run(tmp_path, files) if r[0] == "N317"
    ]
    assert (code, severity, file, line, column) == ("N317", "error", "actions/b.yaml", 5, 15)
    assert "'b\\u043eok'" in message  # shown escaped: the Cyrillic letter is visible
    assert "actions/a.yaml:4:7 as 'book'" in message and "look alike" in message


def test_renaming_a_tool_away_from_a_look_alike_of_its_new_name_is_the_cure(
    tmp_path: Path,
) -> None:
    """``book`` renamed from its NFD twin or its Cyrillic twin: only N316's warning."""
    files = {
        "actions/a.yaml": action("caf\u00e9", "cafe\u0301", form=NATIVE),
        "actions/b.yaml": action("book", "b\u043eok"),
    }
    found = run(tmp_path, files)
    assert [(code, severity, file) for code, severity, file, *_ in found] == [
        ("N316", "warning", "actions/b.yaml")
    ]


def test_renamed_from_its_own_name_is_still_n317(tmp_path: Path) -> None:
    [(code, *_, message)] = run(tmp_path, {"actions/a.yaml": action("book", "book")})
    assert code == "N317" and "(itself)" in message


def test_two_actions_renamed_from_one_tool_is_n318_at_the_later(tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": action("reserve", ["old_a", "book"]),
        "actions/b.yaml": action("schedule", "book"),
        "actions/c.yaml": action("other", "book", agent="sales"),  # another agent: fine
    }
    [(code, severity, file, line, column, message)] = run(tmp_path, files)
    assert (code, severity, file, line, column) == ("N318", "error", "actions/b.yaml", 5, 15)
    assert "actions/a.yaml:7:5" in message  # the first claim, at its list item


def test_renamed_from_look_alikes_by_two_actions_is_n318(tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": action("reserve", "caf\u00e9"),
        "actions/b.yaml": action("schedule", "cafe\u0301"),
    }
    [(code, _, file, *_, message)] = run(tmp_path, files)
    assert (code, file) == ("N318", "actions/b.yaml")
    assert "NFC and NFD" in message


def test_one_action_may_list_look_alikes_of_one_name(tmp_path: Path) -> None:
    files = {"actions/a.yaml": action("cafe", ["caf\u00e9", "cafe\u0301"])}
    assert run(tmp_path, files) == []


def test_a_lock_name_in_renamed_from_is_n314_at_it(tmp_path: Path) -> None:
    files = {"actions/a.yaml": action("reserve", ["book", "actionctl-lock-0001"])}
    [(code, severity, file, line, column, message)] = run(tmp_path, files)
    assert (code, severity, file, line, column) == ("N314", "error", "actions/a.yaml", 7, 5)
    assert "plan ignores" in message


def test_invisible_or_mixed_script_old_names_are_warnings_at_them(tmp_path: Path) -> None:
    files = {"actions/a.yaml": action("reserve", ["boo\u200bk", "b\u043eok"])}
    found = run(tmp_path, files)
    assert [(code, severity, line, column) for code, severity, _, line, column, _ in found] == [
        ("N315", Severity.WARNING, 6, 5),
        ("N316", Severity.WARNING, 7, 5),
    ]
    assert "'boo\\u200bk'" in found[0][5] and "ignore[N315]" in found[0][5]


def test_the_warning_can_be_suppressed_once_checked(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    text = action("reserve", "b\u043eok").rstrip("\n") + "  # actionctl: ignore[N316]\n"
    root = tmp_path / "p"
    load_clean(root, {"actions/a.yaml": text})
    result = cli("--project", root, "--no-color", "validate")
    assert result.exit_code == 0, result.stdout
    assert "N316" not in result.stdout


def test_the_look_alike_key_of_plain_text_is_the_text() -> None:
    """(The shortcut for printable ASCII, which every dashboard name is, gives what the
    whole normalisation gives.)"""
    from compiler import lookalike

    for name in ["book", "Send SMS", "a-b_c", "x" * 255, "~!@#$%^&*()"]:
        assert lookalike.look_alike_key(name) == name
    assert lookalike.look_alike_key("bo\tok") == "book"  # a control character is hidden
    assert lookalike.look_alike_key("b\u043eok") == "book"
