"""``path:line:col: severity CODE message``, one per line, then a count.

A diagnostic that carries its source line (a YAML syntax error) shows it below, with a
caret at the column. Diagnostics caused by an earlier one follow it, indented, under
"N more caused by this" (each keeps its own clickable location).
"""

from __future__ import annotations

import click

from compiler.diagnostics import Diagnostic, Severity, flattened

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
CONSEQUENCE_INDENT = "    "


def render(diagnostics: list[Diagnostic], *, color: bool = False, prefix: str = "") -> str:
    lines: list[str] = []
    for diagnostic in diagnostics:
        lines.append(_line(diagnostic, color))
        lines.extend(excerpt(diagnostic))
        lines.extend(_consequence_lines(diagnostic, color))
    if diagnostics:
        lines.append(summary(diagnostics))
    return "\n".join(lines)


def _consequence_lines(diagnostic: Diagnostic, color: bool) -> list[str]:
    if not diagnostic.consequences:
        return []
    head = f"{CONSEQUENCE_INDENT}{consequence_count(diagnostic)} caused by this:"
    return [head, *(CONSEQUENCE_INDENT + _line(d, color) for d in diagnostic.consequences)]


def excerpt(diagnostic: Diagnostic) -> list[str]:
    """The source line under the diagnostic, with a caret at its column (rustc style)."""
    if not diagnostic.source_line or not diagnostic.line:
        return []
    number = str(diagnostic.line)
    gutter = " " * len(number)
    caret = " " * max(diagnostic.column - 1, 0) + "^"
    return [
        f"{CONSEQUENCE_INDENT}{number} | {diagnostic.source_line}",
        f"{CONSEQUENCE_INDENT}{gutter} | {caret}",
    ]


def consequence_count(diagnostic: Diagnostic) -> str:
    """``4 more errors`` / ``1 more warning`` / ``2 more diagnostics`` (mixed)."""
    folded = diagnostic.consequences
    n = len(folded)
    kinds = {d.severity for d in folded}
    word = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(
        next(iter(kinds)) if len(kinds) == 1 else Severity.INFO, "diagnostic"
    )
    return f"{n} more {word}" + ("" if n == 1 else "s")


def _line(diagnostic: Diagnostic, color: bool) -> str:
    severity = diagnostic.severity.value
    if color:
        severity = click.style(severity, fg=_COLORS[diagnostic.severity], bold=True)
    return f"{diagnostic.location}: {severity} {diagnostic.code} {diagnostic.message}"


def summary(diagnostics: list[Diagnostic]) -> str:
    every = flattened(diagnostics)
    errors = sum(1 for d in every if d.severity is Severity.ERROR)
    warnings = sum(1 for d in every if d.severity is Severity.WARNING)
    folded = len(every) - len(diagnostics)
    tail = f" ({folded} caused by others)" if folded else ""
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}{tail}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
