"""SARIF from an installed wheel equals SARIF from the source checkout: rules are
described from the registry inside the package, never from docs/ beside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.ecosystem.conftest import SAMPLES


def _sarif(python_path: Path, project: Path, cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(python_path)}
    command = [sys.executable, "-m", "compiler", "--project", str(project), "--no-color"]
    result = subprocess.run(
        [*command, "validate", "--format", "sarif"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_sarif_of_a_wheel_equals_sarif_of_the_checkout(tmp_path: Path) -> None:
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q"]
    built = subprocess.run(
        [*pip_wheel, "-w", str(tmp_path / "dist"), str(REPO_ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("actionctl-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    assert (
        not (site / "docs").exists() and (site / "compiler" / "diagnostics" / "codes.py").is_file()
    )

    project = tmp_path / "bad"
    shutil.copytree(SAMPLES / "bad", project)
    installed = _sarif(site, project, cwd=tmp_path)
    checkout = _sarif(REPO_ROOT, project, cwd=tmp_path)
    assert installed == checkout
    assert '"fullDescription"' in installed and "Fix:" in installed
