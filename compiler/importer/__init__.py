"""Import: turn the tools that already live on the platform into YAML files.

    import_tools(project, environment, platform, agents=..., out_dir=..., force=...,
                 include_declared=...)
        -> ImportResult(files, written, skipped, diagnostics, ui, native)

Reads every selected agent's tools, decompiles each (``decompile``: UI style where it
compiles back exactly, native otherwise), names files safely and writes them all or
none (``writer``). A tool the project already declares (same agent and name) is
skipped unless ``include_declared``: like ``terraform import``, import only brings in
what the configuration does not have yet. Problems are diagnostics; nothing here prints.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from compiler.diagnostics import Diagnostic, Location, has_errors
from compiler.diagnostics.codes import I010, I011, I012, I013, I020, I021, I022, I023, I024
from compiler.importer.decompile import (
    ChannelBook,
    Decompiled,
    Verifier,
    channel_document,
    compile_verifier,
    decompile,
    valid_action_name,
)
from compiler.importer.writer import (
    EmitError,
    PlannedFile,
    dump_document,
    shown_path,
    slugify,
    unique_stem,
    write_files,
)
from compiler.model import Environment, Project
from compiler.platform.base import NotFoundError, Platform, PlatformError
from compiler.platform.lock_tools import without_locks

__all__ = ["ImportResult", "ImportedTool", "SkippedTool", "import_tools", "resolve_agents"]

CODE_DUPLICATE = I010
CODE_INVALID_NAME = I011
CODE_NOT_VERIFIED = I012
CODE_ALREADY_DECLARED = I013
CODE_UNKNOWN_AGENT = I020
CODE_NO_AGENTS = I021
CODE_PHONE_NUMBERS = I022
CODE_EMIT = I023
CODE_NO_TOOLS = I024


@dataclass
class ImportedTool:
    agent: str  # logical agent name
    live: Mapping[str, Any]
    result: Decompiled
    file: PlannedFile


@dataclass(frozen=True)
class SkippedTool:
    """A live tool left out because the project already declares it."""

    agent: str
    name: str
    declared_in: str  # the declaring file, relative to the project


@dataclass
class ImportResult:
    tools: list[ImportedTool] = field(default_factory=list)
    channels: list[PlannedFile] = field(default_factory=list)
    written: list[PlannedFile] = field(default_factory=list)
    skipped: list[SkippedTool] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def files(self) -> list[PlannedFile]:
        return [t.file for t in self.tools] + self.channels

    @property
    def ui(self) -> int:
        return sum(1 for t in self.tools if t.result.style == "ui")

    @property
    def native(self) -> int:
        return sum(1 for t in self.tools if t.result.style == "native")

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def resolve_agents(
    requested: Sequence[str],
    project: Project,
    environment: Environment,
    platform: Platform,
    *,
    local: bool,
) -> tuple[list[tuple[str, str]], list[Diagnostic]]:
    """(logical name, uid) pairs to import.

    A requested NAME is a logical agent of the environment or a raw uid (shown under the
    logical name that maps to it, else under the uid itself). With none requested: every
    agent the environment maps, plus every agent the platform has when it is the local
    one or when the environment maps none (there is nothing else to go by).
    """
    by_uid = {uid: name for name, uid in environment.agents.items()}
    if requested:
        pairs = [
            (name, environment.agents[name])
            if name in environment.agents
            else (by_uid.get(name, name), name)
            for name in requested
        ]
        return list(dict.fromkeys(pairs)), []
    pairs = list(environment.agents.items())
    if local or not pairs:
        for agent in platform.list_agents():
            uid = agent.get("uid")
            if isinstance(uid, str) and uid not in by_uid:
                pairs.append((uid, uid))
    if not pairs:
        where = _agents_location(project, environment)
        message = _no_agents(project, environment, platform)
        return [], [Diagnostic.error(where, CODE_NO_AGENTS, message)]
    return sorted(dict.fromkeys(pairs)), []


def import_tools(
    project: Project,
    environment: Environment,
    platform: Platform,
    *,
    agents: Sequence[str] = (),
    out_dir: Path | None = None,
    force: bool = False,
    include_declared: bool = False,
    local: bool = False,
    verifier: Verifier | None = None,
) -> ImportResult:
    """Read, decompile and write. Nothing is written when any error is found.

    ``force`` overwrites existing files that do not declare the tool (stale ones);
    ``include_declared`` also writes the tools the project already declares."""
    out = Path(os.path.abspath(out_dir if out_dir is not None else project.root))
    result = ImportResult()
    pairs, problems = resolve_agents(agents, project, environment, platform, local=local)
    result.diagnostics += problems
    tools, problems = _fetch(platform, pairs, project, environment)
    result.diagnostics += problems
    if agents:
        result.diagnostics += _empty_agents(platform, pairs, tools, project, environment)
    if not result.ok:
        return result
    phone_names = _phone_number_names(platform, project, result.diagnostics)
    book = ChannelBook(project, environment, phone_names)
    verify = verifier or compile_verifier(project, environment, book)
    target = _Target(project, out, include_declared)
    directories: set[str] = set()
    for (agent, _uid), live_tools in zip(pairs, tools, strict=True):
        directory = "actions/" + unique_stem(slugify(agent, fallback="agent"), directories)
        result.tools += _import_agent(
            agent, directory, live_tools or [], book, verify, target, result
        )
    result.channels = _channel_files(result.tools, book, out, result.diagnostics)
    if not result.ok:
        return result
    problems = write_files(result.files, out, force=force)
    result.diagnostics += problems
    if not problems:
        result.written = result.files
    return result


def _project_file_location(project: Project) -> Location:
    """actionctl.yaml (which names the platform), or the project directory without one."""
    source = project.config.source
    return source.locate() if source is not None else Location(Path(project.root).as_posix())


def _agents_location(project: Project, environment: Environment, agent: str = "") -> Location:
    """The line of actionctl.yaml that maps ``agent`` in the environment, else its
    ``agents:`` (else the nearest enclosing key that exists). Without actionctl.yaml the
    project directory: never a file that does not exist (the message says it is
    missing)."""
    source = project.config.source
    if source is None:
        return Location(Path(project.root).as_posix())
    path: tuple[str, ...] = ("environments", environment.name, "agents")
    if agent in environment.agents:
        path += (agent,)
    return source.locate_key(*path)


def _no_agents(project: Project, environment: Environment, platform: Platform) -> str:
    if project.config.source is not None:
        return (
            f"no agents to import: environment {environment.name!r} maps none and the "
            "platform has none; pass --agent NAME"
        )
    return (
        f"no agents to import: there is no actionctl.yaml in {_shown_root(project)} to map "
        f"any, and {platform.description} has none; is --project right? Else pass --agent "
        "NAME, or run `actionctl init` and map agents under environments.<env>.agents"
    )


def _without_project_file(project: Project) -> str:
    """The end of an agent message when there is no actionctl.yaml (so no mapping, and
    the local platform): say so, as the location is then the directory."""
    if project.config.source is not None:
        return ""
    return f" (there is no actionctl.yaml in {_shown_root(project)}: is --project right?)"


def _shown_root(project: Project) -> str:
    return Path(project.root).resolve().as_posix()


def _empty_agents(
    platform: Platform,
    pairs: list[tuple[str, str]],
    tools: list[list[dict[str, Any]] | None],
    project: Project,
    environment: Environment,
) -> list[Diagnostic]:
    """A requested agent with no tools is worth a word: a typo in --agent looks like
    that on the local platform, where every agent exists implicitly. An agent that does
    not exist (None) already got I020, which says more."""
    diagnostics = []
    for (name, uid), live in zip(pairs, tools, strict=True):
        if live is not None and not live:
            shown = uid if name == uid else f"{name} ({uid})"
            message = (
                f"agent {shown} has no tools on {platform.description}; nothing to "
                f"import{_without_project_file(project)}"
            )
            where = _agents_location(project, environment, name)
            diagnostics.append(Diagnostic.warning(where, CODE_NO_TOOLS, message))
    return diagnostics


def _unknown_agent(
    platform: Platform, name: str, uid: str, project: Project, environment: Environment
) -> Diagnostic:
    shown = uid if name == uid else f"{name} ({uid})"
    message = f"agent {shown} does not exist on {platform.description}"
    where = _agents_location(project, environment, name)
    return Diagnostic.error(where, CODE_UNKNOWN_AGENT, message)


def _fetch(
    platform: Platform,
    pairs: list[tuple[str, str]],
    project: Project,
    environment: Environment,
) -> tuple[list[list[dict[str, Any]] | None], list[Diagnostic]]:
    """Each agent's tools, in the order of ``pairs``; None for an agent that does not
    exist (reported as I020)."""
    uids = [uid for _, uid in pairs]
    try:
        many = platform.list_tools_many(uids)
        # Lock tools of an apply running right now are machinery, not the user's tools.
        return [without_locks(many.get(uid, [])) for uid in uids], []
    except NotFoundError:
        pass  # find which agent it was, one by one
    tools: list[list[dict[str, Any]] | None] = []
    diagnostics: list[Diagnostic] = []
    for name, uid in pairs:
        try:
            tools.append(without_locks(platform.list_tools(uid)))
        except NotFoundError:
            diagnostics.append(_unknown_agent(platform, name, uid, project, environment))
            tools.append(None)
    return tools, diagnostics


def _phone_number_names(
    platform: Platform, project: Project, diagnostics: list[Diagnostic]
) -> dict[str, str]:
    """E.164 -> the platform's name for that number (channels are named after it)."""
    try:
        numbers = platform.list_phone_numbers()
    except PlatformError as error:
        message = f"could not read phone numbers ({error}); new channels get generated names"
        where = _project_file_location(project)
        diagnostics.append(Diagnostic.warning(where, CODE_PHONE_NUMBERS, message))
        return {}
    names: dict[str, str] = {}
    for number in numbers:
        phone, name = number.get("phone_number"), number.get("name")
        if isinstance(phone, str) and isinstance(name, str) and name.strip():
            names.setdefault(phone, name)
    return names


