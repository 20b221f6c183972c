"""A fast yes/no check for the JSON Schema subset our own schemas use.

jsonschema is thorough but costs ~50 µs per action; with thousands of actions that is
most of the load time. Valid documents are the common case, so each schema is compiled
once into nested closures that only answer "valid?". A "no" (or any keyword this
module does not know) sends the document to jsonschema, which finds and explains the
errors, so a "no" here can never be wrong; only "yes" must be exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

# Keywords that never affect validity.
_ANNOTATIONS = frozenset(
    {
        *("$schema", "$id", "$defs", "title", "description", "errorMessage", "default"),
        *("examples", "defaultSnippets"),  # defaultSnippets: editor snippets (YAML LS)
    }
)
_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def _never(value: Any) -> bool:
    return False


def compile_check(schema: Any) -> Check:
    """A predicate that is True only for instances valid under ``schema``."""
    if schema is True:
        return lambda value: True
    if not isinstance(schema, Mapping):
        return _never
    checks: list[Check] = []
    for keyword, argument in schema.items():
        if keyword in _ANNOTATIONS or keyword in _OBJECT_KEYWORDS:
            continue
        if keyword.startswith("x-"):
            continue  # our own annotations (jsonschema ignores unknown keywords too)
        builder = _BUILDERS.get(keyword)
        if builder is None:
            return _never  # unknown keyword: let jsonschema decide
        checks.append(builder(argument, schema))
    if any(keyword in schema for keyword in _OBJECT_KEYWORDS):
        checks.append(_object_check(schema))
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


_OBJECT_KEYWORDS = ("properties", "patternProperties", "additionalProperties")


def _object_check(schema: Mapping[str, Any]) -> Check:
    properties = {k: compile_check(v) for k, v in schema.get("properties", {}).items()}
    patterns = [
        (re.compile(p), compile_check(v)) for p, v in schema.get("patternProperties", {}).items()
    ]
    additional = schema.get("additionalProperties", True)
    extra = None if additional is True else compile_check(additional)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for key, item in value.items():
            prop = properties.get(key)
            if prop is not None:
                if not prop(item):
                    return False
            elif extra is not None and not patterns and not extra(item):
                return False
        return not patterns or _pattern_keys_valid(value)

    def _pattern_keys_valid(value: dict[Any, Any]) -> bool:
        # JSON Schema: every matching pattern applies, even to a listed property;
        # additionalProperties only to keys neither listed nor matched.
        for key, item in value.items():
            matched = [check for pattern, check in patterns if pattern.search(str(key))]
            if not all(check(item) for check in matched):
                return False
            if key not in properties and not matched and extra is not None and not extra(item):
                return False
        return True

    return check


def _type(argument: Any, schema: Mapping[str, Any]) -> Check:
    names = [argument] if isinstance(argument, str) else list(argument)
    if not all(name in _TYPES for name in names):
        return _never
    tests = [_TYPES[name] for name in names]
    if len(tests) == 1:
        return tests[0]
    return lambda value: any(test(value) for test in tests)


def _required(argument: Any, schema: Mapping[str, Any]) -> Check:
    names = list(argument)
    return lambda value: not isinstance(value, dict) or all(name in value for name in names)


def _enum(argument: Any, schema: Mapping[str, Any]) -> Check:
    if not all(isinstance(option, str) for option in argument):
        return _never
    options = frozenset(argument)
    return lambda value: isinstance(value, str) and value in options


def _const(argument: Any, schema: Mapping[str, Any]) -> Check:
    if not isinstance(argument, str):
        return _never
    return lambda value: isinstance(value, str) and value == argument


def _pattern(argument: Any, schema: Mapping[str, Any]) -> Check:
    try:
        regex = re.compile(argument)
    except re.error:
        return _never
    return lambda value: not isinstance(value, str) or regex.search(value) is not None


def _min_length(argument: Any, schema: Mapping[str, Any]) -> Check:
    return lambda value: not isinstance(value, str) or len(value) >= argument


def _max_length(argument: Any, schema: Mapping[str, Any]) -> Check:
    return lambda value: not isinstance(value, str) or len(value) <= argument


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _minimum(argument: Any, schema: Mapping[str, Any]) -> Check:
    return lambda value: not _is_number(value) or value >= argument


def _maximum(argument: Any, schema: Mapping[str, Any]) -> Check:
    return lambda value: not _is_number(value) or value <= argument


def _items(argument: Any, schema: Mapping[str, Any]) -> Check:
    item = compile_check(argument)
    return lambda value: not isinstance(value, list) or all(item(v) for v in value)


def _min_items(argument: Any, schema: Mapping[str, Any]) -> Check:
    return lambda value: not isinstance(value, list) or len(value) >= argument


def _unique_items(argument: Any, schema: Mapping[str, Any]) -> Check:
    if argument is not True:
        return lambda value: True

    def check(value: Any) -> bool:
        if not isinstance(value, list):
            return True
        if not all(isinstance(v, str) for v in value):
            return False  # mixed or nested items: jsonschema compares them properly
        return len(set(value)) == len(value)

    return check


def _max_properties(argument: Any, schema: Mapping[str, Any]) -> Check:
    return lambda value: not isinstance(value, dict) or len(value) <= argument


def _property_names(argument: Any, schema: Mapping[str, Any]) -> Check:
    name = compile_check(argument)
    return lambda value: not isinstance(value, dict) or all(name(k) for k in value)


def _any_of(argument: Any, schema: Mapping[str, Any]) -> Check:
    options = [compile_check(s) for s in argument]
    return lambda value: any(option(value) for option in options)


def _all_of(argument: Any, schema: Mapping[str, Any]) -> Check:
    parts = [compile_check(s) for s in argument]
    return lambda value: all(part(value) for part in parts)


_BUILDERS: dict[str, Callable[[Any, Mapping[str, Any]], Check]] = {
    "type": _type,
    "required": _required,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "minLength": _min_length,
    "maxLength": _max_length,
    "minimum": _minimum,
    "maximum": _maximum,
    "items": _items,
    "minItems": _min_items,
    "uniqueItems": _unique_items,
    "maxProperties": _max_properties,
    "propertyNames": _property_names,
    "anyOf": _any_of,
    "allOf": _all_of,
}
