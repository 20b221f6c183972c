"""What a run found: one ``Result`` per case and environment (and per golden payload),
each failure a located diagnostic with the lines that show the difference."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from compiler.diagnostics import Diagnostic, Location, Severity, has_errors

PASSED, FAILED = "passed", "failed"


@dataclass(frozen=True)
class Failure:
    diagnostic: Diagnostic
    details: tuple[str, ...] = ()  # a diff or the values compared, one line each

    @classmethod
    def at(
        cls, location: Location, code: str, message: str, details: list[str] | None = None
    ) -> Failure:
        return cls(Diagnostic.error(location, code, message), tuple(details or ()))


@dataclass
class Result:
    """One case in one environment, or one golden payload (``kind`` "golden")."""

    action: str
    name: str
    environment: str
    location: Location
    kind: str = "case"
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    observed: dict[str, Any] = field(default_factory=dict)  # what was rendered, for json

    @property
    def test_id(self) -> str:
        return f"{self.action}::{self.name}[{self.environment}]"

    @property
    def status(self) -> str:
        return FAILED if self.failures else PASSED


@dataclass
class TestRun:
    results: list[Result] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # outside any case
    written: list[str] = field(default_factory=list)  # goldens and starter files written
    deselected: int = 0

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems) and all(r.status == PASSED for r in self.results)

    def counts(self) -> dict[str, int]:
        statuses = Counter(result.status for result in self.results)
        errors = sum(1 for d in self.problems if d.severity is Severity.ERROR)
        return {
            "total": len(self.results),
            PASSED: statuses[PASSED],
            FAILED: statuses[FAILED],
            "errors": errors,
            "warnings": len(self.problems) - errors,
            "deselected": self.deselected,
            "written": len(self.written),
        }

    def diagnostics(self) -> list[Diagnostic]:
        """Every problem and every failure, for the formats made of diagnostics."""
        failures = [f.diagnostic for r in self.results for f in r.failures]
        return [*self.problems, *failures]
