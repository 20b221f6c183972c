"""What ``validate PATHS`` / ``validate --changed`` is about: the files named on the
command line and those git says the change touches (deleted and renamed ones too), with
what they declared before the change, so that diagnostics can be narrowed to what the
change involves (``compiler.validate.involved``) and renames named as causes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import E107, E108, E109, E133

if TYPE_CHECKING:
    from compiler.load.cache import FileCache
    from compiler.model import Project
    from compiler.validate.involved import Change


class Selection:
    """The files (and directories) named on the command line, and those git says the
    change touches, as diagnostics show them (relative to the project root)."""

    def __init__(self, change: Change, problems: list[Diagnostic], named: list[str]) -> None:
        self.change = change
        self.problems = problems
        self.named = named

    @classmethod
    def of(cls, root: Path, paths: Sequence[Path], changed: bool) -> Selection:
        from compiler.load.changes import read_changes
        from compiler.validate.involved import Change

        change = Change()
        problems: list[Diagnostic] = []
        missing: dict[str, Diagnostic] = {}
        named: list[str] = []  # files named on the command line, that exist
        root = root.resolve()
        for path in paths:
            shown = path.as_posix()
            try:
                relative = path.resolve().relative_to(root).as_posix()
            except ValueError:
                message = f"{shown} is outside the project {root.as_posix()} (see --project)"
                problems.append(_problem(shown, E108, message))
                continue
            if not path.exists():
                message = f"{shown}: no such file or directory"
                missing[relative] = _problem(shown, E107, message)
                continue
            if path.is_dir():
                change.folders.append("" if relative == "." else relative + "/")
                continue
            change.files.add(relative)
            named.append(relative)
        git = read_changes(root, change.files | set(missing), with_diff=changed)
        if changed and not git.in_git:
            message = (
                f"--changed asks git what changed, but {root.as_posix()} is not in a git "
                "work tree (or git is not installed); name the files instead"
            )
            if git.failure:
                message += f"; git says: {git.failure}"
            problems.append(_problem(root.as_posix(), E133, message))
        elif changed and git.failure is not None:
            message = (
                f"--changed asks git what changed, but git could not say in "
                f"{root.as_posix()}: {git.failure}; the change was not checked"
            )
            problems.append(_problem(root.as_posix(), E133, message))
        for relative, problem in missing.items():
            if relative in git.old_texts:  # deleted by the change: what it declared counts
                change.files.add(relative)
            else:
                problems.append(problem)
        change.files |= {p for p in git.changed | git.removed if is_project_file(p)}
        change.old_documents = {
            path: _documents(text, path)
            for path, text in git.old_texts.items()
            if is_project_file(path)
        }
        return cls(change, problems, named)

    def covers(self, file: str) -> bool:
        return self.change.covers(file)

    def unread(self, project_files: list[str]) -> list[Diagnostic]:
        """A warning for each file named that the project does not read."""
        known = set(project_files)
        message = (
            "{} is not read by actionctl (only actionctl.yaml, channels/*.yaml and "
            "actions/**/*.yaml are)"
        )
        return [
            Diagnostic.warning(Location(file), E109, message.format(file))
            for file in self.named
            if file not in known
        ]

    def cache(self, root: Path) -> FileCache | None:
        """The per-file cache for this selection; None when the change involves the whole
        project anyway (actionctl.yaml, or a folder: every file is read in full)."""
        from compiler.load.cache import FileCache

        if PROJECT_FILE in self.change.files or self.change.folders:
            return None
        return FileCache(root, self.change.covers, self.change.old_names())


PROJECT_FILE = "actionctl.yaml"


def is_project_file(path: str) -> bool:
    """actionctl.yaml, channels/*.yaml and actions/**/*.yaml (what load_project reads)."""
    if not path.endswith((".yaml", ".yml")):
        return False
    return (
        path == "actionctl.yaml"
        or path.startswith("actions/")
        or (path.startswith("channels/") and path.count("/") == 1)
    )


def _documents(text: bytes, path: str) -> list[Any]:
    from compiler.load.yaml_source import read_yaml_bytes

    return [loaded.document.data for loaded in read_yaml_bytes(text, path).documents]


def _problem(file: str, code: str, message: str) -> Diagnostic:
    return Diagnostic.error(Location(file), code, message)


def summary(project: Project, selection: Selection | None) -> str:
    """What was checked, truly: a change to actionctl.yaml re-checks every document."""
    actions = project.actions
    channels = project.channels
    whole = f"ok: {_count(len(actions), 'action')}, {_count(len(channels), 'channel')} checked"
    if selection is None:
        return whole
    if PROJECT_FILE in selection.change.files:
        return f"{whole} ({PROJECT_FILE} changed: it configures every document)"
    actions = [a for a in actions if selection.covers(a.source.file)]
    channels = [c for c in channels if selection.covers(c.source.file)]
    if not selection.change.files and not selection.change.folders:
        return "ok: no actionctl files changed"
    return f"ok: {_count(len(actions), 'action')}, {_count(len(channels), 'channel')} checked"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
