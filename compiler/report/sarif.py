"""SARIF 2.1.0 for code scanning (``github/codeql-action/upload-sarif`` and friends).

One run; ``tool.driver.rules`` holds one rule per code used, each linking to its entry
in docs/codes.md; each result points at the file (relative to ``%SRCROOT%``, the
checkout root) and, when known, the line and column.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from compiler import __version__
from compiler.diagnostics import Diagnostic, Severity
from compiler.report.paths import repository_path

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# Where the project and its diagnostic-code documentation live, when the installed
# package's metadata does not say (pyproject.toml [project.urls] Repository/Source).
FALLBACK_REPOSITORY_URI = "https://github.com/actionctl/actionctl"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

# docs/codes/<area>.md rows: | E101 | error | meaning | fix |
_CODE_ROW = re.compile(r"^\|\s*`?([A-Z]\d{3})`?\s*\|[^|]*\|\s*([^|]+?)\s*\|")


def render(diagnostics: list[Diagnostic], *, color: bool = False) -> str:
    return json.dumps(sarif_log(diagnostics), indent=2, ensure_ascii=False)


def sarif_log(diagnostics: list[Diagnostic]) -> dict[str, Any]:
    repository = repository_uri()
    rules, index = _rules(diagnostics, f"{repository}/blob/main/docs/codes.md")
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "actionctl",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": repository,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index[d.code]) for d in diagnostics],
            }
        ],
    }


def repository_uri() -> str:
    """The project's repository URL from the installed package's metadata, if declared."""
    from importlib import metadata

    try:
        urls = metadata.metadata("actionctl").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return FALLBACK_REPOSITORY_URI
    by_label: dict[str, str] = {}
    for entry in urls:
        label, _, url = entry.partition(",")
        by_label[label.strip().lower()] = url.strip().rstrip("/")
    for label in ("repository", "source", "source code", "homepage"):
        if by_label.get(label, "").startswith("https://"):
            return by_label[label]
    return FALLBACK_REPOSITORY_URI


def _rules(
    diagnostics: list[Diagnostic], codes_doc: str
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One rule per code used, in first-seen order; and each code's index among them."""
    meanings = documented_meanings()
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for diagnostic in diagnostics:
        if diagnostic.code in index:
            continue
        index[diagnostic.code] = len(rules)
        text = meanings.get(diagnostic.code) or diagnostic.message
        rules.append(
            {
                "id": diagnostic.code,
                "name": diagnostic.code,
                "shortDescription": {"text": text},
                "helpUri": f"{codes_doc}#{diagnostic.code.lower()}",
                "defaultConfiguration": {"level": LEVELS[diagnostic.severity]},
            }
        )
    return rules, index


def _result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": diagnostic.message},
    }
    if diagnostic.file:
        result["locations"] = [{"physicalLocation": _physical_location(diagnostic)}]
    return result


def _physical_location(diagnostic: Diagnostic) -> dict[str, Any]:
    path = repository_path(diagnostic.file)
    if PurePosixPath(path).is_absolute():
        artifact: dict[str, Any] = {"uri": Path(path).as_uri()}
    else:
        artifact = {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}
    location: dict[str, Any] = {"artifactLocation": artifact}
    # SARIF regions need startLine >= 1; a diagnostic about a whole file has none.
    if diagnostic.line >= 1:
        region = {"startLine": diagnostic.line}
        if diagnostic.column >= 1:
            region["startColumn"] = diagnostic.column
        location["region"] = region
    return location


def documented_meanings() -> dict[str, str]:
    """code -> one-line meaning from docs/codes/*.md, when running from a source checkout.

    An installed wheel has no docs; rules then describe themselves by their first message.
    """
    docs = Path(__file__).resolve().parents[2] / "docs" / "codes"
    meanings: dict[str, str] = {}
    if not docs.is_dir():
        return meanings
    for page in sorted(docs.glob("*.md")):
        try:
            text = page.read_text(encoding="utf-8")
        except OSError:
            continue
        for line in text.splitlines():
            match = _CODE_ROW.match(line.strip())
            if match:
                meanings.setdefault(match.group(1), match.group(2).strip())
    return meanings
