"""The fast canonical check (compiler/fmt/fast.py) against the full layout.

The check may say "canonical" only when the full layout (ruamel.yaml) gives the file
back byte for byte, with no diagnostic. Every case here is run through both: generated
files (random documents written in many styles, then disturbed: comments, blank lines,
tabs, ``---`` lines, CRLF, quotes, key order, unicode, hostile scalars) and hand-written
ones. A file the check accepts and the layout changes fails the test. So that agreement
cannot come from a check that accepts nothing, the canonical files (the layout's own
output) must mostly be accepted too."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest

from compiler.fmt.fast import already_canonical
from compiler.fmt.layout import FormatResult, format_text, kind_of, lay_out_text
from compiler.load.schemas import action_types, load_schema

SHOWN = ("actions/a/x.yaml", "channels/c.yaml", "actionctl.yaml", "notes/x.yaml")

SCALARS = [
    # plain text of every sort
    "support", "client_action", "send_text_message", "handover", "object", "string",
    "Sends confirmation number 3 to the caller by SMS.", "Transfers the caller, then hangs up",
    "a  b", "it's", "50%", "C++", "x=y", "a,b", "why?", "a-b", "_x", "a;b", "(paren)",
    "path/to/x", "mail@example.com", "a*b", "a&b", "a!b", "a<b>c", "$HOME", "a.b.c",
    "é café", "日本語のテキスト", "😀 ok", "Ünïcödé", "\u202eevil", "zero\u200bwidth",
    "nbsp\xa0here", "ideographic\u3000space", "combining\u0301", "\u0301lead", "\xadsoft",
    "first line\nsecond line\n", "Hello {{ .parameters.name }}\nBye", "a\n\nb\n",
    "# not a comment\nx\n", "x\n  deeper\n", "x\n\n", "x\n---\ny\n", "x\n# c\n",
    # what a YAML version reads as something else
    "yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n", "Y", "N",
    "true", "false", "True", "FALSE", "TRUE", "False", "null", "Null", "NULL", "~", "",
    "0", "7", "-3", "42", "007", "+5", "-0", "1_000", "0x1F", "0o17", "0b101", "1e3", "1.5",
    ".5", "1.", ".inf", "-.inf", ".NaN", ".nan", "NaN", "inf", "2024-01-02",
    "2001-12-14t21:59:43.10-05:00", "12:30", "1:20:30", "=", "<<", "12345678901234567890",
    # indicators, quotes, escapes, spaces
    "a: b", "a #b", "a#b", "#x", "-x", "- x", "-", "? x", "?x", ":x", "x:", "[a]", "{a}",
    "a]", "a}", "a[b", "'q'", '"dq"', "it''s", "back\\slash", "tab\there", "line\nbreak",
    "two\n\nbreaks", "trail\n", "\x85", "nel\x85in", "\u2028", "ls\u2028in", "\ufeff",
    "bom\ufeffin", " lead", "trail ", "  ", "%dir", "@at", "`tick", "!tag", "&anchor",
    "*alias", "|", ">", "|-", "a|b", "a>b", "\x00", "bell\x07", "esc\x1b", "del\x7f",
    "c1\x9f", "\U0001f600", "\ue000private", "\ufffd", "x" * 150, "word " * 10,
    # a colon inside a word: text in a block value, an indicator elsewhere
    "https://api.example.com/v1/x?q=1&r=2", "a:b", "a:b:", "a::b", "x:y z:w", "a:-b",
    "a: b:c", "a:,b", "a:[b]", "mailto:x@y.z", "urn:a:b #c", "a:\u00e9",
]  # fmt: skip
KEYS = [
    "kind", "type", "agent", "name", "description", "parameters_schema", "properties",
    "required", "message", "recipient", "phone_number", "url", "timeout", "platform",
    "environments", "agents", "capabilities", "messaging_channel", "x", "other",
    "é", "key with space", "1", "true", "yes", "null", "<<", "=", "a:b", "k" * 110, "-",
]  # fmt: skip


def verdict_agrees(text: str, shown: str) -> bool:
    """Fail when the fast check accepts ``text`` that the full layout would change;
    True when it accepted."""
    if not already_canonical(text, kind_of(shown)):
        return False
    full = lay_out_text(text, shown)
    assert full.formatted == text, f"accepted, but the layout changes it:\n{text!r}"
    assert not full.diagnostics, f"accepted, but the layout says {full.diagnostics}:\n{text!r}"
    return True


def canonical_of(text: str, shown: str) -> str | None:
    """The full layout's output, when it is a fixed point without diagnostics."""
    full = lay_out_text(text, shown)
    if full.formatted is None or full.diagnostics:
        return None
    again = lay_out_text(full.formatted, shown)
    return full.formatted if again.formatted == full.formatted else None


