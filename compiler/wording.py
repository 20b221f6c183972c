"""Wording shared by diagnostic messages: user values shown short and unambiguous on
screen, the "did you mean" hint, and what kind of thing is at a path."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from typing import Any

MAX_SHOWN = 60  # characters of a value quoted in a message


def quoted(value: Any, limit: int = MAX_SHOWN) -> str:
    """``repr`` of a value, cut to ``limit`` characters with its full length noted, so a
    500 KB value never becomes a 500 KB message."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return text[:limit] + "..." + size


def escaped(value: str, limit: int = MAX_SHOWN) -> str:
    """Like :func:`quoted`, but characters outside printable ASCII are written as escapes
    (``'supp\\u043ert'``), for names where a look-alike letter would hide the problem."""
    if value.isascii():
        return quoted(value, limit)
    text = ascii(value)
    return text if len(text) <= limit else text[:limit] + "..."


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or "" when none is close."""
    import difflib  # only a message with a hint needs it, not every run that loads this

    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {quoted(matches[0])}?)" if matches else ""


FOLDER = "a folder"


def file_kind(mode: int) -> str:
    """What a ``st_mode`` is, in the words of every message about a path that is not the
    file or folder expected (loading a project, writing an import): ``a folder``, ``a named
    pipe (FIFO)``, ``a socket``, ``a device``, ``a file``, else ``a special file``."""
    if stat.S_ISDIR(mode):
        return FOLDER
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISREG(mode):
        return "a file"
    return "a special file"
