"""SARIF 2.1.0 for code scanning (``github/codeql-action/upload-sarif`` and friends).

One run; ``tool.driver.rules`` holds one rule per code used, described from the code
registry shipped in the package (``compiler.diagnostics.codes``: ``shortDescription``,
``fullDescription``, ``help`` as text and Markdown with the fix; ``helpUri`` only when
the installed package declares a documentation or repository URL in its metadata), and
named in PascalCase from its meaning (``UnknownField``), as code scanning shows rule
names next to ids. An installed actionctl and a source checkout write the same SARIF. Each result
points at the file (relative to ``%SRCROOT%``, the checkout root) and, when known, the
line and column. Diagnostics caused by an earlier one are folded into the cause's
result as ``relatedLocations`` (its message says how many), not results of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from compiler import __version__
from compiler.diagnostics import Diagnostic, Severity, json_text
from compiler.diagnostics.codes import REGISTRY
from compiler.report.paths import repository_path

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

_SHORT_LIMIT = 1024  # SARIF: shortDescription should be one sentence, short
_NAME_WORDS = 6
_FILLER = {"a", "an", "the", "this", "its", "of", "is", "are", "or", "and", "to", "in"}


@dataclass(frozen=True)
class CodeDoc:
    meaning: str
    fix: str
    severity: Severity


def render(diagnostics: list[Diagnostic], *, color: bool = False, prefix: str = "") -> str:
    return json_text(sarif_log(diagnostics, prefix), indent=2)


def sarif_log(diagnostics: list[Diagnostic], prefix: str = "") -> dict[str, Any]:
    repository = repository_uri()
    codes_doc = f"{repository}/blob/main/docs/codes.md" if repository else None
    rules, index = _rules(diagnostics, codes_doc)
    driver: dict[str, Any] = {
        "name": "actionctl",
        "version": __version__,
        "semanticVersion": __version__,
    }
    if repository:
        driver["informationUri"] = repository
    driver["rules"] = rules
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index[d.code], prefix) for d in diagnostics],
            }
        ],
    }


def repository_uri() -> str | None:
    """The project's repository URL from the installed package's metadata, if declared
    (pyproject.toml ``[project.urls]``); None, and no links at all, otherwise."""
    from importlib import metadata

    try:
        urls = metadata.metadata("actionctl").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    return preferred_url(urls)


def preferred_url(project_urls: list[str]) -> str | None:
    """From ``Label, URL`` metadata entries: the repository's, else the home page's."""
    by_label: dict[str, str] = {}
    for entry in project_urls:
        label, _, url = entry.partition(",")
        by_label[label.strip().lower()] = url.strip().rstrip("/")
    for label in ("repository", "source", "source code", "homepage"):
        if by_label.get(label, "").startswith("https://"):
            return by_label[label]
    return None


def _rules(
    diagnostics: list[Diagnostic], codes_doc: str | None
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One rule per code used, in first-seen order; and each code's index among them."""
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    names: set[str] = set()
    for diagnostic in diagnostics:
        if diagnostic.code in index:
            continue
        index[diagnostic.code] = len(rules)
        doc = _doc(diagnostic)
        name = rule_name(doc.meaning, diagnostic.code)
        if name in names:  # two codes, one wording: the code keeps them apart
            name += diagnostic.code
        names.add(name)
        help_uri = f"{codes_doc}#{diagnostic.code.lower()}" if codes_doc else None
        rule: dict[str, Any] = {
            "id": diagnostic.code,
            "name": name,
            "shortDescription": {"text": _first_sentence(doc.meaning)},
            "fullDescription": {"text": doc.meaning},
            "help": _help(diagnostic.code, doc, help_uri),
        }
        if help_uri:
            rule["helpUri"] = help_uri
        rule["defaultConfiguration"] = {"level": LEVELS[doc.severity]}
        rules.append(rule)
    return rules, index


def _doc(diagnostic: Diagnostic) -> CodeDoc:
    """The registry's word on a diagnostic's code (every code emitted is registered)."""
    code = REGISTRY.get(diagnostic.code)
    if code is None:
        return CodeDoc(diagnostic.message, "", diagnostic.severity)
    return CodeDoc(code.meaning, code.fix, code.severity)


def _help(code: str, doc: CodeDoc, uri: str | None) -> dict[str, str]:
    fix_text = f"\nFix: {doc.fix}" if doc.fix else ""
    fix_markdown = f"\n\n**Fix:** {doc.fix}" if doc.fix else ""
    if not uri:
        return {"text": f"{doc.meaning}{fix_text}", "markdown": f"{doc.meaning}{fix_markdown}"}
    return {
        "text": f"{doc.meaning}{fix_text}\nSee {uri}",
        "markdown": f"{doc.meaning}{fix_markdown}\n\n[{code} in docs/codes.md]({uri})",
    }


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence[:_SHORT_LIMIT]


def rule_name(meaning: str, code: str) -> str:
    """``UnknownField`` from "Unknown field; the message suggests...": the first clause of
    the meaning that is not just code (a lead-in like "`actionctl render`:" is skipped),
    markup and filler words dropped, a few words in PascalCase."""
    parts = [c.strip() for c in re.split(r"[:;.(]|, | - | -> ", meaning.replace("'s ", " "))]
    prose = [c for c in parts if c and not (c.startswith("`") and c.endswith("`"))]
    clauses = [w for w in map(_words, prose or parts) if w]
    chosen = clauses[0] if clauses else []
    name = "".join(w[:1].upper() + w[1:] for w in chosen[:_NAME_WORDS])
    return name or f"Rule{code}"


def _words(clause: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", clause.replace("`", ""))
    return [w for w in words if w.lower() not in _FILLER]


def _result(diagnostic: Diagnostic, rule_index: int, prefix: str) -> dict[str, Any]:
    message = diagnostic.message
    if diagnostic.consequences:
        message += f" ({len(diagnostic.consequences)} more caused by this: related locations)"
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": message},
    }
    if diagnostic.file:
        result["locations"] = [{"physicalLocation": _physical_location(diagnostic, prefix)}]
    related = [_related(i, d, prefix) for i, d in enumerate(diagnostic.consequences) if d.file]
    if related:
        result["relatedLocations"] = related
    return result


def _related(number: int, consequence: Diagnostic, prefix: str) -> dict[str, Any]:
    """A consequence as a related location: where it is and what it says."""
    text = f"{consequence.severity.value} {consequence.code}: {consequence.message}"
    return {
        "id": number,
        "physicalLocation": _physical_location(consequence, prefix),
        "message": {"text": text},
    }


def _physical_location(diagnostic: Diagnostic, prefix: str) -> dict[str, Any]:
    path = repository_path(diagnostic.file, prefix)
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
