"""Decompiling live tools: UI style exactly where it compiles back, native otherwise.

Every round trip here goes through real files: the decompiled document is written as
YAML into a project directory, loaded by the project loader, validated and compiled,
and the payload compared with the canonical live tool.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.canonical import TOOL_TYPES, canonical_tool
from compiler.compile import compile_project
from compiler.compile.checks import check_project
from compiler.diagnostics import has_errors
from compiler.importer.decompile import (
    ChannelBook,
    Decompiled,
    channel_document,
    compile_verifier,
    decompile,
)
from compiler.importer.writer import dump_document
from compiler.load import load_project
from tests.importer.platform_examples import (
    APPOINTMENT_CONFIRMATION,
    APPOINTMENT_CONFIRMATION_YAML,
)
from tests.importer.strategies import live_tool

AGENT = "support"


def roundtrip(root: Path, live: dict[str, Any], names: dict[str, str] | None = None) -> Decompiled:
    """Decompile ``live`` into the project at ``root``, then load, validate and compile
    the files written and check the payload is exactly the canonical live tool."""
    loaded = load_project(root)
    assert loaded.project is not None, loaded.diagnostics
    environment = loaded.project.config.environment(None)
    assert environment is not None
    book = ChannelBook(loaded.project, environment, names or {})
    result = decompile(live, AGENT, book, compile_verifier(loaded.project, environment, book))
    (root / "actions" / AGENT).mkdir(parents=True, exist_ok=True)
    (root / "actions" / AGENT / "tool.yaml").write_text(dump_document(result.document))
    number = result.channel_number
    if number in book.new:
        (root / "channels").mkdir(exist_ok=True)
        document = channel_document(book.new[number], number)
        (root / "channels" / "imported.yaml").write_text(dump_document(document))
    reloaded = load_project(root)
    assert reloaded.project is not None
    diagnostics = reloaded.diagnostics + check_project(reloaded.project)
    assert not has_errors(diagnostics), diagnostics
    compiled = compile_project(reloaded.project, environment)
    assert compiled.ok, compiled.diagnostics
    assert list(compiled.tools) == [f"{AGENT}/{live['name']}"]
    assert dict(compiled.tools[f"{AGENT}/{live['name']}"].payload) == canonical_tool(live)
    return result


def text_of(result: Decompiled) -> str:
    return dump_document(result.document)


# --- the two examples of the platform's send_sms page -------------------------------------

CONFIRMATION = {"id": 11, **APPOINTMENT_CONFIRMATION}

FOLLOW_UP = {
    "id": 12,
    "type": "send_sms",
    "name": "send_follow_up",
    "description": "Send a follow-up SMS after the call",
    "static_params": {
        "type": "prompt",
        "message": "Send a follow-up message thanking the customer for their call and "
        "summarising the next steps agreed on the call.",
    },
}


def test_static_confirmation_imports_as_ui_style(tmp_path: Path) -> None:
    result = roundtrip(tmp_path, CONFIRMATION)
    assert result.style == "ui"
    assert text_of(result) == APPOINTMENT_CONFIRMATION_YAML


def test_prompt_follow_up_imports_as_ui_style(tmp_path: Path) -> None:
    result = roundtrip(tmp_path, FOLLOW_UP)
    assert result.style == "ui"
    assert text_of(result) == (
        "kind: action\n"
        "type: send_text_message\n"
        "agent: support\n"
        "name: send_follow_up\n"
        "description: Send a follow-up SMS after the call\n"
        "prompt: >-\n"
        "  Send a follow-up message thanking the customer for their call and summarising the\n"
        "  next steps agreed on the call.\n"
    )


def test_prompt_derived_from_the_description_is_left_out(tmp_path: Path) -> None:
    live = {
        "type": "send_sms",
        "name": "recap",
        "description": "Sums up the call.",
        "static_params": {
            "type": "prompt",
            "message": "Write a short SMS to the caller that does the following: Sums up the call.",
        },
    }
    result = roundtrip(tmp_path, live)
    assert text_of(result) == (
        "kind: action\ntype: send_text_message\nagent: support\nname: recap\n"
        "description: Sums up the call.\n"
    )


def test_undeclared_placeholder_becomes_a_variable(tmp_path: Path) -> None:
    live = {
        "type": "send_sms",
        "name": "greet",
        "static_params": {"type": "static", "message": "Hi {{customer_name}}, it is {{ now }}"},
    }
    result = roundtrip(tmp_path, live)
    assert result.document["message"] == (
        "Hi {{ .variables.customer_name }}, it is {{ .variables.now }}"
    )


# --- senders become channels ----------------------------------------------------------------


def test_sender_number_becomes_a_channel_named_by_the_platform(tmp_path: Path) -> None:
    live = {
        "type": "send_sms",
        "name": "notify",
        "static_params": {
            "type": "static",
            "message": "Done.",
            "from_number": "+15550000001",
            "to_number": "{{call.from}}",
        },
    }
    result = roundtrip(tmp_path, live, {"+15550000001": "Customer notifications"})
    assert result.style == "ui"
    assert result.document["messaging_channel"] == "Customer notifications"
    assert result.document["recipient"] == "{{ .variables.call.from }}"
    assert (tmp_path / "channels/imported.yaml").read_text() == (
        "kind: channel\n"
        "name: Customer notifications\n"
        'phone_number: "+15550000001"\n'
        "capabilities: [sms]\n"
    )


def test_unknown_sender_gets_a_generated_channel_name(tmp_path: Path) -> None:
    live = {
        "type": "send_sms",
        "name": "notify",
        "static_params": {"message": "Done.", "from_number": "+15550000009"},
    }
    result = roundtrip(tmp_path, live)
    assert result.document["messaging_channel"] == "Sender +15550000009"


def test_existing_channel_is_referenced(tmp_path: Path) -> None:
    (tmp_path / "channels").mkdir()
    (tmp_path / "channels/mine.yaml").write_text(
        'kind: channel\nname: Front desk\nphone_number: "+15550000001"\ncapabilities: [sms]\n'
    )
    live = {
        "type": "send_sms",
        "name": "notify",
        "static_params": {"type": "static", "message": "Done.", "from_number": "+15550000001"},
    }
    result = roundtrip(tmp_path, live, {"+15550000001": "Platform name"})
    assert result.document["messaging_channel"] == "Front desk"
    assert not (tmp_path / "channels/imported.yaml").exists()


def test_environment_override_decides_which_channel_has_the_number(tmp_path: Path) -> None:
    (tmp_path / "channels").mkdir()
    (tmp_path / "channels/mine.yaml").write_text(
        'kind: channel\nname: Front desk\nphone_number: "+15550000001"\ncapabilities: [sms]\n'
    )
    (tmp_path / "actionctl.yaml").write_text(
        "default_environment: prod\n"
        "environments:\n"
        "  prod:\n"
        "    agents: {support: agent_prod}\n"
        '    channels: {Front desk: "+15550000002"}\n'
    )
    live = {
        "type": "send_sms",
        "name": "notify",
        "static_params": {"type": "static", "message": "Done.", "from_number": "+15550000002"},
    }
    assert roundtrip(tmp_path, live).document["messaging_channel"] == "Front desk"


def test_channel_named_by_an_override_of_this_environment_is_created(tmp_path: Path) -> None:
    (tmp_path / "actionctl.yaml").write_text(
        "default_environment: dev\n"
        "environments:\n"
        "  dev:\n"
        '    channels: {Customer notifications: "+15550000002"}\n'
    )
    live = {
        "type": "send_sms",
        "name": "notify",
        "static_params": {"type": "static", "message": "Done.", "from_number": "+15550000002"},
    }
    result = roundtrip(tmp_path, live, {"+15550000002": "Platform name"})
    assert result.document["messaging_channel"] == "Customer notifications"


def test_platform_name_clashing_with_another_channel_is_made_unique(tmp_path: Path) -> None:
    (tmp_path / "channels").mkdir()
    (tmp_path / "channels/mine.yaml").write_text(
        'kind: channel\nname: Sales\nphone_number: "+15550000001"\ncapabilities: [sms]\n'
    )
    live = {
        "type": "send_sms",
        "name": "notify",
        "static_params": {"type": "static", "message": "Done.", "from_number": "+15550000002"},
    }
    result = roundtrip(tmp_path, live, {"+15550000002": "Sales"})
    assert result.document["messaging_channel"] == "Sales (+15550000002)"


# --- the other UI-style forms and their limits ---------------------------------------------


def test_transfer_with_default_number_is_a_handover(tmp_path: Path) -> None:
    live = {
        "type": "transfer_call",
        "name": "to_sales",
        "speak_during_execution": False,
        "speak_after_execution": False,
        "static_params": {"transfer_type": "cold", "default_transfer_number": "+15551234567"},
    }
    result = roundtrip(tmp_path, live)
    assert text_of(result) == (
        "kind: action\ntype: handover\nagent: support\nname: to_sales\n"
        'phone_number: "+15551234567"\n'
    )


def test_warm_transfer_with_template_and_settings(tmp_path: Path) -> None:
    live = {
        "type": "transfer_call",
        "name": "back_to_caller",
        "static_params": {
            "transfer_type": "warm",
            "default_transfer_number": "{{call.from}}",
            "routing_rules": "Billing questions: +15550001111",
            "transfer_settings": {"ring_duration": 45, "on_hold_music": "music"},
        },
    }
    result = roundtrip(tmp_path, live)
    assert result.style == "ui"
    assert result.document["phone_number"] == "{{ .variables.call.from }}"
    assert result.document["speak_during_execution"] is True  # live omitted: platform default


def test_transfer_by_routing_rules_only_stays_native(tmp_path: Path) -> None:
    live = {
        "type": "transfer_call",
        "name": "route",
        "static_params": {"transfer_type": "cold", "routing_rules": "Sales: +15550001111"},
    }
    result = roundtrip(tmp_path, live)
    assert result.style == "native"
    assert result.document["type"] == "openmic.transfer_call"


def test_api_request_is_an_api_call_with_upper_case_method(tmp_path: Path) -> None:
    live = {
        "type": "api_request",
        "name": "lookup_order",
        "url": "https://api.example.com/orders",
        "method": "post",
        "api_timeout": 5000,
        "parameters": {"type": "object", "properties": {"id": {"type": "string"}}},
    }
    result = roundtrip(tmp_path, live)
    assert text_of(result) == (
        "kind: action\ntype: api_call\nagent: support\nname: lookup_order\n"
        "url: https://api.example.com/orders\nmethod: POST\ntimeout_ms: 5000\n"
        "parameters_schema:\n  type: object\n  properties:\n    id:\n      type: string\n"
    )


def test_api_request_with_placeholder_in_url_stays_native(tmp_path: Path) -> None:
    live = {"type": "api_request", "name": "x", "url": "https://h/{{id}}", "method": "get"}
    assert roundtrip(tmp_path, live).style == "native"


def test_raw_schema_function_is_a_client_action(tmp_path: Path) -> None:
    live = {"type": "function", "name": "open_page", "use_raw_schema": True}
    result = roundtrip(tmp_path, live)
    assert text_of(result) == "kind: action\ntype: client_action\nagent: support\nname: open_page\n"


def test_function_without_raw_schema_stays_native(tmp_path: Path) -> None:
    result = roundtrip(tmp_path, {"type": "function", "name": "f", "use_raw_schema": False})
    assert result.style == "native"
    assert result.document["use_raw_schema"] is False


def test_sms_with_odd_sender_stays_native_keeps_it_and_says_why(tmp_path: Path) -> None:
    live = {
        "type": "send_sms",
        "name": "odd",
        "static_params": {"type": "static", "message": "x", "from_number": "not-a-number"},
    }
    result = decompile_only(tmp_path, live)
    assert result.style == "native"
    assert not result.verified
    assert result.document["static_params"]["from_number"] == "not-a-number"
    assert "N322" in result.notes[0]


def test_native_types_keep_every_field(tmp_path: Path) -> None:
    live = {
        "type": "check_working_hours",
        "name": "hours",
        "description": "Are we open?",
        "speak_after_execution": False,
        "static_params": {
            "timezone": "Europe/Berlin",
            "working_hours": {
                "monday": {"start": "09:00", "end": "12:30"},
                "sunday": {"start": "closed", "end": "closed"},
            },
        },
    }
    result = roundtrip(tmp_path, live)
    assert text_of(result) == (
        "kind: action\n"
        "type: openmic.check_working_hours\n"
        "agent: support\n"
        "name: hours\n"
        "description: Are we open?\n"
        "static_params:\n"
        "  timezone: Europe/Berlin\n"
        "  working_hours:\n"
        "    monday:\n"
        '      start: "09:00"\n'
        '      end: "12:30"\n'
        "    sunday:\n"
        "      start: closed\n"
        "      end: closed\n"
        "speak_after_execution: false\n"
    )


def decompile_only(root: Path, live: dict[str, Any]) -> Decompiled:
    project = load_project(root).project
    assert project is not None
    environment = project.config.environment(None)
    assert environment is not None
    book = ChannelBook(project, environment, {})
    return decompile(live, AGENT, book, compile_verifier(project, environment, book))


def test_a_platform_name_the_dashboard_refuses_is_imported_native(tmp_path: Path) -> None:
    live = {"type": "dtmf", "name": "press 1/2", "static_params": {"digits": "1"}}
    result = decompile_only(tmp_path, live)
    assert result.document["name"] == "press 1/2"
    assert (result.style, result.verified) == ("native", True)


def test_invalid_name_is_kept_and_explained(tmp_path: Path) -> None:
    live = {"type": "dtmf", "name": "press\u200b1", "static_params": {"digits": "1"}}
    result = decompile_only(tmp_path, live)
    assert result.document["name"] == "press\u200b1"
    assert not result.verified
    assert "will not validate" in result.notes[0] and "N315" in result.notes[0]


# --- the property ------------------------------------------------------------------------


all_live_tools = st.sampled_from(TOOL_TYPES).flatmap(live_tool)


def check_compiles_back(live: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        result = roundtrip(Path(directory), live)
    assert result.verified
    if _plainly_ui(live):
        assert result.style == "ui", result.document


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(all_live_tools)
def test_every_live_tool_compiles_back_exactly(live: dict[str, Any]) -> None:
    check_compiles_back(live)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(all_live_tools)
def test_every_live_tool_compiles_back_exactly_thoroughly(live: dict[str, Any]) -> None:
    check_compiles_back(live)


def _plainly_ui(live: dict[str, Any]) -> bool:
    """Tools with an obvious UI-style form: the import must pick it."""
    kind = live["type"]
    if kind == "api_request":
        return "{{" not in live["url"]
    if kind == "function":
        return live.get("use_raw_schema") is True
    if kind == "transfer_call":
        params = live["static_params"]
        return "default_transfer_number" in params and "transfer_number" not in params
    if kind == "send_sms":
        return live["static_params"]["message"].strip() != ""
    return False
