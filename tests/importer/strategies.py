"""Hypothesis strategies for live tools of every type, as the platform holds them."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from compiler.canonical import TOOL_TYPES

NUMBERS = ["+15550000001", "+15550000002", "+442071838750", "+4915112345678"]

names = st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)
param_names = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)
variable_names = st.sampled_from(
    ["call.from", "customer_name", "now", "date.cet", "time.utc", "agent.name", "x"]
)
# Free text: unicode, control characters, YAML traps, trailing spaces, long lines.
free_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "no",
            "1.10",
            "12:30",
            "yes",
            "- dash",
            "a: b # c",
            "  spaced  ",
            "line one\nline two\n",
            "tab\tand\r\ncrlf",
            "Ünïcödé ✓ 日本語 😀",
            "word " * 40,
            "#hash",
            "'quoted'",
            '"dq"',
        ]
    ),
)


@st.composite
def parameters(draw: st.DrawFn) -> tuple[Any, list[str]]:
    """(the tool's ``parameters`` as the platform holds it, the declared names)."""
    shape = draw(st.sampled_from(["absent", "empty", "schema"]))
    if shape == "absent":
        return None, []
    if shape == "empty":
        return {}, []
    declared = draw(st.lists(param_names, max_size=4, unique=True))
    properties = {
        name: {
            "type": draw(st.sampled_from(["string", "integer", "boolean"])),
            "description": draw(free_text),
        }
        for name in declared
    }
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if draw(st.booleans()):
        schema["required"] = draw(st.permutations(declared).map(lambda p: p[: len(p) // 2 + 1]))
    return schema, declared


@st.composite
def template_text(draw: st.DrawFn, declared: list[str]) -> str:
    """Text with ``{{x}}`` placeholders: declared parameters and conversation variables."""
    pieces = draw(
        st.lists(
            st.one_of(
                free_text.filter(lambda t: "{" not in t and "}" not in t),
                (st.sampled_from(declared) if declared else variable_names).map(
                    lambda n: "{{" + n + "}}"
                ),
                variable_names.map(lambda n: "{{ " + n + " }}"),
            ),
            min_size=1,
            max_size=5,
        )
    )
    return "".join(pieces)


def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> Any:
    return draw(strategy) if draw(st.booleans()) else None


@st.composite
def live_tool(draw: st.DrawFn, tool_type: str | None = None) -> dict[str, Any]:
    kind = tool_type or draw(st.sampled_from(TOOL_TYPES))
    schema, declared = draw(parameters())
    tool: dict[str, Any] = {
        "id": draw(st.integers(1, 10_000)),
        "type": kind,
        "name": draw(names),
        "created_at": "2026-01-01T00:00:00Z",
    }
    if draw(st.booleans()):
        tool["description"] = draw(free_text)
    if schema is not None:
        tool["parameters"] = schema
    for flag in ("speak_during_execution", "speak_after_execution", "async"):
        value = _maybe(draw, st.booleans())
        if value is not None:
            tool[flag] = value
    static_params = draw(_STATIC[kind](declared))
    if kind in ("api_request", "function"):
        tool.update(static_params)
    elif static_params is not None:
        tool["static_params"] = static_params
    return tool


def _sms(declared: list[str]) -> st.SearchStrategy[Any]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        params: dict[str, Any] = {"message": draw(template_text(declared))}
        mode = draw(st.sampled_from(["static", "prompt", None]))
        if mode is not None:
            params["type"] = mode
        if draw(st.booleans()):
            params["from_number"] = draw(st.sampled_from(NUMBERS))
        recipient = draw(
            st.one_of(
                st.none(),
                st.sampled_from(NUMBERS),
                st.just("{{call.from}}"),
                st.sampled_from(declared).map(lambda n: "{{" + n + "}}") if declared else st.none(),
            )
        )
        if recipient is not None:
            params["to_number"] = recipient
        return params

    return build()


def _transfer(declared: list[str]) -> st.SearchStrategy[Any]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        params: dict[str, Any] = {"transfer_type": draw(st.sampled_from(["cold", "warm"]))}
        target = draw(st.sampled_from(["number", "rules", "both", "webhook"]))
        if target in ("number", "both"):
            params["default_transfer_number"] = draw(
                st.one_of(st.sampled_from(NUMBERS), st.just("{{call.from}}"))
            )
        if target in ("rules", "both"):
            params["routing_rules"] = draw(free_text.filter(str.strip))
        if target == "webhook":
            params["transfer_number"] = draw(st.sampled_from(NUMBERS))
            params["pre_tool_webhook"] = True
        if draw(st.booleans()):
            params["transfer_settings"] = {
                "ring_duration": draw(st.integers(10, 120)),
                "on_hold_music": draw(st.sampled_from(["ringtone", "silence", "music"])),
            }
        return params

    return build()


def _api(declared: list[str]) -> st.SearchStrategy[Any]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "url": draw(st.sampled_from(["https://api.example.com/x", "http://h/{{id}}"]))
        }
        method = draw(st.sampled_from(["get", "post", "GET", "POST", None]))
        if method is not None:
            fields["method"] = method
        if draw(st.booleans()):
            fields["api_timeout"] = draw(st.integers(1, 120_000))
        return fields

    return build()


def _function(declared: list[str]) -> st.SearchStrategy[Any]:
    return st.sampled_from([{"use_raw_schema": True}, {"use_raw_schema": False}, {}])


def _plain(params: dict[str, st.SearchStrategy[Any]]) -> Any:
    def strategy(declared: list[str]) -> st.SearchStrategy[Any]:
        return st.fixed_dictionaries({}, optional=params).map(lambda d: d or None)

    return strategy


_STATIC = {
    "send_sms": _sms,
    "transfer_call": _transfer,
    "api_request": _api,
    "function": _function,
    "end_call": _plain({"end_message": free_text}),
    "dtmf": _plain({"digits": st.from_regex(r"[0-9*#]{1,4}", fullmatch=True)}),
    "send_email": _plain({"to": st.emails(), "subject": free_text, "body": free_text}),
    "call_booking": _plain(
        {"calendar_integration": st.just("clio"), "duration_minutes": st.integers(5, 240)}
    ),
    "check_calendar_availability": _plain(
        {"calendar_integration": st.just("clio"), "days_ahead": st.integers(1, 60)}
    ),
    "check_working_hours": _plain(
        {
            "timezone": st.sampled_from(["Europe/Berlin", "America/New_York"]),
            "working_hours": st.fixed_dictionaries(
                {},
                optional={
                    day: st.sampled_from(
                        [{"start": "09:00", "end": "17:30"}, {"start": "closed", "end": "closed"}]
                    )
                    for day in ("monday", "friday", "sunday")
                },
            ),
        }
    ),
}
