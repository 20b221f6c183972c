"""The full list of diagnostics as a Markdown table in the GitHub job summary.

Annotations are capped by GitHub (``compiler.report.github`` calls this module); the job summary
(``$GITHUB_STEP_SUMMARY``, appended to, 1 MiB per step) holds every diagnostic.
"""

from __future__ import annotations

from pathlib import Path

from compiler.diagnostics import Diagnostic, Severity
from compiler.report.paths import repository_path

# Rows beyond this are counted, not listed: the summary file is limited to 1 MiB per step.
MAX_ROWS = 2000

_ICONS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def append_step_summary(
    path: Path, diagnostics: list[Diagnostic], omitted: int, prefix: str = ""
) -> None:
    """Append the table; a summary we cannot write must not fail the validation step."""
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(summary_markdown(diagnostics, omitted, prefix))
    except OSError:
        return


def summary_markdown(diagnostics: list[Diagnostic], omitted: int, prefix: str = "") -> str:
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
    for diagnostic in diagnostics[:MAX_ROWS]:
        location = diagnostic.location
        where = repository_path(location.file, prefix)
        if location.line:
            where += f":{location.line}:{location.column}"
        lines.append(
            f"| {_ICONS[diagnostic.severity]} | `{diagnostic.code}` | "
            f"`{_cell(where)}` | {_cell(diagnostic.message)} |"
        )
    if len(diagnostics) > MAX_ROWS:
        lines.append("")
        lines.append(f"… and {len(diagnostics) - MAX_ROWS} more (see the step's log).")
    return "\n".join(lines) + "\n\n"


def _cell(text: str) -> str:
    """Text safe inside one Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
