"""Property: whatever bytes sit in a project's files, loading, validating and compiling
produce diagnostics, never an exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.compile.checks import check_project as validated
from compiler.diagnostics import Diagnostic
from compiler.load import load_project
from tests.conftest import write_files

VALID_ACTIONS = """\
kind: action
type: send_text_message
agent: support
name: send_booking_confirmation
description: Sends a booking confirmation SMS.
messaging_channel: Customer notifications
recipient: contact
parameters_schema:
  type: object
  properties:
    booking_reference: {type: string, description: The booking reference}
  required: [booking_reference]
message: "Hi, confirmed! Reference: {{ .parameters.booking_reference }}."
---
kind: action
type: handover
agent: support
name: transfer_to_front_desk
phone_number: "+15550000099"
transfer_type: warm
transfer_settings: {ring_duration: 30}
---
kind: action
type: openmic.check_working_hours
agent: support
name: hours
static_params:
  timezone: America/New_York
  working_hours:
    monday: {start: "09:00", end: "17:00"}
---
kind: action
type: api_call
agent: support
name: lookup
url: https://example.test/lookup
method: POST
timeout_ms: 5000
"""
VALID_CHANNEL = """\
kind: channel
name: Customer notifications
phone_number: "+15550000001"
capabilities: [sms]
"""
VALID_PROJECT = """\
default_environment: dev
environments:
  dev:
    agents: {support: uid_dev}
    channels: {Customer notifications: "+15550000002"}
"""
YAML_NOISE = [*":-[]{}&*!|>'\"#%@`,?\t\n ~.0123456789abc", "<<", "---", "...", "{{", "}}"]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> bytes:
    """The text with a few random edits: deletions, insertions, duplicated or swapped
    lines, truncation, stray bytes."""
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(["delete", "insert", "dup", "swap", "truncate", "keep"]))
        position = draw(st.integers(0, max(len(text) - 1, 0)))
        if edit == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 20)) :]
        elif edit == "insert":
            text = text[:position] + draw(st.sampled_from(YAML_NOISE)) + text[position:]
        elif edit in ("dup", "swap"):
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if edit == "dup":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif edit == "truncate":
            text = text[:position]
    data = text.encode("utf-8")
    if draw(st.booleans()) and data:
        spot = draw(st.integers(0, len(data)))
        data = data[:spot] + draw(st.binary(max_size=3)) + data[spot:]
    return data


file_contents = st.one_of(
    mutated(VALID_ACTIONS),
    mutated(VALID_CHANNEL),
    st.binary(max_size=200),
    st.lists(st.sampled_from(YAML_NOISE), max_size=60).map(lambda parts: "".join(parts).encode()),
)


def check_project(files: dict[str, bytes]) -> None:
    from compiler.compile import compile_project

    with tempfile.TemporaryDirectory() as directory:
        root = write_files(Path(directory), files)
        loaded = load_project(root)
        assert all(isinstance(d, Diagnostic) for d in loaded.diagnostics)
        assert loaded.project is not None
        diagnostics = validated(loaded.project)
        assert all(isinstance(d, Diagnostic) for d in diagnostics)
        environment = loaded.project.config.environment(None)
        if environment is not None:
            result = compile_project(loaded.project, environment)
            assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
        for diagnostic in [*loaded.diagnostics, *diagnostics]:
            assert diagnostic.line >= 0 and diagnostic.column >= 0
            assert not diagnostic.file.startswith("/")


def project_files() -> st.SearchStrategy[dict[str, bytes]]:
    return st.fixed_dictionaries(
        {
            "actions/support/a.yaml": file_contents,
            "channels/c.yaml": st.one_of(st.just(VALID_CHANNEL.encode()), file_contents),
            "actionctl.yaml": st.one_of(
                st.just(VALID_PROJECT.encode()), mutated(VALID_PROJECT), file_contents
            ),
        }
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=project_files())
def test_any_input_gives_diagnostics_not_exceptions(files: dict[str, bytes]) -> None:
    check_project(files)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=project_files())
def test_any_input_gives_diagnostics_not_exceptions_long(files: dict[str, bytes]) -> None:
    check_project(files)


def test_the_unmutated_inputs_are_valid() -> None:
    """The mutations start from a clean project, so the test explores near-valid input."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "actions").mkdir()
        (root / "channels").mkdir()
        (root / "actions" / "a.yaml").write_text(VALID_ACTIONS)
        (root / "channels" / "c.yaml").write_text(VALID_CHANNEL)
        (root / "actionctl.yaml").write_text(VALID_PROJECT)
        loaded = load_project(root)
        assert loaded.diagnostics == []
        assert loaded.project is not None
        assert len(loaded.project.actions) == 4
        errors = [d for d in validated(loaded.project) if d.is_error]
        assert errors == []
