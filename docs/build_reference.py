"""Write docs/yaml-reference.md (every field of every file kind) from the JSON Schemas.

The schemas in ``schemas/`` are the single source of the field tables: name, type,
whether it is required, default and description all come from them, so the reference
cannot drift from what ``actionctl validate`` and the editors check. The examples are
the example project's own files (``actionctl.yaml``, ``channels/``, ``actions/``),
with a written one only for a type the example project does not use.

    python docs/build_reference.py           # write docs/yaml-reference.md
    python docs/build_reference.py --check   # exit 1 if yaml-reference.md is stale
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "yaml-reference.md"
# Import this checkout's compiler (and so its schemas), not another installed copy.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from compiler.load import schemas  # noqa: E402

Schema = dict[str, Any]

NATIVE_PREFIX = "openmic."
# The platform tool type each UI-style type compiles to (None: no counterpart).
# tests/docs/test_yaml_reference.py compiles every example to check these.
COMPILES_TO: dict[str, str | None] = {
    "send_text_message": "send_sms",
    "handover": "transfer_call",
    "api_call": "api_request",
    "client_action": "function",
    "static_response": None,
}
# Codes `actionctl validate` reports for an example by design (the type cannot be
# deployed to OpenMic), said next to the example.
EXPECTED_CODES: dict[str, tuple[str, ...]] = {"static_response": ("C601",)}

# What a type's field table cannot say, after its "Compiles to" sentence. The derived
# instruction's wording is compiler/compile/send_text_message.py's (a test compiles it).
TYPE_NOTES: dict[str, str] = {
    "send_text_message": """\
**An empty message means the agent writes the text.** With `message` empty (`""`) or
absent the tool is sent in prompt mode, `static_params: {type: prompt,
message: <instruction>}`, and the instruction is `prompt` when you give one. Without a
`prompt` it is derived from `description`:

- to the caller (`recipient: contact` or none): `Write a short SMS to the caller that does
  the following: <description>`