@dataclass(frozen=True)
class _Target:
    """Where files go, and what the project there already declares."""

    project: Project
    out: Path  # absolute
    include_declared: bool

    def project_loads(self, path: Path) -> bool:
        """Whether the project would load ``path`` as an action file: it lies under the
        project's ``actions/``. ``--out imported`` inside the project writes
        ``imported/actions/...``, which the project never reads, so nothing there can
        declare a tool twice."""
        actions = Path(os.path.realpath(self.project.root)) / "actions"
        return actions in Path(os.path.realpath(path)).parents

    def declared_in(self, agent: str, name: Any) -> str | None:
        """The project file (relative to the project) declaring agent/name, if any."""
        for action in self.project.actions:
            if action.agent == agent and action.name == name:
                return action.source.file
        return None

    def planned(self, relative: str, text: str) -> PlannedFile:
        path = self.out / relative
        return PlannedFile(path, shown_path(path), text)


def _import_agent(
    agent: str,
    directory: str,
    live_tools: list[dict[str, Any]],
    book: ChannelBook,
    verify: Verifier,
    target: _Target,
    result: ImportResult,
) -> list[ImportedTool]:
    taken: set[str] = set()
    imported: list[ImportedTool] = []
    for live in sorted(live_tools, key=_tool_order):
        # Reserve the stem even for a skipped tool, so file names do not depend on
        # what the project declares.
        stem = unique_stem(slugify(str(live.get("name", ""))), taken)
        declared = target.declared_in(agent, live.get("name"))
        if declared is not None and not target.include_declared:
            result.skipped.append(SkippedTool(agent, str(live.get("name")), declared))
            continue
        decompiled = decompile(live, agent, book, verify)
        planned = target.planned(f"{directory}/{stem}.yaml", "")
        try:
            text = dump_document(decompiled.document)
        except EmitError as error:
            where = Location(planned.display)
            result.diagnostics.append(Diagnostic.error(where, CODE_EMIT, str(error)))
            continue
        imported.append(ImportedTool(agent, live, decompiled, replace(planned, text=text)))
    result.diagnostics += _agent_warnings(agent, imported, target)
    return imported


