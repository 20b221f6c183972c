"""One truth from the hook to the platform: over generated projects full of seeded
mistakes (tests/validate/generated_projects.py), on both platforms, whatever `validate`
passes `compile` compiles and `plan` plans, in every environment (the openmic projects
plan against a real emulator over loopback HTTP). A violation names the seed, so it can
be replayed: ``generate(seed, platform, url)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import TEST_API_KEY, CliResult, write_files
from tests.validate.generated_projects import AGENT_UIDS, KEY_ENV, PROD_UIDS, generate

if TYPE_CHECKING:
    from compiler.model import Environment, Project
    from compiler.platform.base import Platform

ENVIRONMENTS = ("dev", "prod")


def violations(
    root: Path, cli: Callable[..., CliResult], seeds: range, platform: str, url: str = ""
) -> tuple[list[str], int]:
    """Each seed whose project passes validate but fails compile or plan; and how many
    passed validate (so a generator that only makes broken projects is noticed)."""
    found: list[str] = []
    passed = 0
    with ExitStack() as stack:
        shared = stack.enter_context(_shared_client(url)) if platform == "openmic" else None
        for seed in seeds:
            project = write_files(root / f"{platform}-{seed}", generate(seed, platform, url))
            validated = cli("--project", project, "validate")
            if validated.exit_code != 0:
                continue
            passed += 1
            problems = compile_and_plan(project, shared)
            found += [f"seed {seed} ({platform}) {problem}" for problem in problems]
    return found, passed


@contextmanager
def _shared_client(url: str) -> Iterator[Platform]:
    """One OpenMic client for every openmic project (they share the emulator and key):
    a client per project would spend most of the test making TLS contexts."""
    from compiler.model import ProjectConfig
    from compiler.platform.connect import connect

    config = ProjectConfig(platform="openmic", base_url=url, api_key_env=KEY_ENV)
    config.requests_per_minute = None
    platform = connect(config, config.environments["default"], Path("."))
    try:
        yield platform
    finally:
        platform.close()


def compile_and_plan(root: Path, shared: Platform | None) -> list[str]:
    """What compile and plan refuse, in each environment: the stages themselves, in
    process (the CLI's compile and plan run exactly these after loading), so the
    project is loaded once, not once per command and environment. ``shared``: the
    platform to plan against, else the project's own (the local one)."""
    from compiler.compile import compile_project
    from compiler.load import load_project

    project = load_project(root).project
    assert project is not None
    problems: list[str] = []
    for name in ENVIRONMENTS:
        environment = project.config.environments[name]
        compiled = compile_project(project, environment)
        problems += [
            f"{name} compile: {d.location}: {d.code} {d.message}"
            for d in compiled.diagnostics
            if d.is_error
        ]
        problems += [f"{name} plan: {p}" for p in _plan_errors(project, environment, shared)]
    return problems


def _plan_errors(project: Project, environment: Environment, shared: Platform | None) -> list[str]:
    from compiler.diagnostics import DiagnosticError
    from compiler.plan.make import make_plan
    from compiler.platform.connect import connect

    platform = shared or connect(project.config, environment, project.root)
    try:
        make_plan(project, environment, platform, prune=False)
    except DiagnosticError as error:
        return [f"{d.location}: {d.code} {d.message}" for d in error.diagnostics if d.is_error]
    finally:
        if shared is None:
            platform.close()
    return []


@pytest.fixture
def openmic(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The emulator's URL, with every agent the projects map created there."""
    monkeypatch.setenv(KEY_ENV, TEST_API_KEY)
    for uid in [*AGENT_UIDS.values(), *PROD_UIDS.values()]:
        emulator.store.create_agent({"name": uid, "prompt": ""}, uid=uid)
    return str(emulator.url)


def check(root: Path, cli: Callable[..., CliResult], count: int, url: str) -> None:
    half = count // 2
    local, local_passed = violations(root, cli, range(half), "local")
    remote, remote_passed = violations(root, cli, range(half, count), "openmic", url)
    assert local + remote == [], "\n".join((local + remote)[:10])
    # The mutations must leave enough projects valid for the implication to be tested.
    assert local_passed >= half // 5 and remote_passed >= half // 5, (local_passed, remote_passed)


def test_what_validate_passes_compiles_and_plans(
    tmp_path: Path, cli: Callable[..., CliResult], openmic: str
) -> None:
    check(tmp_path, cli, 300, openmic)


@pytest.mark.slow
def test_what_validate_passes_compiles_and_plans_at_scale(
    tmp_path: Path, cli: Callable[..., CliResult], openmic: str
) -> None:
    check(tmp_path, cli, 3000, openmic)