- to a custom recipient: `Write a short SMS that does the following: <description>`
- with no description either: `Write a short SMS to the caller.` (or `Write a short SMS.`),
  and `actionctl validate` warns ([M506](codes.md#m506)).

So the description is what the agent is told to write: say what the SMS must contain
("Sends the caller the clinic's address and parking directions."). A non-empty `message`
is sent as written (`{type: static, message}`). A `message` (or `prompt`) that is written
but renders to nothing, only white space or only template comments (`{{/* later */}}`),
is an error ([C634](codes.md#c634)): leave it empty for the agent to write the text, or
write the text.""",
}

# Examples for the types the example project does not use.
WRITTEN_EXAMPLES: dict[str, str] = {
    "static_response": """\
kind: action
type: static_response
agent: support
name: parking_answer
description: Answers questions about parking at the clinic.
response: Parking is behind the building, entrance from Mill Lane; the first hour is free.
""",
    "openmic.api_request": """\
kind: action
type: openmic.api_request
agent: support
name: get_clinic_status
description: >-
  Fetches whether the clinic is running on time today. Use when the caller asks about
  delays.
url: https://clinic.example.com/api/status
method: get
api_timeout: 5000
parameters:
  type: object
  properties:
    date:
      type: string
      description: The day to check, as YYYY-MM-DD
  required: [date]
""",
    "openmic.function": """\
kind: action
type: openmic.function
agent: support
name: show_clinic_map
description: Shows the clinic's map in the caller's web chat. Use only in web calls.
use_raw_schema: true
parameters:
  type: object
  properties:
    entrance:
      type: string
      enum: [main, rear]
      description: Which entrance to highlight
  required: [entrance]
""",
    "openmic.send_sms": """\
kind: action
type: openmic.send_sms
agent: support
name: send_parking_info
description: Texts the caller where to park. Use when the caller asks about parking.
static_params:
  type: static
  message: Parking is behind the building, entrance from Mill Lane.
  from_number: "+15550000001"
""",
    "openmic.transfer_call": """\
kind: action
type: openmic.transfer_call
agent: support
name: transfer_to_billing
description: >-
  Transfers the call to the billing team, introducing the caller first. Use for
  questions about invoices and payments.
static_params:
  transfer_type: warm
  default_transfer_number: "+15550000200"
  transfer_settings:
    ring_duration: 30
    on_hold_music: ringtone
""",
}

HEADER = """\
# YAML reference

<!-- Generated by docs/build_reference.py from schemas/ and the example project:
     edit those, then run `python docs/build_reference.py`. -->

Every field of every file actionctl reads, generated from the JSON Schemas in
[`schemas/`](../schemas/) (`actionctl schema KIND` prints the same schemas, with their
`$ref`s inlined). Your editor can check and complete these files while you type: see
[editors.md](editors.md). The schema checks one file at a time; checks across files
(an unknown channel, a template that names an undeclared parameter, duplicate names)
are `actionctl validate`'s, with the codes in [codes.md](codes.md).

A project holds three kinds of file:

| file | kind | what it holds |
|---|---|---|
| `actionctl.yaml` | [project file](#project-file-actionctlyaml) | where to deploy (optional) |
| `channels/*.yaml` | [channel](#channel) | named sender numbers |
| `actions/**/*.yaml` | [action](#actions) | the agents' tools; several per file with `---` |

In the tables, *required* means the file is rejected without the field; the default is
the schema's `default` where it gives one (descriptions say what an absent field means).
"""


# How templates are read and compiled (compiler/gotemplate/parser.py), kept as Markdown.
TEMPLATES = ROOT / "docs" / "yaml-reference-templates.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write docs/yaml-reference.md.")
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    text = render()
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(schemas.action_types())} action types")
    return 0


def check(output: Path | None = None) -> list[str]:
    output = output or OUTPUT
    if output.is_file() and output.read_text(encoding="utf-8") == render():
        return []
    return [f"{_shown(output)} is out of date: run `python docs/build_reference.py`"]


def render(root: Path = ROOT) -> str:
    lines = [HEADER]
    lines += _project_section(root)
    lines += _channel_section(root)
    lines += _actions_section(root)
    lines += _test_section(root)
    lines += [_templates_section()]
    return "\n".join(lines).rstrip("\n") + "\n"


def _templates_section() -> str:
    text = TEMPLATES.read_text(encoding="utf-8")
    return text.split("-->\n", 1)[1] if text.startswith("<!--") else text


def compiles_to(action_type: str) -> str | None:
    """The platform tool ``type`` an action type becomes."""
    if action_type.startswith(NATIVE_PREFIX):
        return action_type.removeprefix(NATIVE_PREFIX)
    return COMPILES_TO[action_type]


# Sections


def _project_section(root: Path) -> list[str]:
    schema = schemas.bundled("project")
    lines = ["", "## Project file `actionctl.yaml`", ""]
    lines += [
        f"{schema['description']} The file is optional: without it the platform is "
        "`local` and one environment, `default`, maps every agent name to itself.",
        "",
        "Schema: [`schemas/project.schema.json`](../schemas/project.schema.json).",
        "",
    ]
    lines += _tables(schema, "project", heading="###")
    lines += _example_block(_read(root / "actionctl.yaml"), "actionctl.yaml")
    return lines


def _channel_section(root: Path) -> list[str]:
    schema = schemas.bundled("channel")
    lines = ["", "## Channel", ""]
    lines += [
        f"{schema['description']} One channel per file.",
        "",
        "Schema: [`schemas/channel.schema.json`](../schemas/channel.schema.json).",
        "",
    ]
    lines += _tables(schema, "channel", heading="###")
    lines += _repository_example(root, "channels", "channel", None)
    return lines


def _test_section(root: Path) -> list[str]:
    schema = schemas.bundled("test")
    lines = ["", "## `test`", ""]
    lines += [
        f"{schema['description']} Every expectation, the worst case and golden payloads: "
        "[docs/testing.md](testing.md).",
        "",
        "Schema: [`schemas/test.schema.json`](../schemas/test.schema.json).",
        "",
    ]
    lines += _tables(schema, "test", heading="###")
    example = "tests/support/send_booking_confirmation.test.yaml"
    lines += _example_block(_read(root / example), example)
    return lines


def _actions_section(root: Path) -> list[str]:
    dispatcher = schemas.bundled("action")
    lines = ["", "## Actions", ""]
    lines += [
        f"{dispatcher['description']} UI-style types are the dashboard's forms, which "
        "actionctl compiles to a platform tool; `openmic.<tool type>` writes a platform "
        "tool directly, with the API's own fields.",
        "",
        "Schema: [`schemas/action.schema.json`](../schemas/action.schema.json), which "
        "picks one of [`schemas/actions/`](../schemas/actions/) by `type`. Every action "
        "has:",
        "",
    ]
    lines += _table(dispatcher, "", {})
    lines += [
        "",
        "The types, each with its own fields below:",
        "",
        "| type | form | compiles to (platform `type`) | what it is |",
        "|---|---|---|---|",
    ]
    for action_type in schemas.action_types():
        schema = schemas.bundled(action_type)
        form = "native" if action_type.startswith(NATIVE_PREFIX) else "UI-style"
        target = compiles_to(action_type)
        shown = f"`{target}`" if target else "nothing (no OpenMic counterpart)"
        link = f"[`{action_type}`](#{anchor(action_type)})"
        lines.append(f"| {link} | {form} | {shown} | {_cell(schema['title'])} |")
    for action_type in schemas.action_types():
        lines += _action_type_section(action_type, root)
    return lines


def _action_type_section(action_type: str, root: Path) -> list[str]:
    schema = schemas.bundled(action_type)
    path = f"schemas/actions/{action_type}.schema.json"
    lines = ["", f"### `{action_type}`", "", f"**{schema['title']}.** {schema['description']}"]
    lines += ["", _compiles_to_sentence(action_type), ""]
    if action_type in TYPE_NOTES:
        lines += [TYPE_NOTES[action_type], ""]
    lines += [f"Schema: [`{path}`](../{path}).", ""]
    lines += _tables(schema, action_type, heading="####")
    lines += _repository_example(root, "actions", "action", action_type)
    return lines


def _compiles_to_sentence(action_type: str) -> str:
    target = compiles_to(action_type)
    if target is None:
        codes = ", ".join(f"[{c}](codes.md#{c.lower()})" for c in EXPECTED_CODES[action_type])
        return (
            "Compiles to: nothing. OpenMic has no such tool, so `actionctl validate` "
            f"reports {codes} for it."
        )
    if action_type.startswith(NATIVE_PREFIX):
        return f"Compiles to: the platform tool `{target}`, with these fields as written."
    return f"Compiles to: the platform tool `{target}`."


# Field tables


def _tables(schema: Schema, owner: str, heading: str) -> list[str]:
    """The top-level table, then one sub-table per nested object (depth first)."""
    nested = list(_nested_objects(schema, ""))
    links: dict[str, str] = {}
    for row_path, title_path, _, also in nested:
        target = "#" + anchor(_sub_heading(owner, title_path))
        parent = row_path.rpartition(".")[0]
        links[row_path] = target
        links.update({f"{parent}.{name}".lstrip("."): target for name in also})
    lines = _table(schema, "", links)
    for row_path, title_path, sub_schema, also in nested:
        lines += ["", f"{heading} {_sub_heading(owner, title_path)}", ""]
        if also:
            lines += [f"The same for {', '.join(f'`{name}`' for name in also)}.", ""]
        if sub_schema.get("description"):
            lines += [sub_schema["description"], ""]
        lines += _table(sub_schema, row_path, links)
    return lines


def _sub_heading(owner: str, path: str) -> str:
    # Sub-headings repeat across action types (static_params); the owner keeps each
    # heading, and so its anchor, unique.
    if owner in ("project", "channel"):
        return f"`{path}`"
    return f"{owner}: `{path}`"


def _table(schema: Schema, path: str, links: dict[str, str]) -> list[str]:
    properties: dict[str, Schema] = schema.get("properties", {})
    required = set(schema.get("required", []))
    lines = _object_notes(schema)
    if not properties:
        return lines
    lines += [
        "| field | type | required | default | description |",
        "|---|---|---|---|---|",
    ]
    for name, prop in properties.items():
        row_path = f"{path}.{name}" if path else name
        row = [
            f"`{name}`",
            _type_text(prop, links.get(row_path)),
            "yes" if name in required else "no",
            _default_text(prop),
            prop.get("description", ""),
        ]
        lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    return lines


def _object_notes(schema: Schema) -> list[str]:
    """What the table cannot say: which of several fields are needed."""
    notes = []
    alternatives = [
        option["required"] for option in schema.get("anyOf", []) if set(option) == {"required"}
    ]
    if alternatives:
        names = [" and ".join(f"`{name}`" for name in group) for group in alternatives]
        notes.append(f"Needs at least one of: {', '.join(names)}.")
    return [" ".join(notes), ""] if notes else []


def _nested_objects(schema: Schema, path: str) -> Iterator[tuple[str, str, Schema, list[str]]]:
    """(row path, heading path, schema, siblings it stands for) of every object with
    fields of its own. Siblings with identical schemas (monday..sunday) share a table."""
    properties: dict[str, Schema] = schema.get("properties", {})
    shown: set[str] = set()
    for name, prop in properties.items():
        row_path = f"{path}.{name}" if path else name
        target = _object_with_fields(prop)
        fingerprint = json.dumps(prop, sort_keys=True)
        if target is None or fingerprint in shown:
            continue
        shown.add(fingerprint)
        title_path = row_path if target is prop else f"{row_path}.<name>"
        also = [
            other
            for other, other_prop in properties.items()
            if other != name and json.dumps(other_prop, sort_keys=True) == fingerprint
        ]
        yield row_path, title_path, target, also
        yield from _nested_objects(target, title_path)


def _object_with_fields(prop: Schema) -> Schema | None:
    """The object schema a field's value (or each value of its mapping) follows, if it
    has fields of its own worth a table."""
    if prop.get("properties"):
        return prop
    values = prop.get("additionalProperties")
    if isinstance(values, dict) and values.get("properties"):
        return values
    return None


def _type_text(prop: Schema, link: str | None = None) -> str:
    text = _base_type(prop, link)
    constraints = _constraints(prop)
    return f"{text}, {constraints}" if constraints else text


def _base_type(prop: Schema, link: str | None) -> str:
    if "const" in prop:
        return f"`{_yaml_scalar(prop['const'])}` (exactly)"
    if "enum" in prop:
        return "one of " + ", ".join(f"`{_yaml_scalar(v)}`" for v in prop["enum"])
    json_type = prop.get("type")
    if json_type == "array":
        return "list of " + _base_type(prop.get("items", {}), None)
    if json_type == "object":
        return _object_type(prop, link)
    if isinstance(json_type, list):
        return " or ".join(json_type)
    return json_type or "any"


def _object_type(prop: Schema, link: str | None) -> str:
    values = prop.get("additionalProperties")
    if link is not None and prop.get("properties"):
        return f"mapping ([fields]({link}))"
    if link is not None:
        return f"mapping of name → mapping ([fields]({link}))"
    if isinstance(values, dict):
        return f"mapping of name → {_type_text(values)}"
    return "mapping"


def _constraints(prop: Schema) -> str:
    found = []
    low, high = prop.get("minLength"), prop.get("maxLength")
    if low is not None and high is not None:
        found.append(f"{low}–{high} characters")
    elif low == 1:
        found.append("not empty")
    elif low is not None:
        found.append(f"at least {low} characters")
    if "pattern" in prop:
        found.append(f"matches `{prop['pattern']}`")
    low, high = prop.get("minimum"), prop.get("maximum")
    if low is not None and high is not None:
        found.append(f"{low}–{high}")
    elif low is not None:
        found.append(f"≥ {low}")
    elif high is not None:
        found.append(f"≤ {high}")
    if prop.get("minItems"):
        found.append(f"at least {prop['minItems']}")
    if prop.get("uniqueItems"):
        found.append("no repeats")
    if prop.get("maxProperties") == 0:
        found.append("empty (`{}`) only")
    names = prop.get("propertyNames", {}).get("pattern")
    if names:
        found.append(f"names match `{names}`")
    return ", ".join(found)


def _default_text(prop: Schema) -> str:
    if "default" not in prop:
        return ""
    return f"`{_yaml_scalar(prop['default'])}`"


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


# Examples


def _repository_example(root: Path, folder: str, kind: str, action_type: str | None) -> list[str]:
    found = _best_document(root, folder, action_type)
    if found is not None:
        path, text = found
        return _example_block(text, _shown(path, root))
    if action_type is None or action_type not in WRITTEN_EXAMPLES:
        raise LookupError(f"no example for {action_type or kind}: add one to WRITTEN_EXAMPLES")
    return _example_block(WRITTEN_EXAMPLES[action_type], None)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _example_block(text: str, source: str | None) -> list[str]:
    if source is None:
        intro = "Example (the example project has none of this type):"
    else:
        intro = f"Example, from the example project's [`{source}`](../{source}):"
    return ["", intro, "", "```yaml", text.strip("\n"), "```"]


def _best_document(root: Path, folder: str, action_type: str | None) -> tuple[Path, str] | None:
    """The example project's document of this kind/type that sets the most fields (the
    most to learn from); the first in path order on a tie."""
    best: tuple[int, Path, str] | None = None
    found = [p for p in (root / folder).rglob("*") if p.suffix in (".yaml", ".yml")]
    for path in sorted(found, key=lambda p: p.parts):
        for text in _documents(_read(path)):
            data = yaml.safe_load(text)
            if not isinstance(data, dict):
                continue
            if action_type is not None and data.get("type") != action_type:
                continue
            if best is None or len(data) > best[0]:
                best = (len(data), path, text)
    return None if best is None else (best[1], best[2])


def _documents(text: str) -> list[str]:
    """The YAML documents of a file, as written (comments kept), split at ``---``."""
    parts = re.split(r"^---[ \t]*$", text, flags=re.M)
    return [part.strip("\n") + "\n" for part in parts if part.strip()]


# Anchors and paths


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation but - and _ dropped,
    spaces as -."""
    text = re.sub(r"[^\w\- ]", "", heading.lower())
    return text.replace(" ", "-")


def _shown(path: Path, root: Path = ROOT) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


if __name__ == "__main__":
    sys.exit(main())
