"""The commit a plan is made from, for the people who review it.

``git rev-parse HEAD`` in the project directory when it is in a git work tree (what was
actually read), else the CI's own variable (``GITHUB_SHA``, GitLab's ``CI_COMMIT_SHA``)
when the checkout has no ``.git``; None otherwise. Never fails a plan: no git, a
timeout or a value that is not a commit id all mean "unknown".
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from compiler.load.git import GitError, run_git

CI_VARIABLES = ("GITHUB_SHA", "CI_COMMIT_SHA")
_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def source_commit(project_dir: Path) -> str | None:
    return _git_head(project_dir) or _ci_commit()


def short(commit: str) -> str:
    return commit[:12]


def _git_head(project_dir: Path) -> str | None:
    try:
        out = run_git(project_dir, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        return None
    text = out.decode("ascii", errors="replace").strip()
    return text if _COMMIT.fullmatch(text) else None


def _ci_commit() -> str | None:
    for name in CI_VARIABLES:
        value = os.environ.get(name, "").strip().lower()
        if _COMMIT.fullmatch(value):
            return value
    return None
