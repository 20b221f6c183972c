"""Live tool -> action document: the UI style where it compiles back exactly, else native.

For each live tool we build candidate documents, most readable first (UI style with
defaults left out, then UI style with every flag written out, then the native
``openmic.<type>`` form). A candidate is accepted only if the YAML text we would write
loads, passes the schema and the semantic rules, and compiles with the real compiler
to exactly the canonical live tool. The native form is a plain copy of the API's
fields, so it is the lossless fallback even when nothing else round-trips.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.canonical import DEFAULTS, canonical_tool, empty_parameters
from compiler.diagnostics import Diagnostic
from compiler.importer.writer import EmitError, dump_document
from compiler.model import (
    Action,
    Channel,
    Environment,
    Project,
    SourceDocument,
    SourceMap,
)
from compiler.validate.rules.phones import is_e164

# Keys every action document starts with; a live field of the same name cannot be kept.
DOCUMENT_KEYS = ("kind", "type", "agent", "name")
SPEAK_KEYS = ("speak_during_execution", "speak_after_execution", "async")

# Fields (besides type/name/description/parameters and the speak flags) each UI-style
# form can carry; a live tool with anything else has no UI-style form.
_UI_FIELDS: Mapping[str, frozenset[str]] = {
    "send_sms": frozenset({"static_params"}),
    "transfer_call": frozenset({"static_params"}),
    "api_request": frozenset({"url", "method", "api_timeout"}),
    "function": frozenset({"use_raw_schema"}),
}
_COMMON_FIELDS = frozenset({"type", "name", "description", "parameters", *SPEAK_KEYS})

# UI-style speak defaults per type (the dashboard's): transfers are silent.
_UI_SPEAK_DEFAULTS: Mapping[str, Mapping[str, bool]] = {
    "handover": {"speak_during_execution": False, "speak_after_execution": False, "async": False},
}


@dataclass
class Decompiled:
    document: dict[str, Any]
    style: str  # "ui" | "native"
    verified: bool  # compiled back to exactly the live tool
    channel_number: str | None = None  # sender number the document refers to by channel
    notes: list[str] = field(default_factory=list)  # why a field could not be kept


class ChannelBook:
    """Names for sender numbers: an existing project channel when one has the number in
    this environment, else a new channel named after the platform's phone-number name
    (or ``Sender +1555...``). New channels are created on first request."""

    def __init__(
        self,
        project: Project,
        environment: Environment,
        platform_names: Mapping[str, str],
    ) -> None:
        self.project = project
        self.environment = environment
        self.platform_names = platform_names
        self.new: dict[str, str] = {}  # number -> name of a channel the import creates
        self._names_in_use = {c.name for c in project.channels} | set(environment.channels)

    def existing(self, number: str) -> str | None:
        matches = [
            c
            for c in self.project.channels
            if self.environment.channels.get(c.name, c.phone_number) == number
        ]
        matches.sort(key=lambda c: ("sms" not in c.capabilities, c.name))
        return matches[0].name if matches else None

    def name_for(self, number: str) -> str:
        found = self.existing(number)
        if found is not None:
            return found
        if number not in self.new:
            self.new[number] = self._overridden_name(number) or self._fresh_name(number)
        return self.new[number]

    def _overridden_name(self, number: str) -> str | None:
        """A channel this environment overrides to ``number`` that no file defines yet:
        the project file already names it, so the new channel takes that name."""
        defined = {c.name for c in self.project.channels} | set(self.new.values())
        for name, override in sorted(self.environment.channels.items()):
            if override == number and name not in defined:
                return name
        return None

    def _fresh_name(self, number: str) -> str:
        base = " ".join(str(self.platform_names.get(number) or "").split())
        base = base or f"Sender {number}"
        candidates = [base, f"{base} ({number})"]
        candidates += [f"{base} ({number}) {n}" for n in range(2, 100)]
        for candidate in candidates:
            if candidate not in self._names_in_use:
                self._names_in_use.add(candidate)
                return candidate
        raise RuntimeError("no free channel name")  # pragma: no cover - 100 clashes

    def channels(self) -> list[Channel]:
        """The project's channels plus every channel this import creates."""
        created = [new_channel(name, number) for number, name in self.new.items()]
        return [*self.project.channels, *created]


