"""Run the tests of a project offline: load and validate it, compile each tested action
once per environment, and check every selected case (and golden payload) against it.

    run_tests(root, RunOptions(...)) -> TestRun

Nothing here opens a connection or reads a key: the payloads are compiled locally and
the SMS rendered from them, as ``actionctl render`` does.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler.diagnostics import Diagnostic, has_errors, sorted_diagnostics
from compiler.diagnostics.codes import U102, U103, U104, U112, U113, U114
from compiler.model import Action, Environment, Project
from compiler.testing import golden
from compiler.testing.arguments import schema_errors, worst_arguments
from compiler.testing.cases import Case, TestDocument, find_test_files, read_test_files
from compiler.testing.expect import check
from compiler.testing.observe import REQUEST, Observed, observe
from compiler.testing.openapi import OPENAPI_MISMATCH, OpenApi, load_openapi
from compiler.testing.results import Failure, Result, TestRun
from compiler.testing.select import Selection, select

if TYPE_CHECKING:
    from compiler.load.project import LoadResult

UNKNOWN_ENVIRONMENT = U102
UNKNOWN_ACTION = U103
DOES_NOT_COMPILE = U104
NOT_REJECTED = U112  # expect_failures: the schema accepted the sample, or failed otherwise
SAMPLE_REJECTED = U113  # the schema rejects a sample that should pass
UNBOUNDED = U114  # a worst case needs a length the schema does not give


@dataclass
class RunOptions:
    paths: Sequence[Path] = ()
    keywords: Sequence[str] = ()
    environment: str | None = None
    update: bool = False
    portability: tuple[str, ...] = ()  # "openai": optional warnings


@dataclass
class _Compiled:
    """Payloads by (address, environment), compiled once however many cases use them."""

    project: Project
    payloads: dict[tuple[str, str], tuple[dict[str, Any] | None, list[Diagnostic]]] = field(
        default_factory=dict
    )

    def get(
        self, action: Action, environment: Environment
    ) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
        from compiler.compile import compile_action

        key = (action.address, environment.name)
        if key not in self.payloads:
            self.payloads[key] = compile_action(action, self.project, environment)
        return self.payloads[key]


def run_tests(root: Path, options: RunOptions) -> TestRun:
    run = TestRun()
    selection = select(root, options.paths, options.keywords)
    run.problems += selection.problems
    tests = read_test_files(root, find_test_files(root))
    run.problems += tests.diagnostics
    project, problems = load_checked(root, selection, tests.documents)
    run.problems += problems
    if project is None or has_errors(problems):
        run.problems = sorted_diagnostics(run.problems)
        return run
    environments = _environments(project, options.environment, run)
    if environments is not None:
        runner = _Runner(root, options, selection, run, _Compiled(project), environments)
        runner.run_all(tests.documents)
    run.problems = sorted_diagnostics(run.problems)
    return run


def load_checked(
    root: Path, selection: Selection, documents: list[TestDocument]
) -> tuple[Project | None, list[Diagnostic]]:
    """The project, loaded and validated as ``validate`` does. With files named (the
    pre-commit hook), the files outside them come from validate's per-file cache."""
    from compiler.validate import validate_project
    from compiler.validate.suppress import apply_rules

    loaded = _load(root, selection, documents)
    diagnostics = list(loaded.diagnostics)
    if loaded.project is not None:
        diagnostics += validate_project(loaded.project)
    return loaded.project, sorted_diagnostics(apply_rules(diagnostics, loaded.project))


def _load(root: Path, selection: Selection, documents: list[TestDocument]) -> LoadResult:
    from compiler.load import load_project
    from compiler.load.cache import FileCache

    if selection.everything or not root.is_dir():
        return load_project(root)
    focus: set[str] = set(selection.action_files)

    def in_focus(file: str) -> bool:
        return file in focus or selection.covers_file(file)

    for _ in range(2):  # a second time when a tested action was only a stub in the cache
        cache = FileCache(root, in_focus)
        loaded = load_project(root, cache=cache)
        cache.save()
        stubs = _stub_files(loaded.project, selection, documents)
        if not stubs - focus:
            return loaded
        focus |= stubs
    return load_project(root)


def _stub_files(
    project: Project | None, selection: Selection, documents: list[TestDocument]
) -> set[str]:
    if project is None:
        return set()
    stubs = {action.address: action.source.file for action in project.actions if action.stub}
    return {
        stubs[document.action]
        for document in documents
        if document.action in stubs and selection.takes(document, stubs[document.action])
    }


def _environments(
    project: Project, name: str | None, run: TestRun
) -> dict[str, Environment] | None:
    known = dict(project.config.environments)
    if name is None:
        return known
    if name in known:
        return {name: known[name]}
    from compiler.diagnostics import Location

    where = project.config.source.file if project.config.source else "actionctl.yaml"
    message = f"unknown environment {name!r} (known: {', '.join(sorted(known)) or 'none'})"
    run.problems.append(Diagnostic.error(Location(where, 1, 1), UNKNOWN_ENVIRONMENT, message))
    return None