def _tool_order(live: Mapping[str, Any]) -> tuple[str, str]:
    tool_id = live.get("id")
    key = f"{tool_id:020d}" if isinstance(tool_id, int) else str(tool_id)
    return (str(live.get("name", "")), key)


def _agent_warnings(agent: str, imported: list[ImportedTool], target: _Target) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    files_by_name: dict[str, list[str]] = defaultdict(list)
    for tool in imported:
        files_by_name[str(tool.live.get("name"))].append(tool.file.display)
    counts = Counter({name: len(files) for name, files in files_by_name.items()})
    for tool in imported:
        name = tool.live.get("name")
        where = Location(tool.file.display, 1, 1)
        if counts[str(name)] > 1 and tool.file.display != files_by_name[str(name)][0]:
            others = ", ".join(f for f in files_by_name[str(name)] if f != tool.file.display)
            message = (
                f"agent {agent!r} holds {counts[str(name)]} tools named {name!r}; imported "
                f"all of them (also {others}). The project will not validate until one is "
                "renamed (here and on the platform)"
            )
            diagnostics.append(Diagnostic.warning(where, CODE_DUPLICATE, message))
        if not valid_action_name(name):
            message = (
                f"tool name {name!r} breaks the platform's name rule as actionctl holds it "
                "(1-255 characters, no control or invisible characters, no word mixing "
                "scripts); the file will not validate until it is renamed"
            )
            diagnostics.append(Diagnostic.warning(where, CODE_INVALID_NAME, message))
        for note in tool.result.notes:
            diagnostics.append(Diagnostic.warning(where, CODE_NOT_VERIFIED, note))
        twice = _declared_twice(target, agent, name, tool.file)
        if twice is not None:
            diagnostics.append(Diagnostic.warning(where, CODE_ALREADY_DECLARED, twice))
    return diagnostics


