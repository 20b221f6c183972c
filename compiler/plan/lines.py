"""One change as signed lines, the part the text and Markdown renderers share.

A ``Line`` is ``sign`` (``+`` added, ``-`` removed, ``~`` changed, `` `` context), a
nesting depth and text. Long strings (messages, prompts, descriptions) are shown as a
line diff when they span lines and as a word diff (``[-old-]{+new+}``) otherwise, so a
one-word edit in a 400-character prompt reads as one word. Nested objects are shown key
by key; the diff itself is ``compiler.plan.diff`` (schema lists by name, not position).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from compiler.plan.budget import CONTINUED
from compiler.plan.diff import SET_LIKE_KEYS, FieldChange, field_changes
from compiler.plan.model import CREATE, DELETE, MISSING, NO_OP, REPLACE, UPDATE, Change, Plan
from compiler.plan.removal import unremovable

LONG_STRING = 60  # characters: longer single-line strings get a word diff


@dataclass(frozen=True)
class Line:
    sign: str
    depth: int
    text: str


def summary_line(plan: Plan) -> str:
    counts = plan.summary
    unchanged = f"{counts['no_op']} unchanged"
    if not plan.has_changes:
        return f"No changes. The live tools match the configuration ({unchanged})."
    return (
        f"Plan: {counts['create']} to create, {counts['update']} to update, "
        f"{counts['replace']} to replace, {counts['delete']} to delete, {unchanged}."
    )


def target_line(plan: Plan) -> str:
    target = plan.target
    where = " ".join(v for v in (target.get("base_url"), target.get("api_prefix")) if v)
    if target.get("platform") == "local" and target.get("path"):
        where = target["path"]
    platform = target.get("platform", "?")
    return f"Environment {plan.environment!r} on {platform}" + (f" {where}" if where else "")


SYMBOLS = {CREATE: "+", UPDATE: "~", REPLACE: "-/+", DELETE: "-", NO_OP: " "}
VERBS = {
    CREATE: "create",
    UPDATE: "update in place",
    REPLACE: "replace",
    DELETE: "delete",
    NO_OP: "no change",
}


def headline(change: Change) -> str:
    """``support/x  (update in place, id 7)``; a rename in place says so instead:
    ``support/y  (rename x → y, id 7)``."""
    details = [VERBS[change.action]]
    if change.action == REPLACE and change.before and change.after:
        details[0] += ": " + replace_reason(change.before, change.after)
    if change.renamed_from is not None:
        renamed = f"rename {change.renamed_from} → {change.name}"
        details = [renamed] if change.action == UPDATE else [*details, renamed]
    if change.tool_id is not None:
        details.append(f"id {change.tool_id}")
    if change.source:
        details.append(change.source)
    return f"{change.address}  ({', '.join(details)})"


def replace_reason(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """Why a tool is replaced rather than updated in place."""
    fields = ", ".join(unremovable(before, after))
    if before.get("type") != after.get("type"):
        kinds = f"{before.get('type')} -> {after.get('type')}"
        return f"type {kinds} leaves {fields}, no PATCH removes it"
    return f"{fields} removed; the platform has no null to remove it in place"


def change_lines(change: Change) -> list[Line]:
    return _lines_of(change, _value_lines, field_lines)


def _lines_of(
    change: Change,
    value_lines: Callable[[str, int, str | None, Any], Iterable[Line]],
    lines_of_field: Callable[[FieldChange], list[Line]],
) -> list[Line]:
    """A created or deleted tool whole, or each changed field: the shape shared by the
    terminal's lines and the review comment's."""
    if change.action == CREATE:
        return list(value_lines("+", 0, None, change.after or {}))
    if change.action == DELETE:
        return list(value_lines("-", 0, None, change.before or {}))
    if change.action == NO_OP:
        return []
    lines: list[Line] = []
    for field in field_changes(change.before or {}, change.after or {}):
        lines += lines_of_field(field)
    return lines


def field_lines(field: FieldChange) -> list[Line]:
    if field.kind == "added":
        return list(_value_lines("+", 0, str(field.path), field.after))
    if field.kind == "removed":
        return list(_value_lines("-", 0, str(field.path), field.before))
    before, after = field.before, field.after
    if isinstance(before, str) and isinstance(after, str) and _is_long(before, after):
        return [Line("~", 0, f"{field.path}:"), *string_diff(before, after, depth=1)]
    last = field.path[-1]
    if last in SET_LIKE_KEYS and isinstance(before, list) and isinstance(after, list):
        return [Line("~", 0, f"{field.path}: {_set_change(before, after)}")]
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        return [
            *_value_lines("-", 0, str(field.path), before),
            *_value_lines("+", 0, str(field.path), after),
        ]
    return [Line("~", 0, f"{field.path}: {scalar(before)} -> {scalar(after)}")]


def _is_long(before: str, after: str) -> bool:
    return "\n" in before or "\n" in after or max(len(before), len(after)) > LONG_STRING


def _set_change(before: list[Any], after: list[Any]) -> str:
    added = [scalar(v) for v in after if v not in before]
    removed = [scalar(v) for v in before if v not in after]
    parts = [f"+{v}" for v in added] + [f"-{v}" for v in removed]
    return ", ".join(parts) if parts else f"{scalar(before)} -> {scalar(after)}"


def string_diff(before: str, after: str, *, depth: int) -> list[Line]:
    """A line diff for multi-line text, a word diff for one long line."""
    if "\n" not in before and "\n" not in after:
        return [Line(" ", depth, word_diff(before, after))]
    return _line_diff(before.splitlines(), after.splitlines(), depth)


def _line_diff(old: list[str], new: list[str], depth: int) -> list[Line]:
    """Unchanged lines as context, changed ones as ``-`` then ``+``."""
    lines: list[Line] = []
    for tag, i1, i2, j1, j2 in opcodes(old, new):
        if tag == "equal":
            lines += [Line(" ", depth, text) for text in old[i1:i2]]
            continue
        lines += [Line("-", depth, text) for text in old[i1:i2]]
        lines += [Line("+", depth, text) for text in new[j1:j2]]
    return lines


_WORDS = re.compile(r"\s+|[^\s]+")
MAX_ALIGN = 250_000  # tokens of one side times the other's that difflib may align


Opcode = tuple[str, int, int, int, int]


def opcodes(old: list[str], new: list[str]) -> list[Opcode]:
    """``SequenceMatcher`` opcodes in time linear in what the edit leaves alone: the
    common head and tail are matched first, and a middle too large to align (difflib
    is quadratic on repetitive text) is shown as replaced whole."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    a, b = old[head : len(old) - tail], new[head : len(new) - tail]
    middle: list[Opcode] = []
    if len(a) * len(b) <= MAX_ALIGN:
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        middle = [
            (t, i1 + head, i2 + head, j1 + head, j2 + head)
            for t, i1, i2, j1, j2 in matcher.get_opcodes()
        ]
    elif a or b:
        tag = "replace" if a and b else ("delete" if a else "insert")
        middle = [(tag, head, head + len(a), head, head + len(b))]
    out: list[Opcode] = [("equal", 0, head, 0, head)] if head else []
    out += [code for code in middle if code[1] != code[2] or code[3] != code[4]]
    if tail:
        out.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    return _merged(out)


