"""T4xx through real YAML files: every template error at its file line and column,
undeclared references (errors) and unused parameters (warnings)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.compile.checks import check_project
from compiler.diagnostics import Diagnostic
from compiler.load import load_project
from tests.validate.conftest import validate_files

HEADER = """\
kind: action
type: send_text_message
agent: support
name: notify
messaging_channel: Alerts
"""
CHANNEL = "kind: channel\nname: Alerts\nphone_number: '+15550000001'\ncapabilities: [sms]\n"


def diagnostics(tmp_path: Path, body: str, prefix: str = "T4") -> list[Diagnostic]:
    files = {"channels/alerts.yaml": CHANNEL, "actions/a.yaml": HEADER + textwrap.dedent(body)}
    found = validate_files(tmp_path, files)
    return sorted((d for d in found if d.code.startswith(prefix)), key=Diagnostic.sort_key)


def located(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in found]


PARAMS_X = """\
parameters_schema:
  type: object
  properties:
    x: {type: string}
"""


@pytest.mark.parametrize(
    ("message_line", "code", "column"),
    [
        ('message: "{{ if .parameters.x }}{{ .parameters.x }}{{ end }}"', "T404", 11),
        ("message: Hi {{ .parameters.x | upper }}", "T405", 13),
        ('message: Hi {{ printf "%s" .parameters.x }}', "T406", 13),
        ("message: Hi {{ $x }} {{ .parameters.x }}", "T407", 13),
        ("message: Hi {{/* note */ }}{{ .parameters.x }}", "T416", 13),
        ('message: "Hi {{ .parameters.x\\u00a0}}"', "T415", 14),
        ("message: Hi {{ true }} {{ .parameters.x }}", "T417", 13),
        ("message: Hi {{x}}", "T410", 13),
        ("message: Hi {{ .vars.x }} {{ .parameters.x }}", "T411", 13),
        ("message: Hi {{ .parameters.x.y }} {{ .parameters.x }}", "T412", 13),
        ("message: Hi {{}} {{ .parameters.x }}", "T403", 13),
        ("message: 'Hi {{ .parameters.x'", "T401", 14),
        ("message: 'Hi }} {{ .parameters.x }}'", "T402", 14),
    ],
)
def test_error_at_its_column(tmp_path: Path, message_line: str, code: str, column: int) -> None:
    found = diagnostics(tmp_path, PARAMS_X + message_line + "\n")
    errors = [d for d in found if d.code != "T421"]  # x may be unused besides the error
    assert located(errors)[0] == (code, 10, column)
    assert all(d.is_error for d in errors)


def test_block_scalar_positions(tmp_path: Path) -> None:
    body = PARAMS_X + (
        "message: |\n"
        "  Hello {{ .parameters.x }},\n"
        "    your code is {{ .parameters.code }}\n"
        "  {{ end }}\n"
    )
    assert located(diagnostics(tmp_path, body)) == [("T420", 12, 18), ("T404", 13, 3)]


def test_folded_block_scalar_first_lines(tmp_path: Path) -> None:
    body = PARAMS_X + "message: >-\n  Hello {{ .parameters.x }} and\n  {{ .parameters.nope }}\n"
    # folding joins the two lines into one; the reference is found on the second.
    assert located(diagnostics(tmp_path, body)) == [("T420", 12, 3)]


def test_double_quoted_with_escapes_before(tmp_path: Path) -> None:
    body = PARAMS_X + 'message: "Tab\\there {{ .parameters.nope }} {{ .parameters.x }}"\n'
    assert located(diagnostics(tmp_path, body)) == [
        ("T420", 10, 21)
    ]  # \\t is two characters in the file


def test_undeclared_parameter_with_did_you_mean(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        booking_reference: {type: string}
    message: "Ref {{ .parameters.booking_ref }} / {{ .parameters.booking_reference }}"
    """
    (found,) = diagnostics(tmp_path, body)
    assert (found.code, found.line, found.column, found.is_error) == ("T420", 10, 15, True)
    assert "did you mean 'booking_reference'" in found.message


def test_reference_without_any_schema(tmp_path: Path) -> None:
    found = diagnostics(tmp_path, "message: Hi {{ .parameters.name }}\n")
    assert located(found) == [("T420", 6, 13)]


