"""One change as signed lines, the part the text and Markdown renderers share.

A ``Line`` is ``sign`` (``+`` added, ``-`` removed, ``~`` changed, `` `` context), a
nesting depth and text. Long strings (messages, prompts, descriptions) are shown as a
line diff when they span lines and as a word diff (``[-old-]{+new+}``) otherwise, so a
one-word edit in a 400-character prompt reads as one word. Nested objects are shown key
by key; the diff itself is ``compiler.diff`` (schema lists by name, not position).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from compiler.diff import MISSING, SET_LIKE_KEYS, FieldChange, field_changes
from compiler.plan.model import CREATE, DELETE, NO_OP, REPLACE, UPDATE, Change, Plan
from compiler.removal import unremovable

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
    """``support/x  (update in place, id 7)``."""
    details = [VERBS[change.action]]
    if change.action == REPLACE and change.before and change.after:
        details[0] += ": " + replace_reason(change.before, change.after)
    if change.tool_id is not None:
        details.append(f"id {change.tool_id}")
    if change.source:
        details.append(change.source)
    return f"{change.address}  ({', '.join(details)})"


def replace_reason(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """Why a tool is replaced rather than updated in place."""
    if before.get("type") != after.get("type"):
        return f"type {before.get('type')} -> {after.get('type')}"
    fields = ", ".join(unremovable(before, after))
    return f"{fields} removed; the platform has no null to remove it in place"


def change_lines(change: Change) -> list[Line]:
    if change.action == CREATE:
        return list(_value_lines("+", 0, None, change.after or {}))
    if change.action == DELETE:
        return list(_value_lines("-", 0, None, change.before or {}))
    if change.action == NO_OP:
        return []
    lines: list[Line] = []
    for field in field_changes(change.before or {}, change.after or {}):
        lines += field_lines(field)
    return lines


def field_lines(field: FieldChange) -> list[Line]:
    if field.kind == "added":
        return list(_value_lines("+", 0, field.path, field.after))
    if field.kind == "removed":
        return list(_value_lines("-", 0, field.path, field.before))
    before, after = field.before, field.after
    if isinstance(before, str) and isinstance(after, str) and _is_long(before, after):
        return [Line("~", 0, f"{field.path}:"), *string_diff(before, after, depth=1)]
    last = field.path.rsplit(".", 1)[-1]
    if last in SET_LIKE_KEYS and isinstance(before, list) and isinstance(after, list):
        return [Line("~", 0, f"{field.path}: {_set_change(before, after)}")]
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        return [
            *_value_lines("-", 0, field.path, before),
            *_value_lines("+", 0, field.path, after),
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
    old, new = before.splitlines(), after.splitlines()
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [Line(" ", depth, text) for text in old[i1:i2]]
            continue
        lines += [Line("-", depth, text) for text in old[i1:i2]]
        lines += [Line("+", depth, text) for text in new[j1:j2]]
    return lines


_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> str:
    """``Sends a [-confirmation-]{+reminder+} SMS``: unchanged words once, edits marked."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
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


def _value_lines(sign: str, depth: int, key: str | None, value: Any) -> Iterator[Line]:
    """A value key by key; top-level call with key None lists a whole payload."""
    if key is None and isinstance(value, Mapping):
        for name, item in value.items():
            yield from _value_lines(sign, depth, str(name), item)
        return
    if isinstance(value, Mapping) and value:
        yield Line(sign, depth, f"{key}:")
        for name, item in value.items():
            yield from _value_lines(sign, depth + 1, str(name), item)
        return
    if isinstance(value, str) and "\n" in value:
        yield Line(sign, depth, f"{key}: |")
        for text in value.splitlines():
            yield Line(sign, depth + 1, text)
        return
    yield Line(sign, depth, f"{key}: {scalar(value)}")
