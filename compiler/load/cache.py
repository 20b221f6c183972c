"""A per-file cache that lets a check of some files (the pre-commit case) load only
those files, while references still resolve across the whole project:
``load_project(root, cache=FileCache(root, focus))``, then only diagnostics located in
the focus files are exact. (``actionctl validate PATHS`` does not use it since it also
reports other files' diagnostics that involve PATHS; stubs cannot give those.)

What a file contributes to checks across files is small: each action's agent and name,
each channel's name, number and capabilities, and where those are written. The first
time a file is loaded in full (parsed, schema-checked, turned into actions and
channels) that index is stored, keyed by the file's path and a hash of its content, in
``.actionctl/cache/validate.json`` (``.actionctl/`` is git-ignored). Next time, a file
outside the focus whose content hash matches is not parsed: its index entries go into
the project as *stubs* (``Action.type`` is ``STUB_TYPE``, ``fields`` hold kind, agent
and name only) that take part in the rules across files (duplicate names, channel
references, agent mappings). Rules about a stub alone may then say wrong things, but
only about the stub's own file, which is outside the focus and not reported. Of the
actions, only the stubs that can matter to the focus are made (``FileCache.finish``
says which): a rule across files that needs more must be taught here, and
tests/load/test_validate_cache.py compares every file's answer with a full load.

Safe when stale or corrupt: any error reading the store or an entry is a miss (the file
is loaded in full); the store is tied to the actionctl version and the loader's and
schemas' files; files that disappeared are dropped from it; it is written atomically
and only when something changed. JSON, never pickle: a store that somebody committed or
planted must not run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from compiler import __version__
from compiler.atomic_write import write_atomically
from compiler.model import Action, Channel, DataPath, Project, SourceDocument, SourceMap

PROJECT_FILE = "actionctl.yaml"
STATE_DIR = Path(".actionctl")
STORE = STATE_DIR / "cache" / "validate.json"
FORMAT = 2
STUB_TYPE = ""  # no rule about one action looks at an action without a type
RACY_NS = 2_000_000_000  # coarsest file-system timestamps (FAT: 2 s)
# Where the rules across files point: the document, and these top-level fields.
_CHANNEL_PATHS = ("name", "phone_number", "capabilities")
_PACKAGE = Path(__file__).resolve().parent.parent

Position = list[int]  # [line, column] in JSON


class FileCache:
    """One validate run's view of the store: ``reuse`` before loading a file,
    ``remember`` after loading one in full, ``save`` at the end."""

    def __init__(self, root: Path, focus: Callable[[str], bool]) -> None:
        self.root = root
        self.focus = focus
        self.stamp = _stamp()
        self.entries: dict[str, list[Any]] = _read_store(root / STORE, self.stamp)
        self.seen: set[str] = set()
        self.deferred: list[tuple[int, str, list[Any]]] = []  # (position, file, records)
        self.changed = False
        self.reused = 0

    def reuse(self, project: Project, path: Path, display: str) -> bool:
        """Add the file's stubs to ``project`` if it is outside the focus and unchanged;
        False: load it in full (and ``remember`` it)."""
        self.seen.add(display)
        if self.focus(display):
            return False
        entry = self.entries.get(display)
        if entry is None:
            return False
        try:
            digest, size, mtime_ns, recorded_ns, actions, channels = entry
            if not _unchanged(path, digest, size, mtime_ns, recorded_ns):
                return False
            if not all(_is_action_record(record) for record in actions):
                return False
            channel_stubs = [_channel_stub(display, record) for record in channels]
        except (OSError, KeyError, TypeError, ValueError, IndexError):
            return False  # unreadable now, or an entry of another shape: load it in full
        # Actions wait for ``finish``: which of them matter depends on the focus files,
        # which may come later. Where they go in the order is kept (first one wins).
        self.deferred.append((len(project.actions), display, actions))
        project.channels.extend(channel_stubs)  # (stubs are not in project.documents)
        self.reused += 1
        return True

    def finish(self, project: Project) -> None:
        """Put the stub actions that can matter to the focus into ``project``, in the
        order a full load has: those sharing a name with a focus action (duplicates per
        agent and per platform agent), those of a focus action's agent where some
        environment leaves that agent unmapped (E104/E110 count its users), and all of
        them when actionctl.yaml is in focus. The rest could only be reported in their
        own files; leaving them out spares the rules 10,000 look-alikes."""
        if not self.deferred:
            return
        relevant = self._relevance(project)
        merged: list[Action] = []
        taken = 0
        for position, display, records in self.deferred:
            merged.extend(project.actions[taken:position])
            taken = position
            merged.extend(_action_stub(display, r) for r in records if relevant(r))
        merged.extend(project.actions[taken:])
        project.actions[:] = merged
        self.deferred.clear()

    def _relevance(self, project: Project) -> Callable[[list[Any]], bool]:
        if self.focus(PROJECT_FILE):
            return lambda record: True
        focus = [a for a in project.actions if self.focus(a.source.file)]
        names = {a.name for a in focus}
        mappings = [e.agents for e in project.config.environments.values() if e.agents]
        agents = {a.agent for a in focus if any(a.agent not in m for m in mappings)}
        return lambda record: record[1] in names or record[0] in agents

    def remember(self, project: Project, path: Path, display: str, before: tuple[int, int]) -> None:
        """Store the index of a file just loaded in full: the actions and channels added
        to ``project`` since there were ``before`` = (actions, channels)."""
        try:
            stat = os.stat(path)
            digest = _hash(path)
        except OSError:
            self.entries.pop(display, None)
            return
        actions = [_action_record(a) for a in project.actions[before[0] :]]
        channels = [_channel_record(c) for c in project.channels[before[1] :]]
        old = self.entries.get(display)
        entry = [digest, stat.st_size, stat.st_mtime_ns, time.time_ns(), actions, channels]
        if old is None or old[:3] != entry[:3] or old[4:] != entry[4:]:
            self.entries[display] = entry
            # The files being committed change on every run; rewriting a 10,000-file
            # store for them alone would cost more than parsing them again next time,
            # when they are outside the focus (their stored entry is then a miss).
            self.changed = self.changed or not self.focus(display)

    def save(self) -> None:
        """Write the store if anything changed (files gone are dropped); a store that
        cannot be written is no error, the next run just loads more."""
        gone = set(self.entries) - self.seen
        for display in gone:
            del self.entries[display]
        if not (self.changed or gone):
            return
        data = {"format": FORMAT, "stamp": self.stamp, "files": self.entries}
        try:
            _state_dir(self.root / STATE_DIR)
            write_atomically(self.root / STORE, json.dumps(data, separators=(",", ":")))
        except OSError:
            pass


def _unchanged(path: Path, digest: str, size: int, mtime_ns: int, recorded_ns: int) -> bool:
    """Same size and modification time as when it was hashed, and modified well before
    that (a file changed in the same clock tick as it was hashed keeps its mtime on a
    coarse file system: then its content is hashed again), or else the same hash."""
    stat = os.stat(path)
    if stat.st_size != size:
        return False
    if stat.st_mtime_ns == mtime_ns and mtime_ns < recorded_ns - RACY_NS:
        return True
    return _hash(path) == digest


# --- the store ---


def _read_store(path: Path, stamp: str) -> dict[str, list[Any]]:
    try:
        data = json.loads(path.read_bytes())
        if data["format"] != FORMAT or data["stamp"] != stamp:
            return {}
        files = data["files"]
        return files if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _stamp() -> str:
    """What the stored results depend on besides the files: this actionctl, its loader
    and its schemas (a development checkout changes them without a new version)."""
    parts = [__version__]
    sources = [
        *sorted(_PACKAGE.glob("load/*.py")),
        _PACKAGE / "schemas.py",
        _PACKAGE / "model.py",
        *sorted(_schema_dir().rglob("*.json")),
    ]
    for source in sources:
        try:
            stat = source.stat()
        except OSError:
            continue
        parts.append(f"{source.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _schema_dir() -> Path:
    from compiler.schemas import schema_dir

    return schema_dir()


def _hash(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def _state_dir(path: Path) -> None:
    """``.actionctl/`` with a ``.gitignore`` of ``*``, as the local platform makes it."""
    if path.is_dir():
        return
    path.mkdir(parents=True, exist_ok=True)
    (path / ".gitignore").write_text("# actionctl's local state (embedded platform)\n*\n")


# --- records and stubs ---


def _positions(source: SourceMap, paths: tuple[str, ...]) -> dict[str, Any]:
    values = {key: list(source.values[(key,)]) for key in paths if (key,) in source.values}
    keys = {key: list(source.keys[(key,)]) for key in paths if (key,) in source.keys}
    return {"doc": list(source.values.get((), (1, 1))), "values": values, "keys": keys}


def _source(display: str, index: int, data: Any, where: dict[str, Any]) -> SourceDocument:
    values: dict[DataPath, tuple[int, int]] = {(): _pair(where["doc"])}
    values.update({(key,): _pair(at) for key, at in where["values"].items()})
    keys: dict[DataPath, tuple[int, int]] = {(k,): _pair(at) for k, at in where["keys"].items()}
    return SourceDocument(display, index, data, SourceMap(display, values, keys))


def _pair(position: Position) -> tuple[int, int]:
    line, column = position
    return int(line), int(column)


def _action_record(action: Action) -> list[Any]:
    """[agent, name, document index, then line and column of the document, its name
    and its agent]: compact, since a big project has thousands."""
    values = action.source.source_map.values
    record: list[Any] = [action.agent, action.name, action.source.index]
    for path in ((), ("name",), ("agent",)):
        record.extend(values.get(path, values.get((), (1, 1))))
    return record


def _is_action_record(record: Any) -> bool:
    return (
        isinstance(record, list)
        and len(record) == 9
        and isinstance(record[0], str)
        and isinstance(record[1], str)
        and all(isinstance(n, int) for n in record[2:])
    )


def _action_stub(display: str, record: list[Any]) -> Action:
    agent, name, index, line, column, name_line, name_column, agent_line, agent_column = record
    values: dict[DataPath, tuple[int, int]] = {
        (): (line, column),
        ("name",): (name_line, name_column),
        ("agent",): (agent_line, agent_column),
    }
    fields = {"kind": "action", "agent": agent, "name": name}
    source = SourceDocument(display, index, fields, SourceMap(display, values))
    return Action(STUB_TYPE, agent, name, fields, source)


def _channel_record(channel: Channel) -> dict[str, Any]:
    return {
        "name": channel.name,
        "phone_number": channel.phone_number,
        "capabilities": list(channel.capabilities),
        "description": channel.description,
        "index": channel.source.index,
        "at": _positions(channel.source.source_map, _CHANNEL_PATHS),
    }


def _channel_stub(display: str, record: dict[str, Any]) -> Channel:
    data = {key: record[key] for key in ("name", "phone_number", "capabilities", "description")}
    data["kind"] = "channel"
    source = _source(display, int(record["index"]), data, record["at"])
    capabilities = tuple(str(c) for c in record["capabilities"])
    return Channel(
        name=str(record["name"]),
        phone_number=str(record["phone_number"]),
        capabilities=capabilities,
        description=str(record["description"]),
        source=source,
    )