def _declared_twice(target: _Target, agent: str, name: Any, file: PlannedFile) -> str | None:
    """Why writing ``file`` makes the project declare agent/name twice, if it does.

    Only a file the project loads (under its ``actions/``) adds a declaration, and
    rewriting the very file that declares the tool replaces it rather than adding one."""
    declared = target.declared_in(agent, name)
    if declared is None or not target.project_loads(file.path):
        return None
    declaring = target.project.root / declared
    if os.path.realpath(declaring) == os.path.realpath(file.path):
        return None
    return (
        f"{agent}/{name} is already declared in {shown_path(declaring)}; "
        "the project now declares it twice"
    )


def _channel_files(
    tools: list[ImportedTool], book: ChannelBook, out: Path, diagnostics: list[Diagnostic]
) -> list[PlannedFile]:
    """One file per new channel that an imported document refers to."""
    used = {t.result.channel_number for t in tools if t.result.channel_number}
    # Stems of channel files already there: a new channel never takes another's file.
    taken = {p.stem.lower() for p in (out / "channels").glob("*.y*ml")}
    files: list[PlannedFile] = []
    for number, name in book.new.items():
        if number not in used:
            continue  # named for a candidate that did not round-trip
        stem = unique_stem(slugify(name, fallback="channel"), taken)
        path = out / f"channels/{stem}.yaml"
        try:
            text = dump_document(channel_document(name, number))
        except EmitError as error:
            where = Location(shown_path(path))
            diagnostics.append(Diagnostic.error(where, CODE_EMIT, str(error)))
            continue
        files.append(PlannedFile(path, shown_path(path), text))
    return files