# -- generated files ---------------------------------------------------------------


class Writer:
    """Writes a document in one of many styles, near the canonical layout and far."""

    def __init__(self, rng: random.Random, clean: bool) -> None:
        self.rng = rng
        self.step = 2 if clean else rng.choice([2, 2, 2, 4, 3])
        self.dash_offset = 0 if clean else rng.choice([0, 0, 2])
        self.styles = rng.choice(["plain", "plain", "double", "mixed"])

    def scalar(self, value: Any) -> str:
        if not isinstance(value, str):
            return json.dumps(value)
        style = self.styles
        if style == "mixed":
            style = self.rng.choice(["plain", "double", "single", "json"])
        if style == "double":
            return _ruamel_double(value)
        if style == "single":
            return "'" + value.replace("'", "''") + "'"
        if style == "json":
            return json.dumps(value, ensure_ascii=self.rng.random() < 0.5)
        return value

    def block(self, node: Any, indent: int) -> str:
        if isinstance(node, dict):
            return "".join(self.entry(key, value, indent) for key, value in node.items())
        return "".join(self.item(value, indent) for value in node)

    def entry(self, key: str, value: Any, indent: int) -> str:
        head = " " * indent + key + ":"
        if isinstance(value, str) and value and self.rng.random() < 0.25:
            block = self.literal if self.rng.random() < 0.5 else self.folded
            return head + block(value, indent + self.step)
        if isinstance(value, dict | list) and value and self.rng.random() < 0.75:
            deeper = indent + (self.step if isinstance(value, dict) else self.dash_offset)
            return head + "\n" + self.block(value, deeper)
        return head + " " + self.inline(value) + "\n"

    def literal(self, value: str, indent: int) -> str:
        """`` |`` and the value's lines (a ``|-`` when it has no line end to clip)."""
        head, body = (" |\n", value[:-1]) if value.endswith("\n") else (" |-\n", value)
        lines = [" " * indent + line if line else "" for line in body.split("\n")]
        return head + "\n".join(lines) + "\n"

    def folded(self, value: str, indent: int) -> str:
        """`` >`` (``>-`` when the value has no line end to clip) and the value broken at
        some of its spaces: a fold of it when it has single spaces and no line end
        inside, and near one (another value, or none) otherwise."""
        head, body = (" >\n", value[:-1]) if value.endswith("\n") else (" >-\n", value)
        margin = "\n" + " " * indent
        words = body.replace("\n", margin).split(" ")
        text = words[0]
        for word in words[1:]:
            text += (margin if self.rng.random() < 0.4 else " ") + word
        return head + " " * indent + text + "\n"

    def item(self, value: Any, indent: int) -> str:
        dash = " " * indent + "- "
        if isinstance(value, dict) and value and self.rng.random() < 0.75:
            inner = self.block(value, indent + 2)
            return dash + inner[indent + 2 :]
        return dash + self.inline(value) + "\n"

    def inline(self, node: Any) -> str:
        if isinstance(node, dict):
            parts = [f"{key}: {self.inline(value)}" for key, value in node.items()]
            return "{" + ", ".join(parts) + "}"
        if isinstance(node, list):
            return "[" + ", ".join(self.inline(value) for value in node) + "]"
        return self.scalar(node)


def _ruamel_double(value: str) -> str:
    from compiler.fmt.fast import _double_quoted

    return _double_quoted(value)


CLEAN_SCALARS = SCALARS[: SCALARS.index("yes") + 14]  # text, and yes/no/on/off/true


def random_value(rng: random.Random, depth: int, clean: bool) -> Any:
    """A value; ``clean`` ones stay near what projects hold, the others anywhere."""
    roll = rng.random()
    if depth > 3 or roll < 0.6:
        if rng.random() < 0.05:
            return rng.choice([1, 0, -7, 12, True, False] + ([] if clean else [None]))
        return rng.choice(CLEAN_SCALARS if clean or rng.random() < 0.4 else SCALARS)
    keys = KEYS[:20] if clean else KEYS
    if roll < 0.8:
        size = rng.randint(1 if clean else 0, 3)
        return {rng.choice(keys): random_value(rng, depth + 1, clean) for _ in range(size)}
    size = rng.randint(1 if clean else 0, 3)
    return [random_value(rng, depth + 1, clean) for _ in range(size)]


