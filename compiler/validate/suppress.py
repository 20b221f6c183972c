"""The one place where rule configuration and inline suppressions change diagnostics.

Rules always report everything; this filter then applies, in order:

1. inline comments: ``# actionctl: ignore[M510, N304]`` after a value drops those codes
   on that line; on a line of its own it covers the next line, or the whole document
   when it stands before the document's first key;
2. ``rules.ignore`` and ``rules.per_path_ignores`` (fnmatch globs, ``*`` also matches
   ``/``) of actionctl.yaml;
3. ``rules.severity`` on what is left: a warning may become an error (it then fails
   validate, plan and apply) or info; an error is never lowered (R004).

Errors are never dropped: a document with an error is not compiled, and hiding the
error would hide why an action is missing from the plan. A suppression that names only
errors is reported (R002); one that drops nothing is reported as unused (R001), as ruff
does for ``# noqa``; a malformed one as R003; a per-path glob that matches no file as
R005. These R codes go through ``rules`` themselves (``ignore: [R001]`` works).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path

from compiler.diagnostics import Diagnostic, Location, Severity
from compiler.diagnostics.codes import R001, R002, R003, R004, R005
from compiler.model import SUPPRESSION_MARKER, Project, RuleConfig

_MARKER = SUPPRESSION_MARKER
_COMMENT = re.compile(r"#\s*actionctl:\s*(?P<rest>.*)$")
_IGNORE = re.compile(r"ignore\[(?P<codes>[^\]]*)\]")
_CODE = re.compile(r"^[A-Z]\d{3}$")


@dataclass
class Suppression:
    """One inline comment: the codes it names and the lines it covers."""

    location: Location
    codes: tuple[str, ...]
    first_line: int
    last_line: int
    used: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)  # codes it named that were errors

    def covers(self, diagnostic: Diagnostic) -> bool:
        return (
            diagnostic.file == self.location.file
            and diagnostic.code in self.codes
            and self.first_line <= diagnostic.line <= self.last_line
        )


def apply_rules(
    diagnostics: Iterable[Diagnostic],
    project: Project | None,
    *,
    scan: Callable[[str], bool] | None = None,
) -> list[Diagnostic]:
    """The diagnostics as the project's configuration and comments say to show them.

    Comments are read from the files that have a diagnostic and those ``scan`` accepts
    (default: every file; ``validate FILE...`` reads only the changed ones, so the hook
    does not read the whole project twice). Unused suppressions are found there only.
    """
    diagnostics = list(diagnostics)
    if project is None:
        return diagnostics
    config = project.config.rules
    files = project.files()
    if scan is not None:  # (what scan accepts was read in full: it is in the documents)
        named = {document.file for document in project.documents if scan(document.file)}
        files = named | ({d.file for d in diagnostics} & files)
    suppressions, malformed = read_suppressions(project, files)
    kept: list[Diagnostic] = []
    config_refusals: set[str] = set()
    for diagnostic in diagnostics:
        # Suppressions look at what the rule reported; severity applies to what is left
        # (a team may make M510 an error and still allow it where a comment says so).
        matching = [s for s in suppressions if s.covers(diagnostic)]
        if diagnostic.is_error:
            for suppression in matching:
                suppression.refused.add(diagnostic.code)
            if _ignored_by_config(diagnostic, config):
                config_refusals.add(diagnostic.code)
            kept.append(diagnostic)
            continue
        if matching:
            for suppression in matching:
                suppression.used.add(diagnostic.code)
            continue
        if _ignored_by_config(diagnostic, config):
            continue
        kept.append(_with_severity(diagnostic, config))
    own = malformed + _suppression_findings(suppressions)
    own += _config_findings(project, config, config_refusals, diagnostics)
    kept += [_with_severity(d, config) for d in own if not _ignored_by_config(d, config)]
    return kept


def _with_severity(diagnostic: Diagnostic, config: RuleConfig) -> Diagnostic:
    wanted = config.severity.get(diagnostic.code)
    if wanted is None or diagnostic.is_error:  # errors stay errors (R004 says so)
        return diagnostic
    return replace(diagnostic, severity=Severity(wanted))


def _ignored_by_config(diagnostic: Diagnostic, config: RuleConfig) -> bool:
    if diagnostic.code in config.ignore:
        return True
    return any(
        diagnostic.code in codes and fnmatchcase(diagnostic.file, pattern)
        for pattern, codes in config.per_path_ignores.items()
    )


def read_suppressions(
    project: Project, files: Iterable[str]
) -> tuple[list[Suppression], list[Diagnostic]]:
    """Every ``# actionctl:`` comment of ``files``, files of the project (read again: the
    YAML loader drops comments; only files holding the marker are parsed)."""
    suppressions: list[Suppression] = []
    problems: list[Diagnostic] = []
    for file in sorted(set(files) - project.unmarked_files):
        try:
            raw = (Path(project.root) / file).read_bytes()
            if _MARKER.encode() not in raw:
                continue
            text = raw.decode("utf-8-sig")
        except (OSError, UnicodeError):
            continue
        found, bad = _scan(file, text)
        suppressions += found
        problems += bad
    return suppressions, problems


def _scan(file: str, text: str) -> tuple[list[Suppression], list[Diagnostic]]:
    comments = _comments(text)
    if not comments:
        return [], []
    lines = text.splitlines()
    documents = _document_ranges(lines)
    suppressions: list[Suppression] = []
    problems: list[Diagnostic] = []
    for line, column, rest in comments:
        location = Location(file, line, column)
        match = _IGNORE.match(rest.strip())
        codes = tuple(c.strip() for c in match.group("codes").split(",")) if match else ()
        if not codes or not all(_CODE.match(c) for c in codes):
            message = (
                f"malformed suppression {rest.strip()!r}: write "
                "`# actionctl: ignore[M510]` (codes separated by commas)"
            )
            problems.append(Diagnostic.warning(location, R003, message))
            continue
        first, last = _scope(lines, line, column, documents)
        suppressions.append(Suppression(location, codes, first, last))
    return suppressions, problems


def _comments(text: str) -> list[tuple[int, int, str]]:
    """(line, column, text after ``actionctl:``) of each comment that starts with the
    marker. A ``#`` inside a quoted or block scalar is text, and a marker further along
    a comment (``# e.g. # actionctl: ...``) is part of that comment."""
    lines = text.splitlines()
    if not any(_MARKER in line for line in lines):
        return []
    spans = _scalar_spans(text)
    found = []
    for number, line in enumerate(lines, start=1):
        if _MARKER not in line:
            continue
        start = _comment_start(line, number, spans)
        if start is None:
            continue
        match = _COMMENT.match(line, start)
        if match is not None:
            found.append((number, start + 1, match.group("rest")))
    return found


def _comment_start(line: str, number: int, spans: list[tuple[int, int, int, int]]) -> int | None:
    """Index of the ``#`` that starts this line's comment (YAML wants a space before it)."""
    for index, char in enumerate(line):
        if char != "#" or (index > 0 and not line[index - 1].isspace()):
            continue
        if not any(_inside(number, index + 1, span) for span in spans):
            return index
    return None


def _scalar_spans(text: str) -> list[tuple[int, int, int, int]]:
    import yaml

    spans = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark, token.end_mark
                spans.append((start.line + 1, start.column + 1, end.line + 1, end.column + 1))
    except yaml.YAMLError:
        pass  # the loader reports the file; comments before the error still count
    return spans


def _inside(line: int, column: int, span: tuple[int, int, int, int]) -> bool:
    return (span[0], span[1]) <= (line, column) < (span[2], span[3])


def _document_ranges(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line of each YAML document, split at ``---`` lines."""
    starts = [1] + [n for n, line in enumerate(lines, start=1) if re.match(r"---(\s|$)", line)]
    starts = sorted(set(starts))
    ends = [s - 1 for s in starts[1:]] + [max(len(lines), 1)]
    return list(zip(starts, ends, strict=True))


def _scope(
    lines: list[str], line: int, column: int, documents: list[tuple[int, int]]
) -> tuple[int, int]:
    """The lines a comment covers: its own line after a value; the next line on a line
    of its own; the whole document before the document's first key."""
    if lines[line - 1][: column - 1].strip():
        return line, line
    first, last = next((d for d in documents if d[0] <= line <= d[1]), (line, line))
    before = [text.strip() for text in lines[first - 1 : line - 1]]
    if all(not text or text.startswith(("#", "---", "%")) for text in before):
        return first, last
    following = line + 1
    while following <= len(lines) and (
        not lines[following - 1].strip() or lines[following - 1].lstrip().startswith("#")
    ):
        following += 1
    return following, following


def _suppression_findings(suppressions: list[Suppression]) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    for suppression in suppressions:
        for code in suppression.codes:
            if code in suppression.used:
                continue
            if code in suppression.refused:
                message = (
                    f"{code} is an error here and cannot be suppressed (the document would "
                    "not compile): fix it instead"
                )
                findings.append(Diagnostic.warning(suppression.location, R002, message))
                continue
            message = f"unused suppression: no {code} here; remove it from the comment"
            findings.append(Diagnostic.warning(suppression.location, R001, message))
    return findings


def _config_findings(
    project: Project, config: RuleConfig, refused: set[str], diagnostics: list[Diagnostic]
) -> list[Diagnostic]:
    source = project.config.source
    if source is None:
        return []
    findings: list[Diagnostic] = []
    for code in sorted(refused):
        message = (
            f"rules ignore {code}, but {code} is an error and is still reported (the "
            "document would not compile): fix it instead"
        )
        findings.append(Diagnostic.warning(source.locate("rules"), R002, message))
    errors = {d.code for d in diagnostics if d.is_error}
    for code, severity in config.severity.items():
        if code in errors and severity != "error":
            message = f"rules.severity cannot lower {code}: it is an error (fix it instead)"
            findings.append(
                Diagnostic.warning(source.locate("rules", "severity", code), R004, message)
            )
    files = project.files()
    for pattern in config.per_path_ignores:
        if not any(fnmatchcase(file, pattern) for file in files):
            message = f"per_path_ignores pattern {pattern!r} matches no file of the project"
            location = source.locate_key("rules", "per_path_ignores", pattern)
            findings.append(Diagnostic.warning(location, R005, message))
    return findings
