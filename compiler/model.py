"""Plain typed objects passed between the pipeline stages.

``load`` produces a ``Project`` (documents with source positions, channels, actions,
project config); ``validate`` reads it and returns diagnostics; ``compile`` turns it
into ``CompiledTool`` payloads for one environment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler.diagnostics import Diagnostic, Location

# A path into a YAML document's data, as keys and list indexes: ("static_params", "message").
DataPath = tuple[str | int, ...]

DEFAULT_REQUESTS_PER_MINUTE = 100.0  # OpenMic's documented limit per organisation

# Tool names actionctl reserves on the platform: the apply lock's (compiler.apply.lock).
# Here, not beside the lock, so that validate and plan, which only refuse such names, do
# not load the lock's machinery (threads, sockets, the machine's identity).
LOCK_PREFIX = "actionctl-lock-"


def is_lock_name(name: str) -> bool:
    return name.startswith(LOCK_PREFIX)


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of one YAML document stands in its file.

    ``values[path]`` is the (line, column) of the value at ``path``; ``keys[path]`` the
    position of the key that introduced it. Both are 1-based.
    """

    file: str
    values: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[DataPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Sequence[str | int] = ()) -> Location:
        """Location of the value at ``path``, or of its nearest ancestor that exists.

        A missing key therefore points at the mapping that should hold it.
        """
        current: DataPath = tuple(path)
        while True:
            if current in self.values:
                line, column = self.values[current]
                return Location(self.file, line, column)
            if not current:
                return Location(self.file, 1, 1)
            current = current[:-1]

    def locate_key(self, path: Sequence[str | int]) -> Location:
        """Location of the key naming ``path`` (falls back to the value's location)."""
        key = tuple(path)
        if key in self.keys:
            line, column = self.keys[key]
            return Location(self.file, line, column)
        return self.locate(key)


@dataclass
class SourceDocument:
    """One YAML document of one file: its plain data and where each piece came from."""

    file: str  # path as shown to users: relative to the project root where possible
    index: int  # 0-based document index within the file
    data: Any
    source_map: SourceMap
    # Original text of plain scalars that YAML 1.1 read as bool/int/float/null (``yes``,
    # ``12:30``), by path: rules that look inside free-form values (parameters_schema)
    # use it for the "quote it" hint.
    plain: dict[DataPath, str] = field(default_factory=dict)

    def locate(self, *path: str | int) -> Location:
        return self.source_map.locate(path)

    def locate_key(self, *path: str | int) -> Location:
        return self.source_map.locate_key(path)


@dataclass(frozen=True)
class Environment:
    name: str
    agents: Mapping[str, str] = field(default_factory=dict)  # logical agent -> platform uid
    channels: Mapping[str, str] = field(default_factory=dict)  # channel name -> E.164 override


@dataclass(frozen=True)
class RuleConfig:
    """``rules:`` in actionctl.yaml: which warnings to drop and how severe codes are.

    Applied in one place, ``compiler.validate.suppress``; rules themselves never read it.
    """

    ignore: tuple[str, ...] = ()  # codes dropped everywhere
    per_path_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # glob -> codes
    severity: Mapping[str, str] = field(default_factory=dict)  # code -> error|warning|info


@dataclass
class ProjectConfig:
    platform: str = "local"  # "local" | "openmic"
    base_url: str = "https://api.openmic.ai"
    api_prefix: str = "/h/v2"  # the vendor publishes every operation there
    api_key_env: str = "OPENMIC_API_KEY"
    # Client-side pacing of OpenMic requests (the platform allows 100/min per organisation);
    # None: unpaced. The local platform is never paced.
    requests_per_minute: float | None = DEFAULT_REQUESTS_PER_MINUTE
    default_environment: str = "default"
    environments: dict[str, Environment] = field(
        default_factory=lambda: {"default": Environment("default")}
    )
    prune: bool = False
    rules: RuleConfig = field(default_factory=RuleConfig)
    source: SourceDocument | None = None  # None when the project has no actionctl.yaml

    def environment(self, name: str | None) -> Environment | None:
        return self.environments.get(name or self.default_environment)

    def agent_uid(self, environment: Environment, agent: str) -> str:
        """Platform uid of a logical agent; with no mapping the name is its own uid."""
        return environment.agents.get(agent, agent)


@dataclass
class Channel:
    name: str
    phone_number: str
    capabilities: tuple[str, ...]
    description: str
    source: SourceDocument


@dataclass
class Action:
    """One action document. ``fields`` is the whole mapping as written (validated by schema)."""

    type: str  # "send_text_message", "handover", ..., or "openmic.<tool type>"
    agent: str
    name: str
    fields: Mapping[str, Any]
    source: SourceDocument
    # A stand-in from validate's per-file cache (compiler.load.cache): ``fields`` hold
    # only what checks across files read (kind, type, agent, name, messaging_channel,
    # renamed_from).
    stub: bool = False

    @property
    def address(self) -> str:
        return f"{self.agent}/{self.name}"

    @property
    def is_native(self) -> bool:
        return self.type.startswith("openmic.")

    @property
    def renamed_from(self) -> tuple[str, ...]:
        """The earlier names ``renamed_from`` gives (one string or a list), in order."""
        value = self.fields.get("renamed_from")
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return tuple(dict.fromkeys(v for v in values if isinstance(v, str) and v))

    def locate(self, *path: str | int) -> Location:
        return self.source.locate(*path)


# What every suppression comment holds (``# actionctl: ignore[M510]``).
SUPPRESSION_MARKER = "actionctl:"


@dataclass
class Project:
    root: Path
    config: ProjectConfig
    channels: list[Channel] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    documents: list[SourceDocument] = field(default_factory=list)
    # Documents left out because they failed to load: kind ("channel", "action") -> the
    # first error of each. References to what they declared are then consequences.
    rejected: dict[str, list[Diagnostic]] = field(default_factory=dict)
    # Files the per-file cache stood in for (compiler.load.cache): not parsed, so not in
    # ``documents``; their actions and channels are stubs.
    cached_files: set[str] = field(default_factory=set)
    # Files the loader read whose text holds no ``actionctl:`` (so no suppression
    # comment): the suppressions need not read them again.
    unmarked_files: set[str] = field(default_factory=set)

    def actions_read_in_full(self) -> list[Action]:
        """The actions whose whole document was read: what rules about an action's own
        content check (the cache's stubs hold only what rules across files read)."""
        return [action for action in self.actions if not action.stub]

    def files(self) -> set[str]:
        """Every file the project was loaded from, parsed or cached."""
        return {document.file for document in self.documents} | self.cached_files

    def channel(self, name: str) -> Channel | None:
        for channel in self.channels:
            if channel.name == name:
                return channel
        return None


@dataclass(frozen=True)
class CompiledTool:
    """The platform payload for one action in one environment (canonical form)."""

    agent: str  # logical agent name
    agent_uid: str
    name: str
    payload: Mapping[str, Any]  # canonical: see compiler.canonical
    source: Location | None = None
    # Earlier names of this tool (the action's ``renamed_from``): plan renames a live tool
    # of such a name in place rather than deleting it and creating this one.
    renamed_from: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return f"{self.agent}/{self.name}"
