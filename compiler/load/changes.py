"""What git says a change touches, read offline from the local repository.

``validate FILE...`` (and the pre-commit hook) use it for two things a list of file
names cannot tell: the files a change deletes or renames away (pre-commit never passes
them), and what a changed file used to declare (the old text, at the base revision).

The base is what the change is compared with: the merge base of pre-commit's
``PRE_COMMIT_FROM_REF``/``PRE_COMMIT_TO_REF`` when it sets them (``--from-ref``,
pre-push), else ``HEAD``. No repository, no git, or an unborn branch: no base, and
nothing here fails; the caller just knows less.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_TIMEOUT = 30


@dataclass
class GitChanges:
    """Paths relative to the project root, posix style."""

    in_git: bool = False  # False: no repository or no git; nothing else is known
    base: str | None = None  # revision the change is compared with
    changed: set[str] = field(default_factory=set)  # added, modified, renamed-to
    removed: set[str] = field(default_factory=set)  # deleted, renamed-from
    old_texts: dict[str, bytes] = field(default_factory=dict)  # path -> text at base


class _Repository:
    def __init__(self, top: Path, project_prefix: str) -> None:
        self.top = top
        self.prefix = project_prefix  # "" or "voice/" for a project in a subdirectory

    def git(self, *args: str, stdin: bytes | None = None) -> bytes | None:
        try:
            completed = subprocess.run(
                ["git", *args],
                cwd=self.top,
                input=stdin,
                capture_output=True,
                timeout=_TIMEOUT,
                env=_quiet_env(),
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return completed.stdout if completed.returncode == 0 else None

    def to_project(self, repo_path: str) -> str | None:
        if not repo_path.startswith(self.prefix):
            return None
        return repo_path[len(self.prefix) :]


def read_changes(project_root: Path, paths: set[str], *, with_diff: bool) -> GitChanges:
    """The base, the old text of ``paths`` (project-relative) and, ``with_diff``, every
    project file the change adds, modifies, deletes or renames (with their old texts)."""
    repository, head = _open_at_head(project_root)
    if repository is None:
        return GitChanges()
    base = _base(repository, head)
    changes = GitChanges(in_git=True, base=base)
    if with_diff:
        _diff(repository, base, changes)
    if base is not None:
        wanted = paths | changes.changed | changes.removed
        changes.old_texts = _old_texts(repository, base, wanted)
    return changes


def _open(project_root: Path) -> _Repository | None:
    probe = _Repository(project_root, "")
    top = probe.git("rev-parse", "--show-toplevel")
    if top is None:
        return None
    top_path = Path(os.fsdecode(top.strip())).resolve()
    return _at(project_root, top_path)


def _at(project_root: Path, top_path: Path) -> _Repository | None:
    try:
        prefix = project_root.resolve().relative_to(top_path).as_posix()
    except ValueError:
        return None
    return _Repository(top_path, "" if prefix == "." else prefix + "/")


def _open_at_head(project_root: Path) -> tuple[_Repository | None, str | None]:
    """The repository and its HEAD commit, in one git call (two on an unborn branch)."""
    both = _Repository(project_root, "").git("rev-parse", "--show-toplevel", "HEAD")
    if both is None:
        return _open(project_root), None
    top, head = os.fsdecode(both).strip().splitlines()[:2]
    return _at(project_root, Path(top).resolve()), head


def _pre_commit_refs() -> tuple[str, str] | None:
    """pre-commit's range, if it set one; a ref starting with ``-`` (which git would read
    as an option) is ignored."""
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF", "")
    to_ref = os.environ.get("PRE_COMMIT_TO_REF", "")
    if not from_ref or not to_ref or from_ref.startswith("-") or to_ref.startswith("-"):
        return None
    return from_ref, to_ref


def _base(repository: _Repository, head: str | None) -> str | None:
    refs = _pre_commit_refs()
    if refs is not None:
        from_ref, to_ref = refs
        merged = repository.git("merge-base", from_ref, to_ref)
        if merged is not None:
            return merged.decode().strip()
    return head


def _diff(repository: _Repository, base: str | None, changes: GitChanges) -> None:
    refs = _pre_commit_refs()
    to_ref = refs[1] if refs is not None else None
    if base is None:  # unborn branch: everything staged is new, nothing was removed
        args = ["diff", "--cached", "--name-status", "-z", "--no-renames"]
    elif to_ref:
        args = ["diff", "--name-status", "-z", "-M", base, to_ref]
    else:  # the working tree against HEAD (under pre-commit it equals the index)
        args = ["diff", "--name-status", "-z", "-M", base]
    output = repository.git(*args, "--", *([repository.prefix] if repository.prefix else []))
    if output is None:
        return
    fields = output.decode(errors="surrogateescape").split("\0")
    index = 0
    while index < len(fields) - 1:
        status = fields[index]
        if status.startswith(("R", "C")):
            old, new = fields[index + 1], fields[index + 2]
            index += 3
            _add(repository, changes.removed if status[0] == "R" else None, old)
            _add(repository, changes.changed, new)
            continue
        path = fields[index + 1]
        index += 2
        _add(repository, changes.removed if status == "D" else changes.changed, path)


def _add(repository: _Repository, bucket: set[str] | None, repo_path: str) -> None:
    path = repository.to_project(repo_path)
    if bucket is not None and path is not None:
        bucket.add(path)


def _old_texts(repository: _Repository, base: str, paths: set[str]) -> dict[str, bytes]:
    """All old texts in one ``git cat-file --batch`` (one process, however many files)."""
    ordered = sorted(paths)
    if not ordered:
        return {}
    request = "".join(f"{base}:{repository.prefix}{path}\n" for path in ordered).encode()
    output = repository.git("cat-file", "--batch", stdin=request)
    if output is None:
        return {}
    texts: dict[str, bytes] = {}
    position = 0
    for path in ordered:
        header_end = output.index(b"\n", position)
        header = output[position:header_end].split()
        position = header_end + 1
        if len(header) != 3 or header[1] != b"blob":  # "<spec> missing": new in this change
            continue
        size = int(header[2])
        texts[path] = output[position : position + size]
        position += size + 1
    return texts


def _quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    return env
