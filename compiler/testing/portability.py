"""Optional portability warnings (``actionctl test --portability openai``) for teams
that move tools between platforms. Off by default; warnings only, never a failure.

OpenAI function calling with ``strict: true`` (Structured Outputs) takes a name of
letters, digits, ``_`` and ``-`` (at most 64), an object at the root, and in every
object ``additionalProperties: false`` with every property ``required`` (an optional
field is written as a union with ``null``). (An MCP tool's ``inputSchema`` must have an
object at its root: ``validate`` already requires that of every action, M502.)

Each warning is located in the action's file, at the schema object concerned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import U150
from compiler.model import Action

OPENAI_STRICT = U150
TARGETS = ("openai",)

_OPENAI_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SCHEMA_KEYS = ("items", "additionalProperties", "not")
_SCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")


def portability(
    action: Action, schema: Mapping[str, Any], targets: tuple[str, ...]
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if "openai" in targets:
        found += _openai(action, schema)
    return found


def _field(action: Action) -> str:
    """Where the action's file writes its parameters schema."""
    return "parameters" if action.is_native else "parameters_schema"


def _warn(action: Action, path: tuple[str | int, ...], code: str, message: str) -> Diagnostic:
    return Diagnostic.warning(action.locate(_field(action), *path), code, message)


def _openai(action: Action, schema: Mapping[str, Any]) -> Iterator[Diagnostic]:
    prefix = f"OpenAI strict mode: {action.address}"
    if not _OPENAI_NAME.match(action.name):
        message = f"{prefix}: the name {action.name!r} is not 1-64 letters, digits, _ or -"
        yield Diagnostic.warning(action.locate("name"), OPENAI_STRICT, message)
    if schema.get("type") != "object":
        yield _warn(action, (), OPENAI_STRICT, f"{prefix}: the root of the schema is not an object")
    for path, node in _objects(schema, ()):
        where = ".".join(str(p) for p in path) or "the root"
        if node.get("additionalProperties") is not False:
            message = f"{prefix}: {where} needs additionalProperties: false"
            yield _warn(action, path, OPENAI_STRICT, message)
        properties = node.get("properties")
        required = set(node.get("required") or ())
        missing = [name for name in (properties or {}) if name not in required]
        if missing:
            message = (
                f"{prefix}: every property of {where} must be required; not: "
                f"{', '.join(missing)} (make an optional one a union with null)"
            )
            yield _warn(action, path, OPENAI_STRICT, message)


def _objects(
    node: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], Mapping[str, Any]]]:
    """Every object schema in ``node`` (itself first), with its path."""
    if not isinstance(node, Mapping):
        return
    if node.get("type") == "object" or "properties" in node:
        yield path, node
    properties = node.get("properties")
    if isinstance(properties, Mapping):
        for name, child in properties.items():
            yield from _objects(child, (*path, "properties", name))
    for key in _SCHEMA_KEYS:
        if isinstance(node.get(key), Mapping):
            yield from _objects(node[key], (*path, key))
    for key in _SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            for index, child in enumerate(node[key]):
                yield from _objects(child, (*path, key, index))
