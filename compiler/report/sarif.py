"""SARIF 2.1.0 for code scanning (``github/codeql-action/upload-sarif`` and friends).

One run; ``tool.driver.rules`` holds one rule per code used, described from its entry
in docs/codes.md (``shortDescription``, ``fullDescription``, ``help`` as text and
Markdown with the fix, ``helpUri`` to the entry) and named in PascalCase from its
meaning (``UnknownField``), as code scanning shows rule names next to ids; each result
points at the file (relative to ``%SRCROOT%``, the checkout root) and, when known, the
line and column. Diagnostics caused by an earlier one are folded into the cause's
result as ``relatedLocations`` (its message says how many), not results of their own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
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

# docs/codes.md entries: "### E101", then "**error**: meaning", then "Fix: how".
_HEADING = re.compile(r"^### ([A-Z]\d{3})\s*$")
_MEANING = re.compile(r"^\*\*(?:error|warning|info)\*\*: (.+)$")
_FIX = re.compile(r"^Fix: (.+)$")
_SHORT_LIMIT = 1024  # SARIF: shortDescription should be one sentence, short
_NAME_WORDS = 6
_FILLER = {"a", "an", "the", "this", "its", "of", "is", "are", "or", "and", "to", "in"}


@dataclass(frozen=True)
class CodeDoc:
    meaning: str
    fix: str


def render(diagnostics: list[Diagnostic], *, color: bool = False, prefix: str = "") -> str:
    return json.dumps(sarif_log(diagnostics, prefix), indent=2, ensure_ascii=False)


def sarif_log(diagnostics: list[Diagnostic], prefix: str = "") -> dict[str, Any]:
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
                "results": [_result(d, index[d.code], prefix) for d in diagnostics],
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
    docs = documented_codes()
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    names: set[str] = set()
    for diagnostic in diagnostics:
        if diagnostic.code in index:
            continue
        index[diagnostic.code] = len(rules)
        help_uri = f"{codes_doc}#{diagnostic.code.lower()}"
        doc = docs.get(diagnostic.code) or CodeDoc(diagnostic.message, "")
        name = rule_name(doc.meaning, diagnostic.code)
        if name in names:  # two codes, one wording: the code keeps them apart
            name += diagnostic.code
        names.add(name)
        rules.append(
            {
                "id": diagnostic.code,
                "name": name,
                "shortDescription": {"text": _first_sentence(doc.meaning)},
                "fullDescription": {"text": doc.meaning},
                "help": _help(diagnostic.code, doc, help_uri),
                "helpUri": help_uri,
                "defaultConfiguration": {"level": LEVELS[diagnostic.severity]},
            }
        )
    return rules, index


def _help(code: str, doc: CodeDoc, uri: str) -> dict[str, str]:
    fix_text = f"\nFix: {doc.fix}" if doc.fix else ""
    fix_markdown = f"\n\n**Fix:** {doc.fix}" if doc.fix else ""
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


def documented_codes() -> dict[str, CodeDoc]:
    """code -> meaning and fix from docs/codes.md, when running from a source checkout.

    An installed wheel has no docs; rules then describe themselves by their first message.
    """
    index = Path(__file__).resolve().parents[2] / "docs" / "codes.md"
    try:
        text = index.read_text(encoding="utf-8")
    except OSError:
        return {}
    docs: dict[str, CodeDoc] = {}
    code, meaning = "", ""
    for line in text.splitlines():
        if heading := _HEADING.match(line):
            code, meaning = heading.group(1), ""
        elif code and (found := _MEANING.match(line)):
            meaning = found.group(1).strip()
        elif code and meaning and (fix := _FIX.match(line)):
            docs.setdefault(code, CodeDoc(meaning, fix.group(1).strip()))
            code = ""
    return docs
