"""Diagnostics are values: every stage returns them, only ``compiler.report`` formats them.

A diagnostic has a location (``file``, ``line``, ``column``; 1-based, 0 when unknown),
a severity, a stable ``code`` (documented in docs/codes.md) and a one-line message.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def __post_init__(self) -> None:
        # Every format (text, json, github, sarif) gets one safe line: done once, here.
        object.__setattr__(self, "file", printable(self.file))
        object.__setattr__(self, "message", capped(printable(self.message)))

    @classmethod
    def at(
        cls, location: Location, code: str, message: str, severity: Severity = Severity.ERROR
    ) -> Diagnostic:
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

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


class DiagnosticError(Exception):
    """Raised where a stage cannot go on; carries the diagnostics that explain why.

    The CLI catches it, formats the diagnostics in one place and exits 1.
    """

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("; ".join(f"{d.location}: {d.code} {d.message}" for d in diagnostics))
