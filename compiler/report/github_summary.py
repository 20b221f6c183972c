"""The full list of diagnostics as a Markdown table in the GitHub job summary.

Annotations are capped by GitHub (``compiler.report.github`` calls this module); the job summary
(``$GITHUB_STEP_SUMMARY``, appended to, 1 MiB per step) holds every diagnostic that fits.
The table is laid out in one pass: rows are kept while they fit in what the step's file
has left, each message cut to ``MAX_MESSAGE`` characters, and the rows left out are
counted exactly.
"""

from __future__ import annotations

from pathlib import Path

from compiler.diagnostics import Diagnostic, Severity
from compiler.report.paths import repository_path

STEP_CAP = 1_048_576  # bytes: GitHub's limit for one step's summary file
MAX_MESSAGE = 2_000  # characters of one message in a table cell
_TAIL = 200  # bytes kept for the line that counts the rows left out

_ICONS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def append_step_summary(
    path: Path, diagnostics: list[Diagnostic], omitted: int, prefix: str = ""
) -> None:
    """Append the table; a summary we cannot write must not fail the validation step."""
    try:
        used = path.stat().st_size if path.exists() else 0
        text = summary_markdown(diagnostics, omitted, prefix, cap=STEP_CAP - used)
        if not text:
            return
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError:
        return


def summary_markdown(
    diagnostics: list[Diagnostic], omitted: int, prefix: str = "", *, cap: int = STEP_CAP
) -> str:
    """The table within ``cap`` UTF-8 bytes ("" when not even its head fits)."""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    lines = [
        "### actionctl diagnostics",
        "",
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
        + (f" ({omitted} not shown as annotations)." if omitted else "."),
        "",
        "| severity | code | location | message |",
        "|---|---|---|---|",
    ]
    left = cap - _size(lines) - _TAIL - 2
    if left < 0:
        return ""
    shown = 0
    for diagnostic in diagnostics:
        row = _row(diagnostic, prefix)
        left -= len(row.encode("utf-8")) + 1
        if left < 0:
            break
        lines.append(row)
        shown += 1
    if shown < len(diagnostics):
        lines += ["", f"… and {len(diagnostics) - shown} more (see the step's log)."]
    return "\n".join(lines) + "\n\n"


def _row(diagnostic: Diagnostic, prefix: str) -> str:
    location = diagnostic.location
    where = repository_path(location.file, prefix)
    if location.line:
        where += f":{location.line}:{location.column}"
    message = diagnostic.message
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + " … (cut: see the step's log)"
    return (
        f"| {_ICONS[diagnostic.severity]} | `{diagnostic.code}` | "
        f"`{_cell(where)}` | {_cell(message)} |"
    )


def _size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def _cell(text: str) -> str:
    """Text safe inside one Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
