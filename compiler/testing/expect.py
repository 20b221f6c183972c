"""The assertions of one case against what was observed. Each failure is located at
the line of the expectation that failed (or the case's own line for the checks every
case makes), and carries the lines that show the difference."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from compiler.diagnostics.codes import (
    U110,
    U111,
    U120,
    U121,
    U122,
    U123,
    U124,
    U125,
    U126,
    U127,
    U128,
    U129,
)
from compiler.testing.cases import Case
from compiler.testing.observe import HANDOVER, REQUEST, SMS, Observed
from compiler.testing.results import Failure
from compiler.validate.rules.phones import is_e164

UNRENDERED = U110  # a placeholder has no value
NOT_E164 = U111  # the recipient or number does not render as E.164
TEXT_DIFFERS = U120
CONTAINS = U121
MATCHES = U122
ENCODING = U123
SEGMENTS = U124
RECIPIENT = U125
SENDER = U126
NUMBER = U127
REQUEST_DIFFERS = U128
NOT_APPLICABLE = U129

CALLER = "caller"

# Which observation each expectation reads.
_APPLIES: dict[str, str] = {
    "text": SMS,
    "contains": SMS,
    "not_contains": SMS,
    "matches": SMS,
    "encoding": SMS,
    "segments": SMS,
    "max_segments": SMS,
    "recipient": SMS,
    "sender": SMS,
    "number": HANDOVER,
    "request": REQUEST,
}
_NEEDS_TEXT = frozenset({"encoding", "segments", "max_segments"})


def check(case: Case, observed: Observed) -> list[Failure]:
    failures = _always(case, observed)
    for key, expected in case.expect.items():
        problem = _not_applicable(key, observed)
        if problem:
            failures.append(Failure.at(case.locate("expect", key), NOT_APPLICABLE, problem))
            continue
        failures += _CHECKS[key](case, observed, expected)
    return failures


def _always(case: Case, observed: Observed) -> list[Failure]:
    """What every case checks: every placeholder filled, every number E.164."""
    failures = []
    if observed.unrendered:
        names = ", ".join("{{" + name + "}}" for name in dict.fromkeys(observed.unrendered))
        message = (
            f"{names} left unrendered: the case gives no value for it "
            "(add it to parameters or variables)"
        )
        failures.append(Failure.at(case.locate(), UNRENDERED, message))
        return failures
    for what, number in (("recipient", observed.recipient), ("number", observed.number)):
        if number is not None and not is_e164(number):
            message = f"the {what} renders as {number!r}, not an E.164 number like +15551234567"
            failures.append(Failure.at(case.locate(), NOT_E164, message))
    return failures


def _not_applicable(key: str, observed: Observed) -> str:
    wanted = _APPLIES[key]
    if observed.kind != wanted:
        return f"expect.{key} applies to {_WHAT[wanted]}; this action is {_WHAT[observed.kind]}"
    if key in _NEEDS_TEXT and observed.analysis is None:
        return (
            f"expect.{key}: in prompt mode the agent writes the SMS at call time, so it has "
            "no encoding or segments yet"
        )
    return ""


_WHAT = {
    SMS: "an SMS",
    HANDOVER: "a handover",
    REQUEST: "an api_call",
    "other": "neither an SMS, a handover nor an api_call",
}


def _text(case: Case, observed: Observed, expected: str) -> list[Failure]:
    actual = observed.text or ""
    if actual == expected:
        return []
    return [
        Failure.at(
            case.locate("expect", "text"),
            TEXT_DIFFERS,
            "the SMS text differs from expect.text",
            text_diff(expected, actual),
        )
    ]


def text_diff(expected: str, actual: str) -> list[str]:
    """``-`` expected, ``+`` rendered (the plan's word diff for one line)."""
    from compiler.plan.lines import string_diff

    lines = [f"expected: {expected!r}", f"rendered: {actual!r}"]
    return lines + [f"{line.sign} {line.text}" for line in string_diff(expected, actual, depth=0)]


def _contains(case: Case, observed: Observed, expected: str | list[str]) -> list[Failure]:
    return _texts(case, observed, expected, "contains", want=True)


def _not_contains(case: Case, observed: Observed, expected: str | list[str]) -> list[Failure]:
    return _texts(case, observed, expected, "not_contains", want=False)


def _texts(
    case: Case, observed: Observed, expected: str | list[str], key: str, *, want: bool
) -> list[Failure]:
    actual = observed.text or ""
    items = [expected] if isinstance(expected, str) else expected
    failures = []
    for index, item in enumerate(items):
        if (item in actual) == want:
            continue
        at = (
            case.locate("expect", key)
            if isinstance(expected, str)
            else case.locate("expect", key, index)
        )
        verb = "does not contain" if want else "contains"
        failures.append(
            Failure.at(at, CONTAINS, f"the SMS text {verb} {item!r}", [f"rendered: {actual!r}"])
        )
    return failures


def _matches(case: Case, observed: Observed, pattern: str) -> list[Failure]:
    at = case.locate("expect", "matches")
    try:
        found = re.search(pattern, observed.text or "")
    except re.error as error:
        return [
            Failure.at(at, MATCHES, f"expect.matches is not a valid regular expression: {error}")
        ]
    if found:
        return []
    message = f"the SMS text does not match /{pattern}/"
    return [Failure.at(at, MATCHES, message, [f"rendered: {observed.text!r}"])]


def _encoding(case: Case, observed: Observed, expected: str) -> list[Failure]:
    analysis = observed.analysis
    assert analysis is not None  # checked by _not_applicable
    if analysis.encoding == expected:
        return []
    message = f"the SMS is {analysis.encoding}, not {expected}"
    if analysis.offending:
        message += "; UCS-2 because of " + forcing(analysis.offending)
    return [Failure.at(case.locate("expect", "encoding"), ENCODING, message)]


def forcing(offending: list[str]) -> str:
    return ", ".join(f"{char!r} (U+{ord(char):04X})" for char in offending)


def _segments(case: Case, observed: Observed, expected: int) -> list[Failure]:
    return _segment_count(case, observed, expected, "segments", lambda n: n == expected)


def _max_segments(case: Case, observed: Observed, expected: int) -> list[Failure]:
    return _segment_count(case, observed, expected, "max_segments", lambda n: n <= expected)


def _segment_count(
    case: Case, observed: Observed, expected: int, key: str, ok: Callable[[int], bool]
) -> list[Failure]:
    analysis = observed.analysis
    assert analysis is not None
    if ok(analysis.segments):
        return []
    wanted = f"{expected}" if key == "segments" else f"at most {expected}"
    message = (
        f"the SMS takes {analysis.segments} segment(s), not {wanted} "
        f"({analysis.encoding}, {analysis.units} {analysis.unit_name})"
    )
    if analysis.offending:
        message += "; UCS-2 because of " + forcing(analysis.offending)
    return [Failure.at(case.locate("expect", key), SEGMENTS, message)]


def _recipient(case: Case, observed: Observed, expected: str) -> list[Failure]:
    actual = observed.recipient or CALLER
    if actual == expected:
        return []
    message = f"the SMS goes to {actual}, not {expected}"
    return [Failure.at(case.locate("expect", "recipient"), RECIPIENT, message)]


def _sender(case: Case, observed: Observed, expected: str) -> list[Failure]:
    actual = observed.sender or "the platform's default sender"
    if actual == expected:
        return []
    message = f"the SMS is sent from {actual}, not {expected}"
    return [Failure.at(case.locate("expect", "sender"), SENDER, message)]


def _number(case: Case, observed: Observed, expected: str) -> list[Failure]:
    if observed.number == expected:
        return []
    message = f"the handover dials {observed.number}, not {expected}"
    return [Failure.at(case.locate("expect", "number"), NUMBER, message)]


def _request(case: Case, observed: Observed, expected: Mapping[str, Any]) -> list[Failure]:
    actual = observed.request or {}
    failures = []
    for key, value in expected.items():
        if actual.get(key) == value:
            continue
        message = f"the request's {key} is {actual.get(key)!r}, not {value!r}"
        failures.append(Failure.at(case.locate("expect", "request", key), REQUEST_DIFFERS, message))
    return failures


_CHECKS: dict[str, Callable[[Case, Observed, Any], list[Failure]]] = {
    "text": _text,
    "contains": _contains,
    "not_contains": _not_contains,
    "matches": _matches,
    "encoding": _encoding,
    "segments": _segments,
    "max_segments": _max_segments,
    "recipient": _recipient,
    "sender": _sender,
    "number": _number,
    "request": _request,
}
