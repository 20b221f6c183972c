"""Rule family 'parameters' (M50x): the tool's parameters schema and the SMS message mode.

- M501 ``parameters_schema`` (native: ``parameters``) is not valid JSON Schema 2020-12,
  located at the offending subpath;
- M502 its top-level ``type`` is not ``object``;
- M503 a ``required`` name is not among ``properties`` (at the required item), at the
  top and in every nested object schema (under properties, items, $defs...);
- M504 a user-declared ``message`` parameter on a send_text_message with an empty
  message (the dashboard adds one itself in prompt mode);
- M505 ``prompt`` together with a non-empty ``message`` (the prompt would be ignored);
- M506 (warning) prompt mode with neither ``prompt`` nor ``description``: the agent
  gets no instruction for the text;
- M531 (warning) a key beside ``properties`` that is no JSON Schema keyword and holds a
  schema (``type``, ``description``...): a property dedented out of ``properties``, which
  the platform would take as an unknown keyword and the agent would never see; when
  ``required`` names it, M503 says where it sits instead;
- M530 a ``$ref`` (or ``$dynamicRef``) that is not a local ``#/...`` pointer resolving
  inside the schema: a remote URL, ``file://``, a relative file or a dangling pointer.
  The platform does not fetch references either, and we never read what they name;
- S204 inside the schema: a keyword that needs text (``description: on``) or an
  ``enum``/``const``/``default``/``examples`` value of a ``type: string`` parameter that
  YAML 1.1 read as a boolean or number (``enum: [yes, no]`` is ``[true, false]``), with
  the "quote it" hint at the value;
- S220 (warning) the same for a parameter without ``type: string``, when the text is one
  only YAML 1.1 reads as non-text (``yes``/``no``/``on``/``off``, ``12:30``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import M501, M502, M503, M504, M505, M506, M530, M531, S204, S220
from compiler.load.yaml11 import is_yaml11_only, quote_hint
from compiler.model import Action, DataPath, Project
from compiler.wording import did_you_mean, quoted

UI_PARAMETER_TYPES = frozenset(
    {"send_text_message", "handover", "api_call", "client_action", "static_response"}
)

# A dict first: ``isinstance`` of an abstract class costs ~8x a concrete one.
_MAPPINGS = (dict, Mapping)
JSON_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
# Keywords whose value is one subschema / a list of them / a name -> subschema mapping.
# ``whole``: the subschema describes a value on its own, so its ``required`` must name its
# ``properties``; under allOf/anyOf/not/if... a ``required`` may refer to a sibling's.
_ONE = {"items": True, "additionalProperties": True, "contains": True, "not": False,
        "if": False, "then": False, "else": False, "propertyNames": False,
        "unevaluatedItems": True, "unevaluatedProperties": True}  # fmt: skip
_LIST = {"prefixItems": True, "allOf": False, "anyOf": False, "oneOf": False}
_NAMED = {"properties": True, "patternProperties": True, "$defs": True, "definitions": True,
          "dependentSchemas": False}  # fmt: skip
MAX_SCHEMA_DEPTH = 256  # the YAML loader stops at 200 levels anyway


def check(project: Project) -> Iterable[Diagnostic]:
    for action in project.actions_read_in_full():
        yield from check_action(action)


def check_action(action: Action) -> Iterator[Diagnostic]:
    field = parameters_field(action)
    schema = action.fields.get(field) if field else None
    if field and isinstance(schema, _MAPPINGS):
        yield from _check_schema(action, field, schema)
    if action.type == "send_text_message":
        yield from _check_message_mode(action)


def parameters_field(action: Action) -> str | None:
    """Name of the field holding the tool's JSON Schema (None for types without one)."""
    if action.type in UI_PARAMETER_TYPES:
        return "parameters_schema"
    if action.is_native:
        return "parameters"
    return None


def declared_parameters(action: Action) -> set[str]:
    """Names under the parameters schema's ``properties`` (empty when there are none)."""
    field = parameters_field(action)
    schema = action.fields.get(field) if field else None
    if not isinstance(schema, _MAPPINGS):
        return set()
    properties = schema.get("properties")
    return {str(k) for k in properties} if isinstance(properties, _MAPPINGS) else set()


def is_prompt_mode(action: Action) -> bool:
    message = action.fields.get("message")
    return not (isinstance(message, str) and message.strip())


