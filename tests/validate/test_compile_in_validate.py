"""validate runs the compiler: every problem compile would refuse offline is reported by
validate, located at the key or value that causes it (through real files)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from compiler.diagnostics import Diagnostic
from tests.conftest import CliResult, write_files
from tests.validate.conftest import validate_files

CHANNEL = """\
kind: channel
name: Main
phone_number: "+14155550100"
capabilities: [sms]
"""

SMS_HEADER = """\
kind: action
type: send_text_message
agent: support
name: send_it
description: Sends the caller a text.
messaging_channel: Main
"""


def found(tmp_path: Path, body: str, header: str = SMS_HEADER) -> list[tuple[str, int]]:
    files = {"channels/main.yaml": CHANNEL, "actions/a.yaml": header + textwrap.dedent(body)}
    diagnostics = sorted(validate_files(tmp_path, files), key=Diagnostic.sort_key)
    return [(d.code, d.line) for d in diagnostics if d.is_error]


def test_flow_mapping_comma_slip_is_c633_at_the_line_of_the_null_key(tmp_path: Path) -> None:
    body = """\
    message: "Texting {{ .parameters.phone }}"
    parameters_schema:
      type: object
      properties:
        phone: {type: string, description: Number to text, in E.164}
      required: [phone]
    """
    assert found(tmp_path, body) == [("C633", 11)]


def test_the_comma_slip_message_names_the_key_and_the_quote_fix(tmp_path: Path) -> None:
    body = """\
    message: "Texting {{ .parameters.phone }}"
    parameters_schema:
      type: object
      properties:
        phone: {type: string, description: Number to text, in E.164}
    """
    files = {"channels/main.yaml": CHANNEL, "actions/a.yaml": SMS_HEADER + textwrap.dedent(body)}
    (diagnostic,) = [d for d in validate_files(tmp_path, files) if d.code == "C633"]
    assert (diagnostic.line, diagnostic.column) == (11, 56)
    assert "'in E.164' reads as a key of its own" in diagnostic.message


def test_null_default_is_located_at_its_key(tmp_path: Path) -> None:
    body = """\
    message: "Hello"
    parameters_schema:
      type: object
      properties:
        n:
          type: integer
          default: ~
    """
    assert found(tmp_path, body) == [("C633", 13)]


def test_infinite_bounds_are_located_errors(tmp_path: Path) -> None:
    for line, value in ((13, "exclusiveMaximum: .Inf"), (13, "default: -.INF")):
        body = f"""\
        message: "Hello"
        parameters_schema:
          type: object
          properties:
            n:
              type: number
              {value}
        """
        assert found(tmp_path / value[:3], body) == [("C621", line)], value


def test_comment_only_message_is_a_located_error(tmp_path: Path) -> None:
    assert found(tmp_path, 'message: "{{/* later */}}"\n') == [("C634", 7)]


def test_whitespace_only_message_is_a_located_error(tmp_path: Path) -> None:
    assert found(tmp_path, 'message: "   "\n') == [("C634", 7)]


def test_empty_message_is_still_prompt_mode(tmp_path: Path) -> None:
    assert found(tmp_path, 'message: ""\n') == []


def test_unknown_channel_is_reported_once_not_again_by_the_compiler(tmp_path: Path) -> None:
    header = SMS_HEADER.replace("messaging_channel: Main", "messaging_channel: Mian")
    codes = [code for code, _ in found(tmp_path, 'message: "Hi"\n', header)]
    assert codes == ["N301"]


def test_every_environment_is_compiled(tmp_path: Path) -> None:
    """A problem only one environment's input causes (its override of the channel's
    number is null) is still found, though the default environment compiles."""
    config = """\
    default_environment: dev
    environments:
      dev: {}
      prod:
        channels:
          Main:
    """
    files = {
        "actionctl.yaml": textwrap.dedent(config),
        "channels/main.yaml": CHANNEL,
        "actions/a.yaml": SMS_HEADER + 'message: "Hi"\n',
    }
    codes = {d.code for d in validate_files(tmp_path, files) if d.is_error}
    assert codes, "a null channel override in prod must not pass validate"


def test_cli_validate_fails_where_compile_would(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    body = """\
    message: "Hello"
    parameters_schema:
      type: object
      properties:
        phone: {type: string, description: Number to text, in E.164}
    """
    root = write_files(
        tmp_path,
        {"channels/main.yaml": CHANNEL, "actions/a.yaml": SMS_HEADER + textwrap.dedent(body)},
    )
    validated = cli("--project", root, "validate")
    compiled = cli("--project", root, "compile")
    assert validated.exit_code == 1 and compiled.exit_code == 1
    assert "actions/a.yaml:11:56: error C633" in validated.stdout


def test_cached_answers_equal_uncached_for_compile_errors(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    """validate FILE reads other files from the per-file cache: a compile error is found
    in the file read in full, and the answer is the one --no-cache gives."""
    slip = """\
    message: "Hello"
    parameters_schema:
      type: object
      properties:
        phone: {type: string, description: Number to text, in E.164}
    """
    other = SMS_HEADER.replace("name: send_it", "name: send_other") + 'message: "Hi"\n'
    root = write_files(
        tmp_path,
        {
            "channels/main.yaml": CHANNEL,
            "actions/a.yaml": SMS_HEADER + textwrap.dedent(slip),
            "actions/b.yaml": other,
        },
    )
    for path in ("actions/a.yaml", "actions/b.yaml", "actions/a.yaml"):  # fills, then uses
        cached = cli("--project", root, "validate", root / path)
        uncached = cli("--project", root, "validate", "--no-cache", root / path)
        assert (cached.exit_code, cached.stdout) == (uncached.exit_code, uncached.stdout)
        assert ("C633" in cached.stdout) == (path == "actions/a.yaml")