def _merged(codes: list[Opcode]) -> list[Opcode]:
    """Adjacent ``equal`` runs as one, as ``SequenceMatcher`` would give them."""
    out: list[Opcode] = []
    for code in codes:
        if out and out[-1][0] == code[0] == "equal":
            last = out.pop()
            code = ("equal", last[1], code[2], last[3], code[4])
        out.append(code)
    return out


def word_diff(before: str, after: str) -> str:
    """``Sends a [-confirmation-]{+reminder+} SMS``: unchanged words once, edits marked."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes(old, new):
        if tag == "equal":
            out.append("".join(old[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(old[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(new[j1:j2]) + "+}")
    return "".join(out)


def scalar(value: Any) -> str:
    if value is MISSING:
        return "(absent)"
    return json.dumps(value, ensure_ascii=False)


def _value_lines(
    sign: str, depth: int, key: str | None, value: Any, wrap: int | None = None
) -> Iterator[Line]:
    """A value key by key; top-level call with key None lists a whole payload. With
    ``wrap`` (review lines), one-line text longer than that is wrapped at sentences under
    its key, as an update shows it, so it stays within a comment's width."""
    if key is None and isinstance(value, Mapping):
        for name, item in value.items():
            yield from _value_lines(sign, depth, str(name), item, wrap)
        return
    if isinstance(value, Mapping) and value:
        yield Line(sign, depth, f"{key}:")
        for name, item in value.items():
            yield from _value_lines(sign, depth + 1, str(name), item, wrap)
        return
    if isinstance(value, str) and "\n" in value:
        yield Line(sign, depth, f"{key}: |")
        for text in value.splitlines():
            yield Line(sign, depth + 1, text)
        return
    if wrap is not None and isinstance(value, str) and len(value) > wrap:
        yield Line(sign, depth, f"{key}:")
        for text in display_lines(value):
            yield Line(sign, depth + 1, text)
        return
    yield Line(sign, depth, f"{key}: {scalar(value)}")


