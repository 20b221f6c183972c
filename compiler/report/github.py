"""GitHub Actions workflow commands: ``::error file=F,line=L,col=C,title=CODE::message``.

GitHub shows at most 10 annotations of each type (error, warning, notice) per step and
50 per job; the rest are silently dropped. So we emit at most 10 of each type, then one
``::notice`` saying how many more there are, print those as plain log lines, and write
the full list to the job summary when ``GITHUB_STEP_SUMMARY`` is set.

Consequences of an earlier diagnostic (``Diagnostic.consequences``) are not annotations
of their own: the cause's annotation says how many follow from it, and they are log
lines right after it, so a fix-this-first mistake is never crowded out by its echoes.
"""

from __future__ import annotations

import os
from pathlib import Path

from compiler.diagnostics import Diagnostic, Severity, flattened
from compiler.report.github_summary import append_step_summary
from compiler.report.paths import repository_path

PER_TYPE_CAP = 10  # GitHub: annotations of one type per step

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(diagnostics: list[Diagnostic], *, color: bool = False, prefix: str = "") -> str:
    """Annotations for the first diagnostics of each type, then a note about the rest.
    ``prefix``: the project directory from the checkout root (``paths.project_prefix``)."""
    shown, omitted = split_by_cap(diagnostics)
    lines: list[str] = []
    for diagnostic in shown:
        lines.append(annotation(diagnostic, prefix))
        lines.extend(_consequence_lines(diagnostic, prefix))
    if omitted:
        lines.append(_omitted_notice(omitted))
        # The annotations are capped, the log is not: keep every diagnostic readable there.
        for diagnostic in omitted:
            lines.append(_plain_line(diagnostic, prefix))
            lines.extend(_consequence_lines(diagnostic, prefix))
    if diagnostics and os.environ.get("GITHUB_STEP_SUMMARY"):
        every = flattened(diagnostics)
        hidden = len(every) - len(shown)
        append_step_summary(Path(os.environ["GITHUB_STEP_SUMMARY"]), every, hidden, prefix)
    return "\n".join(lines)


def _consequence_lines(diagnostic: Diagnostic, prefix: str) -> list[str]:
    return [
        f"  caused by {diagnostic.code}: {_plain_line(d, prefix)}" for d in diagnostic.consequences
    ]


def split_by_cap(diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(shown as annotations, omitted), keeping input order within each.

    When anything is omitted, one notice slot is kept free for the summary notice, so
    that the summary itself is never the annotation GitHub drops.
    """
    caps = {severity: PER_TYPE_CAP for severity in COMMANDS}
    if _overflows(diagnostics):
        caps[Severity.INFO] = PER_TYPE_CAP - 1
    shown: list[Diagnostic] = []
    omitted: list[Diagnostic] = []
    for diagnostic in diagnostics:
        if caps[diagnostic.severity] > 0:
            caps[diagnostic.severity] -= 1
            shown.append(diagnostic)
        else:
            omitted.append(diagnostic)
    return shown, omitted


def _overflows(diagnostics: list[Diagnostic]) -> bool:
    counts = {severity: 0 for severity in COMMANDS}
    for diagnostic in diagnostics:
        counts[diagnostic.severity] += 1
    return any(count > PER_TYPE_CAP for count in counts.values())


def annotation(diagnostic: Diagnostic, prefix: str = "") -> str:
    properties = {"file": repository_path(diagnostic.file, prefix)}
    if diagnostic.line > 0:
        properties["line"] = str(diagnostic.line)
        if diagnostic.column > 0:
            properties["col"] = str(diagnostic.column)
    properties["title"] = diagnostic.code
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    command = COMMANDS[diagnostic.severity]
    message = diagnostic.message
    if diagnostic.consequences:
        n = len(diagnostic.consequences)
        message += f" ({n} more caused by this; see the log)"
    return f"::{command} {rendered}::{escape_data(message)}"


def _omitted_notice(omitted: list[Diagnostic]) -> str:
    counts = ", ".join(
        f"{sum(1 for d in omitted if d.severity is severity)} {name}"
        for severity, name in (
            (Severity.ERROR, "errors"),
            (Severity.WARNING, "warnings"),
            (Severity.INFO, "notices"),
        )
        if any(d.severity is severity for d in omitted)
    )
    where = (
        "the job summary and the log below" if os.environ.get("GITHUB_STEP_SUMMARY") else "the log"
    )
    message = (
        f"{len(omitted)} more diagnostics not shown as annotations ({counts}); "
        f"GitHub shows at most {PER_TYPE_CAP} per type per step. See {where}."
    )
    return f"::notice title=actionctl::{escape_data(message)}"


def _plain_line(diagnostic: Diagnostic, prefix: str) -> str:
    # Never starts with "::", so the runner does not treat it as a command.
    location = diagnostic.location
    path = repository_path(location.file, prefix)
    where = f"{path}:{location.line}:{location.column}" if location.line else path
    return f"{where}: {diagnostic.severity.value} {diagnostic.code} {diagnostic.message}"


# GitHub's workflow-command escaping (the same as @actions/core's escapeData/escapeProperty).
def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
