"""What git says a change touches, read offline from the local repository.

``validate FILE...`` (and the pre-commit hook) use it for two things a list of file
names cannot tell: the files a change deletes or renames away (pre-commit never passes
them), and what a changed file used to declare (the old text, at the base revision).

The base is what the change is compared with: the merge base of pre-commit's
``PRE_COMMIT_FROM_REF``/``PRE_COMMIT_TO_REF`` when it sets them (``--from-ref``,
pre-push), else ``HEAD``. No repository or no git: ``in_git`` is False and the caller
just knows less. A repository where git cannot answer (an unreadable index, a ref that
does not exist) sets ``failure``: ``validate --changed`` must not call that "ok".

Git runs through ``compiler.load.git`` (plumbing only, nothing of the repository's own
runs); the one command that reads the working tree says so, and its filters are off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from compiler.load.git import GitError, run_git

_DIFF = ("-z", "--name-status", "--no-ext-diff", "--no-textconv")


@dataclass
class GitChanges:
    """Paths relative to the project root, posix style."""

    in_git: bool = False  # False: no repository or no git; nothing else is known
    base: str | None = None  # revision the change is compared with
    changed: set[str] = field(default_factory=set)  # added, modified, renamed-to
    removed: set[str] = field(default_factory=set)  # deleted, renamed-from
    old_texts: dict[str, bytes] = field(default_factory=dict)  # path -> text at base
    # Why git could not say what changed: in git, git's failure; else git's own words on
    # why this is no repository ("dubious ownership" reads like "not a repository").
    failure: str | None = None


class _Repository:
    def __init__(self, top: Path, project_prefix: str) -> None:
        self.top = top
        self.prefix = project_prefix  # "" or "voice/" for a project in a subdirectory

    def git(self, *args: str, stdin: bytes | None = None, reads_worktree: bool = False) -> bytes:
        return run_git(self.top, *args, stdin=stdin, reads_worktree=reads_worktree)

    def pathspec(self) -> list[str]:
        return ["--", self.prefix.rstrip("/")] if self.prefix else []

    def to_project(self, repo_path: str) -> str | None:
        if not repo_path.startswith(self.prefix):
            return None
        return repo_path[len(self.prefix) :]


def read_changes(project_root: Path, paths: set[str], *, with_diff: bool) -> GitChanges:
    """The base, the old text of ``paths`` (project-relative) and, ``with_diff``, every
    project file the change adds, modifies, deletes or renames (with their old texts)."""
    try:
        repository, head = _open_at_head(project_root)
    except GitError as failed:  # not a repository, no git, or one git refuses to read
        return GitChanges(failure=failed.said or failed.message)
    if repository is None:
        return GitChanges()
    changes = GitChanges(in_git=True)
    try:
        changes.base = _base(repository, head)
        if with_diff:
            _diff(repository, changes.base, changes)
        if changes.base is not None:
            wanted = paths | changes.changed | changes.removed
            changes.old_texts = _old_texts(repository, changes.base, wanted)
    except GitError as failed:
        changes.failure = failed.message
    return changes


def _open(project_root: Path) -> _Repository | None:
    top = run_git(project_root, "rev-parse", "--show-toplevel")
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
    try:
        both = run_git(project_root, "rev-parse", "--show-toplevel", "HEAD")
    except GitError:
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
    if refs is None:
        return head
    from_ref, to_ref = refs
    try:
        return repository.git("merge-base", from_ref, to_ref).decode().strip()
    except GitError as failed:
        if failed.reason == "failed" and not failed.said:
            return head  # both exist, no common ancestor: compare with HEAD as before
        range_ = f"PRE_COMMIT_FROM_REF={from_ref}, PRE_COMMIT_TO_REF={to_ref}"
        said = f"{failed.said} ({range_})".lstrip()
        raise GitError("merge-base", failed.reason, said) from None


def _diff(repository: _Repository, base: str | None, changes: GitChanges) -> None:
    refs = _pre_commit_refs()
    if base is None:  # unborn branch: everything staged is new, nothing was removed
        listed = repository.git("ls-files", "-z", *repository.pathspec())
        for path in listed.decode(errors="surrogateescape").split("\0"):
            if path:
                _add(repository, changes.changed, path)
        return
    if refs is not None:
        output = repository.git(
            "diff-tree", "-r", *_DIFF, "-M", base, refs[1], *repository.pathspec()
        )
    else:  # the working tree against HEAD (under pre-commit it equals the index)
        args = ("diff-index", *_DIFF, "-M", base, *repository.pathspec())
        output = repository.git(*args, reads_worktree=True)
    _parse_name_status(repository, output, changes)


def _parse_name_status(repository: _Repository, output: bytes, changes: GitChanges) -> None:
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
    # A name holding a newline cannot be asked for on cat-file's line protocol.
    ordered = sorted(path for path in paths if "\n" not in path)
    if not ordered:
        return {}
    request = "".join(f"{base}:{repository.prefix}{path}\n" for path in ordered)
    output = repository.git("cat-file", "--batch", stdin=os.fsencode(request))
    texts: dict[str, bytes] = {}
    position = 0
    for path in ordered:
        header_end = output.index(b"\n", position)
        header = output[position:header_end]
        position = header_end + 1
        if header.endswith((b" missing", b" ambiguous")):  # new in this change
            continue
        _, kind, size = header.rsplit(b" ", 2)
        if kind == b"blob":
            texts[path] = output[position : position + int(size)]
        position += int(size) + 1  # a tree (a folder then) is skipped, not misread
    return texts
