"""Diagnostics are values: every stage returns them, only ``compiler.report`` formats them.

A diagnostic has a location (``file``, ``line``, ``column``; 1-based, 0 when unknown),
a severity, a stable ``code`` (documented in docs/codes.md) and a one-line message.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


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
