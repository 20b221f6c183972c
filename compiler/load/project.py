"""Find a project's files, load each document, check it against its schema, and build
the ``Project`` model. Documents that fail are reported and left out of the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import E100, E105, E106, E111
from compiler.load.files import DocumentFile, find_document_files, project_file
from compiler.load.schema_check import check_action_type, check_document, check_kind
from compiler.load.yaml_source import FileResult, LoadedDocument, read_yaml_file
from compiler.model import (
    SUPPRESSION_MARKER,
    Action,
    Channel,
    Environment,
    Project,
    ProjectConfig,
    RuleConfig,
)

if TYPE_CHECKING:
    from compiler.load.cache import FileCache

PROJECT_FILE = "actionctl.yaml"
_MARKER = SUPPRESSION_MARKER.encode()


@dataclass
class LoadResult:
    project: Project | None
    diagnostics: list[Diagnostic]
    files: list[str] = field(default_factory=list)  # every file read, as displayed


def load_project(root: Path, *, cache: FileCache | None = None) -> LoadResult:
    """Load ``actionctl.yaml``, ``channels/*.yaml`` and ``actions/**/*.yaml`` under root.

    With a ``cache`` (``validate FILE``), its focus files are read first, and unchanged
    files outside the focus are not parsed: their cached index stands in for them
    (``compiler/load/cache.py``). The cache must never change the answer: should
    anything in it fail (a store damaged in a way no check foresaw), the project is
    loaded again without it."""
    if cache is None:
        return _load_project(root, None)
    try:
        return _load_project(root, cache)
    except Exception:  # (see above: loaded without the cache, a real error surfaces)
        cache.forget()
        return _load_project(root, None)


def _load_project(root: Path, cache: FileCache | None) -> LoadResult:
    root = Path(root)
    if not root.is_dir():
        what = "does not exist" if not root.exists() else "is not a directory"
        message = f"project directory {root.as_posix()} {what} (use --project DIR)"
        return LoadResult(None, [Diagnostic.error(Location(root.as_posix()), E100, message)])
    diagnostics: list[Diagnostic] = []
    config = _load_config(root, diagnostics)
    project = Project(root=root, config=config)
    if config.source is not None:
        project.documents.append(config.source)
    files: list[str] = [PROJECT_FILE] if config.source is not None or _has_config(root) else []
    found = find_document_files(root)
    diagnostics.extend(found.diagnostics)
    read_first = _read_focus(found.documents, cache) if cache is not None else {}
    for document_file in found.documents:
        folder, path, display = document_file.folder, document_file.path, document_file.display
        files.append(display)
        if cache is not None and cache.reuse(project, path, display):
            continue
        before = (len(project.actions), len(project.channels), len(diagnostics))
        result = read_first.pop(display, None) or read_yaml_file(path, display)
        diagnostics.extend(result.diagnostics)
        if result.read is not None and _MARKER not in result.read.raw:
            project.unmarked_files.add(display)
        if not result.documents:
            _reject(project, folder.removesuffix("s"), result.diagnostics)
        for loaded in result.documents:
            project.documents.append(loaded.document)
            _add_document(project, loaded, folder, diagnostics)
        if cache is not None:
            clean = len(diagnostics) == before[2]
            cache.remember(project, display, result.read if clean else None, before[:2])
    if cache is not None:
        cache.finish(project)  # (StoreDamaged: load_project starts over without it)
    if not files and not diagnostics:  # (an actionctl.yml alone already got E105)
        diagnostics.append(_empty_project(root))
    return LoadResult(project, diagnostics, files)


def _read_focus(documents: list[DocumentFile], cache: FileCache) -> dict[str, FileResult]:
    """The focus files, read before the others: what they declare decides which other
    files the cache must read in full."""
    read: dict[str, FileResult] = {}
    for document_file in documents:
        if cache.focus(document_file.display):
            result = read_yaml_file(document_file.path, document_file.display)
            cache.touch(document_file.display, (d.document.data for d in result.documents))
            read[document_file.display] = result
    return read


def _empty_project(root: Path) -> Diagnostic:
    """Nothing to load is a wrong --project (or a misnamed folder): an error, so that
    ``validate`` outside a project never reports "ok: 0 actions"."""
    message = (
        f"not an actionctl project: looked for {PROJECT_FILE}, channels/*.yaml and "
        f"actions/**/*.yaml in {root.resolve().as_posix()} and found none; is --project "
        "right? (`actionctl init` starts a project)"
    )
    return Diagnostic.error(Location(root.as_posix()), E111, message)


def _has_config(root: Path) -> bool:
    return (root / PROJECT_FILE).is_file()


def _add_document(
    project: Project, loaded: LoadedDocument, folder: str, diagnostics: list[Diagnostic]
) -> None:
    expected = folder.removesuffix("s")  # channels -> channel, actions -> action
    problems = check_kind(loaded, expected, folder)
    if problems:
        diagnostics.extend(problems)
        _reject(project, expected, problems)
        return
    if expected == "channel":
        _add_channel(project, loaded, diagnostics)
    else:
        _add_action(project, loaded, diagnostics)


def _add_channel(project: Project, loaded: LoadedDocument, diagnostics: list[Diagnostic]) -> None:
    problems = check_document(loaded, "channel")
    if problems:
        diagnostics.extend(problems)
        _reject(project, "channel", problems)
        return
    data = loaded.document.data
    channel = Channel(
        name=data["name"],
        phone_number=data["phone_number"],
        capabilities=tuple(data["capabilities"]),
        description=data.get("description", ""),
        source=loaded.document,
    )
    project.channels.append(channel)


def _add_action(project: Project, loaded: LoadedDocument, diagnostics: list[Diagnostic]) -> None:
    action_type, problems = check_action_type(loaded)
    if action_type is None:
        diagnostics.extend(problems)
        _reject(project, "action", problems)
        return
    problems = check_document(loaded, action_type)
    if problems:
        diagnostics.extend(problems)
        _reject(project, "action", problems)
        return
    data = loaded.document.data
    action = Action(
        type=action_type,
        agent=data["agent"],
        name=data["name"],
        fields=data,
        source=loaded.document,
    )
    project.actions.append(action)


def _reject(project: Project, kind: str, problems: list[Diagnostic]) -> None:
    """Remember a document left out, by its first error (what later errors follow from)."""
    errors = [d for d in problems if d.is_error]
    if errors:
        project.rejected.setdefault(kind, []).append(min(errors, key=Diagnostic.sort_key))


def load_config(root: Path) -> tuple[ProjectConfig, list[Diagnostic]]:
    """``root``'s project file alone (defaults when absent), and its diagnostics: for a
    command that needs the working tree's settings but reads the actions elsewhere."""
    diagnostics: list[Diagnostic] = []
    return _load_config(root, diagnostics), diagnostics


