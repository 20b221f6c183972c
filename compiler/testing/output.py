"""A run in each ``--format``: ``text`` (failures with their diffs, then a summary),
``json`` (one object: summary, results, problems), ``github`` and ``sarif`` (the
diagnostics, as every command prints them), ``junit`` (JUnit XML as CI systems read it:
the Surefire/Jenkins schema, which has no place for a line, so each failure's message
starts with its ``file:line:col``).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from compiler.diagnostics import Diagnostic, printable
from compiler.testing.results import FAILED, Failure, Result, TestRun

FORMATS = ("text", "json", "github", "junit", "sarif")
DETAIL_INDENT = "      "


def render(run: TestRun, fmt: str, *, project_dir: Path, verbose: bool = False) -> str:
    return _RENDERERS[fmt](run, project_dir, verbose)


def summary(run: TestRun) -> str:
    counts = run.counts()
    parts = [f"{counts['passed']} passed"]
    if counts["failed"]:
        parts.append(f"{counts['failed']} failed")
    if counts["errors"]:
        parts.append(f"{counts['errors']} error(s) outside the cases")
    if counts["warnings"]:
        parts.append(f"{counts['warnings']} warning(s)")
    if counts["deselected"]:
        parts.append(f"{counts['deselected']} deselected")
    if counts["written"]:
        parts.append(f"{counts['written']} golden file(s) written")
    seconds = sum(result.seconds for result in run.results)
    return ("ok: " if run.ok else "FAILED: ") + ", ".join(parts) + f" ({seconds:.2f}s in cases)"


def _text(run: TestRun, project_dir: Path, verbose: bool) -> str:
    from compiler.report.text import render as render_diagnostics

    lines: list[str] = []
    if run.problems:
        lines.append(render_diagnostics(run.problems))
    for result in run.results:
        if result.status == FAILED:
            lines.append(f"FAILED {result.test_id}  {result.location}")
            lines += [line for failure in result.failures for line in _failure_lines(failure)]
        elif verbose:
            lines.append(f"passed {result.test_id}")
    lines += [f"wrote {file}" for file in run.written]
    if not run.results and not run.problems and not run.deselected:
        lines.append(
            "no tests: none in tests/**/*.test.yaml selected "
            "(`actionctl test --init AGENT/NAME` writes starter cases)"
        )
    lines.append(summary(run))
    return "\n".join(lines)


def _failure_lines(failure: Failure) -> list[str]:
    d = failure.diagnostic
    head = f"  {d.location}: {d.code} {d.message}"
    return [head, *(DETAIL_INDENT + printable(detail) for detail in failure.details)]


def _json(run: TestRun, project_dir: Path, verbose: bool) -> str:
    from compiler.report.json_format import as_dicts

    document = {
        "summary": run.counts() | {"ok": run.ok},
        "results": [_result_dict(result) for result in run.results],
        "problems": as_dicts(run.problems),
        "written": run.written,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _result_dict(result: Result) -> dict[str, Any]:
    return {
        "id": result.test_id,
        "action": result.action,
        "case": result.name,
        "environment": result.environment,
        "kind": result.kind,
        "status": result.status,
        "file": result.location.file,
        "line": result.location.line,
        "column": result.location.column,
        "seconds": round(result.seconds, 6),
        "failures": [_failure_dict(failure) for failure in result.failures],
        "observed": result.observed,
    }


def _failure_dict(failure: Failure) -> dict[str, Any]:
    d = failure.diagnostic
    return {
        "code": d.code,
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "message": d.message,
        "details": list(failure.details),
    }


def _diagnostics(fmt: str) -> Callable[[TestRun, Path, bool], str]:
    def render_as(run: TestRun, project_dir: Path, verbose: bool) -> str:
        from compiler.report import format_diagnostics

        diagnostics = [_with_details(d, run) for d in run.diagnostics()]
        return format_diagnostics(diagnostics, fmt, project_dir=project_dir)

    return render_as


def _with_details(diagnostic: Diagnostic, run: TestRun) -> Diagnostic:
    """A failure's message with its first details (annotations have one message)."""
    from dataclasses import replace

    for result in run.results:
        for failure in result.failures:
            if failure.diagnostic is diagnostic and failure.details:
                return replace(
                    diagnostic, message=diagnostic.message + ": " + "; ".join(failure.details[:2])
                )
    return diagnostic


def _junit(run: TestRun, project_dir: Path, verbose: bool) -> str:
    counts = run.counts()
    root = ElementTree.Element(
        "testsuites",
        name="actionctl test",
        tests=str(counts["total"] + counts["errors"]),
        failures=str(counts["failed"] + counts["errors"]),
        errors="0",
        time=_seconds(sum(r.seconds for r in run.results)),
    )
    by_file: dict[str, list[Result]] = {}
    for result in run.results:
        by_file.setdefault(result.location.file, []).append(result)
    for file, results in by_file.items():
        _suite(root, file, results)
    errors = [d for d in run.problems if d.is_error]
    if errors:
        _problem_suite(root, errors)
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _suite(parent: ElementTree.Element, file: str, results: list[Result]) -> None:
    suite = ElementTree.SubElement(
        parent,
        "testsuite",
        name=file,
        tests=str(len(results)),
        failures=str(sum(1 for r in results if r.status == FAILED)),
        errors="0",
        skipped="0",
        time=_seconds(sum(r.seconds for r in results)),
        timestamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        hostname=socket.gethostname() or "localhost",
        file=file,
    )
    for result in results:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            name=f"{result.name}[{result.environment}]",
            classname=result.action.replace("/", "."),
            time=_seconds(result.seconds),
        )
        for failure in result.failures:
            _failure(case, failure.diagnostic, failure.details)


def _problem_suite(parent: ElementTree.Element, errors: list[Diagnostic]) -> None:
    """Errors outside any case (a test file that does not parse, a project that does
    not validate) as failed cases of their own: a CI report must not look green."""
    suite = ElementTree.SubElement(
        parent,
        "testsuite",
        name="actionctl test: project and test files",
        tests=str(len(errors)),
        failures=str(len(errors)),
        errors="0",
        skipped="0",
        time="0.000",
    )
    for diagnostic in errors:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            name=f"{diagnostic.location} {diagnostic.code}",
            classname="actionctl",
        )
        _failure(case, diagnostic, ())


def _failure(case: ElementTree.Element, diagnostic: Diagnostic, details: tuple[str, ...]) -> None:
    message = f"{diagnostic.location}: {diagnostic.code} {diagnostic.message}"
    element = ElementTree.SubElement(case, "failure", message=message, type=diagnostic.code)
    element.text = "\n".join([message, *(printable(detail) for detail in details)])


def _seconds(seconds: float) -> str:
    return f"{seconds:.3f}"


_RENDERERS: dict[str, Callable[[TestRun, Path, bool], str]] = {
    "text": _text,
    "json": _json,
    "github": _diagnostics("github"),
    "sarif": _diagnostics("sarif"),
    "junit": _junit,
}
