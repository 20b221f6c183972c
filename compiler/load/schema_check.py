"""Check one loaded document against its JSON Schema and turn jsonschema's errors into
located, de-duplicated diagnostics a person can act on.

Positions: an unknown field points at its key, a missing field at the mapping that
should hold it, anything else at the offending value. A string field that YAML 1.1 read
as a boolean/number (``name: no``, ``start: 09:00``) gets the "quote it" hint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import (
    N311,
    S201,
    S202,
    S203,
    S204,
    S205,
    S206,
    S207,
    S208,
    S209,
    S210,
    S211,
)
from compiler.load import schemas
from compiler.load.fast_schema import Check, compile_check
from compiler.load.yaml11 import dotted, quote_hint
from compiler.load.yaml_source import LoadedDocument
from compiler.model import DataPath
from compiler.wording import did_you_mean, quoted

if TYPE_CHECKING:  # imported by compiler.load.schemas.validator, only for a failing document
    from jsonschema import ValidationError

DOCUMENT_KINDS: tuple[str, ...] = ("action", "channel")
# Range keywords -> how to say the limit (never echoing the value: it may be 1 MB long).
_RANGE_MESSAGES: dict[str, str] = {
    "minimum": "must be at least {limit}",
    "maximum": "must be at most {limit}",
    "exclusiveMinimum": "must be more than {limit}",
    "exclusiveMaximum": "must be less than {limit}",
    "minLength": "must be at least {limit} characters long",
    "maxLength": "must be at most {limit} characters long",
    "minItems": "must have at least {limit} item(s)",
    "maxItems": "must have at most {limit} items",
    "uniqueItems": "must not repeat an item",
    "minProperties": "must have at least {limit} field(s)",
    "maxProperties": "must have at most {limit} field(s)",
}
# Marks a schema whose pattern a validate rule also checks (see check_document).
RULE_CHECKED = "x-actionctl-diagnostic"
# Fields whose wrong values are never quoted in messages.
SECRET_PATHS: frozenset[DataPath] = frozenset({("api_key_env",), ("base_url",)})
MAX_UNKNOWN_FIELDS = 20  # per mapping; the rest are counted in one more diagnostic
MAX_MESSAGE = 300
_JSON_TYPE_NAMES = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "a mapping",
    type(None): "null (an empty value)",
}


def check_document(loaded: LoadedDocument, kind: str) -> list[Diagnostic]:
    """Validate against the schema of ``kind`` (project, channel, or an action type).

    A pattern marked ``x-actionctl-diagnostic`` (the phone numbers) is there for editors;
    a validate rule checks the same value and says more (N321-N323 suggest the fix). So
    a mismatch alone is left to that rule: the document loads and the user sees one
    diagnostic per bad number. Only when the document fails for another reason (it is
    then left out, and the rule never sees it) is the pattern error reported, and then
    only where nothing else already points.
    """
    data = loaded.document.data
    if _fast_check(kind)(data):
        return []
    validator = schemas.validator(kind)
    found: dict[tuple[Location, str, str], Diagnostic] = {}
    left_to_rules: dict[tuple[Location, str, str], Diagnostic] = {}
    for error in validator.iter_errors(data):
        target = left_to_rules if _checked_by_a_rule(error) else found
        for diagnostic in _translate(error, loaded, kind):
            target.setdefault(
                (diagnostic.location, diagnostic.code, diagnostic.message), diagnostic
            )
    if found:
        pointed = {diagnostic.location for diagnostic in found.values()}
        found.update({k: d for k, d in left_to_rules.items() if d.location not in pointed})
    return _fold_misspelt(sorted(found.values(), key=Diagnostic.sort_key))


_MEANT = re.compile(r"\(did you mean ('[^']*')\?\)")
_MISSING = re.compile(r"^missing required field ('[^']*')")


def _fold_misspelt(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A required field is "missing" because it is misspelt (``ulr:`` for ``url:``): the
    misspelling (S201, which names the field) comes first, the S202 folded under it."""
    misspelt: dict[str, Diagnostic] = {}
    for diagnostic in diagnostics:
        meant = _MEANT.search(diagnostic.message) if diagnostic.code == S201 else None
        if meant is not None:
            misspelt.setdefault(meant.group(1), diagnostic)
    if not misspelt:
        return diagnostics
    folded = []
    for diagnostic in diagnostics:
        missing = _MISSING.match(diagnostic.message) if diagnostic.code == S202 else None
        cause = misspelt.get(missing.group(1)) if missing is not None else None
        folded.append(diagnostic if cause is None else diagnostic.because_of(cause))
    return folded


