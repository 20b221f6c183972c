"""Diagnostics are values: every stage returns them, only ``compiler.report`` formats them.

A diagnostic has a location (``file``, ``line``, ``column``; 1-based, 0 when unknown),
a severity, a stable ``code`` (one of ``compiler.diagnostics.codes``, the registry that
docs/codes.md is generated from) and a one-line message.

One mistake can cause others: a channel file that fails to load makes every reference to
that channel "unknown". The later stage marks such a diagnostic ``caused_by`` the earlier
one (a ``Cause``: its location and code); ``sorted_diagnostics`` then folds each
consequence under its cause (``consequences``) and puts causes first, so people read the
real mistake first and the report formats can say "(4 more caused by this)".
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compiler.diagnostics.codes import Code

# docs/reliability.md promises it; a 300 KB template expression must not make a 300 KB line.
MAX_MESSAGE_CHARS = 2_000
# Control characters (a newline in a file name would forge a line of output, or a
# ``::error`` command in GitHub's log), Unicode line separators and bidi controls (which
# reorder what is shown), and lone surrogates (the undecodable bytes of a non-UTF-8 file
# name, which no UTF-8 output can carry: json and sarif would not even print).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with each unsafe character as a visible escape (``\\n``, ``\\xff``)."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


# In JSON text a raw newline is structure, never content (json escapes those in strings).
_UNSAFE_IN_JSON = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def json_text(value: object, **options: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, **options)`` with each unsafe character
    (controls, bidi, line separators, lone surrogates) written as a ``\\u`` escape: the
    same data when read back, and nothing a terminal acts on or UTF-8 cannot carry."""
    import json

    return safe_json(json.dumps(value, ensure_ascii=False, **options))


def safe_json(text: str) -> str:
    """JSON text (written with ``ensure_ascii=False``) with each unsafe character as a
    ``\\u`` escape, as ``json_text`` writes it."""
    if not _UNSAFE_IN_JSON.search(text):
        return text
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def capped(message: str) -> str:
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return message[: MAX_MESSAGE_CHARS - 1] + "\u2026"


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Cause:
    """Points at the diagnostic that explains another: its location and code."""

    file: str
    line: int
    column: int
    code: str

    def __str__(self) -> str:
        return f"{self.code} at {Location(self.file, self.line, self.column)}"


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    # The earlier diagnostic this one follows from (set by the stage that knows).
    caused_by: Cause | None = None
    # Diagnostics caused by this one, folded under it by ``sorted_diagnostics``.
    consequences: tuple[Diagnostic, ...] = field(default=(), compare=False)
    # The source line at the location, for the text format's excerpt and caret (set
    # where the line is at hand: a YAML syntax error, whose file never became a model).
    source_line: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Every format (text, json, github, sarif) gets one safe line: done once, here.
        object.__setattr__(self, "file", printable(self.file))
        object.__setattr__(self, "message", capped(printable(self.message)))
        if self.source_line:
            object.__setattr__(self, "source_line", capped(printable(self.source_line)))

    @classmethod
    def of(cls, location: Location, code: Code, message: str) -> Diagnostic:
        """A diagnostic of ``code`` at ``location``, with the registry's severity."""
        return cls(location.file, location.line, location.column, code.severity, code, message)

    @classmethod
    def at(
        cls, location: Location, code: str, message: str, severity: Severity = Severity.ERROR
    ) -> Diagnostic:
        allowed = getattr(code, "severities", (severity,))
        if severity not in allowed:  # the registry decides; a site cannot drift from it
            raise ValueError(f"{code} is a {allowed[0]} in the registry, not a {severity}")
        return cls(location.file, location.line, location.column, severity, code, message)

    @classmethod
    def error(cls, location: Location, code: str, message: str) -> Diagnostic:
        return cls.at(location, code, message, Severity.ERROR)

    @classmethod
    def warning(cls, location: Location, code: str, message: str) -> Diagnostic:
        return cls.at(location, code, message, Severity.WARNING)

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.column)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def cause(self) -> Cause:
        """This diagnostic as the cause of others."""
        return Cause(self.file, self.line, self.column, self.code)

    def because_of(self, cause: Diagnostic) -> Diagnostic:
        return replace(self, caused_by=cause.cause)

    def expanded(self) -> list[Diagnostic]:
        """This diagnostic, then its consequences (each without them): the flat list."""
        return [replace(self, consequences=()), *self.consequences]

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error or has_errors(d.consequences) for d in diagnostics)


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Deduplicated; each consequence folded under its cause when the cause is present
    (a filtered-out cause leaves it standing alone, still marked ``caused_by``); causes
    of others first, then the rest, each group by location."""
    flat = {item for d in diagnostics for item in d.expanded()}
    by_cause = {d.cause: d for d in flat}
    folded: dict[Cause, list[Diagnostic]] = {}
    roots: list[Diagnostic] = []
    for diagnostic in sorted(flat, key=Diagnostic.sort_key):
        cause = _root_cause(diagnostic, by_cause)
        if cause is None:
            roots.append(diagnostic)
        else:
            folded.setdefault(cause, []).append(diagnostic)
    result = [replace(d, consequences=tuple(folded.get(d.cause, ()))) for d in roots]
    return sorted(result, key=lambda d: (not d.consequences, d.sort_key()))


def _root_cause(diagnostic: Diagnostic, by_cause: dict[Cause, Diagnostic]) -> Cause | None:
    """The first cause in the chain that has no present cause of its own; None for a root."""
    seen = {diagnostic.cause}
    cause = diagnostic.caused_by
    if cause is None or cause not in by_cause or cause in seen:
        return None
    while True:
        seen.add(cause)
        earlier = by_cause[cause].caused_by
        if earlier is None or earlier not in by_cause or earlier in seen:
            return cause
        cause = earlier


def flattened(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Every diagnostic, consequences right after their cause (for counting and filters)."""
    return [item for d in diagnostics for item in d.expanded()]


class DiagnosticError(Exception):
    """Raised where a stage cannot go on; carries the diagnostics that explain why.

    The CLI catches it, formats the diagnostics in one place and exits 1.
    """

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("; ".join(f"{d.location}: {d.code} {d.message}" for d in diagnostics))
