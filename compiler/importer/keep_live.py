"""``import --only AGENT/NAME``: keep the live edits of declared tools, one document each.

The drift report's remedy for "keep what was changed in the dashboard". For each
address, the declared document is rewritten in place, in its own file, so that it
compiles to exactly the live tool:

- only that document changes; the other documents of the file keep their text;
- comments, and fields the platform does not hold (``messaging_channel`` on OpenMic),
  are kept whenever the document still compiles to the live tool with them;
- a tool the project does not declare is refused (I025): this never adopts a tool,
  and never writes a second declaration (``import --agent`` brings new tools in);
- all or nothing: when any address fails, no file is written.

The result is checked the way ``validate`` and ``compile`` will read it (the project's
YAML 1.1 loader, the schemas, the compiler): a rewrite that does not read back as the
intended data is not written.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.canonical import canonical_tool
from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import I010, I023, I025, I026
from compiler.importer.decompile import ChannelBook, Verifier, compile_verifier, decompile
from compiler.importer.writer import EmitError, PlannedFile, dump_document, shown_path
from compiler.load.documents import split_documents
from compiler.model import Action, Environment, Project
from compiler.platform.base import NotFoundError, Platform
from compiler.platform.lock_tools import without_locks

LINE_WIDTH = 4096  # never wrap: a wrapped value splits placeholders


@dataclass(frozen=True)
class KeptTool:
    address: str
    file: str  # as shown: relative to the project
    kept: tuple[str, ...]  # fields of the document kept although the platform lacks them


@dataclass
class KeepLiveResult:
    tools: list[KeptTool]
    written: list[PlannedFile]
    diagnostics: list[Diagnostic]


def keep_live_edits(
    project: Project,
    environment: Environment,
    platform: Platform,
    addresses: Sequence[str],
    *,
    phone_names: Mapping[str, str] | None = None,
    verifier: Verifier | None = None,
) -> KeepLiveResult:
    """Rewrite each addressed declaration to the live tool; nothing written on error."""
    diagnostics: list[Diagnostic] = []
    targets = [_declared(project, address, diagnostics) for address in addresses]
    found = [t for t in targets if t is not None]
    lives = _live_tools(project, environment, platform, found, diagnostics)
    if diagnostics:
        return KeepLiveResult([], [], diagnostics)
    book = ChannelBook(project, environment, phone_names or {})
    verify = verifier or compile_verifier(project, environment, book)
    texts: dict[str, str] = {}
    kept: list[KeptTool] = []
    for action, live in zip(found, lives, strict=True):
        document, kept_fields = _merged(action, live, book, verify)
        file = action.source.file
        original = texts.get(file) or (project.root / file).read_text(encoding="utf-8")
        text = _rewritten(original, action.source.index, document)
        if text is None:
            where = Location(file, 1, 1)
            message = f"{action.address}: the file could not be rewritten so that it reads back"
            diagnostics.append(Diagnostic.error(where, I023, message))
            continue
        texts[file] = text
        kept.append(KeptTool(action.address, file, kept_fields))
    if diagnostics:
        return KeepLiveResult([], [], diagnostics)
    return KeepLiveResult(kept, _write(project.root, texts), [])


def _declared(project: Project, address: str, diagnostics: list[Diagnostic]) -> Action | None:
    agent, _, name = address.partition("/")
    for action in project.actions:
        if action.agent == agent and action.name == name:
            return action
    where = Location(Path(project.root).as_posix())
    message = (
        f"{address!r} is not declared in the project; --only keeps the live edits of "
        "declared tools (`actionctl import --agent AGENT` brings in tools the project does "
        "not declare yet)"
    )
    diagnostics.append(Diagnostic.error(where, I025, message))
    return None


def _live_tools(
    project: Project,
    environment: Environment,
    platform: Platform,
    actions: list[Action],
    diagnostics: list[Diagnostic],
) -> list[Mapping[str, Any]]:
    uids = [environment.agents.get(a.agent, a.agent) for a in actions]
    try:
        many = platform.list_tools_many(list(dict.fromkeys(uids)))
    except NotFoundError as error:
        where = Location(Path(project.root).as_posix())
        diagnostics.append(Diagnostic.error(where, I026, str(error)))
        return []
    lives: list[Mapping[str, Any]] = []
    for action, uid in zip(actions, uids, strict=True):
        named = [t for t in without_locks(many.get(uid, [])) if t.get("name") == action.name]
        where = action.source.locate("name")
        if len(named) != 1:
            code, why = (I026, "has no live tool of that name") if not named else (I010, "")
            if named:
                why = f"holds {len(named)} live tools of that name; rename one on the platform"
            message = f"{action.address}: agent {uid!r} {why}; nothing to keep"
            diagnostics.append(Diagnostic.error(where, code, message))
            continue
        lives.append(named[0])
    return lives


def _merged(
    action: Action, live: Mapping[str, Any], book: ChannelBook, verify: Verifier
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The document to write: the decompiled live tool, plus the declared document's
    fields the live tool does not speak of, kept only while it still compiles to it."""
    decompiled = decompile(live, action.agent, book, verify).document
    declared = dict(action.source.data)
    if declared.get("type") != decompiled.get("type"):
        return decompiled, ()  # another style (UI and native): nothing lines up
    extra = [key for key in declared if key not in decompiled]
    merged = {**decompiled, **{key: declared[key] for key in extra}}
    expected = canonical_tool(live)
    if extra and verify(merged, expected) is None:
        return _in_declared_order(merged, declared), tuple(extra)
    return _in_declared_order(decompiled, declared), ()


