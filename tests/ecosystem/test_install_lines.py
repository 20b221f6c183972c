"""Installs are reproducible and by a source no one else can take over.

- ``requirements/dev.lock`` pins every dependency ``pyproject.toml`` names, each within its
  range, and the README's quick start and ``.ci/run`` install from it.
- No install line in the docs or examples names the bare package ``actionctl`` (no index
  serves it: anyone could register it and run beside ``OPENMIC_API_KEY``); each installs a
  pinned source whose one value to fill is shown plainly.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "dev.lock"
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;#]+)", re.MULTILINE)
FILL_IN_SPEC = "actionctl @ git+https://"
PLACEHOLDER_PIN = "@COMMIT_SHA"


def locked() -> dict[str, str]:
    return {canonicalize_name(n): v for n, v in PIN.findall(LOCK.read_text(encoding="utf-8"))}


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(line) for line in names]


@pytest.mark.parametrize("requirement", declared(), ids=str)
def test_every_declared_dependency_is_pinned_within_its_range(requirement: Requirement) -> None:
    pins = locked()
    name = canonicalize_name(requirement.name)
    assert name in pins, f"{name} is not in requirements/dev.lock: run tools/upgrade-deps --keep"
    assert requirement.specifier.contains(pins[name], prereleases=True), (
        f"{name}=={pins[name]} in the lock is outside {requirement.specifier}"
    )


def test_the_lock_names_no_index_or_host() -> None:
    text = LOCK.read_text(encoding="utf-8")
    assert not re.search(r"^\s*--(extra-)?index-url|^\s*--find-links|://", text, re.MULTILINE)


@pytest.mark.parametrize("path", ["README.md", ".ci/run"])
def test_quick_start_and_ci_install_the_lock(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert "pip install -q -r requirements/dev.lock" in text
    assert "--no-deps -e ." in text
    assert "-e '.[dev]'" not in text  # that would resolve fresh versions


def install_lines() -> list[tuple[str, str]]:
    """Every line of the user-facing docs and examples that installs actionctl."""
    files = [ROOT / "README.md", ROOT / ".pre-commit-hooks.yaml"]
    files += sorted((ROOT / "docs").glob("*.md"))
    files += sorted(p for p in (ROOT / "examples").rglob("*") if p.is_file())
    found = []
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            if re.search(r"pip install|additional_dependencies|ACTIONCTL_PIP_SPEC:", line):
                found.append((str(file.relative_to(ROOT)), line.strip()))
    return found


def test_there_are_install_lines_to_check() -> None:
    files = {file for file, _ in install_lines()}
    assert {"docs/ci.md", "examples/gitlab-ci/.gitlab-ci.yml"} <= files
    assert any(f.startswith("examples/github-actions/") for f in files)


@pytest.mark.parametrize(("file", "line"), install_lines())
def test_no_install_line_names_the_bare_package(file: str, line: str) -> None:
    if "requirements/dev.lock" in line or "-e ." in line:
        return  # this repository's own development install
    if "ACTIONCTL_PIP_SPEC" in line and "pip install" in line:
        assert '"$ACTIONCTL_PIP_SPEC"' in line
        return
    assert FILL_IN_SPEC in line and PLACEHOLDER_PIN in line, f"{file}: {line}"


def test_every_pip_spec_variable_is_a_pinned_git_source_to_fill_in() -> None:
    specs = [line for _, line in install_lines() if line.startswith("ACTIONCTL_PIP_SPEC:")]
    assert len(specs) >= 4  # three GitHub workflows and the GitLab pipeline
    for spec in specs:
        assert FILL_IN_SPEC in spec and spec.rstrip('"').endswith(PLACEHOLDER_PIN)


def test_precommit_snippets_pin_a_commit_not_a_release_tag() -> None:
    for file in (ROOT / "docs" / "ci.md", ROOT / ".pre-commit-hooks.yaml"):
        revs = re.findall(r"rev:\s*(\S+)", file.read_text(encoding="utf-8"))
        assert revs, file
        assert all(rev == "COMMIT_SHA" for rev in revs), (file, revs)
