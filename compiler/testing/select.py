"""Which tests a run takes: the files named on the command line (test files, action
files, or folders of either) and ``-k`` keywords. Naming ``actionctl.yaml`` or a channel
selects every test: numbers and environments reach every action."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import U106, U107
from compiler.testing.cases import TEST_SUFFIXES, TESTS_FOLDER, TestDocument

NO_SUCH_PATH = U106  # a path named that does not exist, or is outside the project
NOT_TESTED = U107  # a file named that is neither a test file nor a project file


@dataclass
class Selection:
    everything: bool = True
    test_files: set[str] = field(default_factory=set)
    action_files: set[str] = field(default_factory=set)
    folders: list[str] = field(default_factory=list)  # "actions/support/" or "tests/"
    keywords: tuple[str, ...] = ()
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def full(self) -> bool:
        """Every test of the project runs (so an unowned golden is an orphan)."""
        return self.everything and not self.keywords

    def covers_file(self, file: str) -> bool:
        return file in self.action_files or any(file.startswith(f) for f in self.folders)

    def takes(self, document: TestDocument, action_file: str | None) -> bool:
        if self.everything or self.covers_file(document.document.file):
            return True
        return document.document.file in self.test_files or (
            action_file is not None and self.covers_file(action_file)
        )

    def keeps(self, test_id: str) -> bool:
        wanted = test_id.casefold()
        return not self.keywords or any(k.casefold() in wanted for k in self.keywords)


def select(root: Path, paths: Sequence[Path], keywords: Sequence[str]) -> Selection:
    selection = Selection(everything=not paths, keywords=tuple(keywords))
    real_root = root.resolve()
    for path in paths:
        shown = path.as_posix()
        try:
            relative = path.resolve().relative_to(real_root).as_posix()
        except ValueError:
            message = f"{shown} is outside the project {real_root.as_posix()} (see --project)"
            selection.problems.append(_problem(shown, NO_SUCH_PATH, message))
            continue
        if not path.exists():
            message = f"{shown}: no such file or directory"
            selection.problems.append(_problem(shown, NO_SUCH_PATH, message))
        elif path.is_dir():
            _folder(selection, relative)
        else:
            _file(selection, relative)
    return selection


def _folder(selection: Selection, relative: str) -> None:
    if relative in (".", "channels"):  # every test: channels reach every action
        selection.everything = True
        return
    selection.folders.append(relative + "/")


def _file(selection: Selection, relative: str) -> None:
    if relative.startswith(TESTS_FOLDER + "/") and relative.endswith(TEST_SUFFIXES):
        selection.test_files.add(relative)
    elif relative.startswith("actions/"):
        selection.action_files.add(relative)
    elif relative.startswith("channels/") or relative in ("actionctl.yaml", "actionctl.yml"):
        selection.everything = True
    else:
        message = (
            f"{relative} is neither a test file (tests/**/*.test.yaml) nor an action, "
            "channel or project file: no test selected by it"
        )
        selection.problems.append(Diagnostic.warning(Location(relative), NOT_TESTED, message))


def _problem(file: str, code: str, message: str) -> Diagnostic:
    return Diagnostic.error(Location(file), code, message)
