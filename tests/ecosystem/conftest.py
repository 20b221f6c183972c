"""Sample user repositories (real git repositories in tmp dirs) for the ecosystem tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent / "samples"
VENV_BIN = Path(sys.executable).parent


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=git_env()
    )
    return completed.stdout


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    return env


@pytest.fixture
def sample_repo(tmp_path: Path) -> Callable[[str], Path]:
    """``sample_repo("good")``: a committed git repository holding samples/good."""

    def make(name: str) -> Path:
        repo = tmp_path / name
        shutil.copytree(SAMPLES / name, repo)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "sample")
        return repo

    return make


def offline_env(**extra: str) -> dict[str, str]:
    """The environment of a developer machine with no platform credentials and no network:
    every proxy points at a closed loopback port, no OPENMIC_* variable is set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENMIC_", "ACTIONCTL_"))}
    dead = "http://127.0.0.1:9"
    env.update(HTTP_PROXY=dead, HTTPS_PROXY=dead, http_proxy=dead, https_proxy=dead, NO_COLOR="1")
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    env.update(extra)
    return env
