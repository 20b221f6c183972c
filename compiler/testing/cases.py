"""Test files: find ``tests/**/*.test.yaml``, check them against ``schemas/test.schema.json``
and turn each document into the cases it holds, every case knowing where it was written.

The project loader never reads ``tests/`` (it reads ``actionctl.yaml``, ``channels/`` and
``actions/``), so a project without test files loads exactly as before, and a test file
can never change what is deployed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import U100, U101, U108
from compiler.load.yaml_source import read_yaml_file

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

    from compiler.model import SourceDocument

TESTS_FOLDER = "tests"
TEST_SUFFIXES = (".test.yaml", ".test.yml")
GOLDEN_FOLDER = "tests/golden"

NOT_A_TEST = U100  # the document does not match the test schema
DUPLICATE_CASE = U101  # two cases of one action share a name
OUTSIDE = U108  # a test file that is a link to outside the project


@dataclass(frozen=True)
class Case:
    """One case of one test document, run once per environment it selects."""

    action: str  # agent/name
    name: str
    index: int  # position in ``cases``
    document: SourceDocument
    environments: tuple[str, ...] | None  # None: every environment of the document
    parameters: Mapping[str, Any] = field(default_factory=dict)
    variables: Mapping[str, str] = field(default_factory=dict)
    expect: Mapping[str, Any] = field(default_factory=dict)
    expect_failures: tuple[str, ...] | None = None
    worst_case: Mapping[str, Any] | None = None

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def case_id(self) -> str:
        return f"{self.action}::{self.name}"

    def locate(self, *path: str | int) -> Location:
        """The case's line, or the line of one of its fields (``expect``, ``text``)."""
        return self.document.locate("cases", self.index, *path)


@dataclass(frozen=True)
class TestDocument:
    action: str
    environments: tuple[str, ...] | None
    golden: bool
    document: SourceDocument
    cases: tuple[Case, ...]
    openapi: str | None = None  # the backend's OpenAPI document, relative to the project

    def locate(self, *path: str | int) -> Location:
        return self.document.locate(*path)


@dataclass
class TestFiles:
    documents: list[TestDocument] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def find_test_files(root: Path) -> list[str]:
    """Every ``*.test.yaml`` under the project's ``tests/``, relative to ``root``, sorted.
    Links are not followed out of the folder: a test file is the project's own."""
    top = root / TESTS_FOLDER
    if not top.is_dir():
        return []
    found: list[str] = []
    for folder, folders, names in os.walk(top):
        folders.sort()
        for name in names:
            if name.endswith(TEST_SUFFIXES):
                found.append(Path(folder, name).relative_to(root).as_posix())
    return sorted(found)


def read_test_files(root: Path, files: list[str]) -> TestFiles:
    result = TestFiles(files=list(files))
    real_root = Path(os.path.realpath(root))
    for file in files:
        if not Path(os.path.realpath(root / file)).is_relative_to(real_root):
            message = (
                f"{file} is a link to a place outside the project; it is not followed: "
                "copy the file into the project"
            )
            result.diagnostics.append(Diagnostic.error(Location(file), OUTSIDE, message))
            continue
        read = read_yaml_file(root / file, file)
        result.diagnostics += read.diagnostics
        for loaded in read.documents:
            document = _test_document(loaded.document, result.diagnostics)
            if document is not None:
                result.documents.append(document)
    result.diagnostics += _duplicates(result.documents)
    return result


def _test_document(source: SourceDocument, diagnostics: list[Diagnostic]) -> TestDocument | None:
    problems = [_schema_problem(source, error) for error in _errors(source.data)]
    if problems:
        diagnostics += problems
        return None
    data = source.data
    action = data["action"]
    cases = tuple(_case(action, index, raw, source) for index, raw in enumerate(data["cases"]))
    return TestDocument(
        action=action,
        environments=_names(data.get("environments")),
        golden=data.get("golden", True),
        document=source,
        cases=cases,
        openapi=data.get("openapi"),
    )


def _case(action: str, index: int, raw: Mapping[str, Any], source: SourceDocument) -> Case:
    failures = raw.get("expect_failures")
    return Case(
        action=action,
        name=raw["name"],
        index=index,
        document=source,
        environments=_names(raw.get("environments")),
        parameters=raw.get("parameters") or {},
        variables={name: _text(value) for name, value in (raw.get("variables") or {}).items()},
        expect=raw.get("expect") or {},
        expect_failures=tuple(failures) if failures is not None else None,
        worst_case=raw.get("worst_case"),
    )


def _names(value: list[str] | None) -> tuple[str, ...] | None:
    return tuple(value) if value is not None else None


def _text(value: Any) -> str:
    if isinstance(value, bool):  # as a template prints it, not Python's True
        return "true" if value else "false"
    return str(value)


def _errors(data: Any) -> Iterator[Any]:
    if not isinstance(data, Mapping) or data.get("kind") != "test":
        yield _NotATest()
        return
    if _fast_check()(data):  # the common case, without jsonschema's cost per document
        return
    yield from sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))


class _NotATest:
    absolute_path: tuple[str | int, ...] = ()
    message = "a test file holds `kind: test` documents (the tests of one action)"


def _schema_problem(source: SourceDocument, error: Any) -> Diagnostic:
    path = tuple(error.absolute_path)
    where = ".".join(str(part) for part in path) or "the document"
    message = error.message if isinstance(error, _NotATest) else f"{where}: {error.message}"
    return Diagnostic.error(source.locate(*path), NOT_A_TEST, message)


def _duplicates(documents: list[TestDocument]) -> list[Diagnostic]:
    seen: set[str] = set()
    problems: list[Diagnostic] = []
    for document in documents:
        for case in document.cases:
            if case.case_id in seen:
                message = f"another case of {case.action} is named {case.name!r}: rename one"
                problems.append(Diagnostic.error(case.locate("name"), DUPLICATE_CASE, message))
            seen.add(case.case_id)
    return problems


@cache
def _schema() -> dict[str, Any]:
    from compiler.load.schemas import schema_dir

    schema: dict[str, Any] = json.loads(
        (schema_dir() / "test.schema.json").read_text(encoding="utf-8")
    )
    return schema


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema())


@cache
def _fast_check() -> Callable[[Any], bool]:
    """validate's yes/no pre-check (a "no" goes to jsonschema for the reasons)."""
    from compiler.load.fast_schema import compile_check

    schema = _schema()
    return compile_check(_inlined(schema, schema.get("$defs", {}), 0))


def _inlined(value: Any, definitions: Mapping[str, Any], depth: int) -> Any:
    """``value`` with each local ``#/$defs/x`` reference replaced by its definition."""
    if isinstance(value, list):
        return [_inlined(item, definitions, depth) for item in value]
    if not isinstance(value, Mapping):
        return value
    ref = value.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and depth < 20:
        target = definitions[ref.removeprefix("#/$defs/")]
        merged = {**target, **{k: v for k, v in value.items() if k != "$ref"}}
        return _inlined(merged, definitions, depth + 1)
    return {key: _inlined(item, definitions, depth) for key, item in value.items()}