def random_document(rng: random.Random, shown: str, clean: bool) -> dict[str, Any]:
    kind = kind_of(shown)
    document: dict[str, Any] = {}
    if kind == "action":
        document["kind"] = "action"
        document["type"] = rng.choice([*sorted(action_types()), "nope"])
    schema_kind = document["type"] if kind == "action" else kind
    schema = (
        load_schema(schema_kind) if schema_kind in (*action_types(), "project", "channel") else {}
    )
    known = [key for key in schema.get("properties", {}) if rng.random() < 0.3]
    extra = rng.sample(KEYS[:20] if clean else KEYS, rng.randint(0, 3))
    for key in known + extra:
        document.setdefault(key, random_value(rng, 1, clean))
    if rng.random() < 0.3:
        document["parameters_schema"] = {
            "type": "object",
            "properties": {"p": {"type": "string", "description": rng.choice(SCALARS)}},
            "required": ["p"],
        }
    if rng.random() < 0.5:  # keys out of order
        items = list(document.items())
        rng.shuffle(items)
        document = dict(items)
    return document


def disturb(rng: random.Random, text: str) -> str:
    """A few small changes of the kind people make (or none)."""
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        text = _one_change(rng, text)
    return text


def _one_change(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    at = rng.randrange(len(lines))
    line = lines[at]
    indent = " " * rng.choice([0, 0, 1, 2, 4, len(line) - len(line.lstrip(" -"))])
    note = rng.choice(["# a comment", "#", "#x", "# ---", "# key: value", "#  [a, b]", "# é 😀"])
    spaces = " " * rng.choice([1, 1, 2, 3, 8])

    def insert(*new: str) -> str:
        return "\n".join([*lines[:at], *new, *lines[at:]])

    def replace(new: str) -> str:
        return "\n".join([*lines[:at], new, *lines[at + 1 :]])

    changes: list[Callable[[], str]] = [
        lambda: text,
        lambda: insert(indent + note),
        lambda: insert(indent + note, indent + note),
        lambda: insert(""),
        lambda: insert("", ""),
        lambda: insert(note, ""),
        lambda: insert("", note),
        lambda: insert(indent),  # a line of blanks
        lambda: replace(line + spaces + note) if line else text,
        lambda: replace(line + spaces + note + " ") if line else text,
        lambda: replace(line + " "),
        lambda: replace(line + "#x") if line else text,
        lambda: replace(line.replace(", ", spaces + note + "\n  ", 1)),  # inside brackets
        lambda: text.replace(": ", ":\t", 1),
        lambda: text.replace("\n", "\r\n"),
        lambda: "\ufeff" + text,
        lambda: text.rstrip("\n"),
        lambda: text + "\n",
        lambda: text + "...\n",
        lambda: "--- \n" + text,
        lambda: "---\n" + text,
        lambda: "---" + spaces + note + "\n" + text,
        lambda: "%YAML 1.1\n---\n" + text,
        lambda: text.replace("[", "[ ", 1),
        lambda: text.replace(", ", ",", 1),
        lambda: text.replace('"', "'", 2),
        lambda: text + text,  # duplicate keys
        lambda: text.replace("  ", "   ", 1),
        lambda: text.replace("- ", "-  ", 1),
        lambda: text + "---\n",
        lambda: text + "---\n# only a comment\n",
        lambda: text.replace("---\n", "---\n\n", 1),
        lambda: text.replace("---\n", "--- # next\n", 1),
        lambda: text.replace("---\n", "# end\n---\n" + note + "\n", 1),
    ]
    return rng.choice(changes)()


def generated_files(seed: int, count: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    files = []
    for _ in range(count):
        shown = rng.choice(SHOWN)
        clean = rng.random() < 0.5
        documents = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            writer = Writer(rng, clean)
            documents.append(writer.block(random_document(rng, shown, clean), 0) or "{}\n")
        text = "---\n".join(documents)
        files.append((shown, text if clean and rng.random() < 0.5 else disturb(rng, text)))
    return files


def check_generated(seed: int, count: int) -> None:
    """Files as generated; the layout's output of each; that output with a few comments,
    blank lines and other small changes (near the edge of what the check accepts)."""
    rng = random.Random(seed)
    accepted = canonical = accepted_canonical = 0
    for shown, text in generated_files(seed, count):
        accepted += verdict_agrees(text, shown)
        fixed = canonical_of(text, shown)
        if fixed is not None and fixed != text:
            canonical += 1
            accepted_canonical += verdict_agrees(fixed, shown)
        if fixed is not None and already_canonical(fixed, kind_of(shown)):
            for _ in range(3):
                accepted += verdict_agrees(disturb(rng, fixed), shown)
    # The check must vouch for files: many of the layout's own output (the rest hold what
    # it refuses: null, floats, quoted keys...), and some as written.
    assert accepted >= count // 20, accepted
    assert accepted_canonical >= canonical // 4, (accepted_canonical, canonical)


def test_the_fast_verdict_agrees_with_the_full_layout_on_generated_files() -> None:
    check_generated(seed=26, count=100)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10))
