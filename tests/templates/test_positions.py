"""Every template diagnostic points at its action in the file, in every YAML scalar
style: plain, single-quoted ('' escapes), double-quoted (\\u007b and other escapes,
escaped line breaks), literal and folded blocks (a header comment holding '{{'), and
over several lines. Each case marks the expected spot with the action itself: the
diagnostic's line and column must be where that text starts in the file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.compile.checks import check_project
from compiler.diagnostics import Diagnostic
from compiler.load import load_project
from tests.validate.conftest import validate_files

HEADER = "kind: action\ntype: send_text_message\nagent: support\nname: notify\n"
PARAMS = "parameters_schema:\n  type: object\n  properties:\n    x: {type: string}\n"


def template_diagnostics(tmp_path: Path, body: str) -> list[Diagnostic]:
    found = validate_files(tmp_path, {"actions/a.yaml": HEADER + PARAMS + body})
    return sorted(
        (d for d in found if d.code.startswith("T4") and d.code != "T421"),
        key=Diagnostic.sort_key,
    )


def at(raw: str, line: int, column: int) -> str:
    return raw.splitlines()[line - 1][column - 1 :]


CASES = [
    # (message lines, [(code, text the diagnostic must point at)])
    ("message: Hi {{ true }} and {{ .parameters.nope }}", [("T417", "{{ true"), ("T420", "{{ .p")]),
    ("message: 'It''s {{ true }}, it''s {{ nil }}'", [("T417", "{{ true"), ("T417", "{{ nil")]),
    ('message: "\\t\\u00e9 \\u007b\\u007b true }} {{ .parameters.x }}"', [("T417", "\\u007b")]),
    ('message: "\\x7b{ print }} \\"q\\" {{ 1 }}"', [("T406", "\\x7b"), ("T417", "{{ 1")]),
    (
        "message: |  # a comment with {{ in the header\n  Hello {{ true }}\n    more {{ nil }}\n",
        [("T417", "{{ true"), ("T417", "{{ nil")],
    ),
    (
        "message: >-  # {{ .parameters.header }}\n  Hello {{ true }}\n  folded {{ nil }}\n\n"
        "  after a blank {{ 2 }}\n",
        [("T417", "{{ true"), ("T417", "{{ nil"), ("T417", "{{ 2")],
    ),
    (
        'message: "first line \\\n    continued {{ true }}\n  and {{ nil }}"',
        [("T417", "{{ true"), ("T417", "{{ nil")],
    ),
    (
        "message: plain first\n  second {{ true }}\n\n  third {{ nil }}",
        [("T417", "{{ true"), ("T417", "{{ nil")],
    ),
    ("message: !!str &m Hi {{ true }}", [("T417", "{{ true")]),
    (
        "message: 'a }} b {{ .parameters.x\u00a0}}'",
        [("T402", "}} b"), ("T415", "{{ .parameters.x\u00a0")],
    ),
    (
        'message: "{{ .parameters.x }}{{ .variables.x }}\\u2028{{ if }}"',
        [("T414", "{{ .variables"), ("T404", "{{ if")],
    ),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_each_diagnostic_points_at_its_action(
    tmp_path: Path, body: str, expected: list[tuple[str, str]]
) -> None:
    raw = HEADER + PARAMS + body + ("" if body.endswith("\n") else "\n")
    found = template_diagnostics(tmp_path, body + ("" if body.endswith("\n") else "\n"))
    assert [d.code for d in found] == [code for code, _ in expected], found
    for diagnostic, (_, marker) in zip(found, expected, strict=True):
        assert at(raw, diagnostic.line, diagnostic.column).startswith(marker), diagnostic


def test_sixteen_thousand_stray_closers_are_capped_and_located(tmp_path: Path) -> None:
    found = template_diagnostics(tmp_path, "message: '" + " }}" * 16_000 + "'\n")
    assert [d.code for d in found] == ["T402"] * 20 + ["T419"]
    assert [d.column for d in found[:3]] == [12, 15, 18]
    assert "15980 more" in found[-1].message


def test_a_variable_named_like_a_parameter_is_an_error_naming_both(tmp_path: Path) -> None:
    body = "message: Hi {{ .variables.x }}\n"  # x is a declared parameter (PARAMS)
    found = validate_files(tmp_path, {"actions/a.yaml": HEADER + PARAMS + body})
    codes = sorted(d.code for d in found if d.code.startswith("T4"))
    assert codes == ["T414"]  # and no T421: the parameter is not silently "unused"
    (conflict,) = [d for d in found if d.code == "T414"]
    assert ".variables.x" in conflict.message and "parameter 'x'" in conflict.message
    assert (conflict.line, conflict.column) == (9, 13)


def test_both_scopes_of_one_name_in_one_action(tmp_path: Path) -> None:
    body = "recipient: '{{ .parameters.phone }}'\nmessage: Call {{ .variables.phone }}\n"
    found = validate_files(tmp_path, {"actions/a.yaml": HEADER + PARAMS + body})
    (conflict,) = [d for d in found if d.code == "T414"]
    assert "{{ .parameters.phone }} is also used" in conflict.message
    assert (conflict.line, conflict.column) == (10, 15)


words = st.sampled_from(["Hi", "it's", 'say "hi"', "tab\t", "ü", "€", "😀", "a\\b", "x:", "#1"])
actions = st.sampled_from(["{{ true }}", "{{ print }}", "{{ .parameters.nope }}", "{{ if }}"])
styles = st.sampled_from([None, '"', "'", "|", ">"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.lists(words, max_size=4), actions), min_size=1, max_size=4),
    styles,
    st.booleans(),
    st.integers(min_value=20, max_value=80),
)
def test_every_template_diagnostic_is_at_its_braces_in_any_style(
    tmp_path_factory: pytest.TempPathFactory,
    parts: list[tuple[list[str], str]],
    style: str | None,
    escaped: bool,
    width: int,
) -> None:
    """Whatever style PyYAML writes the message in (with allow_unicode off, non-ASCII
    characters become \\u escapes in double quotes), each error is where its '{{' is."""
    text = " ".join(" ".join([*w, action]) for w, action in parts)
    if style in ("|", ">"):
        text = text.replace(" x:", "\nx:")
    root = tmp_path_factory.mktemp("p")
    (root / "actions").mkdir()
    document = yaml.safe_dump(
        {"message": text}, default_style=style, width=width, allow_unicode=not escaped
    )
    raw = HEADER + document
    (root / "actions" / "a.yaml").write_text(raw, encoding="utf-8")
    loaded = load_project(root)
    assert loaded.project is not None and loaded.project.actions, loaded.diagnostics
    assert loaded.project.actions[0].fields["message"] == text
    found = [d for d in check_project(loaded.project) if d.code in {"T404", "T406", "T417", "T420"}]
    assert len(found) == len(parts)
    lines = raw.splitlines()
    for diagnostic in found:
        assert lines[diagnostic.line - 1][diagnostic.column - 1 :].startswith("{{"), diagnostic
    assert len({(d.line, d.column) for d in found}) == len(found)


def test_reference_errors_are_capped_per_field_too(tmp_path: Path) -> None:
    body = "message: '" + " {{ .parameters.nope }}" * 16_000 + "'\n"
    found = template_diagnostics(tmp_path, body)
    assert sorted(d.code for d in found) == ["T419"] + ["T420"] * 20
    (more,) = [d for d in found if d.code == "T419"]
    assert "15980 more reference errors" in more.message
    assert [d.column for d in found[:2]] == [12, 35]