def test_unused_parameter_warning_at_its_key(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        used: {type: string}
        unused: {type: string}
    message: Hi {{ .parameters.used }}
    """
    (found,) = diagnostics(tmp_path, body)
    assert (found.code, found.line, found.column) == ("T421", 10, 5)
    assert not found.is_error and "'unused'" in found.message


def test_parameter_used_only_by_the_recipient_is_used(tmp_path: Path) -> None:
    body = """\
    recipient: "{{ .parameters.phone }}"
    parameters_schema:
      type: object
      properties:
        phone: {type: string}
    message: Your parcel is on its way.
    """
    assert diagnostics(tmp_path, body) == []


def test_no_unused_warning_in_prompt_mode(tmp_path: Path) -> None:
    body = """\
    description: Sends the caller a summary.
    parameters_schema:
      type: object
      properties:
        topic: {type: string}
    """
    assert diagnostics(tmp_path, body) == []


def test_variables_are_never_undeclared(tmp_path: Path) -> None:
    body = "message: From {{ .variables.call.from }} at {{ .variables.now }}\n"
    assert diagnostics(tmp_path, body) == []


def test_recipient_template_error(tmp_path: Path) -> None:
    body = 'recipient: "{{ .parameters.phone | trim }}"\nmessage: Hi\n'
    assert located(diagnostics(tmp_path, body)) == [("T405", 6, 13)]


def test_platform_form_of_a_declared_parameter_suggests_it(tmp_path: Path) -> None:
    (found,) = [
        d for d in diagnostics(tmp_path, PARAMS_X + "message: Hi {{ x }}\n") if d.code == "T410"
    ]
    assert "write {{ .parameters.x }} (a declared parameter)" in found.message


def test_handover_phone_number_template(tmp_path: Path) -> None:
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "h.yaml").write_text(
        "kind: action\ntype: handover\nagent: support\nname: transfer\n"
        "phone_number: '{{ .variables.call.from }}'\n---\n"
        "kind: action\ntype: handover\nagent: support\nname: transfer2\n"
        "phone_number: '{{ .parameters.number }}'\n"
    )
    loaded = load_project(tmp_path)
    assert loaded.project is not None
    found = [d for d in check_project(loaded.project) if d.code.startswith("T4")]
    assert located(found) == [("T420", 11, 16)]


def test_repeated_reference_on_a_folded_line(tmp_path: Path) -> None:
    body = "message: >-\n  {{ .parameters.a }} and\n  again {{ .parameters.a }}\n"
    assert located(diagnostics(tmp_path, body)) == [("T420", 7, 3), ("T420", 8, 9)]


def test_multi_line_double_quoted(tmp_path: Path) -> None:
    body = 'message: "Hello\n  there {{ .parameters.a }}"\n'
    assert located(diagnostics(tmp_path, body)) == [("T420", 7, 9)]


words = st.sampled_from(["Hi", "your", "ref", "is", "ready:", "it's", 'say "hi"', "tab\t", "ü"])
ref_names = st.sampled_from(["a", "b", "booking_reference", "x1"])
styles = st.sampled_from([None, '"', "'", "|", ">"])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.lists(words, max_size=4), ref_names), min_size=1, max_size=4),
    styles,
    st.integers(min_value=20, max_value=80),
)
def test_every_reference_is_located_at_its_braces(
    tmp_path_factory: pytest.TempPathFactory,
    parts: list[tuple[list[str], str]],
    style: str | None,
    width: int,
) -> None:
    """Whatever style PyYAML writes the message in (plain, quoted, block, folded, wrapped
    over lines), each undeclared reference is reported where its ``{{`` stands."""
    # single spaces only: PyYAML's emitter does not round-trip runs of spaces at a wrap
    text = " ".join(" ".join([*w, "{{ .parameters." + name + " }}"]) for w, name in parts)
    if style in ("|", ">"):
        text = text.replace(" ready:", "\nready:")  # give block scalars several lines
    root = tmp_path_factory.mktemp("p")
    (root / "actions").mkdir()
    document = yaml.safe_dump(
        {"message": text}, default_style=style, width=width, allow_unicode=True
    )
    raw = "kind: action\ntype: send_text_message\nagent: support\nname: n\n" + document
    (root / "actions" / "a.yaml").write_text(raw, encoding="utf-8")
    loaded = load_project(root)
    assert loaded.project is not None and loaded.project.actions, loaded.diagnostics
    assert loaded.project.actions[0].fields["message"] == text
    found = [d for d in check_project(loaded.project) if d.code == "T420"]
    assert len(found) == len(parts)
    lines = raw.splitlines()
    for diagnostic in found:
        assert lines[diagnostic.line - 1][diagnostic.column - 1 :].startswith("{{")
    assert len({(d.line, d.column) for d in found}) == len(found)