def _checked_by_a_rule(error: ValidationError) -> bool:
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    return error.validator == "pattern" and RULE_CHECKED in schema


@cache
def _fast_check(kind: str) -> Check:
    return compile_check(schemas.bundled(kind))


def check_action_type(loaded: LoadedDocument) -> tuple[str | None, list[Diagnostic]]:
    """The action's schema kind (its ``type``), or diagnostics saying why there is none."""
    document = loaded.document
    action_type = document.data.get("type")
    if action_type is None:
        return None, [_error(document.locate(), S202, "missing required field 'type'")]
    types = schemas.action_types()
    if isinstance(action_type, str) and action_type in types:
        return action_type, []
    hint = did_you_mean(str(action_type), types)
    if isinstance(action_type, str) and f"openmic.{action_type}" in types:
        hint = f" (did you mean 'openmic.{action_type}'?)"
    message = f"unknown action type {quoted(action_type)}{hint}; valid types: {', '.join(types)}"
    return None, [_error(document.locate("type"), S208, message)]


def check_kind(loaded: LoadedDocument, expected: str, folder: str) -> list[Diagnostic]:
    """``kind`` must be present, known, and match the folder the file is in."""
    document = loaded.document
    kind = document.data.get("kind")
    if kind is None:
        message = f"missing required field 'kind' (files in {folder}/ need kind: {expected})"
        return [_error(document.locate(), S202, message)]
    if kind not in DOCUMENT_KINDS:
        hint = did_you_mean(str(kind), DOCUMENT_KINDS)
        message = f"unknown kind {quoted(kind)}{hint}; files in {folder}/ need kind: {expected}"
        return [_error(document.locate("kind"), S209, message)]
    if kind != expected:
        message = f"a {kind} belongs in {kind}s/, not {folder}/ (this file needs kind: {expected})"
        return [_error(document.locate("kind"), S210, message)]
    return []


def _asked(error: ValidationError) -> Any:
    """What the failed keyword asked for (``required``'s names, ``type``'s types, a
    pattern). A validator always sets it; the stubs also allow the "unset" marker of an
    error built by hand, which no error here is."""
    return error.validator_value


def _translate(error: ValidationError, loaded: LoadedDocument, kind: str) -> Iterable[Diagnostic]:
    path: DataPath = tuple(error.absolute_path)
    document = loaded.document
    keyword = error.validator
    if keyword == "additionalProperties":
        yield from _unknown_fields(error, loaded, path, kind)
    elif keyword == "required":
        yield from _missing(error, loaded, path)
    elif keyword == "type":
        yield _wrong_type(error, loaded, path)
    elif keyword in ("enum", "const"):
        yield _not_allowed(error, loaded, path)
    elif keyword == "pattern":
        yield _pattern(error, loaded, path, kind)
    elif keyword == "propertyNames":
        name = error.instance if isinstance(error.instance, str) else str(error.instance)
        location = document.locate_key(*path, name) if isinstance(error.instance, str) else None
        message = f"invalid name {quoted(name)}: use letters, digits, _, . and -"
        yield _error(location or document.locate(*path), S206, message)
    elif keyword == "anyOf" and _all_required(_asked(error)):
        names = [s["required"][0] for s in _asked(error)]
        message = "needs at least one of: " + ", ".join(names)
        yield _error(document.locate(*path), S202, message)
    elif keyword in _RANGE_MESSAGES:
        yield _error(document.locate(*path), S207, _range(error, path))
    else:
        yield _error(document.locate(*path), S211, _clip(_field(path, error.message)))


