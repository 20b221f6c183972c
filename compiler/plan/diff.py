"""Field-level diff of two canonical tool payloads (live ``before``, desired ``after``).

deepdiff does the walking: nested dicts are compared key by key (so JSON Schema
``properties`` match by name, never by position) and lists that JSON Schema treats as
sets (``required``, a ``type`` union) ignore order. A change inside a list is reported
at the list itself: ``parameters.properties.x.enum``, not ``...enum[2]``, because a
position is not something a person can act on. A path is a ``FieldPath``, a sequence of
keys, so a key that holds a dot (a query parameter ``filter.status``) stays one key.

    changed_paths(before, after) -> [FieldPath(("static_params", "message")), ...]
    field_changes(before, after) -> [FieldChange(path, before, after), ...]
    split_ignored(live, desired) -> (live without ignored fields, ignored fields)
    value_at(payload, path) -> the value there, or MISSING

Fields the platform adds that actionctl does not manage (``agent_uid``, ``is_active``,
...) are kept by ``canonical_tool`` (import must never lose one), but comparing them
would make every plan show them as removed and every apply PATCH them to null. So,
Terraform-like, ``split_ignored`` sets aside each top-level live field that is not one
of ``compiler.canonical.FIELD_ORDER`` and that the desired payload does not set; the
caller compares what is left. A desired payload that sets such a field diffs normally.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from compiler.plan.model import MISSING, FieldPath

# Lists whose order carries no meaning in a JSON Schema or a tool payload.
SET_LIKE_KEYS: frozenset[str] = frozenset({"required", "type"})


@dataclass(frozen=True)
class FieldChange:
    """One changed field: its path and the whole value on each side (or MISSING)."""

    path: FieldPath
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        """``added``, ``removed`` or ``changed``."""
        if self.before is MISSING:
            return "added"
        if self.after is MISSING:
            return "removed"
        return "changed"


def _order_free(level: Any) -> bool:
    path = level.path(output_format="list")
    return bool(path) and path[-1] in SET_LIKE_KEYS


def _collapse(path: Sequence[str | int]) -> tuple[str, ...]:
    """Cut a deepdiff path at its first list index: changes inside lists belong to the list."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            break
        out.append(str(part))
    return tuple(out)


def _raw_paths(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, ...]]:
    if _identical(dict(before), dict(after)):
        return []  # most tools of a plan are unchanged: no need for deepdiff (~90 ms to import)
    from deepdiff import DeepDiff

    tree = DeepDiff(
        dict(before),
        dict(after),
        view="tree",
        ignore_order_func=_order_free,
        verbose_level=2,
    )
    seen: dict[tuple[str, ...], None] = {}
    for levels in tree.values():
        for level in levels:
            for path in _expand(before, after, _collapse(level.path(output_format="list"))):
                seen.setdefault(path, None)
    return list(seen)


def _identical(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down: deepdiff reports ``1`` -> ``1.0`` and
    ``1`` -> ``True`` as changes, which ``==`` does not."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_identical(a[key], b[key]) for key in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(_identical, a, b))
    return bool(a == b)


def _expand(before: Any, after: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    """deepdiff sometimes reports a whole mapping as changed (even the root); split such
    a report into the keys that differ, so paths always name fields."""
    old, new = value_at(before, path), value_at(after, path)
    if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
        return [path] if path else []
    out: list[tuple[str, ...]] = []
    for key in dict.fromkeys([*old, *new]):
        if old.get(key, MISSING) != new.get(key, MISSING):
            out += _expand(before, after, (*path, str(key)))
    return out


def value_at(data: Any, path: Sequence[str]) -> Any:
    """The value at ``path`` in a payload, or MISSING."""
    for part in path:
        if not isinstance(data, Mapping) or part not in data:
            return MISSING
        data = data[part]
    return data


def _sort_key(order: Sequence[str]) -> Any:
    """Top-level fields in canonical order, then nested paths as the payload lists them."""
    rank = {name: i for i, name in enumerate(order)}

    def key(path: tuple[str, ...]) -> tuple[int, tuple[str, ...]]:
        return (rank.get(path[0], len(rank)), path)

    return key


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """Every changed field of ``before`` -> ``after``, outermost-first, in payload order."""
    from compiler.canonical import FIELD_ORDER

    paths = sorted(_raw_paths(before, after), key=_sort_key(FIELD_ORDER))
    return [FieldChange(FieldPath(p), value_at(before, p), value_at(after, p)) for p in paths]


def changed_paths(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldPath]:
    """The path of every changed field: ``static_params.message``,
    ``parameters.properties.x.description``. Empty when the payloads are equivalent."""
    return [change.path for change in field_changes(before, after)]


def split_ignored(
    live: Mapping[str, Any], desired: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(compared, ignored)``: ``live`` without the top-level fields actionctl does not
    manage and ``desired`` does not set, and those fields (name -> live value)."""
    from compiler.canonical import FIELD_ORDER

    compared: dict[str, Any] = {}
    ignored: dict[str, Any] = {}
    for name, value in live.items():
        unmanaged = name not in FIELD_ORDER and name not in desired
        (ignored if unmanaged else compared)[name] = value
    return compared, ignored


def top_level_paths(payload: Mapping[str, Any]) -> list[FieldPath]:
    """Each top-level field of a payload: what a create (or re-create) changes."""
    return [FieldPath((str(name),)) for name in payload]


def top_level_fields(paths: Sequence[FieldPath]) -> list[str]:
    """The top-level fields touched by ``paths``, in first-seen order (what a PATCH sends)."""
    return list(dict.fromkeys(path[0] for path in paths))
