"""The JSON Schemas in ``schemas/``: find them, load them, resolve their ``$ref``s offline.

An installed wheel carries them as ``compiler/schemas/``; a source checkout has them at
the repository's top level. Kinds: ``project``, ``channel``, ``action`` (the dispatcher
on ``type``) and every action type (``send_text_message``, ``openmic.send_sms``, ...).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin

if TYPE_CHECKING:  # jsonschema costs ~65 ms to import: only a document that fails needs it
    from jsonschema import Draft202012Validator
    from referencing import Registry

UI_ACTION_TYPES: tuple[str, ...] = (
    "send_text_message",
    "handover",
    "api_call",
    "client_action",
    "static_response",
)
TOP_LEVEL_KINDS: tuple[str, ...] = ("project", "channel", "action", "test")


class SchemaNotFoundError(LookupError):
    pass


def schema_dir() -> Path:
    """The package's copy first (installed wheel), then the source checkout's."""
    package = Path(__file__).resolve().parent.parent  # compiler/
    package_copy = package / "schemas"
    if (package_copy / "action.schema.json").is_file():
        return package_copy
    return package.parent / "schemas"


@cache
def action_types() -> tuple[str, ...]:
    """Every action ``type`` with a schema: UI-style ones first, then natives, sorted."""
    directory = schema_dir() / "actions"
    natives = sorted(
        p.name.removesuffix(".schema.json") for p in directory.glob("openmic.*.schema.json")
    )
    return UI_ACTION_TYPES + tuple(natives)


def kinds() -> tuple[str, ...]:
    """Everything ``actionctl schema KIND`` accepts."""
    return TOP_LEVEL_KINDS + action_types()


def schema_path(kind: str) -> Path:
    if kind in TOP_LEVEL_KINDS:
        return schema_dir() / f"{kind}.schema.json"
    if kind in action_types():
        return schema_dir() / "actions" / f"{kind}.schema.json"
    raise SchemaNotFoundError(kind)


@cache
def load_schema(kind: str) -> dict[str, Any]:
    """The schema as written in its file (``$ref``s intact)."""
    data: dict[str, Any] = json.loads(schema_path(kind).read_text(encoding="utf-8"))
    return data


@cache
def registry() -> Registry[Any]:
    """Every schema file under its ``$id``: ``$ref``s resolve with no network access."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (uri, Resource.from_contents(contents, DRAFT202012))
        for uri, contents in _documents().items()
    ]
    return Registry().with_resources(resources)


@cache
def _documents() -> dict[str, dict[str, Any]]:
    """Every schema file's contents by its ``$id``."""
    documents: dict[str, dict[str, Any]] = {}
    for path in sorted(schema_dir().rglob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        documents[contents["$id"]] = contents
    return documents


def bundled(kind: str) -> dict[str, Any]:
    """The schema with every ``$ref`` replaced by what it points to: one self-contained
    document for editors (and faster to validate against: no lookups at run time).

    Resolved here (relative URI + JSON pointer, all our schemas use), not through
    ``referencing``, so that checking valid documents never imports jsonschema."""
    schema = load_schema(kind)
    inlined: dict[str, Any] = _inline(schema, schema["$id"], depth=0)
    return inlined


def _inline(value: Any, base: str, depth: int) -> Any:
    if isinstance(value, list):
        return [_inline(item, base, depth) for item in value]
    if not isinstance(value, dict):
        return value
    if "$ref" in value and depth < 20:
        resolved, resolved_base = _lookup(value["$ref"], base)
        target = {k: v for k, v in resolved.items() if k not in ("$schema", "$id")}
        siblings = {k: v for k, v in value.items() if k != "$ref"}
        return _inline({**target, **siblings}, resolved_base, depth + 1)
    return {key: _inline(item, base, depth) for key, item in value.items()}


def _lookup(ref: str, base: str) -> tuple[dict[str, Any], str]:
    """What ``ref`` (relative to ``base``) points to, and the URI of its document."""
    uri, _, pointer = urljoin(base, ref).partition("#")
    target: Any = _documents()[uri]
    for token in pointer.split("/")[1:]:
        key = unquote(token).replace("~1", "/").replace("~0", "~")
        target = target[int(key)] if isinstance(target, list) else target[key]
    return target, uri


@cache
def validator(kind: str) -> Draft202012Validator:
    """A ready validator for one kind, built once per process."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(bundled(kind))


@cache
def referencing_validator(kind: str) -> Draft202012Validator:
    """A validator over the schema as written, resolving ``$ref`` through the registry."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(kind), registry=registry())
