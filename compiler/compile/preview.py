"""Preview an SMS action exactly as it is deployed: from its compiled payload.

    find_action(project, ref) -> Action          (DiagnosticError M523 when none/ambiguous)
    render_sms(action, project, environment, params, variables) -> RenderedSms
    terminal_safe(text) -> text with control characters escaped, for printing

The action is compiled for the environment (``compiler.compile.compile_action``), so
the sender is that environment's number and the text is the platform's form of the
message. Its ``{{x}}`` placeholders (in ``static_params.message`` and ``to_number``)
are then filled from the given values: a declared parameter takes ``--param x``, any
other name ``--var x`` (each falls back to the other kind, as native tools do not say
which is which). In prompt mode the agent writes the text at call time, so the text is
the instruction as compiled and is not filled.

Problems are diagnostics on the result (M520 missing value, M521 unused value,
M522 recipient not E.164); only a preview that cannot start at all (unknown action,
not an SMS, does not compile) raises ``DiagnosticError``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.canonical import PLACEHOLDER
from compiler.compile import compile_action
from compiler.diagnostics import Diagnostic, DiagnosticError, Location, has_errors
from compiler.diagnostics.codes import M520, M521, M522, M523, M524
from compiler.model import Action, Environment, Project
from compiler.sms import SmsAnalysis, analyze_sms
from compiler.validate.rules.phones import is_e164
from compiler.wording import did_you_mean

MISSING_VALUE = M520
UNUSED_VALUE = M521
RECIPIENT_NOT_E164 = M522
UNKNOWN_ACTION = M523
NOT_AN_SMS = M524

SMS_TOOL = "send_sms"


@dataclass(frozen=True, order=True)
class Value:
    """One ``--param``/``--var`` value, by kind and name."""

    kind: str  # "param" | "var"
    name: str

    @property
    def option(self) -> str:
        return f"--{self.kind}"

    def __str__(self) -> str:
        return f"{self.option} {self.name}"


@dataclass(frozen=True)
class RenderedSms:
    """What would be sent. ``recipient``/``sender`` None: the caller / the platform's
    default sender. ``analysis`` is None in prompt mode (no text until call time)."""

    address: str
    environment: str
    prompt_mode: bool
    text: str  # the filled message, or the agent's instruction in prompt mode
    recipient: str | None
    sender: str | None
    sender_channel: str | None
    analysis: SmsAnalysis | None
    missing: list[Value] = field(default_factory=list)
    unused: list[Value] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


# Characters that act on a terminal instead of showing: C0 and C1 controls (ESC starts
# colour, cursor and title sequences), DEL, and the bidirectional controls and line
# separators that reorder or break what is shown. Newline and tab print as themselves.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def terminal_safe(text: str) -> str:
    """``text`` with each character that would act on the terminal written as an escape
    (``\x1b``, ``\u202e``): the message shows what it holds, and does nothing else."""
    return _UNSAFE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def find_action(project: Project, ref: str) -> Action:
    """The action named ``agent/name``, or ``name`` when only one agent has it."""
    by_address = "/" in ref
    matches = [a for a in project.actions if (a.address if by_address else a.name) == ref]
    if len(matches) == 1:
        return matches[0]
    if matches:
        options = ", ".join(sorted(a.address for a in matches))
        first = min(matches, key=lambda a: a.address)
        raise DiagnosticError(
            [
                Diagnostic.error(
                    first.locate("name"),
                    UNKNOWN_ACTION,
                    f"{ref!r} names more than one action; write one of {options}",
                )
            ]
        )
    known = [a.address for a in project.actions] + [a.name for a in project.actions]
    raise DiagnosticError(
        [
            Diagnostic.error(
                Location("actions"),
                UNKNOWN_ACTION,
                f"no action {ref!r} in this project" + did_you_mean(ref, known),
            )
        ]
    )


def render_sms(
    action: Action,
    project: Project,
    environment: Environment,
    params: Mapping[str, str],
    variables: Mapping[str, str],
    *,
    compiled: Mapping[str, Any] | None = None,
) -> RenderedSms:
    """``compiled``: the action's send_sms payload in ``environment`` when the caller
    has it already (``actionctl test`` renders many cases of one payload)."""
    payload = compiled if compiled is not None else _compiled_sms(action, project, environment)
    static_params = payload.get("static_params")
    static_params = static_params if isinstance(static_params, Mapping) else {}
    filler = _Filler(_declared_parameters(payload), params, variables)
    prompt_mode = static_params.get("type") == "prompt"
    message = _text(static_params.get("message"))
    text = message if prompt_mode else filler.fill(message, _field(action, "message"))
    to_number = static_params.get("to_number")
    recipient = None
    if isinstance(to_number, str) and to_number:
        recipient = filler.fill(to_number, _field(action, "to_number"))
    diagnostics = [*filler.missing_diagnostics(action), *filler.unused_diagnostics(action)]
    if recipient is not None and not filler.missing and not is_e164(recipient):
        diagnostics.append(_not_e164(action, recipient))
    channel = action.fields.get("messaging_channel")
    sender = static_params.get("from_number")
    return RenderedSms(
        address=action.address,
        environment=environment.name,
        prompt_mode=prompt_mode,
        text=text,
        recipient=recipient,
        sender=sender if isinstance(sender, str) else None,
        sender_channel=channel if isinstance(channel, str) else None,
        analysis=None if prompt_mode else analyze_sms(text),
        missing=filler.missing,
        unused=filler.unused(),
        diagnostics=diagnostics,
    )


def _compiled_sms(action: Action, project: Project, environment: Environment) -> dict[str, Any]:
    payload, diagnostics = compile_action(action, project, environment)
    if payload is None:
        raise DiagnosticError(diagnostics)
    if payload.get("type") != SMS_TOOL:
        raise DiagnosticError(
            [
                Diagnostic.error(
                    action.locate("type"),
                    NOT_AN_SMS,
                    f"render previews SMS actions (send_text_message, openmic.send_sms); "
                    f"{action.address} is of type {action.type}",
                )
            ]
        )
    return payload


def _declared_parameters(payload: Mapping[str, Any]) -> frozenset[str]:
    parameters = payload.get("parameters")
    properties = parameters.get("properties") if isinstance(parameters, Mapping) else None
    return frozenset(properties) if isinstance(properties, Mapping) else frozenset()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _field(action: Action, name: str) -> tuple[str, ...]:
    """Where the action's file writes the payload's ``static_params.<name>``."""
    if action.is_native:
        return ("static_params", name)
    return ("recipient",) if name == "to_number" else (name,)


def _not_e164(action: Action, recipient: str) -> Diagnostic:
    return Diagnostic.error(
        action.locate(*_field(action, "to_number")),
        RECIPIENT_NOT_E164,
        f"the recipient renders as {recipient!r}, not an E.164 number like +15551234567; "
        "give the value in international format",
    )


class _Filler:
    """Fills ``{{x}}`` placeholders from the given values and remembers what was missing
    (and where) and which values were used."""

    def __init__(
        self,
        declared: frozenset[str],
        params: Mapping[str, str],
        variables: Mapping[str, str],
    ) -> None:
        self.declared = declared
        self.values = {"param": params, "var": variables}
        self.used: set[Value] = set()
        self.missing: list[Value] = []
        self.missing_at: dict[Value, tuple[str, ...]] = {}
        self.names: set[str] = set()

    def fill(self, text: str, path: tuple[str, ...]) -> str:
        return PLACEHOLDER.sub(lambda match: self._value(match.group(1), path), text)

    def _value(self, name: str, path: tuple[str, ...]) -> str:
        self.names.add(name)
        preferred = "param" if name in self.declared else "var"
        for kind in (preferred, "var" if preferred == "param" else "param"):
            if name in self.values[kind]:
                self.used.add(Value(kind, name))
                return self.values[kind][name]
        wanted = Value(preferred, name)
        if wanted not in self.missing_at:
            self.missing.append(wanted)
            self.missing_at[wanted] = path
        return "{{" + name + "}}"

    def unused(self) -> list[Value]:
        given = [Value(kind, name) for kind, values in self.values.items() for name in values]
        return sorted(value for value in given if value not in self.used)

    def missing_diagnostics(self, action: Action) -> list[Diagnostic]:
        return [
            Diagnostic.error(
                action.locate(*self.missing_at[value]),
                MISSING_VALUE,
                f"no value for {{{{{value.name}}}}} to render {action.address}: "
                f"add {value.option} {value.name}=VALUE",
            )
            for value in self.missing
        ]

    def unused_diagnostics(self, action: Action) -> list[Diagnostic]:
        return [
            Diagnostic.warning(
                action.locate(),
                UNUSED_VALUE,
                f"{value} is not used by {action.address}"
                + (did_you_mean(value.name, self.names) if self.names else "")
                + ("" if self.names else " (it has no placeholders)"),
            )
            for value in self.unused()
        ]