def _unknown_fields(
    error: ValidationError, loaded: LoadedDocument, path: DataPath, kind: str
) -> Iterable[Diagnostic]:
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    allowed = list(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    where = f" for type {kind}" if not path and kind in schemas.action_types() else ""
    unknown = [
        key for key in instance if key not in allowed and not any(p.search(key) for p in patterns)
    ]
    for key in unknown[:MAX_UNKNOWN_FIELDS]:
        hint = did_you_mean(key, allowed)
        if not hint:
            hint = f" (allowed: {', '.join(allowed)})" if allowed else " (no fields allowed here)"
        location = loaded.document.locate_key(*path, key)
        yield _error(location, S201, f"unknown field {quoted(key)}{where}{hint}")
    if len(unknown) > MAX_UNKNOWN_FIELDS:
        rest = len(unknown) - MAX_UNKNOWN_FIELDS
        location = loaded.document.locate_key(*path, unknown[MAX_UNKNOWN_FIELDS])
        yield _error(location, S201, f"... and {rest} more unknown fields{where}")


def _missing(
    error: ValidationError, loaded: LoadedDocument, path: DataPath
) -> Iterable[Diagnostic]:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    location = loaded.document.locate(*path)
    for name in _asked(error):
        if name not in instance:
            where = f" in {dotted(path)}" if path else _which_action(loaded.document.data)
            yield _error(location, S202, f"missing required field {quoted(name)}{where}")


def _which_action(data: Any) -> str:
    """`` of handover support/desk``: a file may hold many documents, and the one with
    the problem is left out of the project, so the message names it."""
    if not isinstance(data, Mapping) or data.get("kind") != "action":
        return ""
    agent, name = data.get("agent"), data.get("name")
    if not isinstance(agent, str) or not isinstance(name, str):
        return ""
    return f" of {data.get('type')} {quoted(f'{agent}/{name}')}"


def _wrong_type(error: ValidationError, loaded: LoadedDocument, path: DataPath) -> Diagnostic:
    location = loaded.document.locate(*path)
    expected = _asked(error)
    expected_types = [expected] if isinstance(expected, str) else list(expected)
    trap = _yaml11_trap(loaded, path, error.instance, "string" in expected_types)
    if trap is not None:
        return _error(location, S204, trap)
    got = _JSON_TYPE_NAMES.get(type(error.instance), type(error.instance).__name__)
    wanted = " or ".join(_article(t) for t in expected_types)
    return _error(location, S203, f"{dotted(path)} must be {wanted}, not {got}")


def _not_allowed(error: ValidationError, loaded: LoadedDocument, path: DataPath) -> Diagnostic:
    location = loaded.document.locate(*path)
    options = _asked(error) if error.validator == "enum" else [_asked(error)]
    strings = [o for o in options if isinstance(o, str)]
    written = loaded.plain.get(path)
    # Quoting helps only when the text as written is one of the allowed strings.
    trap = _yaml11_trap(loaded, path, error.instance, written in strings)
    if trap is not None:
        return _error(location, S204, trap)
    shown = written if written is not None else error.instance
    hint = did_you_mean(shown, strings) if isinstance(shown, str) else ""
    listed = ", ".join(str(o) for o in options)
    message = f"{dotted(path)}: {quoted(shown)} is not allowed{hint}; use one of: {listed}"
    return _error(location, S205, message)


def _pattern(
    error: ValidationError, loaded: LoadedDocument, path: DataPath, kind: str
) -> Diagnostic:
    location = loaded.document.locate(*path)
    is_action_name = path == ("name",) and kind in schemas.action_types()
    code = N311 if is_action_name else S206
    message = _custom(error) or f"does not match the pattern {_asked(error)}"
    # A key pasted where its variable's name goes must not reach every CI log.
    shown = "(value not shown: it may be a key)" if path in SECRET_PATHS else quoted(error.instance)
    return _error(location, code, f"{dotted(path)} {shown}: {message}")


def _yaml11_trap(
    loaded: LoadedDocument, path: DataPath, value: Any, wants_string: bool
) -> str | None:
    """The "quote it" hint for a plain scalar YAML 1.1 read as something else."""
    return quote_hint(loaded.plain, path, value) if wants_string else None


def _range(error: ValidationError, path: DataPath) -> str:
    wording = _RANGE_MESSAGES[str(error.validator)].format(limit=_asked(error))
    return f"{dotted(path)} {wording}"


def _clip(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "..."


def _custom(error: ValidationError) -> str | None:
    """A schema's ``errorMessage`` says what its ``pattern`` means in words."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    message = schema.get("errorMessage")
    return message if isinstance(message, str) else None


def _all_required(subschemas: Any) -> bool:
    return isinstance(subschemas, list) and all(
        isinstance(s, Mapping) and set(s) == {"required"} and len(s["required"]) == 1
        for s in subschemas
    )


def _article(json_type: str) -> str:
    return {"integer": "an integer", "object": "a mapping", "array": "a list"}.get(
        json_type, f"a {json_type}"
    )


def _field(path: DataPath, message: str) -> str:
    return f"{dotted(path)}: {message}" if path else message


def _error(location: Location, code: str, message: str) -> Diagnostic:
    return Diagnostic.error(location, code, message)
