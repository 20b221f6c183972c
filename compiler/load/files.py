"""Find a project's files without ever skipping one in silence or reading outside it.

A file the loader cannot read is an error, never a skip: a project whose picture is
partial must not plan (with ``prune`` it would delete the live tools those files
declare). So every link is resolved and checked, and each of these is a located
diagnostic:

- E112 a link that leads nowhere (dangling, or a loop);
- E113 a link (or the project folder's own ``actions``/``channels``) that resolves
  outside the project root: it is not followed (``actions -> /`` must not read the machine);
- E114 a file or folder that cannot be listed or inspected (permissions);
- E115 something that is not what is expected: a FIFO, socket or device named
  ``*.yaml`` (never opened: a FIFO would hang), a folder named ``actionctl.yaml``,
  an ``actions`` that is a file;
- E116 a git submodule under ``actions/`` or ``channels/`` that is not checked out
  (an empty folder that ``.gitmodules`` names). Any other empty folder is just empty.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from compiler.diagnostics import Diagnostic, Location, printable
from compiler.diagnostics.codes import E112, E113, E114, E115, E116
from compiler.wording import file_kind as _kind  # one wording with the importer's

YAML_SUFFIXES = (".yaml", ".yml")
FOLDERS = (("channels", False), ("actions", True))  # (folder, recursive)
MAX_ENTRIES = 100_000  # files and folders visited; a bigger tree is not a project
_GITMODULES_BYTES = 256 * 1024
_SUBMODULE_PATH = re.compile(r"^\s*path\s*=\s*(.+?)\s*$", re.MULTILINE)


class DocumentFile(NamedTuple):  # (a tuple: made once per file of the project)
    folder: str  # "channels" or "actions"
    path: str  # what to read (an OS path): links resolved, inside the project
    display: str  # what users see: relative to the project root, as they named it


@dataclass
class FoundFiles:
    documents: list[DocumentFile]
    diagnostics: list[Diagnostic]


def find_document_files(root: Path) -> FoundFiles:
    """Every ``channels/*.y(a)ml`` and ``actions/**/*.y(a)ml`` under ``root``, sorted,
    plus a diagnostic for each thing that stopped one from being found or read."""
    walker = _Walker(Path(os.path.realpath(root)))
    documents: list[DocumentFile] = []
    for folder, recursive in FOLDERS:  # channels first, then actions, each sorted
        walker.walk(root / folder, PurePosixPath(folder), folder, recursive)
        documents += sorted(walker.documents, key=lambda d: path_order(d.display))
        walker.documents = []
    walker.diagnostics += _missing_submodules(walker.real_root)
    return FoundFiles(documents, walker.diagnostics)


def path_order(display: str) -> str:
    """The loader's order of files in one folder: by path components ("a/x" before
    "a-b/x"), "/" as the lowest character."""
    return display.replace("/", "\0")


def loader_order(display: str) -> tuple[int, str]:
    """Where the loader puts a project-relative file among all of a project's: the
    folders in ``FOLDERS`` order (channels first, then actions), each by ``path_order``."""
    folder = display.split("/", 1)[0]
    rank = next((i for i, (name, _) in enumerate(FOLDERS) if name == folder), len(FOLDERS))
    return rank, path_order(display)


def project_file(root: Path, name: str) -> tuple[Path | None, list[Diagnostic]]:
    """The project file to read (None when absent or refused) and why it was refused."""
    real_root = Path(os.path.realpath(root))
    walker = _Walker(real_root)
    target = walker.resolve(root / name, PurePosixPath(name))
    if target is None:
        return None, walker.diagnostics
    path, mode = target
    if stat.S_ISREG(mode):
        return path, []
    what = "a folder" if stat.S_ISDIR(mode) else _kind(mode)
    message = f"{name} is {what}, not a file: make it a file (or remove it)"
    return None, [Diagnostic.error(Location(name), E115, message)]


class _Walker:
    def __init__(self, real_root: Path) -> None:
        self.real_root = real_root
        self.documents: list[DocumentFile] = []
        self.diagnostics: list[Diagnostic] = []
        self.visited: set[Path] = set()
        self.budget = MAX_ENTRIES

    def error(self, display: PurePosixPath, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic.error(Location(display.as_posix()), code, message))

    def resolve(self, path: Path, display: PurePosixPath) -> tuple[Path, int] | None:
        """(real path, mode) of ``path``, following links only inside the project;
        None when absent (no diagnostic) or refused (diagnostic added)."""
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return None
        except OSError as error:
            self.error(display, E114, f"cannot inspect {display}: {_reason(error)}")
            return None
        if not stat.S_ISLNK(mode):
            return path, mode
        try:
            real = Path(os.path.realpath(path, strict=True))
        except OSError:
            message = (
                f"{display} is a symbolic link that leads nowhere (its target is missing, "
                "or the link loops): fix or remove the link; actionctl does not skip it"
            )
            self.error(display, E112, message)
            return None
        if not real.is_relative_to(self.real_root):
            message = (
                f"{display} is a symbolic link to a place outside the project; it is not "
                "followed: copy the files into the project (or link to a path inside it)"
            )
            self.error(display, E113, message)
            return None
        try:
            return real, os.stat(real).st_mode
        except OSError as error:
            self.error(display, E114, f"cannot inspect {display}: {_reason(error)}")
            return None

    def walk(self, top: Path, display: PurePosixPath, folder: str, recursive: bool) -> None:
        """Every document file under ``top`` (a stack, not recursion: trees may be deep).
        Paths are plain strings inside the loop: it runs once per file of the project."""
        resolved = self.resolve(top, display)
        if resolved is None:
            return
        path, mode = resolved
        if not stat.S_ISDIR(mode):
            message = f"{display} is {_kind(mode)}, not a folder: make it a folder of YAML files"
            self.error(display, E115, message)
            return
        stack = [(os.path.realpath(path), display.as_posix())]  # real paths from here on
        while stack:
            folder_path, folder_display = stack.pop()
            if not self.enter(Path(folder_path), PurePosixPath(folder_display)):
                continue
            for child, known_mode in self.list(folder_path, PurePosixPath(folder_display)):
                child_display = f"{folder_display}/{child}"
                self.budget -= 1
                if self.budget < 0:
                    self.error(display, E114, f"more than {MAX_ENTRIES} entries under {display}")
                    return
                if known_mode:  # a plain file or folder: no link to resolve, no stat
                    real, child_mode = f"{folder_path}/{child}", known_mode
                else:
                    entry = self.resolve(Path(folder_path, child), PurePosixPath(child_display))
                    if entry is None:
                        continue
                    real, child_mode = str(entry[0]), entry[1]
                if stat.S_ISDIR(child_mode):
                    if recursive:
                        stack.append((real, child_display))
                    elif _is_yaml(child):
                        message = f"{child_display} is a folder, not a file"
                        self.error(PurePosixPath(child_display), E115, message)
                    continue
                if not _is_yaml(child):
                    continue
                if stat.S_ISREG(child_mode):
                    shown = printable(child_display)  # also in plans and payloads
                    self.documents.append(DocumentFile(folder, real, shown))
                    continue
                message = (
                    f"{child_display} is {_kind(child_mode)}, not a regular file; it is not "
                    "opened: replace it with a file or remove it"
                )
                self.error(PurePosixPath(child_display), E115, message)

    def enter(self, path: Path, display: PurePosixPath) -> bool:
        """False for a folder already walked (a link back up the tree would loop);
        ``path`` is real: links were resolved on the way."""
        real = path
        if real in self.visited:
            message = (
                f"{display} leads back to a folder already read (a link loop, or two links "
                "to one folder): remove the link"
            )
            self.error(display, E112, message)
            return False
        self.visited.add(real)
        return True

    def list(self, path: str, display: PurePosixPath) -> list[tuple[str, int]]:
        """A folder's entries, sorted: (name, mode when the directory listing already
        says it is a plain file or folder, else 0); unreadable -> E114 and nothing."""
        try:
            with os.scandir(path) as entries:
                return sorted((entry.name, _known_mode(entry)) for entry in entries)
        except OSError as error:
            message = (
                f"cannot read the folder {display}: {_reason(error)}; its files would be missed"
            )
            self.error(display, E114, message)
            return []


def _missing_submodules(real_root: Path) -> list[Diagnostic]:
    """Submodules under actions/ or channels/ that ``.gitmodules`` names but whose folder
    is missing or empty (a CI checkout without ``submodules: true``)."""
    repository = _repository_root(real_root)
    if repository is None:
        return []
    try:
        with open(repository / ".gitmodules", "rb") as handle:
            text = handle.read(_GITMODULES_BYTES).decode("utf-8", "replace")
    except OSError:
        return []
    diagnostics = []
    for match in _SUBMODULE_PATH.finditer(text):
        path = repository / match.group(1).strip('"')
        if not path.is_relative_to(real_root):
            continue
        relative = path.relative_to(real_root)
        if not relative.parts or relative.parts[0] not in ("actions", "channels"):
            continue
        if _has_entries(path):
            continue
        display = relative.as_posix()
        message = (
            f"{display} is a git submodule that is not checked out, so its actions are "
            "missing: run `git submodule update --init` (in CI: checkout with submodules)"
        )
        diagnostics.append(Diagnostic.error(Location(display), E116, message))
    return diagnostics


def _repository_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _has_entries(path: Path) -> bool:
    try:
        with os.scandir(path) as entries:
            return any(True for _ in entries)
    except OSError:
        return False


def _known_mode(entry: os.DirEntry[str]) -> int:
    """S_IFREG or S_IFDIR from the listing's file type (no system call); 0 for a link or
    anything else, which is then inspected."""
    try:
        if entry.is_symlink():
            return 0
        if entry.is_file(follow_symlinks=False):
            return stat.S_IFREG
        if entry.is_dir(follow_symlinks=False):
            return stat.S_IFDIR
    except OSError:
        return 0
    return 0


def _is_yaml(name: str) -> bool:
    """Its suffix (as ``PurePosixPath.suffix`` says: ``.yaml`` alone has none) is one of
    ``YAML_SUFFIXES``."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:] in YAML_SUFFIXES


def _reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()