def channel_document(name: str, number: str) -> dict[str, Any]:
    return {"kind": "channel", "name": name, "phone_number": number, "capabilities": ["sms"]}


def new_channel(name: str, number: str) -> Channel:
    document = channel_document(name, number)
    source = SourceDocument(f"channels/{name}.yaml", 0, document, SourceMap("channels"))
    return Channel(name, number, ("sms",), "", source)


# ---------------------------------------------------------------------------------------
# Verification: compile a candidate through its YAML text and compare.

# A verifier says why a candidate does not compile back to the live tool (None: it does).
Verifier = Callable[[dict[str, Any], Mapping[str, Any]], str | None]


def compile_verifier(project: Project, environment: Environment, book: ChannelBook) -> Verifier:
    """A verifier that does what ``validate`` and ``compile`` will do with the file we write:
    parse the emitted YAML with the project loader's reader, check the action schema, and
    compile it with the real compiler against ``project`` (plus the channels the import
    creates) in ``environment``."""
    from compiler.compile import compile_action
    from compiler.diagnostics import has_errors
    from compiler.load.schema_check import check_action_type, check_document, check_kind
    from compiler.load.yaml_source import read_yaml_text
    from compiler.validate import validate_project

    def verify(document: dict[str, Any], live_canonical: Mapping[str, Any]) -> str | None:
        file = f"actions/{document.get('agent')}/{document.get('name')}.yaml"
        try:
            text = dump_document(document)
        except EmitError as error:
            return str(error)
        parsed = read_yaml_text(text, file)
        if has_errors(parsed.diagnostics) or len(parsed.documents) != 1:
            return "the YAML does not load back: " + _messages(parsed.diagnostics)
        loaded = parsed.documents[0]
        kind, problems = check_action_type(loaded)
        problems = check_kind(loaded, "action", "actions") + problems
        if kind is not None:
            problems += check_document(loaded, kind)
        if has_errors(problems) or kind is None:
            return _messages(problems)
        source = loaded.document
        data = source.data
        action = Action(str(data["type"]), str(data["agent"]), str(data["name"]), data, source)
        trial = Project(
            root=project.root,
            config=project.config,
            channels=book.channels(),
            actions=[action],
            documents=[source],
        )
        problems = [d for d in validate_project(trial) if d.file == file]
        if has_errors(problems):
            return "validate reports: " + _messages(problems)
        payload, diagnostics = compile_action(action, trial, environment)
        if payload is None or has_errors(diagnostics):
            return "it does not compile: " + "; ".join(d.message for d in diagnostics if d.is_error)
        if canonical_tool(payload) != live_canonical:
            return "it compiles to a different payload"
        return None

    return verify


def _messages(diagnostics: Iterable[Diagnostic]) -> str:
    return "; ".join(f"{d.code} {d.message}" for d in diagnostics if d.is_error)


# ---------------------------------------------------------------------------------------
# Decompiling


def decompile(
    live: Mapping[str, Any], agent: str, book: ChannelBook, verify: Verifier
) -> Decompiled:
    """The most readable document for ``live`` that compiles back to it exactly."""
    tool = _readable(live)
    expected = canonical_tool(live)
    for document in ui_candidates(tool, agent, book):
        if verify(document, expected) is None:
            return Decompiled(document, "ui", True, _sender(tool))
    notes = [
        f"live field {k!r} cannot be kept: it clashes with the document's own key"
        for k in ("kind", "agent")
        if k in tool
    ]
    reason = None
    for document in native_candidates(tool, agent):
        reason = verify(document, expected)
        if reason is None:
            return Decompiled(document, "native", True, notes=notes)
    # Nothing compiles back (unknown type, invalid name, fields the schema does not
    # know...): the native copy still holds every field, so write it and say why it will
    # not validate as it is.
    notes.append(f"the imported document will not validate until fixed: {reason}")
    return Decompiled(native_document(tool, agent, explicit=False), "native", False, notes=notes)