def _check_schema(action: Action, field: str, schema: Mapping[str, Any]) -> Iterator[Diagnostic]:
    invalid = list(_schema_errors(action, field, schema))
    yield from invalid
    # Only a plain scalar that YAML 1.1 read as non-text can be a trap: most schemas
    # have none (bare ``true``/numbers aside), and then there is nothing to walk.
    if any(path[:1] == (field,) for path in action.source.plain):
        yield from _yaml11_values(action, (field,), schema)
    if invalid:
        return
    if schema.get("type") != "object":
        where = action.locate(field, "type") if "type" in schema else action.locate(field)
        got = f"type {schema['type']!r}" if "type" in schema else "no type"
        yield Diagnostic.error(
            where, M502, f"{field} must be a JSON Schema with type: object (found {got})"
        )
    yield from _check_required(action, field, schema)


def _check_required(action: Action, field: str, schema: Mapping[str, Any]) -> Iterator[Diagnostic]:
    for subschema, path, whole in subschemas(schema):
        if whole:
            yield from _required_declared(action, field, subschema, path)
        yield from _local_reference(action, field, schema, subschema, path)


def subschemas(
    schema: Mapping[str, Any],
) -> Iterator[tuple[Mapping[str, Any], tuple[str | int, ...], bool]]:
    """(subschema, its path, describes a whole value) for the schema and every schema
    nested in it, without recursion; values of enum, const, default are data, skipped."""
    stack: list[tuple[Any, tuple[str | int, ...], bool]] = [(schema, (), True)]
    while stack:
        node, path, whole = stack.pop()
        if not isinstance(node, _MAPPINGS) or len(path) > MAX_SCHEMA_DEPTH:
            continue
        yield node, path, whole
        for key, value in node.items():
            if key in _ONE:
                stack.append((value, (*path, key), _ONE[key]))
            elif key in _LIST and isinstance(value, list):
                stack += [(v, (*path, key, i), _LIST[key]) for i, v in enumerate(value)]
            elif key in _NAMED and isinstance(value, _MAPPINGS):
                stack += [(v, (*path, key, str(k)), _NAMED[key]) for k, v in value.items()]


def _required_declared(
    action: Action, field: str, schema: Mapping[str, Any], path: tuple[str | int, ...]
) -> Iterator[Diagnostic]:
    required = schema.get("required")
    required = required if isinstance(required, list) else []
    properties = schema.get("properties")
    if path and properties is None and "type" not in schema:
        return  # a nested bare ``required`` (e.g. under dependentSchemas-like use)
    names = set(properties) if isinstance(properties, _MAPPINGS) else set()
    where = ".".join(str(p) for p in (field, *path, "properties"))
    beside = _beside_properties(schema) if isinstance(properties, _MAPPINGS) else []
    for index, name in enumerate(required):
        if name in names:
            continue
        hint = (
            _dedented(action, field, path, str(name), where)
            if name in beside
            else did_you_mean(str(name), sorted(names))
        )
        yield Diagnostic.error(
            action.locate(field, *path, "required", index),
            M503,
            f"required parameter {name!r} is not declared under {where}" + hint,
        )
    for name in beside:
        if name not in required:
            yield Diagnostic.warning(
                action.source.locate_key(field, *path, name),
                M531,
                f"{name!r} is not a JSON Schema keyword but holds a schema: a property "
                f"dedented out of {where}? Indent it under properties (as written, the "
                "agent never sees it)",
            )


def _beside_properties(schema: Mapping[str, Any]) -> list[str]:
    """Keys next to ``properties`` that are no keyword and hold what reads as a schema."""
    return [
        key
        for key, value in schema.items()
        if key not in SCHEMA_KEYWORDS
        and isinstance(value, _MAPPINGS)
        and any(k in _PROPERTY_KEYS for k in value)
    ]


def _dedented(
    action: Action, field: str, path: tuple[str | int, ...], name: str, where: str
) -> str:
    at = action.source.locate_key(field, *path, name)
    return f"; it sits beside properties (line {at.line}), not under it: indent it under {where}"


