"""Whatever values the fields hold (the model may not have been validated), compiling
gives a payload or diagnostics: never an exception, never the C699 last resort."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from compile_helpers import build_project, make_action
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.compile import compile_action
from compiler.validate.rules import capability, parameters, sms, templates

TYPES = [
    "send_text_message",
    "handover",
    "api_call",
    "client_action",
    "static_response",
    "openmic.send_sms",
    "openmic.end_call",
    "openmic.nope",
    "unknown",
]
FIELDS = [
    "description",
    "message",
    "prompt",
    "recipient",
    "messaging_channel",
    "parameters_schema",
    "parameters",
    "static_params",
    "phone_number",
    "transfer_type",
    "routing_rules",
    "transfer_settings",
    "url",
    "method",
    "timeout_ms",
    "speak_during_execution",
    "async",
]
texts = st.sampled_from(
    [
        "",
        "contact",
        "Customer notifications",
        "{{ .parameters.a }}",
        "{{ if x }}",
        "{{",
        "}}",
        "{{x}}",
        "GET",
        "put",
        "https://x.example.com/{id}",
        "é" * 80,
    ]
) | st.text(max_size=30)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["type", "properties", "required", "message", "a"])
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(TYPES), st.dictionaries(st.sampled_from(FIELDS), values, max_size=8))
def test_compile_and_rules_never_raise(type_: str, fields: dict[str, Any]) -> None:
    act = make_action({"kind": "action", "type": type_, "agent": "support", "name": "x", **fields})
    project = build_project(Path("/nonexistent"), act)
    payload, diagnostics = compile_action(act, project, project.config.environments["dev"])
    assert "C699" not in {d.code for d in diagnostics}, diagnostics
    assert (payload is None) == any(d.is_error for d in diagnostics)
    for rule in (templates, parameters, sms, capability):
        list(rule.check(project))
