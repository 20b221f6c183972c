"""Sample arguments against the action's parameters schema (what the model must fill at
call time), and the worst case that schema allows.

The worst case fills every top-level parameter with the costliest value the schema
accepts, twice: once with GSM-7 extension characters (``€``, two septets each) and once
with an emoji (which forces UCS-2 on the whole message); the run keeps whichever makes
more segments. ``enum`` and ``const`` give their costliest member; a string with no
``maxLength`` takes the case's ``assume_max_length``, or the case fails saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

# The fillers tried for a string, costliest first in each encoding; a filler the
# property's own schema rejects (a ``pattern``) gives way to the next one.
VARIANTS: dict[str, tuple[str, ...]] = {
    "GSM-7 extension characters": ("€", "{", "W", "9"),
    "emoji": ("😀", "W", "9"),
}
_BIGGEST_INTEGER = -9007199254740991  # the longest integer JSON numbers hold exactly


@dataclass(frozen=True)
class SchemaError:
    keyword: str
    path: str  # dotted path of the failing value, "" for the arguments themselves
    message: str
    missing: str = ""  # the property a ``required`` error names

    def matches(self, expected: str) -> bool:
        """``expected`` names this error's keyword, its property or the property missing."""
        return expected in (self.keyword, self.path, self.missing) or self.path.startswith(
            expected + "."
        )


def schema_errors(schema: Mapping[str, Any], arguments: Mapping[str, Any]) -> list[SchemaError]:
    frozen = _frozen(schema)
    if _fast_check(frozen)(dict(arguments)):  # valid: jsonschema only to explain a "no"
        return []
    errors = _validator(frozen).iter_errors(dict(arguments))
    return sorted((_error(e) for e in errors), key=lambda e: (e.path, e.keyword))


def _error(error: ValidationError) -> SchemaError:
    path = ".".join(str(part) for part in error.absolute_path)
    missing = _missing(error) if error.validator == "required" else ""
    return SchemaError(str(error.validator), path, str(error.message), missing)


def _missing(error: ValidationError) -> str:
    """The property a ``required`` error is about (jsonschema gives one error each)."""
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    wanted = error.validator_value if isinstance(error.validator_value, list) else []
    absent = [str(name) for name in wanted if name not in instance]
    return next((name for name in absent if repr(name) in str(error.message)), "")


@dataclass(frozen=True)
class WorstCase:
    variant: str
    arguments: dict[str, Any]


def worst_arguments(
    schema: Mapping[str, Any],
    given: Mapping[str, Any],
    assume: int | None,
    names: Collection[str] | None = None,
) -> tuple[list[WorstCase], list[str]]:
    """One set of arguments per variant (given values kept for what is not generated),
    and the string parameters that cannot be bounded (no maxLength, no assumption).

    Only the parameters in ``names`` (those the message prints; None: all) are
    generated: a recipient's number keeps its sample, it costs no segment."""
    properties = schema.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    if names is not None:
        properties = {name: prop for name, prop in properties.items() if name in names}
    unbounded = [
        name for name, prop in properties.items() if _is_free_string(prop) and assume is None
    ]
    cases = []
    for variant, fillers in VARIANTS.items():
        arguments = dict(given)
        for name, prop in properties.items():
            value = _worst(prop, fillers, assume)
            if value is not None:
                arguments[name] = value
        cases.append(WorstCase(variant, arguments))
    return cases, unbounded


def _is_free_string(prop: Any) -> bool:
    return (
        isinstance(prop, Mapping)
        and prop.get("type") == "string"
        and "maxLength" not in prop
        and "enum" not in prop
        and "const" not in prop
    )


def _worst(prop: Any, fillers: tuple[str, ...], assume: int | None) -> Any:
    if not isinstance(prop, Mapping):
        return None
    if "const" in prop:
        return prop["const"]
    if isinstance(prop.get("enum"), list) and prop["enum"]:
        return max(prop["enum"], key=_cost)
    kind = prop.get("type")
    if kind == "string":
        return _string(prop, fillers, assume)
    if kind == "integer" or kind == "number":
        return prop.get("maximum", prop.get("minimum", _BIGGEST_INTEGER))
    if kind == "boolean":
        return False  # "false" is the longer word
    return None


def _string(prop: Mapping[str, Any], fillers: tuple[str, ...], assume: int | None) -> str | None:
    length = prop.get("maxLength", assume)
    if not isinstance(length, int):
        return None
    for filler in fillers:
        value = filler * length
        if _accepts(prop, value):
            return value
    return "W" * length


def _accepts(prop: Mapping[str, Any], value: str) -> bool:
    frozen = _frozen(prop)
    return _fast_check(frozen)(value) or _validator(frozen).is_valid(value)


def _cost(value: Any) -> int:
    """Septets (or UTF-16 units) a value costs in a message: the longest member."""
    from compiler.sms import analyze_sms

    text = value if isinstance(value, str) else str(value)
    return analyze_sms(text).units


def _frozen(value: Any) -> Any:
    """A hashable copy of a JSON value (validators are built once per schema)."""
    if isinstance(value, Mapping):
        return _Frozen((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


class _Frozen(tuple[tuple[str, Any], ...]):
    __slots__ = ()

    def thaw(self) -> Any:
        return {key: _thaw(item) for key, item in self}


def _thaw(value: Any) -> Any:
    if isinstance(value, _Frozen):
        return value.thaw()
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value


@cache
def _fast_check(schema: _Frozen) -> Callable[[Any], bool]:
    from compiler.load.fast_schema import compile_check

    return compile_check(schema.thaw())


@cache
def _validator(schema: _Frozen) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema.thaw())