# JSON Schema 2020-12's keywords (and draft-07's definitions/dependencies), for telling a
# dedented property from a keyword.
SCHEMA_KEYWORDS = frozenset(
    {
        "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary",
        "$comment", "$defs", "definitions", "type", "enum", "const", "multipleOf", "maximum",
        "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength",
        "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
        "maxProperties", "minProperties", "required", "dependentRequired", "dependencies",
        "properties", "patternProperties", "additionalProperties", "propertyNames",
        "unevaluatedProperties", "items", "prefixItems", "contains", "unevaluatedItems",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "format",
        "contentEncoding", "contentMediaType", "contentSchema", "title", "description",
        "default", "deprecated", "readOnly", "writeOnly", "examples",
    }
)  # fmt: skip
_PROPERTY_KEYS = frozenset({"type", "description", "enum", "const", "format", "items", "$ref"})


def _local_reference(
    action: Action,
    field: str,
    root: Mapping[str, Any],
    schema: Mapping[str, Any],
    path: tuple[str | int, ...],
) -> Iterator[Diagnostic]:
    for keyword in ("$ref", "$dynamicRef"):
        reference = schema.get(keyword)
        if reference is None:
            continue
        problem = reference_problem(root, reference)
        if problem is None:
            continue
        yield Diagnostic.error(
            action.locate(field, *path, keyword),
            M530,
            f"{keyword} {quoted(reference)} {problem}; only local references like "
            "'#/$defs/address' that resolve inside this schema are allowed (nothing is fetched)",
        )


def reference_problem(root: Mapping[str, Any], reference: Any) -> str | None:
    """Why ``reference`` is not a local JSON pointer resolving in ``root`` (or None)."""
    if not isinstance(reference, str):
        return "is not a string"
    if not reference.startswith("#"):
        return "points outside this schema (a URL or a file)"
    if reference == "#":
        return None
    if not reference.startswith("#/"):
        return "is an anchor, not a JSON pointer"
    node: Any = root
    for raw in reference[2:].split("/"):
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, _MAPPINGS) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return "does not resolve: nothing is at that pointer"
    if not isinstance(node, Mapping | bool):
        return "does not resolve to a schema"
    return None


def _schema_errors(action: Action, field: str, schema: Mapping[str, Any]) -> Iterator[Diagnostic]:
    if _plainly_valid(schema):
        return  # the fast path: only keywords whose values are checked by hand below
    validator = _meta_validator()
    seen: set[tuple[str | int, ...]] = set()
    for error in sorted(validator.iter_errors(schema), key=lambda e: list(map(str, e.path))):
        path = tuple(error.absolute_path)
        if path in seen:
            continue
        seen.add(path)
        trap = _string_trap(action, (field, *path), error)
        if trap is not None:
            yield trap
            continue
        where = ".".join(str(p) for p in (field, *path))
        yield Diagnostic.error(
            action.locate(field, *path),
            M501,
            f"{field} is not valid JSON Schema at {where}: {_short(error.message)}",
        )


def _string_trap(action: Action, path: DataPath, error: Any) -> Diagnostic | None:
    """``description: on`` inside the schema: text was meant, YAML 1.1 read a boolean."""
    expected = error.validator_value
    wants_string = error.validator == "type" and (
        expected == "string" or (isinstance(expected, list) and "string" in expected)
    )
    hint = quote_hint(action.source.plain, path, error.instance) if wants_string else None
    return None if hint is None else Diagnostic.error(action.locate(*path), S204, hint)


# Keywords whose values are instances of the parameter (what the model may send).
_VALUE_KEYWORDS = ("enum", "const", "default", "examples")


def _yaml11_values(
    action: Action, path: DataPath, schema: Mapping[str, Any]
) -> Iterator[Diagnostic]:
    """Walk every subschema for values YAML 1.1 turned from words into booleans/numbers."""
    wants_text = _declares_string(schema)
    typed = "type" in schema  # a declared boolean/number type means the value is meant
    for keyword, value in schema.items():
        here = (*path, str(keyword))
        if keyword in _VALUE_KEYWORDS:
            items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
            for index, item in items:
                at = here if index is None or keyword in ("const", "default") else (*here, index)
                if wants_text or not typed:
                    yield from _value_trap(action, at, item, wants_text)
        elif isinstance(value, _MAPPINGS):
            yield from _yaml11_values(action, here, value)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, _MAPPINGS):
                    yield from _yaml11_values(action, (*here, index), item)


