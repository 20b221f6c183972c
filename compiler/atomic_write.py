"""Writing a file so that readers see the old content or the new, never half of it.

Used for every single file actionctl writes (``compile --out``, ``plan --out``); the
importer stages many files and moves them into place itself (``importer/writer.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` via a temporary file in the same directory, then ``os.replace``.

    The new file keeps the mode of the file it replaces, or gets what a plain ``open()``
    would give (mkstemp's is 0600). A symlink is written through to its target; a
    target that exists but is not a regular file (``/dev/stdout``, a FIFO) is written
    directly, since it cannot be replaced. Raises ``OSError`` (``filename`` = path,
    ``strerror`` = "cannot write this file: why") when the file cannot be written;
    nothing is left behind then.
    """
    path = Path(path)
    try:
        if path.exists() and not path.is_file():  # follows links: /dev/stdout -> a pipe
            _write_through(path, text)
        else:
            _write_replacing(path.resolve() if path.is_symlink() else path, text)
    except OSError as error:
        why = f"cannot write this file: {error.strerror or error}"
        raise OSError(error.errno, why, str(path)) from None


@contextmanager
def open_atomically(path: Path) -> Iterator[TextIO]:
    """``write_atomically`` for text written piece by piece: the ``with`` body writes to
    a temporary file in the same directory, which replaces ``path`` only when the body
    ends without an exception (nothing is left behind otherwise). The same rules for
    links, modes and files that are not regular; the same ``OSError`` when it fails."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            with path.open("w", encoding="utf-8") as handle:
                yield handle
            return
        target = path.resolve() if path.is_symlink() else path
        with _replacing(target) as handle:
            yield handle
    except OSError as error:
        why = f"cannot write this file: {error.strerror or error}"
        raise OSError(error.errno, why, str(path)) from None


@contextmanager
def _replacing(path: Path) -> Iterator[TextIO]:
    # Imported here: tempfile costs ~10 ms (shutil, random), and modules that may write
    # (the validate cache) are imported by runs that write nothing.
    import tempfile

    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode_for(path))
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _write_through(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)


def _write_replacing(path: Path, text: str) -> None:
    with _replacing(path) as handle:
        handle.write(text)


def mode_for(path: Path) -> int:
    """The mode a written file gets: that of the file it replaces, else what a plain
    ``open()`` would give under this process's umask (mkstemp's own is 0600)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_current_umask()


def _current_umask() -> int:
    """Read without changing it where the kernel says it (Linux: /proc/self/status):
    ``os.umask`` can only read by setting, which is process-wide, and another thread
    creating a file in between would get mode 0666."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0)
    os.umask(umask)
    return umask