# --- review lines: only "-", "+" and context, for ```diff blocks (the PR comment) ---

WRAP = 76  # characters of long text per display line in review lines
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
HINT_CONTEXT = 3  # words of context around each edit in the word-level hint


def review_lines(change: Change) -> list[Line]:
    """Like ``change_lines`` but every change is a ``-`` line and a ``+`` line, which a
    ```diff block colours red and green; long text is wrapped at sentences so it stays
    within a comment's width, and a one-line edit gets a word-level hint after it."""
    return _lines_of(change, _review_value_lines, review_field_lines)


def review_field_lines(field: FieldChange) -> list[Line]:
    before, after = field.before, field.after
    if field.kind == "added":
        return list(_review_value_lines("+", 0, str(field.path), after))
    if field.kind == "removed":
        return list(_review_value_lines("-", 0, str(field.path), before))
    if isinstance(before, str) and isinstance(after, str) and _is_long(before, after):
        return [Line(" ", 0, f"{field.path}:"), *text_review(before, after, depth=1)]
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        return field_lines(field)
    return [
        Line("-", 0, f"{field.path}: {scalar(before)}"),
        Line("+", 0, f"{field.path}: {scalar(after)}"),
    ]


def text_review(before: str, after: str, *, depth: int) -> list[Line]:
    """A line diff of both texts as display lines (see ``display_lines``), then, for a
    one-line text, the changed words with a little context."""
    lines = _line_diff(display_lines(before), display_lines(after), depth)
    if "\n" not in before and "\n" not in after:
        lines.append(Line(" ", depth, f"(words: {word_hint(before, after)})"))
    return lines


def display_lines(text: str) -> list[str]:
    """The text's own lines, each cut at sentence ends and wrapped at ``WRAP`` characters;
    a wrapped piece starts with the visible ``CONTINUED`` marker, not spaces, so it cannot
    be mistaken for a line (or an indented line) of the text itself."""
    import textwrap

    out: list[str] = []
    for line in text.splitlines() or [""]:
        pieces = [s for s in _SENTENCE_END.split(line) if s] or [line]
        first = True
        for sentence in pieces:
            wrapped = textwrap.wrap(
                sentence, WRAP, break_long_words=False, break_on_hyphens=False
            ) or [sentence]
            for part in wrapped:
                out.append(part if first else f"{CONTINUED}{part}")
                first = False
    return out


def word_hint(before: str, after: str) -> str:
    """Only the edited words, ``[-old-]{+new+}``, with ``HINT_CONTEXT`` words around each
    edit and ``…`` for what is left out."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    out: list[str] = []
    codes = opcodes(old, new)
    keep = HINT_CONTEXT * 2  # tokens: words and the spaces between them
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag != "equal":
            if i2 > i1:
                out.append("[-" + "".join(old[i1:i2]) + "-]")
            if j2 > j1:
                out.append("{+" + "".join(new[j1:j2]) + "+}")
            continue
        same = old[i1:i2]
        head = same[:keep] if index > 0 else []
        tail = same[-keep:] if index < len(codes) - 1 else []
        if len(same) <= len(head) + len(tail):
            out.append("".join(same))
            continue
        out.append("".join(head) + "…" + "".join(tail))
    return "".join(out).strip()


def _review_value_lines(sign: str, depth: int, key: str | None, value: Any) -> Iterator[Line]:
    return _value_lines(sign, depth, key, value, WRAP)
