"""Writing a new project's files: all or nothing, never through a link, never over a
project that is already there."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from compiler.diagnostics import Diagnostic, DiagnosticError, Location
from compiler.diagnostics.codes import E132


def refuse_unsafe(root: Path, names: Iterable[str]) -> None:
    """Raise (E132, nothing written) unless ``root`` is a directory without a project,
    through which none of ``names`` would be written via a link or over a non-file."""
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        what = "a link" if root.is_symlink() else "not a directory"
        raise DiagnosticError([_error(root, f"{root.as_posix()} is {what}; nothing was written")])
    if not root.exists():
        return
    _refuse_existing_project(root)
    for name in names:
        problem = _link_or_odd(root, name)
        if problem:
            raise DiagnosticError(
                [
                    _error(
                        root,
                        f"{problem}; init writes no file through a "
                        "link or over one that is not a regular "
                        "file (nothing was written)",
                    )
                ]
            )


def _refuse_existing_project(root: Path) -> None:
    from compiler.load.files import find_document_files

    # What load would read: a project is there even when its files are links.
    found = find_document_files(root).documents
    existing = ["actionctl.yaml"] if (root / "actionctl.yaml").is_file() else []
    existing += [document.display for document in found]
    if not existing:
        return
    listed = ", ".join(existing[:5]) + (" ..." if len(existing) > 5 else "")
    message = (
        f"{root.resolve().as_posix()} already holds a project ({listed}); init writes "
        "only into a directory without one (nothing was written)"
    )
    raise DiagnosticError([_error(root, message)])


def _link_or_odd(root: Path, name: str) -> str | None:
    """Why ``root/name`` cannot be written safely, or None: the file or a folder on its
    way is a link (dangling ones too), or the file exists and is not a regular file."""
    path = root
    parts = Path(name).parts
    for index, part in enumerate(parts):
        path = path / part
        shown = Path(*parts[: index + 1]).as_posix()
        if path.is_symlink():
            return f"{shown} is a link (to {_target(path)})"
        last = index == len(parts) - 1
        if last and path.exists() and not path.is_file():
            return f"{shown} exists and is not a regular file"
        if not last and path.exists() and not path.is_dir():
            return f"{shown} exists and is not a folder"
    return None


def _target(path: Path) -> str:
    try:
        return str(path.readlink())
    except OSError:
        return "somewhere unreadable"


def write_all(root: Path, files: dict[str, str]) -> list[str]:
    """Each file atomically; if one fails, remove those already written."""
    from compiler.atomic_write import write_atomically

    refuse_unsafe(root, files)
    written: list[str] = []
    try:
        for name, text in files.items():
            write_atomically(root / name, text)
            written.append(name)
    except BaseException:
        remove(root, written)
        raise
    return written


def remove(root: Path, written: list[str]) -> None:
    """Undo ``write_all``: the files, then the folders it created and left empty."""
    for name in reversed(written):
        path = root / name
        path.unlink(missing_ok=True)
        for parent in path.parents:
            if parent == root or not parent.is_relative_to(root):
                break
            try:
                parent.rmdir()
            except OSError:
                break


def _error(root: Path, message: str) -> Diagnostic:
    return Diagnostic.error(Location(root.as_posix()), E132, message)
