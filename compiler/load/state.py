"""actionctl's own state in a project, ``.actionctl/``: the local platform's database and
the caches of ``validate`` and ``fmt``. Made with a ``.gitignore`` of ``*`` (state, not
project), and written only where no link leads and nothing else stands."""

from __future__ import annotations

import os
import stat
from pathlib import Path

STATE_DIR = ".actionctl"
_GITIGNORE = "# actionctl's local state (embedded platform)\n*\n"


def state_dir(path: Path) -> None:
    """``path`` (``.actionctl/``) made with its ``.gitignore``, unless it exists."""
    if path.is_dir():
        return
    path.mkdir(parents=True, exist_ok=True)
    (path / ".gitignore").write_text(_GITIGNORE)


def unsafe_to_write(root: Path, relative: Path) -> bool:
    """Some part of ``relative`` under ``root`` is a symbolic link, or is there but not
    what it should be: a folder on the way, a regular file at the end (a FIFO where a
    store goes would block the write forever; a link could lead out of the project)."""
    path = root
    for part in relative.parts:
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return False  # the rest is made by us
        except OSError:
            return True
        expected = stat.S_ISREG if path == root / relative else stat.S_ISDIR
        if stat.S_ISLNK(mode) or not expected(mode):
            return True
    return False
