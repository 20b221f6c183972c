"""A per-file cache that lets ``actionctl validate FILE...`` (the pre-commit hook) parse
only the files it names, while references still resolve across the whole project and
the answer is the one a full load gives.

What a file contributes to checks across files is small: each action's type, agent,
name, ``messaging_channel`` and ``renamed_from``, each channel's name, number and
capabilities, and where those are written. The first time a file is loaded in full
(parsed, schema-checked, turned into actions and channels) that index is stored, keyed
by the file's path and a hash of the bytes parsed, in ``.actionctl/cache/validate.json``
(``.actionctl/`` is git-ignored). Next time, a file outside the focus (the files named)
whose content is unchanged is not parsed: its index entries go into the project as *stubs*
(``Action.stub``; ``fields`` hold only kind, type, agent, name, messaging_channel and
renamed_from).

Why that gives the full answer: ``validate FILE`` reports the diagnostics in the focus
files and those at a *site* of a name they declare now or declared before the change
(``touched``, keys of compiler.load.declared) elsewhere: an action's ``name``, ``agent``,
``messaging_channel`` or ``renamed_from`` names, a channel's ``name``
(compiler.validate.involved). What rules report at those sites needs only what stubs
carry: names (N311-N316), duplicates (N312, N313; action names compared by their
look-alike key), agents (E104, E110), channel references (N301, N302, C631), renames
(N317 a renamed_from name still declared, N318 one renamed twice, N314-N316 at it). So the stubs
that can stand at a touched site are made (``FileCache.finish``), and rules about an
action's own content skip stubs (``Project.actions_read_in_full``). A file whose
loading said anything (a YAML or schema diagnostic) is never a stub: it is read in full
every time, so nothing it says is lost. tests/load/test_validate_cache_answers.py
compares the answer for every file of generated projects full of problems across files
with a full load's; tests/load/test_rename_hook_answers.py does so for renames.

Safe when stale or corrupt: any error reading the store or an entry is a miss (the file
is loaded in full), and an entry found wrong only when made a stub starts the load over
without the cache; the store is tied to the actionctl version and the loader's and
schemas' files; files that disappeared are dropped from it; it is written atomically
and only when enough changed (``FileCache.save``). JSON, never pickle: a store that
somebody committed or planted must not run code.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from compiler import __version__
from compiler.atomic_write import write_atomically
from compiler.load.declared import declared_names, names_of, renamed_from_paths
from compiler.load.state import state_dir, unsafe_to_write
from compiler.load.yaml_source import MAX_FILE_BYTES, ReadFile, read_regular_file
from compiler.lookalike import look_alike_key
from compiler.model import Action, Channel, DataPath, Project, SourceDocument, SourceMap

PROJECT_FILE = "actionctl.yaml"
STATE_DIR = Path(".actionctl")
STORE = STATE_DIR / "cache" / "validate.json"
FORMAT = 6
MAX_STORE_BYTES = 256 * 1024 * 1024  # ~100 bytes a file: far beyond any project
STALE_COST = 64  # entries written and read back cost about as much as one file read
RACY_NS = 2_000_000_000  # coarsest file-system timestamps (FAT: 2 s)
# Where the rules across files point: the document, and these top-level fields.
_CHANNEL_PATHS = ("name", "phone_number", "capabilities")
_PACKAGE = Path(__file__).resolve().parent.parent

Position = list[int]  # [line, column] in JSON


class StoreDamaged(Exception):
    """An entry that looked whole was not (found when making its stubs): load again
    without the cache."""


class FileCache:
    """One validate run's view of the store: ``touch`` with what the focus files declare
    (before loading them), ``reuse`` before loading any other file, ``remember`` after
    loading one in full, ``finish`` after the last, ``save`` at the end."""

    def __init__(
        self, root: Path, focus: Callable[[str], bool], old_names: Iterable[str] = ()
    ) -> None:
        self.root = root
        self.focus = focus
        self.touched: set[str] = set(old_names)  # keys of compiler.load.declared
        self._index_touched()
        self.stamp = _stamp()
        self.entries: dict[str, list[Any]] = _read_store(root / STORE, self.stamp)
        self.seen: set[str] = set()
        self.deferred: list[tuple[int, str, list[Any]]] = []  # (position, file, records)
        self.updated = 0  # entries of files outside the focus that changed (see save)
        self.reused = 0

    def touch(self, display: str, documents: Iterable[Any]) -> None:
        """What a focus file declares now (its documents' data, as parsed)."""
        for data in documents:
            self.touched.update(declared_names(display, data))
        self._index_touched()

    def _index_touched(self) -> None:
        # Names by kind, for the lookups ``finish`` makes per record.
        self._names = names_of("action", self.touched)  # (look-alike keys)
        self._channels = names_of("channel", self.touched)
        self._renamed = names_of("renamed", self.touched)  # (look-alike keys)

    def reuse(self, project: Project, path: str, display: str) -> bool:
        """Add the file's stubs to ``project`` if it is outside the focus and unchanged;
        False: load it in full (and ``remember`` it)."""
        self.seen.add(display)
        if self.focus(display):
            return False
        entry = self.entries.get(display)
        if entry is None:
            return False
        try:
            digest, size, identity, recorded_ns, actions, channels = entry
            if type(actions) is not list or type(identity) is not list:
                return False
            channel_stubs = [_channel_stub(display, record) for record in channels]
            status = os.stat(path)
            if status.st_size != size:
                return False
            # Same size, times and inode as when hashed, and changed well before that:
            # the common case, no read. Else (a file moved or copied over with its times
            # kept, or one changed within the clock tick) hash it again.
            now_identity = _identity(status)
            if now_identity != identity or max(identity[:2]) >= recorded_ns - RACY_NS:
                if _hash(path) != digest:
                    return False
                self._settle(entry, now_identity)
        except (OSError, KeyError, TypeError, ValueError, IndexError, OverflowError):
            return False  # unreadable now, or an entry of another shape: load it in full
        # Actions wait for ``finish``: which of them matter depends on the focus files,
        # which may come later. Where they go in the order is kept (first one wins).
        self.deferred.append((len(project.actions), display, actions))
        project.channels.extend(channel_stubs)  # (stubs are not in project.documents)
        project.cached_files.add(display)
        self.reused += 1
        return True

    def _settle(self, entry: list[Any], identity: list[int]) -> None:
        """The file was hashed again and is as stored. A file modified in the same clock
        tick as it was hashed keeps its times on a coarse file system, so only once they
        are long past is it recorded as hashed now (its stat vouches for it next time);
        until then it is hashed on every run."""
        now = time.time_ns()
        if max(identity[:2]) < now - RACY_NS:
            entry[2], entry[3] = identity, now
            self.updated += 1

    def finish(self, project: Project) -> None:
        """Put the stub actions that can matter into ``project``, in the order a full
        load has: the first of each agent (E104 lists the agents that some environment
        leaves unmapped), every stub of a touched agent that some environment leaves
        unmapped (E110 points at its first action and counts them), every stub of a
        touched name or of a name a focus file renames (N311-N316 stand at its name; N317
        in the focus file names it), every stub that renames a touched name or one a
        focus file renames too (N317, N318 stand at its renamed_from) and every stub that
        names a touched channel (N301, N302 and C631 stand at its messaging_channel); all
        of them when actionctl.yaml is in focus. The rest could only be reported in their own
        files; leaving them out spares the rules 10,000 look-alikes."""
        if not self.deferred:
            return
        every = self.focus(PROJECT_FILE)
        mappings = [e.agents for e in project.config.environments.values() if e.agents]
        touched_agents = names_of("agent", self.touched)
        unmapped = {a for a in touched_agents if any(a not in m for m in mappings)}  # E104/E110
        agents = {a.agent for a in project.actions}
        names, channels, renamed = self._names, self._channels, self._renamed
        either = names | renamed  # (what a stub's own renamed_from may give)
        merged: list[Action] = []
        taken = 0
        for position, display, records in self.deferred:
            merged.extend(project.actions[taken:position])
            taken = position
            for record in records:
                if type(record) is not list or len(record) != RECORD_LENGTH:
                    raise StoreDamaged(display)
                agent = record[AGENT]
                key = record[NAME] if record[KEY] is None else record[KEY]  # (look-alike)
                if (
                    every
                    or agent not in agents
                    or agent in unmapped
                    or key in names
                    or key in renamed
                    or record[CHANNEL] in channels
                    or (record[RENAMED] is not None and _renames(record, either))
                ):
                    if not _is_action_record(record):
                        raise StoreDamaged(display)
                    agents.add(agent)
                    merged.append(_action_stub(display, record))
        merged.extend(project.actions[taken:])
        project.actions[:] = merged
        self.deferred.clear()

    def remember(
        self, project: Project, display: str, read: ReadFile | None, before: tuple[int, int]
    ) -> None:
        """Store the index of a file just loaded in full from ``read`` (its bytes and its
        status before they were read, so the entry describes exactly what was parsed):
        the actions and channels added to ``project`` since there were ``before`` =
        (actions, channels). None: the file was not read, or its loading reported
        something; it is not stored, and is read in full every time."""
        if read is None:
            if self.entries.pop(display, None) is not None:
                self.updated += not self.focus(display)
            return
        digest = _digest(read.raw)
        actions = [_action_record(a) for a in project.actions[before[0] :]]
        channels = [_channel_record(c) for c in project.channels[before[1] :]]
        old = self.entries.get(display)
        identity = _identity(read.status)
        entry = [digest, read.status.st_size, identity, time.time_ns(), actions, channels]
        if not isinstance(old, list) or old[:3] != entry[:3] or old[4:] != entry[4:]:
            self.entries[display] = entry
            # The files being committed change on every run: they do not count (next
            # time, outside the focus, their stale entry is a miss and they are read).
            self.updated += not self.focus(display)

    def forget(self) -> None:
        """Remove the store (it is damaged); this run then saves nothing."""
        self.entries.clear()
        self.seen.clear()
        self.updated = 0
        with contextlib.suppress(OSError):
            (self.root / STORE).unlink(missing_ok=True)

    def save(self) -> None:
        """Write the store when enough of it changed (files gone are dropped); a store
        that cannot be written is no error, the next run just loads more.

        Enough: reading a stale file in full costs about what 64 entries cost to write
        and read back, so a few stale files (those of the last commits) are read again
        rather than the whole store rewritten on every run; a pull that changed many
        files, or a first run, writes it."""
        gone = set(self.entries) - self.seen
        for display in gone:
            del self.entries[display]
        stale = self.updated + len(gone)
        if not stale or stale * STALE_COST < len(self.entries):
            return
        data = {"format": FORMAT, "stamp": self.stamp, "files": self.entries}
        try:
            if unsafe_to_write(self.root, STORE):
                return  # a link there (committed or planted) could aim anywhere: a project file
            state_dir(self.root / STATE_DIR)
            write_atomically(self.root / STORE, json.dumps(data, separators=(",", ":")))
        except OSError:
            pass


# --- the store ---


def _identity(status: os.stat_result) -> list[int]:
    """What says a file is the one hashed: its modification and change times and its
    inode (a file moved or copied over with its mtime kept has another ctime or inode,
    as git's index also checks)."""
    return [status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def _read_store(path: Path, stamp: str) -> dict[str, list[Any]]:
    """The entries, or none: read as the loader reads (a FIFO or device planted there
    must not hang us or fill memory), and anything unexpected is a miss."""
    try:
        data = json.loads(read_regular_file(path, MAX_STORE_BYTES))
        if data["format"] != FORMAT or data["stamp"] != stamp:
            return {}
        files = data["files"]
        return files if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return {}


def _stamp() -> str:
    """What the stored results depend on besides the files: this actionctl, its loader
    and its schemas (a development checkout changes them without a new version)."""
    import yaml  # (already loaded: the loader's parser decides what a file holds)

    parts = [__version__, f"pyyaml {yaml.__version__} libyaml {yaml.__with_libyaml__}"]
    sources = [
        *sorted(_PACKAGE.glob("load/*.py")),
        _PACKAGE / "schemas.py",
        _PACKAGE / "model.py",
        *sorted(_schema_dir().rglob("*.json")),
    ]
    for source in sources:
        try:
            status = source.stat()
        except OSError:
            continue
        parts.append(f"{source.name}:{status.st_size}:{status.st_mtime_ns}")
    return "\n".join(parts)  # (compared whole: a hash would only cost an import)


def _schema_dir() -> Path:
    from compiler.load.schemas import schema_dir

    return schema_dir()


def _hash(path: str) -> str:
    """(Read as the loader reads: a FIFO swapped in since the walk must not hang us.)"""
    return _digest(read_regular_file(path, MAX_FILE_BYTES))


def _digest(raw: bytes) -> str:
    import hashlib  # (only when a file is read: the stat of an unchanged one vouches for it)

    return hashlib.blake2b(raw, digest_size=16).hexdigest()


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


# An action record: [type, agent, name, channel (or None), document index, then line
# and column of each of _ACTION_PLACES (0, 0 where absent), then the name's look-alike
# key (None when it is the name, as for every ASCII name) and [renamed_from as written,
# the line and column of each of its names] (None when absent)]: compact, since a big
# project has thousands.
_ACTION_PLACES: tuple[DataPath, ...] = (
    (),
    ("type",),
    ("name",),
    ("agent",),
    ("messaging_channel",),
)
TYPE, AGENT, NAME, CHANNEL = range(4)
KEY = 5 + 2 * len(_ACTION_PLACES)
RENAMED = KEY + 1
RECORD_LENGTH = KEY + 2


def _action_record(action: Action) -> list[Any]:
    values = action.source.source_map.values
    channel = action.fields.get("messaging_channel")
    record: list[Any] = [
        action.type,
        action.agent,
        action.name,
        channel if isinstance(channel, str) else None,
        action.source.index,
    ]
    for path in _ACTION_PLACES:
        record.extend(values.get(path, (0, 0)))
    key = look_alike_key(action.name)
    renamed = action.fields.get("renamed_from")
    at = [n for _, path in renamed_from_paths(renamed) for n in values.get(path, (0, 0))]
    record += [None if key == action.name else key, [renamed, at] if at else None]
    return record


def _renames(record: list[Any], keys: set[str]) -> bool:
    """Whether the record's renamed_from gives a name of ``keys`` (look-alike keys)."""
    renamed, _ = record[RENAMED]
    return any(look_alike_key(old) in keys for old, _ in renamed_from_paths(renamed))


def _is_action_record(record: Any) -> bool:
    if type(record) is not list or len(record) != RECORD_LENGTH:
        return False
    kind, agent, name, channel, *numbers = record[:KEY]
    return (
        type(kind) is str
        and type(agent) is str
        and type(name) is str
        and (channel is None or type(channel) is str)
        and all(type(n) is int for n in numbers)
        and (record[KEY] is None or type(record[KEY]) is str)
        and (record[RENAMED] is None or _is_renamed(record[RENAMED]))
    )


def _is_renamed(entry: Any) -> bool:
    """[renamed_from as the schema allows it (one name or a list of names), a line and
    column for each name]."""
    if type(entry) is not list or len(entry) != 2:
        return False
    renamed, at = entry
    if type(at) is not list or not all(type(n) is int for n in at):
        return False
    names = [renamed] if type(renamed) is str else renamed
    if type(names) is not list or not all(type(n) is str and n for n in names):
        return False
    return len(at) == 2 * len(names)


def _action_stub(display: str, record: list[Any]) -> Action:
    kind, agent, name, channel, index = record[:5]
    places = iter(record[5:KEY])
    values: dict[DataPath, tuple[int, int]] = {}
    for path, line, column in zip(_ACTION_PLACES, places, places, strict=True):
        if line:
            values[path] = (line, column)
    fields: dict[str, Any] = {"kind": "action", "type": kind, "agent": agent, "name": name}
    if channel is not None:
        fields["messaging_channel"] = channel
    if record[RENAMED] is not None:
        renamed, places = record[RENAMED]
        fields["renamed_from"] = renamed
        at = iter(places)
        for (_, path), line, column in zip(renamed_from_paths(renamed), at, at, strict=True):
            if line:
                values[path] = (line, column)
    source = SourceDocument(display, index, fields, SourceMap(display, values))
    return Action(kind, agent, name, fields, source, stub=True)


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
    """(A record of another shape or kind raises ValueError: the file is read in full.)"""
    data = {key: record[key] for key in ("name", "phone_number", "capabilities", "description")}
    capabilities = data["capabilities"]
    texts = [data["name"], data["phone_number"], data["description"], *capabilities]
    if type(capabilities) is not list or not all(type(t) is str for t in texts):
        raise ValueError("not a channel record")
    if type(record["index"]) is not int:
        raise ValueError("not a channel record")
    data["kind"] = "channel"
    try:
        source = _source(display, record["index"], data, record["at"])
    except (AttributeError, TypeError, ValueError) as error:
        raise ValueError("not a channel record") from error
    return Channel(
        name=data["name"],
        phone_number=data["phone_number"],
        capabilities=tuple(capabilities),
        description=data["description"],
        source=source,
    )
