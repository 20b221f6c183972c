"""Readable YAML for imported documents, safe file names, and all-or-nothing file writing.

Emission goes through PyYAML's own emitter; only the *choice* of scalar style is ours:
block scalars for long or multi-line text (``|`` keeps lines; one long line is folded
with ``>-``, like the examples' descriptions), double quotes where YAML needs quoting
(PyYAML's resolver decides that, so ``no``, ``1.10``, ``12:30`` and phone numbers are
quoted exactly when a YAML 1.1 loader would read them as something else) and for text
holding ``{{`` (template placeholders read better quoted). Every document is loaded
back before it is returned; if a block style would not reload to exactly the same
text, the document is emitted again with plainer styles (quoted text can carry
anything), and emission that still would not reload is refused.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# One rule for every file actionctl writes: the mode of the file being replaced, else
# what the umask gives a new one. It is private to atomic_write (which the importer may
# not change); imported rather than copied so the two cannot drift apart.
from compiler.atomic_write import mode_for as file_mode
from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import I001, I002, I003, I004
from compiler.wording import FOLDER, file_kind

# Text longer than this goes into a block scalar even when it is one line.
LONG_TEXT = 80
# A flow list (``[a, b]``) only when it stays short and holds plain scalars.
SHORT_FLOW_LIST = 60
LINE_WIDTH = 80

# Characters a YAML 1.1 loader treats as line breaks but that a block scalar cannot
# carry unchanged (``\x85`` is read back as ``\n``); text holding them stays quoted.
_BLOCK_UNSAFE = re.compile("[\r\x85\u2028\u2029\ufeff]")
# Clock times: YAML 1.1 reads ``12:30`` as the integer 750 but ``09:00`` as text, so
# PyYAML quotes only the first; quoting both reads less like an accident.
_CLOCK = re.compile(r"^[0-9]{1,2}(:[0-9]{2})+$")


class _Dumper(yaml.SafeDumper):
    """SafeDumper that prefers double quotes to single ones (the examples' style)."""

    block_styles = "|>"  # the block scalar styles this dumper may choose

    def choose_scalar_style(self) -> str:
        style: str = super().choose_scalar_style()
        # Double quotes can escape anything; single quotes fold line breaks.
        return '"' if style == "'" else style

    def ignore_aliases(self, data: Any) -> bool:
        return True  # never emit anchors: every value is written out where it is used

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        # PyYAML breaks a long double-quoted line at a space with ``\`` continuations,
        # which can cut a placeholder in two (``{{ .parameters.x\`` / ``\ }}``): text
        # with placeholders stays on one line, whole.
        super().write_double_quoted(text, split=split and "{{" not in text)


class _LiteralDumper(_Dumper):
    block_styles = "|"


class _QuotedDumper(_Dumper):
    block_styles = ""


_DUMPERS: tuple[type[_Dumper], ...] = (_Dumper, _LiteralDumper, _QuotedDumper)


def _represent_str(dumper: _Dumper, text: str) -> yaml.ScalarNode:
    style = _text_style(text, dumper.block_styles)
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _text_style(text: str, block_styles: str) -> str | None:
    if _block_ok(text) and "\n" in text and "|" in block_styles:
        return "|"
    if _block_ok(text) and len(text) > LONG_TEXT and block_styles:
        return ">" if _foldable(text) and ">" in block_styles else block_styles[0]
    if "{{" in text or _CLOCK.match(text):
        return '"'
    return None  # PyYAML picks plain, or quotes when a loader would misread the text


def _block_ok(text: str) -> bool:
    if _BLOCK_UNSAFE.search(text):
        return False
    # Trailing spaces on a line cannot be kept by a block scalar; PyYAML would fall back
    # to double quotes anyway, but with line breaks escaped the text is unreadable.
    return not any(line != line.rstrip(" \t") for line in text.split("\n"))


def _foldable(text: str) -> bool:
    # A folded line that starts with white space keeps its line break when loaded, so
    # text that starts with a space or holds tabs is not folded; nor is text with
    # placeholders, which folding could split in the middle of a ``{{ ... }}``.
    return not text.startswith(" ") and "\t" not in text and "{{" not in text


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.SequenceNode:
    flow = _short_scalar_list(items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


def _short_scalar_list(items: Sequence[Any]) -> bool:
    if not items:
        return True
    if not all(isinstance(i, str | int | float | bool) or i is None for i in items):
        return False
    if any(isinstance(i, str) and ("\n" in i or "{{" in i) for i in items):
        return False
    return sum(len(str(i)) + 2 for i in items) <= SHORT_FLOW_LIST


def _represent_dict(dumper: yaml.SafeDumper, data: Mapping[Any, Any]) -> yaml.MappingNode:
    # Insertion order is the readable order the decompiler chose; never sort keys.
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=not data)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


class EmitError(Exception):
    """A document could not be written as YAML that reloads to the same data."""


def dump_document(data: Mapping[str, Any]) -> str:
    """One YAML document as text that a YAML 1.1 safe loader reads back as ``data``.

    Raises EmitError if no style reloads identically (not seen in practice)."""
    for dumper in _DUMPERS:
        text = yaml.dump(
            dict(data),
            Dumper=dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=LINE_WIDTH,
            indent=2,
        )
        if yaml.safe_load(text) == data:
            return text
    raise EmitError("emitted YAML does not reload to the same data")


# ---------------------------------------------------------------------------------------
# File names

MAX_STEM = 80
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def slugify(name: str, *, fallback: str = "tool") -> str:
    """A file-name stem that is safe on every common file system.

    Letters, digits, ``_``, ``-`` and inner dots survive; accents are stripped, anything
    else becomes ``-``; no leading dot (hidden files, ``..``), no reserved device names,
    at most MAX_STEM characters.
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem = _UNSAFE_CHARS.sub("-", ascii_text)
    stem = re.sub(r"\.{2,}", ".", stem).strip(".-")[:MAX_STEM].rstrip(".-")
    if not stem:
        return fallback
    first, dot, rest = stem.partition(".")
    if first.lower() in _WINDOWS_RESERVED:  # Windows reserves AUX and AUX.anything
        stem = f"{first}_{dot}{rest}"
    return stem


def unique_stem(stem: str, taken: set[str]) -> str:
    """``stem``, or ``stem-2``, ``stem-3``... whichever is free; compared case-insensitively
    (two names differing only in case are one file on macOS and Windows). Records it."""
    candidate = stem
    number = 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem}-{number}"
    taken.add(candidate.lower())
    return candidate


# ---------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class PlannedFile:
    path: Path  # absolute target path
    display: str  # as shown to users (``shown_path``)
    text: str


def shown_path(path: Path) -> str:
    """``path`` as a user can open it from where they ran actionctl: relative to the
    current directory when it lies below it, else absolute (never relative to --out,
    which would read as a path in the project)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):  # elsewhere, or the current directory is gone
        return str(absolute)