def _declares_string(schema: Mapping[str, Any]) -> bool:
    declared = schema.get("type")
    types = [declared] if isinstance(declared, str) else declared
    return (
        isinstance(types, list)
        and "string" in types
        and not ({"boolean", "number", "integer", "null"} & set(types))
    )


def _value_trap(
    action: Action, path: DataPath, value: Any, wants_text: bool
) -> Iterator[Diagnostic]:
    plain = action.source.plain
    hint = quote_hint(plain, path, value)
    if hint is None:
        return
    if wants_text:
        yield Diagnostic.error(action.locate(*path), S204, f"{hint} (the parameter is a string)")
    elif is_yaml11_only(plain, path, value):
        yield Diagnostic.warning(
            action.locate(*path), S220, f"{hint} (if you meant the word, not {json.dumps(value)})"
        )


def _short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


@lru_cache(maxsize=1)
def _meta_validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(
        Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


# ---------------------------------------------------------------------------
# Checking a whole schema against the 2020-12 metaschema costs ~0.7 ms; almost every
# tool schema uses a handful of keywords whose validity is easy to check exactly. A
# schema that uses only those (with values of the right shape) is valid; anything
# else goes to the real metaschema check, which also produces the located errors.


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _non_negative_int(value: Any) -> bool:
    return _is_int(value) and value >= 0


def _type_ok(value: Any) -> bool:
    if isinstance(value, str):
        return value in JSON_TYPES
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(v, str) and v in JSON_TYPES for v in value)
        and len(set(value)) == len(value)
    )


def _required_ok(value: Any) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(v, str) for v in value)
        and len(set(value)) == len(value)
    )


_SIMPLE_KEYWORDS: dict[str, Any] = {
    "type": _type_ok,
    "description": lambda v: isinstance(v, str),
    "title": lambda v: isinstance(v, str),
    "$comment": lambda v: isinstance(v, str),
    "format": lambda v: isinstance(v, str),
    "required": _required_ok,
    "enum": lambda v: isinstance(v, list),
    "examples": lambda v: isinstance(v, list),
    "uniqueItems": lambda v: isinstance(v, bool),
    "minimum": _is_number,
    "maximum": _is_number,
    "exclusiveMinimum": _is_number,
    "exclusiveMaximum": _is_number,
    "multipleOf": lambda v: _is_number(v) and v > 0,
    "minLength": _non_negative_int,
    "maxLength": _non_negative_int,
    "minItems": _non_negative_int,
    "maxItems": _non_negative_int,
    "minProperties": _non_negative_int,
    "maxProperties": _non_negative_int,
}
_ANY_VALUE = frozenset({"default", "const"})


def _plainly_valid(schema: Any, depth: int = 0) -> bool:
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, _MAPPINGS) or depth > 32:
        return False
    for key, value in schema.items():
        if key in _ANY_VALUE:
            continue
        if key in ("items", "additionalProperties"):
            if not _plainly_valid(value, depth + 1):
                return False
            continue
        if key == "properties":
            if not isinstance(value, _MAPPINGS) or not all(
                isinstance(k, str) and _plainly_valid(v, depth + 1) for k, v in value.items()
            ):
                return False
            continue
        checker = _SIMPLE_KEYWORDS.get(key)
        if checker is None or not checker(value):
            return False
    return True


def _check_message_mode(action: Action) -> Iterator[Diagnostic]:
    fields = action.fields
    if not is_prompt_mode(action):
        if isinstance(fields.get("prompt"), str) and fields["prompt"].strip():
            yield Diagnostic.error(
                action.source.locate_key("prompt"),
                M505,
                "prompt is only used when message is empty; remove prompt or empty message",
            )
        return
    if "message" in declared_parameters(action):
        yield Diagnostic.error(
            action.source.locate_key("parameters_schema", "properties", "message"),
            M504,
            "a 'message' parameter is added by the platform when message is empty "
            "(the agent writes the text); rename this parameter or set a static message",
        )
    prompt = fields.get("prompt")
    description = fields.get("description")
    has_prompt = isinstance(prompt, str) and prompt.strip()
    has_description = isinstance(description, str) and description.strip()
    if not has_prompt and not has_description:
        yield Diagnostic.warning(
            action.locate(),
            M506,
            "message is empty and neither prompt nor description says what the agent "
            "should write; add a prompt",
        )