def _in_declared_order(document: dict[str, Any], declared: Mapping[str, Any]) -> dict[str, Any]:
    order = [key for key in declared if key in document]
    order += [key for key in document if key not in declared]
    return {key: document[key] for key in order}


def _rewritten(original: str, index: int, document: Mapping[str, Any]) -> str | None:
    """``original`` with its document ``index`` replaced by ``document``: comments and
    the other documents kept (a round trip through ruamel.yaml), checked to read back
    with the project's own loader as exactly the intended data."""
    from ruamel.yaml import YAML

    from compiler.load.yaml_source import read_yaml_text

    before = read_yaml_text(original, "file")
    if any(d.is_error for d in before.diagnostics) or index >= len(before.documents):
        return None
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = LINE_WIDTH
    yaml.indent(mapping=2, sequence=2, offset=0)
    documents = list(yaml.load_all(original))
    target = documents[index]
    for key in [k for k in target if k not in document]:
        del target[key]
    for key, value in document.items():
        if key not in target or _plain(target[key]) != value:
            target[key] = _quoted(value)
    out = io.StringIO()
    yaml.dump_all(documents, out)
    text = _spliced(original, out.getvalue(), index)
    after = read_yaml_text(text, "file")
    wanted = [d.document.data for d in before.documents]
    wanted[index] = dict(document)
    if any(d.is_error for d in after.diagnostics):
        return None
    if [d.document.data for d in after.documents] != wanted:
        return _replaced_whole(original, index, document, wanted)
    return text


def _plain(value: Any) -> Any:
    """A ruamel value as plain data (to compare with what the document should hold)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _quoted(value: Any) -> Any:
    """New values as ``fmt`` lays them out: strings double-quoted (never a plain ``no``
    that YAML 1.1 reads as false), mappings and lists in block style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = _quoted(item)
        return mapping
    if isinstance(value, list):
        return CommentedSeq([_quoted(item) for item in value])
    if isinstance(value, str):
        return DoubleQuotedScalarString(value)
    return value


def _spliced(original: str, rewritten: str, index: int) -> str:
    """Only document ``index`` of ``rewritten`` put into ``original``, when both split
    into the same number of documents at their ``---`` lines; else ``rewritten``."""
    old, new = _documents(original), _documents(rewritten)
    if len(old) != len(new) or index >= len(old):
        return rewritten
    old[index] = new[index]
    return "".join(old)


def _documents(text: str) -> list[str]:
    """``text`` cut before each line that starts a document (``---``)."""
    return [document.text for document in split_documents(text)]


def _replaced_whole(
    original: str, index: int, document: Mapping[str, Any], wanted: list[Any]
) -> str | None:
    """The document written by the importer's own emitter in place of the old one (its
    comments are lost): the fallback when the round trip would not read back exactly."""
    from compiler.load.yaml_source import read_yaml_text

    parts = _documents(original)
    if len(parts) != len(wanted):
        return None
    try:
        body = dump_document(document)
    except EmitError:
        return None
    head = "---\n" if parts[index].startswith("---") else ""
    parts[index] = head + body
    text = "".join(parts)
    after = read_yaml_text(text, "file")
    if [d.document.data for d in after.documents] != wanted:
        return None
    return text


def _write(root: Path, texts: dict[str, str]) -> list[PlannedFile]:
    from compiler.atomic_write import write_atomically

    written: list[PlannedFile] = []
    for file, text in texts.items():
        path = Path(root) / file
        write_atomically(path, text)
        written.append(PlannedFile(path, shown_path(path), text))
    return written
