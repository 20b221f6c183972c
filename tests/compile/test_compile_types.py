"""Each action type compiles to its platform payload; what cannot compile is a located
diagnostic, never an exception."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from compile_helpers import make_action, sms_action

from compiler.compile import compile_action, compile_project
from compiler.model import Project

EMPTY_PARAMETERS = {"type": "object", "properties": {}, "required": []}


def action(type_: str, name: str = "tool", **fields: Any) -> Any:
    return make_action(
        {"kind": "action", "type": type_, "agent": "support", "name": name, **fields}
    )


def compiled(project: Callable[..., Project], act: Any, env: str = "dev") -> Any:
    p = project(act)
    payload, diagnostics = compile_action(act, p, p.config.environments[env])
    return payload, [(d.code, d.line) for d in diagnostics]


def test_custom_recipient_literal(project: Callable[..., Project]) -> None:
    payload, diagnostics = compiled(project, sms_action(recipient="+15557654321", message="Hi"))
    assert diagnostics == []
    assert payload["static_params"] == {
        "type": "static",
        "message": "Hi",
        "to_number": "+15557654321",
    }


def test_custom_recipient_template(project: Callable[..., Project]) -> None:
    act = sms_action(
        recipient="{{ .parameters.phone }}",
        parameters_schema={"type": "object", "properties": {"phone": {"type": "string"}}},
        message="Hi",
    )
    payload, _ = compiled(project, act)
    assert payload["static_params"]["to_number"] == "{{phone}}"
    assert payload["parameters"] == {
        "type": "object",
        "properties": {"phone": {"type": "string"}},
        "required": [],
    }


def test_recipient_variable_template(project: Callable[..., Project]) -> None:
    act = sms_action(recipient="{{ .variables.customer_phone }}", message="Hi")
    payload, _ = compiled(project, act)
    assert payload["static_params"]["to_number"] == "{{customer_phone}}"


def test_prompt_is_the_instruction(project: Callable[..., Project]) -> None:
    act = sms_action(message="", prompt="Summarise the call in two sentences.")
    payload, _ = compiled(project, act)
    assert payload["static_params"] == {
        "type": "prompt",
        "message": "Summarise the call in two sentences.",
    }


def test_empty_message_is_prompt_mode(project: Callable[..., Project]) -> None:
    payload, diagnostics = compiled(project, sms_action(message=""))
    assert diagnostics == []
    assert payload["static_params"]["type"] == "prompt"


def test_whitespace_message_is_an_error_not_prompt_mode(project: Callable[..., Project]) -> None:
    payload, diagnostics = compiled(project, sms_action(message="  \n"))
    assert payload is None
    assert [code for code, _ in diagnostics] == ["C634"]


def test_comment_only_message_is_never_an_empty_static_sms(
    project: Callable[..., Project],
) -> None:
    for message in ("{{/* later */}}", " {{- /* later */ -}} \n"):
        payload, diagnostics = compiled(project, sms_action(message=message))
        assert payload is None
        assert [code for code, _ in diagnostics] == ["C634"]


def test_comment_only_prompt_is_an_error(project: Callable[..., Project]) -> None:
    payload, diagnostics = compiled(project, sms_action(prompt="{{/* later */}}"))
    assert payload is None
    assert [code for code, _ in diagnostics] == ["C634"]


def test_message_with_text_beside_a_comment_is_sent(project: Callable[..., Project]) -> None:
    payload, diagnostics = compiled(project, sms_action(message="Hi{{/* name later */}}"))
    assert diagnostics == []
    assert payload["static_params"] == {"type": "static", "message": "Hi"}


def test_derived_instruction_for_a_custom_recipient(project: Callable[..., Project]) -> None:
    act = sms_action(recipient="+15557654321", description="Texts the office address.")
    payload, _ = compiled(project, act)
    assert payload["static_params"]["message"] == (
        "Write a short SMS that does the following: Texts the office address."
    )


def test_derived_instruction_without_description(project: Callable[..., Project]) -> None:
    payload, _ = compiled(project, sms_action(description=""))
    assert payload["static_params"]["message"] == "Write a short SMS to the caller."


def test_speak_flags_overrides(project: Callable[..., Project]) -> None:
    act = sms_action(message="Hi", speak_during_execution=False, **{"async": True})
    payload, _ = compiled(project, act)
    assert (
        payload["speak_during_execution"],
        payload["speak_after_execution"],
        payload["async"],
    ) == (False, True, True)


def test_no_channel_means_no_from_number(project: Callable[..., Project]) -> None:
    payload, _ = compiled(project, sms_action(message="Hi"))
    assert "from_number" not in payload["static_params"]


def test_unknown_channel_is_an_error(project: Callable[..., Project]) -> None:
    act = sms_action(message="Hi", messaging_channel="Customer notification")
    payload, diagnostics = compiled(project, act)
    assert payload is None
    assert diagnostics == [("C610", 7)]


def test_unknown_channel_message_suggests(project: Callable[..., Project]) -> None:
    act = sms_action(message="Hi", messaging_channel="Customer notification")
    p = project(act)
    _, diagnostics = compile_action(act, p, p.config.environments["dev"])
    assert "did you mean 'Customer notifications'" in diagnostics[0].message


def test_template_error_blocks_the_action(project: Callable[..., Project]) -> None:
    act = sms_action(message="{{ if .parameters.x }}hi{{ end }}")
    payload, diagnostics = compiled(project, act)
    assert payload is None
    assert [code for code, _ in diagnostics] == ["T404", "T404"]


def test_handover(project: Callable[..., Project]) -> None:
    act = action(
        "handover",
        "transfer",
        description="Transfers the call.",
        phone_number="{{ .variables.call.from }}",
        transfer_type="warm",
        routing_rules="Billing questions go to +15550000200",
        transfer_settings={"ring_duration": 45, "on_hold_music": "music"},
    )
    payload, diagnostics = compiled(project, act)
    assert diagnostics == []
    assert payload == {
        "type": "transfer_call",
        "name": "transfer",
        "description": "Transfers the call.",
        "parameters": EMPTY_PARAMETERS,
        "static_params": {
            "transfer_type": "warm",
            "default_transfer_number": "{{call.from}}",
            "routing_rules": "Billing questions go to +15550000200",
            "transfer_settings": {"ring_duration": 45, "on_hold_music": "music"},
        },
        "speak_during_execution": False,
        "speak_after_execution": False,
        "async": False,
    }


def test_handover_defaults_to_cold(project: Callable[..., Project]) -> None:
    payload, _ = compiled(project, action("handover", phone_number="+15550000100"))
    assert payload["static_params"] == {
        "transfer_type": "cold",
        "default_transfer_number": "+15550000100",
    }


def test_api_call(project: Callable[..., Project]) -> None:
    schema = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    act = action(
        "api_call",
        "lookup",
        url="https://api.example.com/x",
        method="Post",
        timeout_ms=2500,
        parameters_schema=schema,
    )
    payload, diagnostics = compiled(project, act)
    assert diagnostics == []
    assert payload == {
        "type": "api_request",
        "name": "lookup",
        "description": "",
        "url": "https://api.example.com/x",
        "method": "post",
        "api_timeout": 2500,
        "parameters": schema,
        "speak_during_execution": True,
        "speak_after_execution": True,
        "async": False,
    }


def test_api_call_method_defaults_to_get(project: Callable[..., Project]) -> None:
    payload, _ = compiled(project, action("api_call", url="https://api.example.com/x"))
    assert payload["method"] == "get" and "api_timeout" not in payload


def test_api_call_put_is_a_capability_error(project: Callable[..., Project]) -> None:
    act = action("api_call", url="https://api.example.com/x", method="put")
    payload, diagnostics = compiled(project, act)
    assert payload is None and diagnostics == [("C602", 6)]


def test_api_call_url_placeholder_is_an_error(project: Callable[..., Project]) -> None:
    act = action("api_call", url="https://api.example.com/orders/{{ .parameters.id }}")
    payload, diagnostics = compiled(project, act)
    assert payload is None and diagnostics == [("C603", 5)]


def test_client_action(project: Callable[..., Project]) -> None:
    schema = {"type": "object", "properties": {"page": {"type": "string"}}, "required": []}
    payload, _ = compiled(project, action("client_action", "show", parameters_schema=schema))
    assert payload == {
        "type": "function",
        "name": "show",
        "description": "",
        "use_raw_schema": True,
        "parameters": schema,
        "speak_during_execution": True,
        "speak_after_execution": True,
        "async": False,
    }


def test_static_response_names_the_target(project: Callable[..., Project]) -> None:
    act = action("static_response", response="We are open 9 to 5.")
    p = project(act)
    payload, diagnostics = compile_action(act, p, p.config.environments["dev"])
    assert payload is None
    assert [(d.code, d.line) for d in diagnostics] == [("C601", 2)]
    assert "OpenMic has no static response tool" in diagnostics[0].message


def test_native_passthrough_with_defaults(project: Callable[..., Project]) -> None:
    act = action(
        "openmic.end_call",
        "bye",
        description="Ends the call.",
        static_params={"end_message": "Goodbye {{ name }}"},
        speak_after_execution=False,
    )
    payload, _ = compiled(project, act)
    assert payload == {
        "type": "end_call",
        "name": "bye",
        "description": "Ends the call.",
        "parameters": EMPTY_PARAMETERS,
        "static_params": {"end_message": "Goodbye {{name}}"},
        "speak_during_execution": True,
        "speak_after_execution": False,
        "async": False,
    }


def test_native_api_request(project: Callable[..., Project]) -> None:
    act = action("openmic.api_request", url="https://x.example.com", method="POST", api_timeout=9)
    payload, _ = compiled(project, act)
    assert (payload["type"], payload["method"], payload["api_timeout"]) == (
        "api_request",
        "post",
        9,
    )


def test_unknown_native_type(project: Callable[..., Project]) -> None:
    payload, diagnostics = compiled(project, action("openmic.fax"))
    assert payload is None and diagnostics == [("C620", 2)]


def test_yaml_date_in_payload_is_a_diagnostic(project: Callable[..., Project]) -> None:
    schema = {
        "type": "object",
        "properties": {"day": {"type": "string", "default": datetime.date(2026, 1, 1)}},
    }
    payload, diagnostics = compiled(project, action("client_action", parameters_schema=schema))
    # At the key that holds it (parameters_schema, the fifth line), not the document's start.
    assert payload is None and diagnostics == [("C621", 5)]


def test_infinity_in_a_schema_is_not_json(project: Callable[..., Project]) -> None:
    for bound in (float("inf"), float("-inf"), float("nan")):
        schema = {"type": "object", "properties": {"n": {"type": "number", "maximum": bound}}}
        act = action("client_action", parameters_schema=schema)
        payload, diagnostics = compiled(project, act)
        assert payload is None and diagnostics == [("C621", 5)]


def test_garbage_fields_give_diagnostics_not_exceptions(project: Callable[..., Project]) -> None:
    act = action("handover", transfer_settings=["x"], phone_number=5, routing_rules={"a": 1})
    payload, _ = compiled(project, act)
    assert payload is not None  # odd values are dropped or kept for the schema to reject


def test_project_sorted_with_uids_and_duplicates(project: Callable[..., Project]) -> None:
    a = sms_action(name="b_tool", message="Hi")
    b = sms_action(name="a_tool", message="Hi")
    dup = make_action(
        {"kind": "action", "type": "client_action", "agent": "support", "name": "a_tool"},
        file="actions/other.yaml",
    )
    p = project(a, b, dup)
    result = compile_project(p, p.config.environments["prod"])
    assert list(result.tools) == ["support/a_tool", "support/b_tool"]
    assert {t.agent_uid for t in result.tools.values()} == {"agent_support_prod"}
    assert [(d.code, d.file) for d in result.diagnostics] == [("C611", "actions/other.yaml")]


def test_agent_without_mapping_is_its_own_uid(project: Callable[..., Project]) -> None:
    act = make_action({"kind": "action", "type": "client_action", "agent": "sales", "name": "x"})
    p = project(act)
    result = compile_project(p, p.config.environments["dev"])
    assert result.tools["sales/x"].agent_uid == "sales"


def test_payload_shares_nothing_mutable_with_the_model(project: Callable[..., Project]) -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    native = action(
        "openmic.send_email",
        "mail",
        parameters=schema,
        static_params={"to": "{{a}}", "subject": "s", "body": "b"},
        extra={"nested": [1]},
    )
    ui = action("client_action", "ui", parameters_schema=schema)
    p = project(native, ui)
    result = compile_project(p, p.config.environments["dev"])
    for tool in result.tools.values():
        tool.payload["parameters"]["properties"]["a"]["type"] = "integer"
        tool.payload["parameters"]["required"].append("b")
    result.tools["support/mail"].payload["static_params"]["to"] = "x"
    result.tools["support/mail"].payload["extra"]["nested"].append(2)
    assert schema == {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    assert native.fields["static_params"]["to"] == "{{a}}"
    assert native.fields["extra"] == {"nested": [1]}


def test_variable_named_like_a_declared_parameter_blocks_the_action(
    project: Callable[..., Project],
) -> None:
    act = sms_action(
        message="Hi {{ .variables.name }} {{ .parameters.name }}",
        parameters_schema={"type": "object", "properties": {"name": {"type": "string"}}},
    )
    payload, diagnostics = compiled(project, act)
    assert payload is None
    assert [code for code, _ in diagnostics] == ["T414"]


def test_trims_and_comments_compile_as_go_prints_them(project: Callable[..., Project]) -> None:
    act = sms_action(
        message="Ref: \n  {{- .parameters.ref -}}  .{{/* internal */}} Bye",
        parameters_schema={"type": "object", "properties": {"ref": {"type": "string"}}},
    )
    payload, diagnostics = compiled(project, act)
    assert diagnostics == []
    assert payload is not None and payload["static_params"]["message"] == "Ref:{{ref}}. Bye"
