"""The YAML reader: positions for every value and key, and each rejection located."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.load import yaml_source
from compiler.load.yaml_source import (
    MAX_ALIAS_EXPANSION,
    MAX_FILE_BYTES,
    read_yaml_bytes,
    read_yaml_file,
    read_yaml_text,
)
from tests.conftest import billion_laughs


def codes_at(text: str) -> list[tuple[str, int, int]]:
    result = read_yaml_text(text, "f.yaml")
    return [(d.code, d.line, d.column) for d in result.diagnostics]


def test_positions_of_values_and_keys() -> None:
    text = "a: 1\nb:\n  - x\n  - {c: d}\n"
    [doc] = read_yaml_text(text, "f.yaml").documents
    source_map = doc.document.source_map
    assert doc.document.data == {"a": 1, "b": ["x", {"c": "d"}]}
    assert source_map.values[("a",)] == (1, 4)
    assert source_map.values[("b", 0)] == (3, 5)
    assert source_map.values[("b", 1, "c")] == (4, 9)
    assert source_map.keys[("b",)] == (2, 1)
    assert source_map.keys[("b", 1, "c")] == (4, 6)
    assert doc.document.locate("b", 1, "missing").line == 4  # nearest ancestor


def test_multi_document_files_keep_each_documents_positions_and_skip_empty_ones() -> None:
    text = "a: 1\n---\n---\nb: 2\n...\n"
    docs = read_yaml_text(text, "f.yaml").documents
    assert [d.document.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert [d.document.index for d in docs] == [0, 2]
    assert docs[1].document.source_map.values[("b",)] == (4, 4)


def test_yaml11_plain_scalars_keep_their_text() -> None:
    [doc] = read_yaml_text('a: no\nb: "no"\nc: 12:30\nd: 1.10\ne: on\n', "f").documents
    assert doc.document.data == {"a": False, "b": "no", "c": 750, "d": 1.1, "e": True}
    assert doc.plain == {("a",): "no", ("c",): "12:30", ("d",): "1.10", ("e",): "on"}


def test_keys_are_the_text_as_written() -> None:
    [doc] = read_yaml_text("on: 1\n2: x\n", "f").documents
    assert doc.document.data == {"on": 1, "2": "x"}


def test_timestamps_stay_strings() -> None:
    [doc] = read_yaml_text("d: 2024-01-02\n", "f").documents
    assert doc.document.data == {"d": "2024-01-02"}


def test_merge_keys_explicit_values_win() -> None:
    text = "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n"
    [doc] = read_yaml_text(text, "f").documents
    assert doc.document.data["c"] == {"y": 3, "x": 1}
    assert doc.document.source_map.values[("c", "y")] == (4, 6)


def test_duplicate_key_points_at_the_second_and_names_the_first() -> None:
    result = read_yaml_text("a: 1\nb: 2\na: 3\n", "f")
    [diagnostic] = result.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("Y102", 3, 1)
    assert "line 1" in diagnostic.message
    assert result.documents == []


def test_malformed_yaml_is_located() -> None:
    assert codes_at("a: [1, 2\nb: 3\n") == [("Y101", 2, 2)]


def test_tab_in_indentation() -> None:
    assert codes_at("a:\n\tb: 1\n") == [("Y103", 2, 1)]
    assert codes_at("a:\n  \tb: 1\n") == [("Y103", 2, 3)]


def test_tabs_inside_values_are_fine() -> None:
    [doc] = read_yaml_text('a: "x\\ty"\nb:\tc\n', "f").documents
    assert doc.document.data == {"a": "x\ty", "b": "c"}


def test_non_utf8_reports_line_of_the_byte() -> None:
    result = read_yaml_bytes(b"a: 1\nb: caf\xe9\n", "f")
    [diagnostic] = result.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("Y104", 2, 7)
    assert "offset 11" in diagnostic.message


def test_utf8_bom_is_accepted() -> None:
    [doc] = read_yaml_bytes(b"\xef\xbb\xbfa: 1\n", "f").documents
    assert doc.document.data == {"a": 1}


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['echo hacked']\n",
        "a: !!python/name:os.system\n",
        "a: !custom 1\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!set {x, y}\n",
    ],
)
def test_non_core_tags_never_construct(text: str) -> None:
    result = read_yaml_text(text, "f")
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [("Y105", 1, 4)]
    assert result.documents == []


def test_bad_explicit_core_tag_value() -> None:
    assert codes_at("a: !!int zz\n") == [("Y105", 1, 4)]


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_document_must_be_a_mapping(text: str) -> None:
    assert codes_at(text) == [("Y106", 1, 1)]


def test_non_scalar_keys_are_rejected() -> None:
    assert codes_at("? [a, b]\n: 1\n") == [("Y109", 1, 3)]


def test_billion_laughs_stops_fast() -> None:
    # The bound is MAX_ALIAS_EXPANSION nodes of work; the wall clock only detects a hang
    # (the time it takes is in bench/, not asserted on a shared machine).
    start = time.perf_counter()
    result = read_yaml_text(billion_laughs(), "f")
    assert time.perf_counter() - start < 10
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "Y107"
    assert str(MAX_ALIAS_EXPANSION) in diagnostic.message


def test_few_aliases_are_fine() -> None:
    [doc] = read_yaml_text("a: &x {k: v}\nb: *x\n", "f").documents
    assert doc.document.data == {"a": {"k": "v"}, "b": {"k": "v"}}


def test_recursive_alias() -> None:
    assert codes_at("a: &a [1, *a]\n") == [("Y107", 1, 4)]


def test_deep_flow_nesting_is_refused_without_crashing() -> None:
    depth = 100_000
    result = read_yaml_text("a: " + "[" * depth + "]" * depth + "\n", "f")
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [("Y110", 1, 203)]


# libyaml as bundled since PyYAML 6.0.4 refuses flow nesting past 1,000 levels itself;
# older wheels leave it to our guard. Both paths must give one Y110 at one place.
@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "a: b\nc: " + "{k: " * 3_000 + "v" + "}" * 3_000 + "\n",
        "- 'é[{'\n- " + "[" * 1_500 + "\n",
    ],
    ids=["sequences", "mappings", "unclosed-after-quoted-brackets"],
)
def test_nesting_is_one_y110_whichever_parser_refuses_it(text: str) -> None:
    guard = yaml_source._scan_events(text, "f", yaml.SafeLoader)  # never refuses itself
    assert guard is not None
    result = read_yaml_text(text, "f")  # whatever the installed libyaml does
    assert result.diagnostics == [guard]
    assert (guard.code, guard.message) == ("Y110", "nesting deeper than 200 levels")


def test_libyaml_nesting_refusal_is_reported_as_y110_at_our_limit() -> None:
    """The refusal newer libyaml raises, built here so the path runs on any version."""
    text = "x: 1\ny: " + "[" * 1_200
    refusal = yaml.scanner.ScannerError(
        "while increasing flow level",
        yaml.Mark("f", 1_005, 1, 1_000, None, None),
        "exceeded maximum nesting depth",
        yaml.Mark("f", 1_005, 1, 1_000, None, None),
    )
    found = yaml_source._nesting_refused(refusal, text, "f")
    assert found is not None
    assert found == yaml_source._scan_events(text, "f", yaml.SafeLoader)
    assert (found.code, found.line) == ("Y110", 2)
    other = yaml.scanner.ScannerError("while scanning", None, "found something else", None)
    assert yaml_source._nesting_refused(other, text, "f") is None


def test_moderate_block_nesting_is_refused() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(250)) + "  " * 250 + "v\n"
    assert [d.code for d in read_yaml_text(text, "f").diagnostics] == ["Y110"]


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_FILE_BYTES + b"\n")
    result = read_yaml_file(path, "big.yaml")
    assert [(d.code, d.line) for d in result.diagnostics] == [("Y108", 1)]


def test_unreadable_path(tmp_path: Path) -> None:
    result = read_yaml_file(tmp_path / "missing.yaml", "missing.yaml")
    assert [d.code for d in result.diagnostics] == ["Y111"]


def test_documents_before_an_error_are_kept() -> None:
    result = read_yaml_text("a: 1\n---\nb: [\n", "f")
    assert [d.document.data for d in result.documents] == [{"a": 1}]
    assert [d.code for d in result.diagnostics] == ["Y101"]


def test_duplicate_key_next_to_a_merge() -> None:
    text = "base: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n  x: 3\n"
    [diagnostic] = read_yaml_text(text, "f").diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("Y102", 5, 3)
    assert "line 4" in diagnostic.message


def test_duplicate_non_string_keys() -> None:
    [diagnostic] = read_yaml_text("1: a\n1: b\n", "f").diagnostics
    assert (diagnostic.code, diagnostic.line) == ("Y102", 2)


def test_too_many_values_are_refused_before_composing() -> None:
    from compiler.load.yaml_source import MAX_NODES

    start = time.process_time()
    result = read_yaml_text("x: [" + "1," * (MAX_NODES + 10) + "1]\n", "f")
    assert time.process_time() - start < 2.0
    [diagnostic] = result.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("Y112", 1)
    assert str(MAX_NODES) in diagnostic.message


def test_many_empty_documents_are_not_values() -> None:
    assert read_yaml_text("---\n" * 100_000, "f").diagnostics == []


def test_bad_value_messages_are_short() -> None:
    [diagnostic] = read_yaml_text("a: !!int " + "z" * 100_000 + "\n", "f").diagnostics
    assert diagnostic.code == "Y105"
    assert len(diagnostic.message) < 200
    assert "(100000 characters)" in diagnostic.message


plain_data = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def all_paths(value: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    paths = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            paths += all_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += all_paths(item, (*path, index))
    return paths


@settings(max_examples=200, deadline=None)
@given(
    data=st.dictionaries(st.text(min_size=1, max_size=8), plain_data, min_size=1, max_size=5),
    flow=st.sampled_from([None, True, False]),
)
def test_same_data_as_pyyaml_and_a_position_for_every_path(
    data: dict[str, object], flow: bool | None
) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    expected = yaml.load(text, Loader=yaml.SafeLoader)
    result = read_yaml_text(text, "f")
    assert result.diagnostics == []
    [doc] = result.documents
    assert doc.document.data == expected
    source_map = doc.document.source_map
    for path in all_paths(expected):
        assert path in source_map.values
        if path:
            assert path in source_map.keys or isinstance(path[-1], int)