CODE_EXISTS = I001
CODE_OUTSIDE = I002
CODE_WRITE_FAILED = I003
CODE_NOT_REGULAR = I004


def write_target(planned: PlannedFile) -> Path:
    """Where the text of ``planned`` goes: the file a symbolic link points at (a link
    someone made on purpose stays a link), else the path itself."""
    if planned.path.is_symlink():
        return Path(os.path.realpath(planned.path))
    return planned.path


def check_files(files: Sequence[PlannedFile], out_dir: Path, *, force: bool) -> list[Diagnostic]:
    """Everything that would stop the write, found before anything is written."""
    diagnostics: list[Diagnostic] = []
    root = out_dir.resolve()
    for planned in files:
        problem = _check_file(planned, root, out_dir, force=force)
        if problem is not None:
            diagnostics.append(problem)
    return diagnostics


def _check_file(
    planned: PlannedFile, root: Path, out_dir: Path, *, force: bool
) -> Diagnostic | None:
    where = Location(planned.display)
    target = write_target(planned)
    # Also a symbolic link that leads out of the output directory is refused: --force
    # must not let a link in a cloned repository aim the import at ~/.bashrc.
    resolved = Path(os.path.realpath(target))  # Path.resolve raises on a link loop
    if root != resolved and root not in resolved.parents:
        message = f"refusing to write outside the output directory {out_dir}"
        if target != planned.path:
            message += f" ({planned.display} is a symbolic link to {target})"
        return Diagnostic.error(where, CODE_OUTSIDE, message)
    kind = _not_regular(target)
    if kind == FOLDER:
        message = "a directory already exists where this file would be written"
        return Diagnostic.error(where, CODE_EXISTS, message)
    if kind is not None:
        message = f"{_via(planned, target)}is {kind}, not a regular file; refusing to replace it"
        return Diagnostic.error(where, CODE_NOT_REGULAR, message + " (even with --force)")
    if os.path.lexists(planned.path) and not force:
        message = "file already exists; nothing was written (use --force to overwrite)"
        return Diagnostic.error(where, CODE_EXISTS, message)
    return None