def _load_config(root: Path, diagnostics: list[Diagnostic]) -> ProjectConfig:
    """The project file's settings; defaults when it is absent or broken."""
    path, refused = project_file(root, PROJECT_FILE)
    diagnostics.extend(refused)
    if refused:
        return ProjectConfig()
    if path is None:
        if (root / "actionctl.yml").is_file():
            message = f"actionctl.yml is not read: rename it to {PROJECT_FILE}"
            diagnostics.append(Diagnostic.warning(Location("actionctl.yml", 1, 1), E105, message))
        return ProjectConfig()
    result = read_yaml_file(path, PROJECT_FILE)
    diagnostics.extend(result.diagnostics)
    if not result.documents:
        return ProjectConfig()
    loaded = result.documents[0]
    for extra in result.documents[1:]:
        location = Location(PROJECT_FILE, *extra.start)
        message = f"{PROJECT_FILE} holds one document; remove this one (or the ---)"
        diagnostics.append(Diagnostic.error(location, E106, message))
    problems = check_document(loaded, "project")
    diagnostics.extend(problems)
    if problems:
        return ProjectConfig(source=loaded.document)
    return _config_from(loaded.document.data, loaded)


def _config_from(data: dict[str, Any], loaded: LoadedDocument) -> ProjectConfig:
    defaults = ProjectConfig()
    environments = defaults.environments
    if "environments" in data:
        environments = {
            name: Environment(
                name=name,
                agents=dict(spec.get("agents") or {}),
                channels=dict(spec.get("channels") or {}),
            )
            for name, spec in data["environments"].items()
        }
    return ProjectConfig(
        platform=data.get("platform", defaults.platform),
        base_url=data.get("base_url", defaults.base_url),
        api_prefix=data.get("api_prefix", defaults.api_prefix),
        api_key_env=data.get("api_key_env", defaults.api_key_env),
        requests_per_minute=(data.get("rate_limit") or {}).get(
            "requests_per_minute", defaults.requests_per_minute
        ),
        default_environment=data.get("default_environment", _default_name(environments)),
        environments=environments,
        prune=data.get("prune", defaults.prune),
        rules=_rules_from(data.get("rules") or {}),
        source=loaded.document,
    )


def _rules_from(data: dict[str, Any]) -> RuleConfig:
    """``rules:`` as the schema checked it (compiler.validate.suppress applies it)."""
    return RuleConfig(
        ignore=tuple(data.get("ignore") or ()),
        per_path_ignores={
            pattern: tuple(codes) for pattern, codes in (data.get("per_path_ignores") or {}).items()
        },
        severity=dict(data.get("severity") or {}),
    )


def _default_name(environments: dict[str, Environment]) -> str:
    """Without default_environment: ``default`` if defined, else the only environment."""
    if "default" not in environments and len(environments) == 1:
        return next(iter(environments))
    return "default"


def select_environment(project: Project, name: str | None) -> Environment:
    """The environment ``name`` (or the project's default); unknown -> DiagnosticError."""
    from compiler.diagnostics import DiagnosticError

    environment = project.config.environment(name)
    if environment is None:
        raise DiagnosticError([unknown_environment(project, name)])
    return environment


def unknown_environment(project: Project, name: str | None) -> Diagnostic:
    """E101 for ``name`` (or the default the project names), located at actionctl.yaml,
    or at the project directory when there is none to declare environments in."""
    from compiler.diagnostics.codes import E101

    known = ", ".join(sorted(project.config.environments)) or "none"
    shown = name or project.config.default_environment
    message = f"unknown environment {shown!r} (known: {known})"
    source = project.config.source
    if source is not None:
        return Diagnostic.error(Location(source.file, 1, 1), E101, message)
    root = Path(project.root)
    message += (
        f"; there is no actionctl.yaml in {root.resolve().as_posix()} to declare any "
        "(`actionctl init` writes one)"
    )
    return Diagnostic.error(Location(root.as_posix()), E101, message)
