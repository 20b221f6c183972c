"""compiler/load/documents.py: a YAML text cut into its documents at its ``---`` lines,
as ``fmt`` and ``import --only`` cut it."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.load.documents import DocumentText, split_documents


def test_each_document_starts_at_its_marker_line_with_its_line_number() -> None:
    text = "# head\n---\na: 1\n--- # second\nb: 2\n--- !tag\nc: 3\n---\n"
    assert split_documents(text) == [
        DocumentText("", "# head\n", 1),
        DocumentText("---\n", "a: 1\n", 2),
        DocumentText("--- # second\n", "b: 2\n", 4),
        DocumentText("--- !tag\n", "c: 3\n", 6),
        DocumentText("---\n", "", 8),
    ]
    assert [d.bare for d in split_documents(text)] == [False, True, True, False, True]


def test_a_file_that_starts_with_a_marker_has_no_empty_piece_before_it() -> None:
    assert split_documents("---\na: 1\n") == [DocumentText("---\n", "a: 1\n", 1)]
    assert split_documents("a: 1\n") == [DocumentText("", "a: 1\n", 1)]
    assert split_documents("") == [DocumentText("", "", 1)]


def test_lines_that_only_look_like_markers_do_not_cut() -> None:
    text = "a: 1\n----\nb: |\n  ---\n---x: 2\n --- \n"
    assert split_documents(text) == [DocumentText("", text, 1)]


def test_crlf_markers_and_markers_with_blanks_cut_and_stay_as_written() -> None:
    text = "a: 1\r\n---\r\nb: 2\r\n--- \t\nc: 3"
    pieces = split_documents(text)
    assert [p.marker for p in pieces] == ["", "---\r\n", "--- \t\n"]
    assert all(p.bare for p in pieces[1:])


LINES = st.sampled_from(
    ["---", "--- ", "---\t# c", "--- # c", "--- !tag", "--- |", "----", "---x", " ---",
     "a: 1", "b: [x, y]", "# note", "", "...", "c: '---'", "\r"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=12), st.booleans())
def test_the_pieces_join_back_into_the_text(lines: list[str], newline_at_end: bool) -> None:
    text = "\n".join(lines) + ("\n" if newline_at_end else "")
    pieces = split_documents(text)
    assert "".join(piece.text for piece in pieces) == text
    for piece in pieces[1:] if pieces[0].marker == "" else pieces:
        assert text.split("\n")[piece.line - 1] == piece.marker.removesuffix("\n")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a: 1", "b: [x, y]", "# note", "", "c: {d: e}"]), max_size=4),
       st.integers(min_value=0, max_value=4))  # fmt: skip
def test_one_piece_per_document_that_yaml_reads(body: list[str], documents: int) -> None:
    text = "".join("---\n" + "\n".join(body) + "\n" for _ in range(documents))
    read = list(yaml.compose_all(text, Loader=yaml.SafeLoader)) if text else []
    assert len([p for p in split_documents(text) if p.marker]) == len(read)