def test_the_fast_verdict_agrees_on_many_more_generated_files(seed: int) -> None:
    check_generated(seed=1000 + seed, count=600)


# -- hand-written files ------------------------------------------------------------

ACTION = (
    "kind: action\ntype: send_text_message\nagent: agent_00\nname: action_0000\n"
    "description: Sends confirmation number 0 to the caller by SMS.\n"
    "messaging_channel: Channel 0\nrecipient: contact\nparameters_schema:\n  type: object\n"
    "  properties:\n    reference: {type: string, description: The booking reference}\n"
    "  required: [reference]\n"
    'message: "Booking 0 confirmed. Reference: {{ .parameters.reference }}."\n'
)
CLIENT = "kind: action\ntype: client_action\nagent: a\nname: x\n"

ACCEPTED = {
    "an action as import writes it": ACTION,
    "a channel": 'kind: channel\nname: Channel 0\nphone_number: "+15550000000"\n'
    "capabilities: [sms]\ndescription: Outbound channel 0\n",
    "a project": "platform: local\ndefault_environment: dev\nenvironments:\n  dev:\n"
    "    agents:\n      agent_00: uid_dev_00\n",
    "documents between --- lines": ACTION + "---\n" + ACTION + "---\n" + ACTION,
    "a first --- line": "---\n" + ACTION,
    "unicode, escapes and emoji": CLIENT
    + 'description: "café 😀 \\t tab \\" quote \\\\ back \\x01 \\N \\L \\uFEFF"\n',
    "lists of mappings": CLIENT + 'items:\n- a: 1\n  b: [x, "y"]\n  c:\n  - d\n- {}\n- []\n',
    "yes, true and integers": CLIENT + "a: yes\nb: true\nc: 12\nd: -3\ne: On\n",
    "comments of every kind, and blank lines": "# head\n\n"
    + CLIENT
    + "# why\n\n"
    + "description: d  # after\nm:  # after a key\n  # inside\n\n  a: b\n# last\n",
    "comments on --- lines": "--- # one\n" + ACTION + "# before\n---  # two\n" + ACTION,
    "a file of comments only": "# nothing here\n#\n",
    "unicode and odd quoting in plain text": CLIENT
    + "description: Réservation de l'hôtel 😀 "
    + '日本語\nmessage: "It\'s # not a comment: {{ .parameters.x }}"\n',
    "nested flow collections": CLIENT + "static_params: {a: [x, {b: c, d: e}], f: []}\n",
    "a comment after a flow list": CLIENT + "required: [a, b]  # both\n",
    "literal blocks": CLIENT
    + "description: |\n  one\n\n  # not a comment\n    deeper\n"
    + "m:\n  message: |-\n    Hello {{ .parameters.name }}\n  k: v\n"
    + "l:\n- text: |\n    a\n  k: v\n",
    "folded blocks": CLIENT
    + "description: >-\n  Looks the booking up. Use it when the caller\n  asks about it.\n"
    + "m:\n  message: >\n    Hello {{ .parameters.name }}\n  k: v\n",
}
REFUSED = {
    "a comment in a flow list": CLIENT + "required: [a,  # note\n  b]\n",
    "a tab after a key": CLIENT + "description:\td\n",
    "a tab in the indentation of nothing": CLIENT + "m:\n  a: b\n\t\n",
    "CRLF": ACTION.replace("\n", "\r\n"),
    "a byte-order mark": "\ufeff" + ACTION,
    "no newline at the end": ACTION.rstrip("\n"),
    "single quotes": CLIENT + "description: 'd'\n",
    "a needless escape": CLIENT + 'description: "caf\\u00e9"\n',
    "null written out": CLIENT + "description: null\n",
    "an empty value": CLIENT + "description:\n",
    "a tilde": CLIENT + "description: ~\n",
    "a float": CLIENT + "timeout: 1.5\n",
    "NaN, which never equals itself": CLIENT + "timeout: .nan\n",
    "a leading zero": CLIENT + "timeout: 010\n",
    "keys out of order": "type: client_action\nkind: action\nagent: a\nname: x\n",
    "parameters out of order": CLIENT + "parameters_schema:\n  properties: {}\n  type: object\n",
    "a literal block with a comment after its head": CLIENT + "description: |  # c\n  a\n",
    "a blank line after a literal block": CLIENT + "description: |\n  a\n\nx: y\n",
    "a comment after a literal block": CLIENT + "description: |\n  a\n# c\nx: y\n",
    "a literal block kept (|+)": CLIENT + "description: |+\n  a\n\nx: y\n",
    "a literal block with an indentation indicator": CLIENT + "description: |2\n   a\n",
    "a literal block in a list": CLIENT + "items:\n- |\n  a\n",
    "a literal line ending in a blank": CLIENT + "description: |\n  a \n  b\n",
    "a folded block with a paragraph break": CLIENT + "description: >\n  two\n\n  lines\n",
    "a more-indented line in a folded block": CLIENT + "description: >\n  two\n    lines\n",
    "a folded block indented deeper": CLIENT + "description: >-\n    two\n    lines\n",
    "a comment after a folded block": CLIENT + "description: >-\n  a\n# c\nx: y\n",
    "a blank line after a folded block": CLIENT + "description: >-\n  a\n\nx: y\n",
    "two spaces inside a folded line": CLIENT + "description: >-\n  a  b\n  c\n",
    "a folded block with a comment after its head": CLIENT + "description: >-  # c\n  a\n",
    "a folded plain scalar": CLIENT + "description: two\n  lines\n",
    "an anchor and alias": CLIENT + "description: &d d\nother: *d\n",
    "a merge key": CLIENT + "<<: {a: b}\n",
    "a tag": CLIENT + "description: !!str d\n",
    "duplicate keys": CLIENT + "name: y\n",
    "a list indented under its key": CLIENT + "items:\n  - a\n",
    "four-space indentation": "platform: local\nenvironments:\n    dev: {}\n",
    "a list in a list": CLIENT + "items:\n- - a\n",
    "flow without spaces": CLIENT + "required: [a,b]\n",
    "a flow mapping written [a: b]": CLIENT + "required: [a: b]\n",
    "a one-pair mapping in a flow list (ruamel.yaml writes [a: b])": CLIENT
    + "items: [{a: b}, x]\n",
    "an explicit document end": ACTION + "...\n",
    "a directive": "%YAML 1.1\n---\n" + ACTION,
    "an empty document after": ACTION + "---\n",
    "a lone scalar": "just text\n",
    "a document with only comments after one with data": ACTION + "---\n# nothing here\n",
    "a blank line first": "\n" + ACTION,
    "a blank line first after a --- line": ACTION + "---\n\n" + ACTION,
    "a line of blanks": CLIENT + "  \ndescription: d\n",
    "a comment with a blank after it": CLIENT + "# why \ndescription: d\n",
    "a comment that touches its value": CLIENT + "description: d# not a comment\n",
    "an empty file": "",
    "a key too long to be simple": CLIENT + "k" * 130 + ": v\n",
    "a line the layout would wrap": CLIENT + "description: " + "word " * 900 + "end\n",
    "a multi-line double-quoted value": CLIENT + 'description: "a\n  b"\n',
    "a plain scalar with two spaces at a line end": CLIENT + "description: d \n",
    "a --- with content": "--- {a: b}\n",
    "a YAML 1.1 line break ending a comment": CLIENT + "# note\u2028description: d\n",
    "a NEL in a comment": CLIENT + "description: d  # note\x85\n",
    "keys true and 1, one key to ruamel.yaml": "true: {}\n# c\n1: x\n",
    "invalid YAML": CLIENT + "description: [\n",
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_canonical_files_are_accepted(name: str) -> None:
    text = ACCEPTED[name]
    shown = {"kind: action": "actions/a/x.yaml", "kind: channel": "channels/c.yaml"}
    assert verdict_agrees(text, shown.get(text.split("\n")[0], "actionctl.yaml"))


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_files_the_check_cannot_vouch_for_are_laid_out_in_full(name: str) -> None:
    text = REFUSED[name]
    assert not verdict_agrees(text, "actions/a/x.yaml")
    assert format_text(text, "actions/a/x.yaml") == lay_out_text(text, "actions/a/x.yaml")


def test_format_text_answers_as_the_full_layout_for_an_accepted_file() -> None:
    assert format_text(ACTION, "actions/a/x.yaml") == FormatResult(
        "actions/a/x.yaml", ACTION, ACTION
    )
    assert lay_out_text(ACTION, "actions/a/x.yaml") == FormatResult(
        "actions/a/x.yaml", ACTION, ACTION
    )