def _readable(live: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical tool, except that the parameters schema stays as the platform holds
    it (its ``required`` order, no ``required: []`` the canonical form adds): the
    canonical form of both is the same, and this is what the user wrote."""
    tool = canonical_tool(live)
    parameters = live.get("parameters")
    if isinstance(parameters, Mapping) and parameters:
        tool["parameters"] = dict(parameters)
    return tool


def _sender(tool: Mapping[str, Any]) -> str | None:
    static_params = tool.get("static_params")
    if tool.get("type") == "send_sms" and isinstance(static_params, Mapping):
        number = static_params.get("from_number")
        return number if isinstance(number, str) else None
    return None


def native_candidates(tool: Mapping[str, Any], agent: str) -> Iterator[dict[str, Any]]:
    yield native_document(tool, agent, explicit=False)
    yield native_document(tool, agent, explicit=True)


def native_document(tool: Mapping[str, Any], agent: str, *, explicit: bool) -> dict[str, Any]:
    """``type: openmic.<type>`` with the API's fields as they are (canonical order);
    platform defaults left out unless ``explicit``."""
    document: dict[str, Any] = {
        "kind": "action",
        "type": f"openmic.{tool.get('type')}",
        "agent": agent,
        "name": tool.get("name"),
    }
    body = {k: v for k, v in tool.items() if k not in DOCUMENT_KEYS}
    speak = {k: body.pop(k) for k in SPEAK_KEYS if k in body}
    if not explicit:
        if body.get("description") == "":
            body.pop("description")
        if body.get("parameters") == empty_parameters():
            body.pop("parameters")
        speak = {k: v for k, v in speak.items() if v != DEFAULTS[k]}
    document.update(body)
    document.update(speak)
    return document


def ui_candidates(
    tool: Mapping[str, Any], agent: str, book: ChannelBook
) -> Iterator[dict[str, Any]]:
    """UI-style documents that may compile back to ``tool``; none if it has fields the
    UI-style form has no place for."""
    tool_type = tool.get("type")
    allowed = _UI_FIELDS.get(str(tool_type))
    if allowed is None or set(tool) - _COMMON_FIELDS - allowed:
        return
    builders: dict[str, Callable[[Mapping[str, Any], ChannelBook], Iterator[dict[str, Any]]]] = {
        "send_sms": _send_text_message,
        "transfer_call": _handover,
        "api_request": _api_call,
        "function": _client_action,
    }
    for body in builders[str(tool_type)](tool, book):
        ui_type = body.pop("type")
        yield _assemble(tool, agent, ui_type, body, explicit=False)
        yield _assemble(tool, agent, ui_type, body, explicit=True)


def _assemble(
    tool: Mapping[str, Any], agent: str, ui_type: str, body: Mapping[str, Any], *, explicit: bool
) -> dict[str, Any]:
    document: dict[str, Any] = {"kind": "action", "type": ui_type, "agent": agent}
    document["name"] = tool.get("name")
    if tool.get("description") or explicit:
        document["description"] = tool.get("description", "")
    document.update(body)
    defaults = _UI_SPEAK_DEFAULTS.get(ui_type, DEFAULTS)
    for key in SPEAK_KEYS:
        if key in tool and (explicit or tool[key] != defaults[key]):
            document[key] = tool[key]
    return document


def _declared(tool: Mapping[str, Any]) -> set[str]:
    parameters = tool.get("parameters")
    properties = parameters.get("properties") if isinstance(parameters, Mapping) else None
    return {str(k) for k in properties} if isinstance(properties, Mapping) else set()


def _schema_field(tool: Mapping[str, Any]) -> dict[str, Any]:
    parameters = tool.get("parameters")
    if parameters is None or parameters == empty_parameters():
        return {}
    return {"parameters_schema": parameters}


def _send_text_message(tool: Mapping[str, Any], book: ChannelBook) -> Iterator[dict[str, Any]]:
    from compiler.gotemplate.parser import from_platform

    params = tool.get("static_params")
    if not isinstance(params, Mapping):
        return
    if set(params) - {"type", "message", "to_number", "from_number"}:
        return
    mode, message = params.get("type"), params.get("message")
    if mode not in ("static", "prompt") or not isinstance(message, str) or not message:
        return
    declared = _declared(tool)
    head: dict[str, Any] = {"type": "send_text_message"}
    sender = params.get("from_number")
    if sender is not None:
        if not isinstance(sender, str) or not is_e164(sender):
            return
        head["messaging_channel"] = book.name_for(sender)
    recipient = params.get("to_number")
    if recipient is not None:
        if not isinstance(recipient, str) or not recipient:
            return
        head["recipient"] = from_platform(recipient, declared)
    schema = _schema_field(tool)
    if mode == "static":
        yield {**head, **schema, "message": from_platform(message, declared)}
        return
    # Prompt mode: the agent writes the text; the live message is the instruction. When
    # it is the one the compiler derives from the description, no prompt is needed.
    yield {**head, **schema}
    prompts = dict.fromkeys([message, from_platform(message, declared)])
    for prompt in prompts:
        yield {**head, **schema, "prompt": prompt}
        yield {**head, **schema, "message": "", "prompt": prompt}


def _handover(tool: Mapping[str, Any], book: ChannelBook) -> Iterator[dict[str, Any]]:
    from compiler.gotemplate.parser import from_platform

    params = tool.get("static_params")
    if not isinstance(params, Mapping):
        return
    known = {"transfer_type", "default_transfer_number", "routing_rules", "transfer_settings"}
    number = params.get("default_transfer_number")
    if set(params) - known or not isinstance(number, str) or not number:
        return
    body: dict[str, Any] = {"type": "handover"}
    declared = _declared(tool)
    body["phone_number"] = from_platform(number, declared)
    transfer_type = params.get("transfer_type")
    if "routing_rules" in params:
        rules = params["routing_rules"]
        body["routing_rules"] = from_platform(rules, declared) if isinstance(rules, str) else rules
    if "transfer_settings" in params:
        body["transfer_settings"] = params["transfer_settings"]
    schema = _schema_field(tool)
    if transfer_type in (None, "cold"):
        yield {**body, **schema}
    if transfer_type is not None:
        extra = {"transfer_type": transfer_type}
        yield {**_insert_after(body, "phone_number", extra), **schema}


def _insert_after(body: Mapping[str, Any], key: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in body.items():
        out[k] = v
        if k == key:
            out.update(extra)
    return out


def _api_call(tool: Mapping[str, Any], book: ChannelBook) -> Iterator[dict[str, Any]]:
    url, method = tool.get("url"), tool.get("method", "get")
    if not isinstance(url, str) or "{{" in url or not isinstance(method, str):
        return
    body: dict[str, Any] = {"type": "api_call", "url": url, "method": method.upper()}
    if "api_timeout" in tool:
        body["timeout_ms"] = tool["api_timeout"]
    yield {**body, **_schema_field(tool)}


def _client_action(tool: Mapping[str, Any], book: ChannelBook) -> Iterator[dict[str, Any]]:
    if tool.get("use_raw_schema") is not True:
        return
    yield {"type": "client_action", **_schema_field(tool)}


def valid_action_name(name: Any) -> bool:
    """Whether ``name`` is valid for the native form import falls back to (the platform's
    rule: any 1-255 characters, none hidden, no mixed-script word)."""
    from compiler.validate.rules.names import platform_name_problem

    return platform_name_problem(name) is None
