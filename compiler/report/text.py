"""``path:line:col: severity CODE message``, one per line, then a count."""

from __future__ import annotations

import click

from compiler.diagnostics import Diagnostic, Severity

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def render(diagnostics: list[Diagnostic], *, color: bool = False) -> str:
    lines = [_line(d, color) for d in diagnostics]
    if diagnostics:
        lines.append(summary(diagnostics))
    return "\n".join(lines)


def _line(diagnostic: Diagnostic, color: bool) -> str:
    severity = diagnostic.severity.value
    if color:
        severity = click.style(severity, fg=_COLORS[diagnostic.severity], bold=True)
    return f"{diagnostic.location}: {severity} {diagnostic.code} {diagnostic.message}"


def summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
