"""What ``fmt`` already found canonical, so that ``fmt --check`` (the pre-commit hook,
CI) reads each unchanged file and hashes it instead of laying it out again.

Laying a file out (ruamel.yaml, pure Python) costs some twenty times what validating it
does; a file whose bytes were canonical before is canonical now, as long as the layout
itself has not changed. So the store holds hashes of (the file's kind, its bytes) found
canonical, in ``.actionctl/cache/fmt.json`` (``.actionctl/`` is git-ignored), tied to a
stamp of everything the layout depends on: actionctl and PyYAML versions, ruamel.yaml's files,
the layout and loader sources and the schemas (key order comes from them). Any doubt
is a miss: a store unreadable, of another stamp or damaged counts as empty, and a miss
only means the file is laid out as before. JSON, never pickle: a planted store must not
run code. It is written atomically, only to a plain file that no link leads to.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from compiler import __version__
from compiler.atomic_write import write_atomically
from compiler.load.state import state_dir, unsafe_to_write

STORE = Path(".actionctl") / "cache" / "fmt.json"
FORMAT = 1
MAX_STORE_BYTES = 64 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parents[1]


class KnownCanonical:
    def __init__(self, root: Path, hashes: set[str], stamp: str) -> None:
        self.root = root
        self.stamp = stamp
        self.loaded = hashes
        self.seen: set[str] = set()  # known or found canonical in this run

    @classmethod
    def open(cls, root: Path) -> KnownCanonical:
        stamp = _stamp()
        return cls(root, _read(root / STORE, stamp), stamp)

    @staticmethod
    def key(kind: str | None, raw: bytes) -> str:
        return hashlib.blake2b(f"{kind}\0".encode() + raw, digest_size=16).hexdigest()

    def __contains__(self, key: str) -> bool:
        if key in self.loaded:
            self.seen.add(key)
            return True
        return False

    def add(self, key: str) -> None:
        self.seen.add(key)

    def save(self, *, whole_project: bool) -> None:
        """Keep what this run saw (a run over the whole project also forgets the rest:
        files since changed or removed). Written when something new was found canonical,
        or when forgotten entries outnumber the kept ones; not for every edit."""
        hashes = self.seen if whole_project else self.loaded | self.seen
        forgotten = len(self.loaded - hashes)
        if hashes <= self.loaded and forgotten <= len(hashes):
            return
        if unsafe_to_write(self.root, STORE):
            return
        data = {"format": FORMAT, "stamp": self.stamp, "canonical": sorted(hashes)}
        try:
            state_dir(self.root / STORE.parts[0])
            (self.root / STORE).parent.mkdir(exist_ok=True)
            write_atomically(self.root / STORE, json.dumps(data, separators=(",", ":")))
        except OSError:
            pass  # a cache: not writing it only costs the next run time


def _read(path: Path, stamp: str) -> set[str]:
    """The hashes, or none: read as the loader reads (a FIFO planted there must not hang
    us), and anything unexpected is a miss."""
    from compiler.load.yaml_source import read_regular_file

    try:
        data = json.loads(read_regular_file(path, MAX_STORE_BYTES))
        if data["format"] != FORMAT or data["stamp"] != stamp:
            return set()
        hashes = data["canonical"]
        return {h for h in hashes if isinstance(h, str)} if isinstance(hashes, list) else set()
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return set()


def _stamp() -> str:
    """What the layout depends on besides the file (a development checkout changes the
    sources without a new version). ruamel.yaml is known by its files, not imported:
    a run where every file is known never needs it."""
    import yaml  # (already loaded: the loader's parser)

    parts = [__version__, f"pyyaml {yaml.__version__} libyaml {yaml.__with_libyaml__}"]
    sources = [
        *_ruamel_files(),
        *sorted((_PACKAGE / "fmt").glob("*.py")),
        *sorted((_PACKAGE / "load").glob("*.py")),
        *sorted(_schema_dir().rglob("*.json")),
    ]
    for source in sources:
        try:
            status = source.stat()
        except OSError:
            continue
        parts.append(f"{source}:{status.st_size}:{status.st_mtime_ns}")
    return "\n".join(parts)


def _ruamel_files() -> list[Path]:
    from importlib.util import find_spec

    spec = find_spec("ruamel.yaml")
    if spec is None or spec.origin is None:
        return []
    package = Path(spec.origin).parent
    return [package / "__init__.py", package / "emitter.py", package / "representer.py"]


def _schema_dir() -> Path:
    from compiler.load.schemas import schema_dir

    return schema_dir()
