"""The key order of the canonical layout: a document's keys in the order of its JSON
Schema (``kind``, ``type``, ``agent``, ``name``, ``description``, ... as ``import`` writes
them), ``parameters_schema`` as ``type``, ``description``, ``properties``, ``required``.
Keys a schema does not know keep their order, after the known ones."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

PARAMETERS_ORDER = ("type", "description", "properties", "required")
_UNKNOWN_ACTION_ORDER = ("kind", "type", "agent", "name", "description")


def schema_order(document: Mapping[str, Any], kind: str | None) -> tuple[str, ...]:
    """The known top-level keys of a document of ``kind`` (project, channel, action:
    the file's place in the project), in their order."""
    from compiler.load.schemas import action_types, load_schema

    schema_kind = kind
    if kind == "action":
        action_type = document.get("type")
        if not isinstance(action_type, str) or action_type not in action_types():
            return _UNKNOWN_ACTION_ORDER
        schema_kind = action_type
    if schema_kind is None:
        return ()
    return tuple(load_schema(schema_kind).get("properties", {}))


def ordered(keys: Iterable[Any], order: tuple[str, ...]) -> list[Any]:
    """``keys`` as the layout orders them: known ones first, in ``order``; the rest
    after them, as they were."""
    present = list(keys)
    known = [key for key in order if key in present]
    return known + [key for key in present if key not in order]
