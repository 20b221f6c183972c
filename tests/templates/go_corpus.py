"""The differential corpus: templates, Go's verdicts on them, and how ours must agree.

    python -m tests.templates.go_corpus     # with Go: rebuild go_corpus.jsonl

Go's verdicts come from tools/gotemplate-verdicts (text/template itself). The corpus is
hand-made edge cases (every character Python calls whitespace and Go does not, trim
markers, comments, CR, Unicode names, literals, control flow) plus generated templates
and mutations of them, from a fixed seed so a rebuild is reproducible.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

from compiler.gotemplate.parser import parse_template, to_platform

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).with_name("go_corpus.jsonl")
TOOL = ROOT / "tools" / "gotemplate-verdicts"

# Python's str.isspace() is true for these 25 characters, Go's isSpace for none of them.
NON_GO_SPACES = (
    "\v\f\x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
GO_SPACES = " \t\r\n"
# Codes that say the platform cannot express what Go reads; the others (T401, T415, T416)
# claim Go rejects the template, so they must never appear on one Go accepts.
CANNOT_EXPRESS = {"T402", "T403", "T404", "T405", "T406", "T407", "T410", "T411", "T412"}
CANNOT_EXPRESS |= {"T413", "T417", "T418", "T419"}
# Go's structural errors point at the end of a block or input, not at an action.
STRUCTURAL = ("unexpected EOF", "unexpected {{end}}", "unexpected {{else}}", "missing end")


def hand_made() -> list[str]:
    p, v = ".parameters", ".variables"
    cases = [
        "",
        "plain text",
        "Hello {there} } {",
        "{{ .parameters.x }}",
        "{{.parameters.x}}",
        "Hi {{ .parameters.x }}!",
        "{{ .variables.call.from }}",
        "{{.variables.a.b.c.d}}",
        "{{ .parameters.x.y }}",
        "{{ .parameters }}",
        "{{ .variables }}",
        "{{ .call.from }}",
        "{{ . }}",
        "{{}}",
        "{{ }}",
        "{{\n}}",
        "{{ .parameters.x | }}",
        "{{ .parameters.x |}}",
        "{{.parameters.x|}}",
        "{{ .parameters.x | | }}",
        "{{ | .parameters.x }}",
        "{{ .parameters.x | upper }}",
        "{{ .parameters.x | print }}",
        '{{ .parameters.x | printf "%s" }}',
        "{{ print }}",
        "{{ print .parameters.x }}",
        "{{ len .parameters.x }}",
        "{{ true }}",
        "{{ false }}",
        "{{ nil }}",
        "{{ 42 }}",
        "{{ -1 }}",
        "{{ 1.5e3 }}",
        "{{ 0x1F }}",
        "{{ 1+2i }}",
        "{{ 'a' }}",
        "{{ '\\n' }}",
        '{{ "}}" }}',
        '{{ "text" }}',
        "{{ `raw }} text` }}",
        "{{ `raw\nlines` }}",
        '{{ "unterminated }}',
        "{{ 'x }}",
        "{{ `open }}",
        "{{ $x }}",
        "{{ $ }}",
        "{{ $x := .parameters.a }}",
        "{{ $x = .parameters.a }}",
        "{{ if .parameters.x }}yes{{ end }}",
        "{{ if .parameters.x }}yes{{ else }}no{{ end }}",
        "{{ if .parameters.x }}",
        "{{ end }}",
        "{{ else }}",
        "{{ range .parameters.items }}{{ . }}{{ end }}",
        "{{ with .variables.x }}{{ . }}{{ end }}",
        '{{ define "x" }}a{{ end }}',
        '{{ template "x" }}',
        '{{ block "x" . }}a{{ end }}',
        "{{ break }}",
        "{{ continue }}",
        "{{ (.parameters.x) }}",
        "{{ ((.parameters.x)) }}",
        "{{ (.parameters).x }}",
        "{{ (.parameters.x }}",
        "{{ .parameters.x) }}",
        "{{ .parameters.x .parameters.y }}",
        "{{ .parameters .x }}",
        "{{ .parameters.x, }}",
        "{{ .parameters.x. }}",
        "{{ .parameters.x.}}",
        "{{ .parameters.1 }}",
        "{{ .parameters.x1 }}",
        "{{ .parameters._x }}",
        "{{ .parameters.if }}",
        "{{ .parameters.nil }}",
        "{{ .parameters.true }}",
        "{{ .parameters.first-name }}",
        "{{ .parameters.prénom }}",
        "{{ .parameters.名前 }}",
        "{{ .variables.имя }}",
        "{{ .parameters.x٣ }}",
        "{{ .parameters.²x }}",
        "{{ .parameters.x² }}",
        "{{ .parameters.ǅ }}",
        "{{ .parameters.ʰ }}",
        "{{ booking_reference }}",
        "{{booking_reference}}",
        "{{ call.from }}",
        "{{ now }}",
        "{{ now.est }}",
        "{{ x.y.z }}",
        "{{- .parameters.x }}",
        "{{ .parameters.x -}}",
        "{{- .parameters.x -}}",
        "a {{- .parameters.x -}} b",
        "a \t\r\n {{- .parameters.x -}} \n\t b",
        "a\n\n{{- .parameters.x}}",
        "{{-.parameters.x}}",
        "{{.parameters.x-}}",
        "{{ .parameters.x-}}",
        "{{-\t.parameters.x\t-}}",
        "{{-\n.parameters.x\n-}}",
        "{{-\r.parameters.x\r-}}",
        "{{- -}}",
        "{{-  -}}",
        "{{- }}",
        "{{ -}}",
        "{{-}}",
        "{{ .parameters.x  -}}",
        "{{ .parameters.x- }}",
        "{{ .parameters.x -  }}",
        "{{ .parameters.x - }}",
        "x {{- .parameters.a -}} {{- .parameters.b -}} y",
        "{{/* comment */}}",
        "a {{/* comment */}} b",
        "a {{- /* comment */ -}} b",
        "a {{- /* comment */}} b",
        "a {{/* comment */ -}} b",
        "{{/* {{ nested */}}",
        "{{/* }} inside */}}",
        "{{/* a */ }}",
        "{{ /* a */ }}",
        "{{/* a */}}{{ .parameters.x }}",
        "{{/* unclosed }}",
        "{{/* a */ b */}}",
        "{{/**/}}",
        "{{/*/}}",
        "{{/* multi\nline */}}",
        "{{-/* c */}}",
        "{{/* c */-}}",
        "{{/* c */\n-}}",
        "{{/* c {{ */}}{{ if }}",
        "}}",
        "a }} b",
        "}}}",
        "}}}}",
        "{{ .parameters.x }}}",
        "{{{ .parameters.x }}",
        "{ {{ .parameters.x }}",
        "{{ .parameters.x } }}",
        "{{ .parameters.x }",
        "{{ .parameters.x",
        "{{",
        "{{ .parameters.a {{ .parameters.b }}",
        "{{ .parameters.a }} {{",
        "one\ntwo {{ .parameters.x",
        "line1\nline2 }}",
        "a\n{{ if .parameters.x }}\nb",
        "{{ .parameters.x }}\r\n{{ .variables.y }}",
        "x\r{{- .parameters.x -}}\ry",
        "{{ .parameters.x\r}}",
        "{{\r.parameters.x}}",
        "{{ .parameters.x = 1 }}",
        "{{ .parameters.x : }}",
        "{{ .parameters.x := 1 }}",
        "{{ .parameters.x # }}",
        "{{ @ }}",
        "{{ .parameters.x \\ }}",
        "{{ .Parameters.x }}",
        "{{ .PARAMETERS.X }}",
        "{{ .parameters.X }}",
        "{{ .parameters.x }}{{ .variables.x }}",
        "{{ .parameters.a }}{{ .parameters.b }}",
        "Price: €{{ .parameters.p }} [~|^\\]",
        "😀 {{ .parameters.x }} 👍🏽",
        "{{ .parameters.x }}\u0301",
        "{{ .parameters.x\u0301 }}",
        "{{ .parameters.é }}",
        "{{ .parameters.e\u0301 }}",
        "{{ .parameters.\u200b }}",
        "{{\u200b.parameters.x }}",
        "{{ .parameters.x\x00 }}",
        "{{ .parameters.x\x7f }}",
        "{{\t.parameters.x\t}}",
        "{{\n.parameters.x\n}}",
        "{{ .parameters.x }} and {{ .parameters.y | }} and {{- /* c */ -}} z",
        "{{ and }}",
        '{{ index .parameters "x" }}',
        '{{ printf "%d" 1 }}',
        "{{ .parameters.x | len | print }}",
        "{{ .parameters.x|len }}",
        "{{ .variables.call.from | }}",
        "{{ .variables.now.est }}",
        "{{ .variables.x.1 }}",
        "{{ .variables.x..y }}",
        "{{ ..parameters.x }}",
        "{{ .parameters..x }}",
        "{{ . parameters.x }}",
        "{{ .parameters. x }}",
        "a\n{{ .parameters.x\n",
        "{{ .parameters.x\n\n",
        "{{ .parameters.µ }}",
        "{{ .parameters.Ⅻ }}",
        "{{ .parameters.x〇 }}",
        "{{ .parameters.x𝟎 }}",
        "{{ .parameters.aः }}",
        "{{ .variables.ª.º }}",
    ]
    for char in NON_GO_SPACES:
        cases.append("Hi {{ .parameters.x" + char + "}}!")
        cases.append("{{" + char + ".parameters.x }}")
        cases.append("{{- .parameters.x" + char + "-}}")
        cases.append("a" + char + "{{- .parameters.x -}}" + char + "b")
        cases.append("{{" + char + "}}")
    for char in GO_SPACES:
        cases.append("{{" + char + p + ".x" + char + "}}")
        cases.append("a" + char + "{{- " + v + ".y -}}" + char + "b")
    return cases


_PIECES = [
    "text ",
    " ",
    "\n",
    "\r\n",
    "\t",
    "é",
    "}}",
    "}",
    "{",
    "-",
    "{{ .parameters.a }}",
    "{{.parameters.b}}",
    "{{- .parameters.c }}",
    "{{ .parameters.d -}}",
    "{{- .variables.e.f -}}",
    "{{ .variables.g | }}",
    "{{/* note */}}",
    "{{- /* note */ -}}",
    "{{ if .parameters.a }}",
    "{{ end }}",
    "{{ print }}",
    "{{ x }}",
    "{{ 1 }}",
    '{{ "s" }}',
    "{{ .parameters.a | len }}",
    "{{ $v }}",
    "{{ (.parameters.a) }}",
    "{{ .parameters.a.b }}",
    "{{ .x }}",
]
_MUTATIONS = list(GO_SPACES + NON_GO_SPACES[:6] + "{}-/*|.\"'`$()é_1x")


def generated(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 6))) for _ in range(count)]


def mutated(sources: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        text = list(rng.choice(sources))
        for _ in range(rng.randint(1, 3)):
            where = rng.randint(0, len(text))
            action = rng.random()
            if action < 0.5 or not text:
                text.insert(where, rng.choice(_MUTATIONS))
            elif action < 0.8:
                del text[min(where, len(text) - 1)]
            else:
                text[min(where, len(text) - 1)] = rng.choice(_MUTATIONS)
        out.append("".join(text))
    return out


# Braces that meet in the output once a comment or trimmed spaces are dropped (after the
# rest: the mutations above start from hand_made() alone and stay as recorded).
JOINED_BRACES = [
    "}{{/**/}}}",
    "Hi }{{- /* */ -}} } there",
    "{ {{- /**/ -}} {",
    "{ {{- .parameters.x }}",
    "{{ .parameters.x -}}\n}",
    "{{ .parameters.x }}}",
    "}{{/* a */}}x}",
    "{ {{/**/}}x {{ .parameters.y }}",
]


def build_templates() -> list[str]:
    base = hand_made()  # the mutations start from these: independent of our parser
    templates = base + generated(260, seed=14) + mutated(base + _PIECES, 300, seed=1414)
    return list(dict.fromkeys(templates + JOINED_BRACES))


def random_templates(count: int, seed: int) -> list[str]:
    """Short strings of the characters that matter to Go's lexer, inside and outside
    braces: a wider net than the corpus, for the slow test."""
    rng = random.Random(seed)
    alphabet = [*GO_SPACES, *NON_GO_SPACES[:6], *"{}-/*|.\"'`$()é_1xp:=,ǅ٣²Ⅻ"]
    words = [*alphabet, ".parameters", ".variables", ".x", "if", "print", "true", "nil"]
    words += ["/*", "*/", "{{", "}}", "{{- ", " -}}"]
    return ["".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def go_binary() -> str | None:
    for candidate in (shutil.which("go"), "/usr/lib/go/bin/go"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def go_verdicts(templates: list[str]) -> list[dict]:
    go = go_binary()
    assert go is not None, "Go is not installed (apt-get install golang-go)"
    env = {**os.environ, "GOFLAGS": "-mod=mod", "GO111MODULE": "on"}
    env.setdefault("GOCACHE", "/tmp/actionctl-gocache")
    stdin = "".join(json.dumps({"template": t}) + "\n" for t in templates)
    result = subprocess.run(
        [go, "run", "."], cwd=TOOL, input=stdin, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.split("\n") if line]


def load_corpus() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").split("\n") if line]


def write_corpus(verdicts: list[dict]) -> None:
    lines = (json.dumps(v, ensure_ascii=True, sort_keys=True) for v in verdicts)
    CORPUS.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _lines_of(text: str, start: int, end: int) -> range:
    first = text.count("\n", 0, start) + 1
    last = text.count("\n", 0, max(start, end)) + 1  # to end of input: Go's EOF line
    return range(first, last + 1)


def disagreements(verdict: dict) -> list[str]:
    """How our reading of ``verdict["template"]`` differs from Go's; [] when it agrees."""
    text = verdict["template"]
    parsed = parse_template(text)
    codes = {error.code for error in parsed.errors}
    go_accepts = verdict["ok"] and verdict["expressible"] and not verdict["text_has_close"]
    problems = []
    if go_accepts != (not parsed.errors):
        problems.append(f"accept: Go {go_accepts}, ours {sorted(codes) or 'accepts'}")
    if go_accepts and not parsed.errors:
        if to_platform(text) != verdict["meaning"]:
            problems.append(f"meaning: Go {verdict['meaning']!r}, ours {to_platform(text)!r}")
        # Go's field node stands where the chain's second link starts.
        ours = [r.field_offset + len(r.scope) + 1 for r in parsed.references]
        if ours != verdict["fields"]:
            problems.append(f"field positions: Go {verdict['fields']}, ours {ours}")
    if verdict["ok"] and codes - CANNOT_EXPRESS:
        problems.append(f"Go reads it, yet ours says it cannot: {sorted(codes)}")
    if not verdict["ok"] and parsed.errors and not verdict["error"].endswith(STRUCTURAL):
        line = verdict["error_line"]
        spans = [_lines_of(text, e.offset, e.end or e.offset + 1) for e in parsed.errors]
        if not any(line in span for span in spans):
            problems.append(f"position: Go line {line} ({verdict['error']}), ours {spans}")
    return problems


if __name__ == "__main__":
    write_corpus(go_verdicts(build_templates()))
    print(f"wrote {CORPUS}")