def _unknown_action(document: TestDocument, actions: dict[str, Action]) -> Diagnostic:
    from compiler.wording import did_you_mean

    message = f"no action {document.action!r} in this project" + did_you_mean(
        document.action, list(actions)
    )
    return Diagnostic.error(document.locate("action"), UNKNOWN_ACTION, message)


@dataclass
class _Runner:
    """One run's state: what it selected, where it reports, the payloads it compiled."""

    root: Path
    options: RunOptions
    selection: Selection
    run: TestRun
    compiled: _Compiled
    environments: dict[str, Environment]  # the ones this run takes (--env: one)
    owned: set[str] = field(default_factory=set)  # golden files a tested action owns
    openapis: dict[str, OpenApi | None] = field(default_factory=dict)  # by file
    warned: set[str] = field(default_factory=set)  # actions checked for portability

    def run_all(self, documents: list[TestDocument]) -> None:
        actions = {action.address: action for action in self.compiled.project.actions}
        for document in documents:
            action = actions.get(document.action)
            if not self.selection.takes(document, action.source.file if action else None):
                continue
            self._check_environment_names(document)
            if action is None:
                self.run.problems.append(_unknown_action(document, actions))
                continue
            if self._keeps_any(document):
                self._portability(action)
            for name in self._environments_of(document):
                self._run_in(document, action, self.environments[name])
        if self.selection.full and self.options.environment is None:
            self.run.problems += golden.orphans(self.root, self.owned)

    def _keeps_any(self, document: TestDocument) -> bool:
        return any(
            self.selection.keeps(f"{document.action}::{case.name}[{name}]")
            for case in document.cases
            for name in self.environments
        )

    def _portability(self, action: Action) -> None:
        """The optional warnings, once per action (its schema is the same everywhere)."""
        if not self.options.portability or action.address in self.warned:
            return
        from compiler.testing.portability import portability

        self.warned.add(action.address)
        environment = next(iter(self.environments.values()), None)
        payload = self.compiled.get(action, environment)[0] if environment else None
        schema = payload.get("parameters") if payload else None
        if isinstance(schema, dict):
            self.run.problems += portability(action, schema, self.options.portability)

    def _environments_of(self, document: TestDocument) -> list[str]:
        names = document.environments or sorted(self.environments)
        return [name for name in names if name in self.environments]

    def _check_environment_names(self, document: TestDocument) -> None:
        """Every environment a test names must exist in actionctl.yaml (--env or not)."""
        known = self.compiled.project.config.environments
        listed = [(document.locate, document.environments or ())]
        listed += [(case.locate, case.environments or ()) for case in document.cases]
        for locate, names in listed:
            for index, name in enumerate(names):
                if name in known:
                    continue
                message = f"unknown environment {name!r} (known: {', '.join(sorted(known))})"
                at = locate("environments", index)
                self.run.problems.append(Diagnostic.error(at, UNKNOWN_ENVIRONMENT, message))

    def _run_in(self, document: TestDocument, action: Action, environment: Environment) -> None:
        payload, diagnostics = self.compiled.get(action, environment)
        if payload is None:
            self.run.problems += diagnostics
            message = f"{action.address} does not compile in {environment.name}: see above"
            at = document.locate("action")
            self.run.problems.append(Diagnostic.error(at, DOES_NOT_COMPILE, message))
            return
        if document.golden:
            self._golden(document, action, environment.name, payload)
        openapi = self._openapi(document)
        for case in document.cases:
            if case.environments is None or environment.name in case.environments:
                self._case(case, action, environment, payload, openapi)

    def _openapi(self, document: TestDocument) -> OpenApi | None:
        """The document's OpenAPI file, read once per run (and reported once)."""
        if document.openapi is None:
            return None
        if document.openapi not in self.openapis:
            at = document.locate("openapi")
            openapi, problem = load_openapi(self.root, document.openapi, at)
            self.openapis[document.openapi] = openapi
            if problem is not None:
                self.run.problems.append(problem)
        return self.openapis[document.openapi]

    def _case(
        self,
        case: Case,
        action: Action,
        environment: Environment,
        payload: dict[str, Any],
        openapi: OpenApi | None,
    ) -> None:
        result = Result(action.address, case.name, environment.name, case.locate())
        if not self.selection.keeps(result.test_id):
            self.run.deselected += 1
            return
        started = time.perf_counter()
        project = self.compiled.project
        result.failures, result.observed = run_case(
            case, action, project, environment, payload, openapi
        )
        result.seconds = time.perf_counter() - started
        self.run.results.append(result)

    def _golden(
        self, document: TestDocument, action: Action, environment: str, payload: dict[str, Any]
    ) -> None:
        self.owned.add(golden.golden_path(environment, action.address))
        at = document.locate("action")
        result = Result(action.address, "golden", environment, at, kind="golden")
        if not self.selection.keeps(result.test_id):
            self.run.deselected += 1
            return
        if not self.options.update:
            result.failures = golden.compare(self.root, environment, action.address, payload, at)
        elif golden.update(self.root, environment, action.address, payload):
            self.run.written.append(golden.golden_path(environment, action.address))
        self.run.results.append(result)


