"""YAML 1.1 traps inside parameters_schema, through real files: a keyword that takes text
(``description: on``) and the values of a string parameter (``enum: [yes, no]`` is
``[true, false]``) are S204 errors with the "quote it" hint at the value; the same words
for a parameter without ``type: string`` are S220 warnings; quoted or real booleans are
clean."""

from __future__ import annotations

import textwrap
from pathlib import Path

from compiler.diagnostics import Diagnostic, Severity
from tests.validate.conftest import validate_files

HEADER = """\
kind: action
type: api_call
agent: support
name: lookup
description: Looks up a booking.
url: https://bookings.example.com/lookup
method: GET
"""


def found(tmp_path: Path, body: str, header: str = HEADER) -> list[Diagnostic]:
    files = {"actions/a.yaml": header + textwrap.dedent(body)}
    return sorted(validate_files(tmp_path, files), key=Diagnostic.sort_key)


def test_enum_of_a_string_parameter_read_as_booleans_is_an_error_at_each_value(
    tmp_path: Path,
) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        confirmed:
          type: string
          enum: [yes, no]
    """
    result = found(tmp_path, body)
    assert [(d.code, d.line, d.column) for d in result] == [("S204", 13, 14), ("S204", 13, 19)]
    assert result[0].message.startswith('`yes` is read as a boolean by YAML 1.1; quote it: "yes"')
    assert all(d.severity is Severity.ERROR for d in result)


def test_nested_description_on_gets_the_hint_not_a_bare_type_error(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        mode:
          type: string
          description: on
    """
    (diagnostic,) = found(tmp_path, body)
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("S204", 13, 20)
    assert diagnostic.message == (
        '`on` is read as a boolean by YAML 1.1; quote it: description: "on"'
    )


def test_words_for_an_untyped_parameter_warn(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        answer:
          enum: [on, off, 12:30]
          default: off
    """
    result = found(tmp_path, body)
    assert [(d.code, d.severity, d.line, d.column) for d in result] == [
        ("S220", Severity.WARNING, 12, 14),
        ("S220", Severity.WARNING, 12, 18),
        ("S220", Severity.WARNING, 12, 23),
        ("S220", Severity.WARNING, 13, 16),
    ]
    assert "(750)" in result[2].message and "not 750" in result[2].message
    assert result[3].message.endswith('quote it: default: "off" (if you meant the word, not false)')


def test_quoted_words_and_real_booleans_are_clean(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        confirmed: {type: string, enum: ["yes", "no"], description: "on"}
        flag: {type: boolean, enum: [true, false], default: yes}
        count: {type: integer, enum: [1, 2, 3]}
        anything: {enum: [true, 1]}
    """
    assert found(tmp_path, body) == []


def test_native_parameters_and_nested_items_too(tmp_path: Path) -> None:
    header = "kind: action\ntype: openmic.function\nagent: support\nname: f\n"
    body = """\
    use_raw_schema: true
    parameters:
      type: object
      properties:
        answers:
          type: array
          items:
            type: string
            enum: [Yes, "No"]
    """
    result = found(tmp_path, body, header=header)
    assert [(d.code, d.line, d.column) for d in result] == [("S204", 13, 16)]
    assert "`Yes` is read as a boolean" in result[0].message


def test_the_validate_command_reports_it_located(tmp_path: Path, cli: object) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        confirmed: {type: string, enum: [yes, no]}
    """
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "a.yaml").write_text(HEADER + textwrap.dedent(body))
    result = cli("--project", tmp_path, "validate")  # type: ignore[operator]
    assert result.exit_code == 1
    assert "actions/a.yaml:11:38: error S204 `yes` is read as a boolean" in result.stdout
