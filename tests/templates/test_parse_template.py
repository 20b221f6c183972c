"""Go template parsing: references with positions, every unsupported construct an error
with its own code at its own line and column."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compiler.gotemplate.parser import (
    TemplateReference,
    from_platform,
    parse_template,
    to_platform,
)


def refs(text: str) -> list[tuple[str, str, int, int]]:
    return [(r.scope, r.name, r.line, r.column) for r in parse_template(text).references]


def errors(text: str) -> list[tuple[str, int, int]]:
    return [(e.code, e.line, e.column) for e in parse_template(text).errors]


def test_reference_with_any_spacing() -> None:
    text = "Hi {{.parameters.a}} {{ .parameters.b }} {{   .variables.c   }}"
    assert refs(text) == [
        ("parameters", "a", 1, 4),
        ("parameters", "b", 1, 22),
        ("variables", "c", 1, 42),
    ]
    assert not parse_template(text).errors


def test_dotted_variable_and_offsets() -> None:
    parsed = parse_template("x {{ .variables.call.from }} y")
    assert parsed.references == [TemplateReference("variables", "call.from", 2, 1, 3, 28, 5)]


def test_reference_on_a_later_line() -> None:
    assert refs("first\nsecond\n  {{ .parameters.code }}") == [("parameters", "code", 3, 3)]


def test_plain_text_has_nothing() -> None:
    parsed = parse_template("Hello {there} } {")
    assert parsed.references == [] and parsed.errors == []


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("a\n{{ if .parameters.x }}yes{{ end }}", "T404", 2, 1),
        ("{{ range .parameters.items }}", "T404", 1, 1),
        ("{{ with .variables.x }}", "T404", 1, 1),
        ("{{ else }}", "T404", 1, 1),
        ("x {{ .parameters.name | upper }}", "T405", 1, 3),
        ('{{ printf "%s" .parameters.x }}', "T406", 1, 1),
        ("{{ len(.parameters.x) }}", "T406", 1, 1),
        ("{{ $name }}", "T407", 1, 1),
        ("{{/* open", "T416", 1, 1),
        ("{{/* a */ }}", "T416", 1, 1),
        ("{{ /* a */ }}", "T416", 1, 1),
        ("a\n{{ .parameters.x\u00a0}}", "T415", 2, 1),
        ("{{ print }}", "T406", 1, 1),
        ("{{ true }}", "T417", 1, 1),
        ("{{ nil }}", "T417", 1, 1),
        ("{{ (.parameters.x) }}", "T418", 1, 1),
        ("{{ .parameters.x | | }}", "T405", 1, 1),
        ("ab\ncd {{booking_reference}}", "T410", 2, 4),
        ("{{ .call.from }}", "T411", 1, 1),
        ("{{ . }}", "T413", 1, 1),
        ("{{ .parameters }}", "T411", 1, 1),
        ("{{ .parameters.address.city }}", "T412", 1, 1),
        ("{{ 42 }}", "T417", 1, 1),
        ("{{}}", "T403", 1, 1),
        ("{{   }}", "T403", 1, 1),
        ("one\ntwo {{ .parameters.x", "T401", 2, 5),
        ("one }} two", "T402", 1, 5),
    ],
)
def test_unsupported_constructs(text: str, code: str, line: int, column: int) -> None:
    assert errors(text)[0] == (code, line, column)


def test_every_error_is_reported_not_only_the_first() -> None:
    text = "{{ if .parameters.a }}\n{{ .parameters.a }}\n{{ end }} }}"
    assert errors(text) == [("T404", 1, 1), ("T404", 3, 1), ("T402", 3, 11)]
    assert refs(text) == [("parameters", "a", 2, 1)]


def test_unterminated_before_a_later_action() -> None:
    """The later action is still read (its reference is checked too)."""
    assert errors("{{ .parameters.a {{ .parameters.b }}") == [("T401", 1, 1)]
    assert refs("{{ .parameters.a {{ .parameters.b }}") == [("parameters", "b", 1, 18)]


def test_a_comment_holding_braces_is_a_comment_and_later_errors_are_found() -> None:
    text = "{{/* {{ .parameters.old }} */}}Hi {{ if }}"
    assert errors(text) == [("T404", 1, 35)]
    assert refs(text) == []


def test_print_true_nil_are_not_told_to_write_parameters() -> None:
    for text in ("{{ print }}", "{{ true }}", "{{ nil }}"):
        (error,) = parse_template(text).errors
        assert ".parameters.print" not in error.message and "platform-style" not in error.message
    assert "'print'" in parse_template("{{ print }}").errors[0].message
    assert "nil is not a command" in parse_template("{{ nil }}").errors[0].message


def test_trim_markers_after_a_carriage_return() -> None:
    assert to_platform("x\r\n{{- .parameters.a -}}\r\ny") == "x{{a}}y"
    assert errors("x\r{{- .parameters.a -}}") == []


def test_trims_and_comments_compile_to_what_go_prints() -> None:
    text = "Dear \n {{- .parameters.name -}} \t, {{/* internal */}}see you {{- /* c */ -}} !"
    assert to_platform(text) == "Dear{{name}}, see you!"
    assert parse_template(text).literal_text == "Dear, see you!"


def test_trailing_pipe_is_a_plain_reference_as_in_go() -> None:
    assert to_platform("{{ .parameters.x | }}") == "{{x}}"
    assert errors("{{ .parameters.x | upper }}") == [("T405", 1, 1)]


@pytest.mark.parametrize("name", ["prénom", "名前", "имя", "x٣", "_1"])
def test_unicode_names_as_go_reads_them(name: str) -> None:
    assert refs("{{ .parameters." + name + " }}") == [("parameters", name, 1, 1)]
    assert to_platform("{{ .parameters." + name + " }}") == "{{" + name + "}}"


def test_errors_are_capped_with_a_count_of_the_rest() -> None:
    parsed = parse_template(" }}" * 16_000)
    assert parsed.error_count == 16_000
    assert [e.code for e in parsed.errors] == ["T402"] * 20 + ["T419"]
    assert "15980 more template errors" in parsed.errors[-1].message


def test_closing_braces_inside_a_quoted_string_do_not_close() -> None:
    assert errors('{{ "}}" }}') == [("T417", 1, 1)]


def test_platform_form_message_suggests_both_scopes() -> None:
    (error,) = parse_template("{{name}}").errors
    assert "{{ .parameters.name }}" in error.message
    assert "{{ .variables.name }}" in error.message


def test_to_platform() -> None:
    text = "Ref {{ .parameters.booking_reference }} from {{.variables.call.from}}."
    assert to_platform(text) == "Ref {{booking_reference}} from {{call.from}}."
    assert to_platform("no placeholders") == "no placeholders"


def test_from_platform_reads_unicode_names_and_leaves_the_rest() -> None:
    assert from_platform("{{prénom}} {{ 1x }} {{a-b}}", {"prénom"}) == (
        "{{ .parameters.prénom }} {{ 1x }} {{a-b}}"
    )


def test_to_platform_leaves_invalid_actions_alone() -> None:
    assert to_platform("{{ if .x }}a {{ .parameters.b }}") == "{{ if .x }}a {{b}}"


def test_from_platform() -> None:
    text = "Hi {{name}}, call {{ call.from }} at {{now.est}}"
    assert from_platform(text, {"name"}) == (
        "Hi {{ .parameters.name }}, call {{ .variables.call.from }} at {{ .variables.now.est }}"
    )


def test_literal_text_drops_actions() -> None:
    assert parse_template("Ref {{ .parameters.x }}!").literal_text == "Ref !"


names = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
literal = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=20)


@given(st.lists(st.tuples(literal, names, st.booleans()), max_size=5), literal)
def test_platform_round_trip(parts: list[tuple[str, str, bool]], tail: str) -> None:
    """from_platform(to_platform(t)) == t for text made of literals and references, when
    the declared parameters are exactly the names referenced as parameters (a variable
    named like a declared parameter would read back as the parameter: not generated)."""
    declared = {name for _, name, is_param in parts if is_param}
    pieces = []
    for text, name, _ in parts:
        scope = "parameters" if name in declared else "variables"
        pieces.append(text + "{{ ." + scope + "." + name + " }}")
    original = "".join(pieces) + tail
    platform = to_platform(original)
    assert "{{ ." not in platform
    assert from_platform(platform, declared) == original


@given(st.text(max_size=60))
def test_parser_never_raises(text: str) -> None:
    parsed = parse_template(text)
    for item in [*parsed.references, *parsed.errors]:
        assert 0 <= item.offset < max(len(text), 1)
        assert item.offset < (item.end or len(text) + 1) <= len(text) + 1
        assert item.line >= 1 and item.column >= 1


def test_messages_never_carry_control_characters() -> None:
    text = '{{ "\x1b[2J" }} {{ `a\nb\x07` }} {{ .parameters.x\x1b }} {{ \x9b }}'
    messages = [error.message for error in parse_template(text).errors]
    assert len(messages) == 4
    assert all(message.isprintable() for message in messages), messages


@pytest.mark.parametrize(
    ("text", "output", "column"),
    [
        ("}{{/**/}}}", "}}", 1),
        ("Hi }{{- /* */ -}} } there", "Hi }} there", 4),
        ("{ {{- /**/ -}} {", "{{", 1),
        ("{ {{- .parameters.x }}", "{{{x}}", 1),  # an outer brace around a placeholder
        ("{{ .parameters.x -}}\n}", "{{x}}}", 20),
    ],
)
def test_braces_joined_across_a_comment_or_trim_are_refused_as_stray(
    text: str, output: str, column: int
) -> None:
    assert "".join(p.text for p in parse_template(text).pieces if p.kind != "error") == output
    assert "}}" not in text.replace("-}}", "").replace("*/}}", "").replace(" }}", "")
    assert errors(text) == [("T402", 1, column)]
    assert "joined across a comment or trim" in parse_template(text).errors[0].message


@pytest.mark.parametrize(
    "text", ["{{ .parameters.x }}}", "}{{/* a */}}x}", "{ {{/**/}}x {{ .parameters.y }}"]
)
def test_braces_that_do_not_meet_in_the_output_are_no_error(text: str) -> None:
    assert errors(text) == []