def run_case(
    case: Case,
    action: Action,
    project: Project,
    environment: Environment,
    payload: dict[str, Any],
    openapi: OpenApi | None = None,
) -> tuple[list[Failure], dict[str, Any]]:
    """The failures of one case in one environment, and what it observed."""
    found = payload.get("parameters")
    schema: dict[str, Any] = found if isinstance(found, dict) else {}
    if case.expect_failures is not None:
        return _expected_failures(case, schema), {"rejected": True}
    if case.worst_case is not None:
        return _worst_case(case, action, project, environment, payload, schema)
    failures = _sample_rejected(case, schema, case.parameters)
    observed = observe(action, project, environment, payload, case.parameters, case.variables)
    failures += check(case, observed)
    if openapi is not None and observed.kind == REQUEST and observed.request is not None:
        failures += _against_openapi(case, openapi, observed.request)
    return failures, observed.summary()


def _against_openapi(case: Case, openapi: OpenApi, request: dict[str, Any]) -> list[Failure]:
    problems = openapi.problems(request)
    if not problems:
        return []
    message = f"the request does not match {openapi.file}: {problems[0]}"
    return [Failure.at(case.locate(), OPENAPI_MISMATCH, message, problems)]


def _sample_rejected(case: Case, schema: dict[str, Any], arguments: Any) -> list[Failure]:
    errors = schema_errors(schema, arguments)
    if not errors:
        return []
    details = [f"{e.path or '(arguments)'}: {e.message} [{e.keyword}]" for e in errors]
    message = (
        f"the action's parameters schema rejects these arguments ({len(errors)} error(s)): "
        "the model could not send them"
    )
    return [Failure.at(case.locate("parameters"), SAMPLE_REJECTED, message, details)]


def _expected_failures(case: Case, schema: dict[str, Any]) -> list[Failure]:
    errors = schema_errors(schema, case.parameters)
    at = case.locate("expect_failures")
    expected = case.expect_failures or ()
    if not errors:
        message = (
            "the parameters schema accepts these arguments; expected it to reject them "
            f"({', '.join(expected)})"
        )
        return [Failure.at(at, NOT_REJECTED, message)]
    failures = []
    unmet = [name for name in expected if not any(e.matches(name) for e in errors)]
    if unmet:
        found = ", ".join(sorted({e.keyword for e in errors}))
        message = (
            f"the schema rejects the arguments, but not for {', '.join(unmet)} "
            f"(it fails on: {found})"
        )
        failures.append(Failure.at(at, NOT_REJECTED, message, [e.message for e in errors]))
    extra = [e for e in errors if not any(e.matches(name) for name in expected)]
    if extra:
        message = "the schema also rejects the arguments for what expect_failures does not list"
        details = [f"{e.path or '(arguments)'}: {e.message} [{e.keyword}]" for e in extra]
        failures.append(Failure.at(at, NOT_REJECTED, message, details))
    return failures


def _worst_case(
    case: Case,
    action: Action,
    project: Project,
    environment: Environment,
    payload: dict[str, Any],
    schema: dict[str, Any],
) -> tuple[list[Failure], dict[str, Any]]:
    assume = (case.worst_case or {}).get("assume_max_length")
    printed = message_names(payload)
    variants, unbounded = worst_arguments(schema, case.parameters, assume, printed)
    if unbounded:
        message = (
            f"no worst case for {', '.join(unbounded)}: the schema gives no maxLength; add one "
            "(the model then cannot send more) or set worst_case.assume_max_length"
        )
        return [Failure.at(case.locate("worst_case"), UNBOUNDED, message)], {}
    observed: list[tuple[Observed, str, dict[str, Any]]] = []
    for variant in variants:
        seen = observe(action, project, environment, payload, variant.arguments, case.variables)
        observed.append((seen, variant.variant, variant.arguments))
    worst, chosen, arguments = max(observed, key=lambda item: _segments(item[0]))
    summary = worst.summary() | {"worst_case": chosen, "arguments": arguments}
    return check(case, worst), summary


def message_names(payload: dict[str, Any]) -> set[str]:
    """The placeholders an SMS message prints (the parameters a worst case fills)."""
    from compiler.canonical import PLACEHOLDER

    static = payload.get("static_params")
    message = static.get("message") if isinstance(static, dict) else None
    return set(PLACEHOLDER.findall(message)) if isinstance(message, str) else set()


def _segments(observed: Observed) -> int:
    return observed.analysis.segments if observed.analysis is not None else 0