def _via(planned: PlannedFile, target: Path) -> str:
    return "" if target == planned.path else f"the symbolic link's target {target} "


def _not_regular(path: Path) -> str | None:
    """What ``path`` is when something other than a regular file is there, else None."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        # Nothing there (or a link to nothing): a new file is created; a file where a
        # directory must go is reported when writing (I003).
        return None
    except OSError as error:  # a loop of symbolic links, no permission...
        return f"unusable ({error.strerror or error})"
    return None if stat.S_ISREG(mode) else file_kind(mode)


def write_files(files: Sequence[PlannedFile], out_dir: Path, *, force: bool) -> list[Diagnostic]:
    """Write every file, or none if any check fails.

    Each file is first written in full to a temporary file beside its target; only when
    all of them are on disk are they moved into place with ``os.replace`` (atomic per
    file), so a reader never sees a half-written file and a failure while staging leaves
    nothing behind. Without ``force`` a file that appeared since the check is still not
    overwritten (``os.link`` refuses an existing target). A symbolic link is written
    through (its target gets the text); anything but a regular file is never replaced.
    """
    problems = check_files(files, out_dir, force=force)
    if problems:
        return problems
    staged: list[tuple[PlannedFile, Path, Path]] = []
    try:
        for planned in files:
            target = write_target(planned)
            staged.append((planned, target, _stage(planned, target)))
    except OSError as error:
        _discard(temp for _, _, temp in staged)
        message = f"could not write: {error.strerror or error}; nothing was written"
        return [Diagnostic.error(Location(files[len(staged)].display), CODE_WRITE_FAILED, message)]
    return _commit(staged, force=force)


def _stage(planned: PlannedFile, target: Path) -> Path:
    planned.path.parent.mkdir(parents=True, exist_ok=True)
    # Beside the target, so that os.replace stays on one file system (atomic).
    handle, name = tempfile.mkstemp(prefix=".actionctl-import-", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); an imported file is an ordinary one.
        os.chmod(name, file_mode(target))
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(planned.text)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _commit(staged: list[tuple[PlannedFile, Path, Path]], *, force: bool) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for planned, target, temp in staged:
        where = Location(planned.display)
        try:
            _move_into_place(temp, target, force=force)
        except FileExistsError:
            message = "file appeared while importing; left untouched (use --force to overwrite)"
            diagnostics.append(Diagnostic.error(where, CODE_EXISTS, message))
        except _NotRegularError as error:
            message = f"{error} appeared while importing, not a regular file; left untouched"
            diagnostics.append(Diagnostic.error(where, CODE_NOT_REGULAR, message))
        except OSError as error:
            message = f"could not write: {error.strerror or error}"
            diagnostics.append(Diagnostic.error(where, CODE_WRITE_FAILED, message))
        finally:
            temp.unlink(missing_ok=True)
    return diagnostics


class _NotRegularError(OSError):
    pass


def _move_into_place(temp: Path, target: Path, *, force: bool) -> None:
    if force:
        # Checked again right before replacing: the window since check_files is short
        # but a FIFO or device made in it must still not be replaced.
        kind = _not_regular(target)
        if kind is not None or target.is_symlink():
            raise _NotRegularError(kind or "a symbolic link")
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # atomic and never overwrites
    except FileExistsError:
        raise
    except OSError:
        # File systems without hard links: the check above is the guard.
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.replace(temp, target)


def _discard(paths: Any) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)
