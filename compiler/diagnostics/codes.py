"""Every diagnostic code actionctl emits: its id, severity, stage, meaning and fix.

This module is the one registry. Emitters import the code they raise
(``from compiler.diagnostics.codes import N301``), so a mistyped code is an import
error and a diagnostic's severity is the registry's (``Diagnostic.of``). docs/codes.md
and the tables in docs/codes/*.md are generated from it (``python docs/build_codes.py``;
a test fails when they differ), and SARIF describes its rules from it, so an installed
actionctl and a checkout write the same SARIF.

A code is a ``str`` (its id), so it compares, hashes and serialises as the id.
"""

from __future__ import annotations

from compiler.diagnostics import Severity

ERROR = Severity.ERROR
WARNING = Severity.WARNING
INFO = Severity.INFO


class Code(str):
    """A diagnostic code: the id itself, plus what a user reads about it."""

    severity: Severity  # what it is wherever its meaning says nothing else
    also: tuple[Severity, ...]  # what else it may be, where its meaning says when
    stage: str
    meaning: str
    fix: str

    def __new__(
        cls,
        id: str,
        severity: Severity,
        stage: str,
        meaning: str,
        fix: str,
        *,
        also: tuple[Severity, ...] = (),
    ) -> Code:
        code = super().__new__(cls, id)
        code.severity = severity
        code.also = also
        code.stage = stage
        code.meaning = meaning
        code.fix = fix
        REGISTRY[id] = code
        return code

    @property
    def severities(self) -> tuple[Severity, ...]:
        return (self.severity, *self.also)

    def __reduce__(self) -> tuple[object, ...]:  # a copy or pickle is the registry's code
        return (_registered, (str(self),))


def _registered(id: str) -> Code:
    return REGISTRY[id]


REGISTRY: dict[str, Code] = {}

# The stages, in the order docs/codes.md lists them: name -> the title of its section
# (and of docs/codes/<name>.md, which explains the stage's codes in prose).
STAGES: dict[str, str] = {
    "compile": "Templates, messages and compilation",
    "drift": "Drift, conflicts and revert",
    "import": "Import",
    "load-validate": "Loading and validation",
    "plan-apply": "Plan and apply",
    "platform": "Platform",
    "rules": "Rule configuration and suppressions",
    "testing": "Offline action tests",
}

# Templates, messages and compilation (docs/codes/compile.md)
C601 = Code(
    "C601",
    ERROR,
    "compile",
    "`static_response`: OpenMic has no static response tool (reported even when the action's fields are also wrong).",
    "Use `send_text_message`, or `openmic.end_call` with `static_params.end_message`.",
)
C602 = Code(
    "C602",
    ERROR,
    "compile",
    "`api_call` method other than GET/POST: OpenMic API calls support only those.",
    "Use `method: POST` (or GET), or a `client_action`.",
)
C603 = Code(
    "C603",
    ERROR,
    "compile",
    "`api_call` url with a placeholder (`{{ ... }}` or `{id}`): OpenMic URLs are static.",
    "Use a static URL and declare the value in `parameters_schema` (sent as query or body).",
)
C610 = Code(
    "C610",
    ERROR,
    "compile",
    "`messaging_channel` names no channel in `channels/` (compile).",
    "Fix the name or add `channels/<name>.yaml` (did-you-mean shown).",
)
C611 = Code(
    "C611",
    ERROR,
    "compile",
    "Two actions with one `agent/name` (compile keeps the first).",
    "Rename one of them.",
)
C620 = Code(
    "C620",
    ERROR,
    "compile",
    "Unknown action type (compile).",
    "Use a UI-style type or `openmic.<tool type>`.",
)
C621 = Code(
    "C621",
    ERROR,
    "compile",
    "A payload value JSON cannot carry, such as an unquoted YAML date, or a number YAML reads as infinity or NaN (`exclusiveMaximum: .Inf`, `default: -.INF`, `.nan`: JSON has no such number, the request body would be invalid). Located at the key; `validate` reports it.",
    'Quote a date: `default: "2026-01-01"`; write a finite number, or leave the bound out.',
)
C630 = Code(
    "C630",
    ERROR,
    "compile",
    "`platform: openmic` and a `send_text_message` with a custom `recipient`: OpenMic's send_sms has no recipient field and texts the caller, so the SMS would go to the caller instead. Located at the recipient; the compiler refuses it too. The local platform keeps it (`static_params.to_number`).",
    "Use `recipient: contact`, or send the SMS from your backend (an `api_call` to a service that texts the number).",
)
C631 = Code(
    "C631",
    WARNING,
    "compile",
    "`platform: openmic` and a `send_text_message` with a `messaging_channel`: OpenMic's send_sms has no sender field; the agent's own number sends, and nothing about the channel is sent. The local platform keeps it (`static_params.from_number`).",
    "Remove `messaging_channel`, or link the channel's number to the agent on OpenMic.",
)
C632 = Code(
    "C632",
    WARNING,
    "compile",
    "`platform: openmic` and a native `openmic.send_sms` whose `static_params` has keys the vendor does not document (`to_number`, `from_number`; named): they are sent as written, and most likely stored and ignored (the SMS goes to the caller, from the agent's number).",
    "Remove them, unless you know your account uses them.",
)
C633 = Code(
    "C633",
    ERROR,
    "compile",
    "A payload field is `null` (an empty YAML value, `~`, `null`), e.g. a `default: ~` inside a parameters schema: OpenMic accepts no null anywhere in a body, so it is never sent. Also the key a comma slip makes in a flow mapping: `{type: string, description: Number to text, in E.164}` reads a key `in E.164` with no value. Located at that key; `validate` reports it.",
    'Give it a value, or leave the key out; quote text that holds a comma: `description: "Number to text, in E.164"`.',
)
C634 = Code(
    "C634",
    ERROR,
    "compile",
    "A send_text_message `message` (or `prompt`) that is written but renders to nothing: only white space, or only template comments (`{{/* later */}}`). An empty static SMS is never sent, and a message is never silently switched to prompt mode.",
    'Leave `message` out or empty (`""`) for the agent to write the text, or write the text.',
)
C699 = Code(
    "C699",
    ERROR,
    "compile",
    "The compiler could not handle this action's values (unvalidated input); `validate` runs the compiler too and reports it.",
    "Fix what `actionctl validate` reports for this action.",
)
M501 = Code(
    "M501",
    ERROR,
    "compile",
    "`parameters_schema` (native: `parameters`) is not valid JSON Schema 2020-12, at the shown subpath.",
    "Fix the keyword there, e.g. `type: integr` -> `type: integer`.",
)
M502 = Code(
    "M502",
    ERROR,
    "compile",
    "The parameters schema's top-level `type` is not `object`.",
    "Write `type: object` with the inputs under `properties`.",
)
M503 = Code(
    "M503",
    ERROR,
    "compile",
    "A name in `required` is not under `properties`, at the top of the schema or in any nested object schema (under `properties`, `items`, `$defs`...).",
    "Add the property, or fix/remove the `required` item.",
)
M504 = Code(
    "M504",
    ERROR,
    "compile",
    "A `message` parameter on a send_text_message with an empty message (the platform adds one).",
    "Rename the parameter, or give the action a static `message`.",
)
M505 = Code(
    "M505",
    ERROR,
    "compile",
    "`prompt` together with a non-empty `message` (the prompt would be ignored).",
    "Remove `prompt`, or empty `message` to let the agent write the text.",
)
M506 = Code(
    "M506",
    WARNING,
    "compile",
    "Prompt mode with neither `prompt` nor `description`: the agent has no instruction.",
    "Add `prompt: Summarise the call in two sentences.`",
)
M510 = Code(
    "M510",
    WARNING,
    "compile",
    'A static SMS longer than one segment: encoding, segment count, UCS-2 characters, GSM-7 extension characters (`€ { } [ ] ~ \\| ^ \\`, two septets each). A placeholder whose parameter declares `maxLength` or `enum` is counted at its longest ("up to"), the others are named as not counted ("at least"); the room left in the last segment is said. Emoji and other graphemes are never split across segments (as Twilio and phones count).',
    "Shorten the text, bound the parameter with `maxLength`, or replace characters such as `’` with `'` to stay in GSM-7.",
)
M520 = Code(
    "M520",
    ERROR,
    "compile",
    "`actionctl render`: a placeholder of the message or recipient has no value (listed as the option to add).",
    "Add it: `--param booking_reference=AB12` (a declared parameter) or `--var call.from=+15551234567`.",
)
M521 = Code(
    "M521",
    WARNING,
    "compile",
    "`actionctl render`: a `--param`/`--var` value that no placeholder of the message or recipient uses.",
    "Fix the name (did-you-mean shown), or drop the option.",
)
M522 = Code(
    "M522",
    ERROR,
    "compile",
    "`actionctl render`: the recipient, with the values filled in, is not an E.164 number.",
    "Give the number in international format: `--param phone_number=+15551234567`.",
)
M523 = Code(
    "M523",
    ERROR,
    "compile",
    "`actionctl render`: no action with that name, or a bare name that several agents use.",
    "Fix the name (did-you-mean shown), or write `agent/name`, e.g. `support/send_booking_confirmation`.",
)
M524 = Code(
    "M524",
    ERROR,
    "compile",
    "`actionctl render`: the action is not an SMS (only send_text_message and openmic.send_sms compile to send_sms).",
    "Render an SMS action; use `actionctl compile` to see other payloads.",
)
M525 = Code(
    "M525",
    WARNING,
    "compile",
    "A static SMS that fits one segment only while its unbounded placeholders are empty: the text around them leaves less room than one character per placeholder.",
    "Give the parameter a `maxLength` that fits, or shorten the text.",
)
M530 = Code(
    "M530",
    ERROR,
    "compile",
    "A `$ref` (or `$dynamicRef`) in the parameters schema is not a local JSON pointer that resolves inside the schema: a remote URL, `file://`, a relative file, an anchor, or a dangling `#/$defs/missing`. Nothing is ever fetched (the platform does not fetch references either).",
    "Define the shared part under `$defs` and point at it: `$ref: '#/$defs/address'`.",
)
M531 = Code(
    "M531",
    WARNING,
    "compile",
    "A key beside `properties` in a parameters schema that is no JSON Schema keyword but holds a schema (`type`, `description`...): a property dedented out of `properties`. The platform takes it as an unknown keyword and the agent never sees the parameter. When `required` names it, M503 (an error) says where it sits instead.",
    "Indent it under `properties`.",
)
T401 = Code(
    "T401",
    ERROR,
    "compile",
    "A `{{` never closed by `}}` (or a new `{{` starts before this action's `}}`).",
    "Close it: `{{ .parameters.booking_reference }}`, or remove the braces.",
)
T402 = Code(
    "T402",
    ERROR,
    "compile",
    "A `}}` with no `{{` before it, or two braces that meet in Go's output once a comment or trimmed spaces between them are dropped (`}{{/**/}}}` outputs `}}`). Go would print it as text, but it is nearly always a broken placeholder, and on the platform braces mark placeholders.",
    "Remove the stray `}}` or add the missing `{{`; keep text between joined braces.",
)
T403 = Code(
    "T403",
    ERROR,
    "compile",
    "An empty action `{{}}` / `{{ }}` / `{{- -}}` (Go: missing value).",
    "Write a reference inside, `{{ .parameters.name }}`, or delete it.",
)
T404 = Code(
    "T404",
    ERROR,
    "compile",
    "Control flow (`if`, `else`, `range`, `with`, `end`, `define`, `template`, `block`, `break`, `continue`): the platform cannot express it.",
    "Use one plain reference; move the condition into the agent's instructions or use two actions.",
)
T405 = Code(
    "T405",
    ERROR,
    "compile",
    "A pipe `\\|` with a command after it (or a pipe with nothing before it): the platform cannot express it. A single empty trailing pipe, `{{ .parameters.x \\| }}`, is accepted as Go accepts it.",
    "Drop the pipe: `{{ .parameters.name }}` instead of `{{ .parameters.name \\| upper }}`.",
)
T406 = Code(
    "T406",
    ERROR,
    "compile",
    "A function call or arguments (`printf`, `len`, `index`, `{{ print }}`, a reference followed by another value).",
    "Keep only the reference: `{{ .parameters.amount }}`.",
)
T407 = Code(
    "T407",
    ERROR,
    "compile",
    "A template variable `$x` or a declaration `$x := ...`.",
    "Use `{{ .parameters.x }}` or `{{ .variables.x }}`.",
)
T408 = Code(
    "T408",
    ERROR,
    "compile",
    '**Retired** (no longer reported): was "a template comment". Comments now compile to nothing, as in Go; a malformed one is T416.',
    "Nothing to do.",
)
T409 = Code(
    "T409",
    ERROR,
    "compile",
    '**Retired** (no longer reported): was "a whitespace-trim marker". `{{- ` and ` -}}` now compile, trimming as Go does.',
    "Nothing to do.",
)
T410 = Code(
    "T410",
    ERROR,
    "compile",
    'A platform-style placeholder `{{x}}` in a UI-style field (Go: function "x" not defined).',
    "Write `{{ .parameters.x }}` for a tool parameter or `{{ .variables.x }}` for a conversation variable.",
)
T411 = Code(
    "T411",
    ERROR,
    "compile",
    "A reference outside `.parameters`/`.variables` (`{{ .call.from }}`, `{{ .parameters }}`).",
    "Write `{{ .variables.call.from }}` or `{{ .parameters.NAME }}`.",
)
T412 = Code(
    "T412",
    ERROR,
    "compile",
    "A field of a parameter (`{{ .parameters.address.city }}`).",
    "Declare `address_city` as its own parameter and reference `{{ .parameters.address_city }}`.",
)
T413 = Code(
    "T413",
    ERROR,
    "compile",
    "Any other template expression (`{{ . }}`, a stray character such as `,` or `=` after a reference).",
    "Replace it with a reference or literal text.",
)
T414 = Code(
    "T414",
    ERROR,
    "compile",
    "`{{ .variables.N }}` where `N` is also a parameter of the action (declared, or used as `{{ .parameters.N }}`): both become `{{N}}` on the platform, which cannot tell them apart. The message names both.",
    "Rename the parameter, or use only one of the two.",
)
T415 = Code(
    "T415",
    ERROR,
    "compile",
    "Go cannot read the action: a character Go does not allow there (a no-break space, vertical tab, U+2028 or another of the 25 characters Python but not Go calls whitespace; `-` in a name), an unterminated string, a bad number, an unclosed parenthesis. Go's own message is quoted.",
    "Use plain spaces inside `{{ }}`; rename a parameter to letters, digits and `_`.",
)
T416 = Code(
    "T416",
    ERROR,
    "compile",
    "A malformed comment: `/*` not closed, or `*/` not followed directly by `}}` (or ` -}}`), or a comment not directly after `{{` / `{{- `.",
    "Write `{{/* note */}}` or `{{- /* note */ -}}`.",
)
T417 = Code(
    "T417",
    ERROR,
    "compile",
    'A constant (`{{ true }}`, `{{ 42 }}`, `{{ "text" }}`) or `{{ nil }}` (which Go rejects).',
    "Write the text itself outside the braces, or remove the action.",
)
T418 = Code(
    "T418",
    ERROR,
    "compile",
    "A parenthesized expression (`{{ (.parameters.x) }}`): the platform cannot express nesting.",
    "Write the reference alone: `{{ .parameters.x }}`.",
)
T419 = Code(
    "T419",
    ERROR,
    "compile",
    "More than 20 template errors in one field (syntax errors; or, separately, T414/T420 reference errors): the rest are counted, not listed.",
    "Fix the errors shown and validate again.",
)
T420 = Code(
    "T420",
    ERROR,
    "compile",
    "`{{ .parameters.x }}` where `parameters_schema.properties` has no `x`.",
    "Declare `x` under `parameters_schema.properties`, or fix the name (did-you-mean shown).",
)
T421 = Code(
    "T421",
    WARNING,
    "compile",
    "A declared parameter that a static SMS (message or recipient) never uses.",
    "Reference it, `{{ .parameters.x }}`, or remove it from `parameters_schema`.",
)

# Drift, conflicts and revert (docs/codes/drift.md)
L831 = Code(
    "L831",
    WARNING,
    "drift",
    "`plan --base REF`: conflict: a field (or tool) was edited both in this branch and outside git since REF, differently; applying overwrites the live edit. `--fail-on-conflict` exits 4.",
    "Take the live edit into the branch (`actionctl import --only AGENT/NAME`, review, commit) or confirm with whoever edited it, then plan again.",
)
L832 = Code(
    "L832",
    WARNING,
    "drift",
    "`plan --base REF`: drift: a field (or tool) was edited outside git since REF and this branch did not touch it; applying reverts that edit.",
    "If the live edit should stay, take it into the branch (`actionctl import --only AGENT/NAME`) and commit; otherwise applying restores git's configuration.",
)
L833 = Code(
    "L833",
    WARNING,
    "drift",
    "`plan --base REF`: the environment is new in this branch (REF's actionctl.yaml does not have it), so REF is no base for it: every tool is classified as this branch's change, never drift or conflict.",
    "Nothing to fix; once the environment is merged, later plans compare against it.",
)
L834 = Code(
    "L834",
    WARNING,
    "drift",
    "`plan --base REF`: REF's actionctl.yaml targets another platform (`local` vs `openmic`) than the working tree, so its tools are no base for this one: every tool is classified as this branch's change.",
    "Nothing to fix if the branch moves the project to another platform; otherwise compare with a revision on the same platform.",
)
L835 = Code(
    "L835",
    WARNING,
    "drift",
    "`plan --base REF`: the project directory is elsewhere at REF; git's rename detection found it there, and the base is read from that directory (`drift --ref` reads it from there too, and says so with this warning, in the report as well).",
    "Nothing to fix; check that the directory named is the project's earlier place.",
)
L836 = Code(
    "L836",
    WARNING,
    "drift",
    "`plan --base REF`: the project directory is not in REF and git's rename detection found no earlier place for it, so REF is no base: every tool is classified as this branch's change.",
    "Nothing to fix for a project new in this branch; for a moved one, commit the move as a rename (`git mv`) so its earlier place is found.",
)
L840 = Code(
    "L840",
    ERROR,
    "drift",
    "The git revision given to `--base`/`--ref` is not in this clone (often a shallow CI clone that fetched only its own commit); the message names the exact fetch.",
    "Fetch it first, e.g. `git fetch --depth=1 origin main` (a single-branch clone: `git fetch --depth=1 origin main:refs/remotes/origin/main`), then `--base origin/main`.",
)
L841 = Code(
    "L841",
    ERROR,
    "drift",
    "`--base`/`drift` read the configuration from git, but the project directory is not inside a git work tree, or git is not installed.",
    "Run in a clone of the repository (in CI, check it out first), install git, or drop `--base`.",
)
L842 = Code(
    "L842",
    ERROR,
    "drift",
    "A git command failed while reading the project at the revision (the message has git's own last line), or a file's blob is missing from a partial clone.",
    "Check that the repository is readable (`git -C DIR status`) and the revision exists (`git rev-parse REF`); in a partial clone, fetch the revision without `--filter`.",
)
L843 = Code(
    "L843",
    ERROR,
    "drift",
    "The configuration at the revision does not load or compile; its own diagnostics follow, each file shown as `REF:path`.",
    "Compare with a revision whose configuration is valid (e.g. the last merged commit), or fix it there.",
)
L844 = Code(
    "L844",
    ERROR,
    "drift",
    "The revision given starts with `-`, so git would read it as an option; refused.",
    "Pass a branch, tag or commit id: `--base origin/main`.",
)
L850 = Code(
    "L850",
    ERROR,
    "drift",
    "`apply --revert PLANFILE` (exit 3): a tool the plan touched is neither as the plan left it nor as the plan found it (edited or deleted since the apply, or a deleted tool exists again, changed), or none of the plan's changes is live (it was never applied, or was reverted already). Nothing was changed.",
    "Look at the named tool; make the plan you want with `actionctl plan --out plan.json` instead of reverting.",
)

# Import (docs/codes/import.md)
I001 = Code(
    "I001",
    ERROR,
    "import",
    "A file the import would write already exists (or a directory is in its place); nothing was written.",
    "Move or delete the file, import into another directory (`--out imported/`), or overwrite with `actionctl import --force`.",
)
I002 = Code(
    "I002",
    ERROR,
    "import",
    "A file would land outside the output directory: refused. With generated names only through a symbolic link at the file's place that points out of it.",
    "Replace the link by a regular file (or remove it), or import into a fresh `--out` directory.",
)
I003 = Code(
    "I003",
    ERROR,
    "import",
    "A file could not be written (permissions, disk full, a file where a directory must go); nothing was left half-written.",
    "Fix the cause named in the message (e.g. `chmod u+w actions/`), then run the import again.",
)
I004 = Code(
    "I004",
    ERROR,
    "import",
    "Something that is not a regular file (a FIFO, socket, device, a loop of symbolic links) is where a file would be written; it is never replaced, not even with `--force`, and nothing was written.",
    "Remove it or move it away (`rm actions/support/x.yaml` if it is yours to remove), or import into another directory (`--out imported/`).",
)
I010 = Code(
    "I010",
    WARNING,
    "import",
    "An agent holds several tools with one name; all were imported (the later ones with a `-2`, `-3` file suffix), but validate and plan will refuse the duplicate until one is renamed.",
    "Rename one tool on the platform (or delete the stale one), delete the imported files of that name (`press.yaml`, `press-2.yaml`), then `actionctl import`; or rename it in its file and let apply create it under the new name.",
)
I011 = Code(
    "I011",
    WARNING,
    "import",
    "A tool's name breaks the platform's name rule as actionctl holds it (1-255 characters, no control or invisible characters, no word mixing scripts; see N315, N316). It was kept as it is and the file got a safe name; validate will reject it. Names the dashboard would refuse but the platform allows (`Send Appointment Confirmation`) are imported as native actions, with no warning.",
    "Rename the tool on the platform to e.g. `send_confirmation`, delete the imported file, then `actionctl import` again.",
)
I012 = Code(
    "I012",
    WARNING,
    "import",
    "A tool could not be written in a form that validates and compiles back to exactly the live tool (the reason is in the message, e.g. a field the schema does not know, a non-E.164 sender); it was written in the native form with every field kept.",
    "Fix the named field on the platform (or in the file, then apply), e.g. give `from_number` as `+15550000001`.",
)
I013 = Code(
    "I013",
    WARNING,
    "import",
    "`--include-declared` wrote a tool into the project (`--out` inside it) that the project already declares in another file; it is now declared twice.",
    "Delete one of the two files, or import without `--include-declared` (declared tools are skipped) or into a separate `--out`.",
)
I020 = Code(
    "I020",
    ERROR,
    "import",
    "A requested or mapped agent does not exist on the platform; nothing was written.",
    "Check `--agent NAME` (a logical name of the environment or a platform uid) or the uid under `environments.<env>.agents`.",
)
I021 = Code(
    "I021",
    ERROR,
    "import",
    "There are no agents to import: the environment maps none and the platform lists none. Without an `actionctl.yaml` nothing maps agents and the (local) platform is read; the diagnostic then points at the project directory, often a wrong `--project`.",
    "Pass `--agent agent_uid_123`, or map agents under `environments.<env>.agents` in `actionctl.yaml` (`actionctl init` writes one); check `--project`.",
)
I022 = Code(
    "I022",
    WARNING,
    "import",
    "The platform's phone numbers could not be read, so new sender channels get generated names (`Sender +15550000001`).",
    "Rename the channel in `channels/` (and its `messaging_channel` references) if you want a nicer name.",
)
I023 = Code(
    "I023",
    ERROR,
    "import",
    "A document could not be written as YAML that loads back to the same data (a bug); nothing was written.",
    "Report it with the tool's JSON (`GET .../tools/{id}`); import the other agents with `--agent` meanwhile.",
)
I024 = Code(
    "I024",
    WARNING,
    "import",
    "An agent named with `--agent` has no tools on the platform, so nothing was imported for it (on the local platform every agent exists, so a typo looks like this). Without an `actionctl.yaml` the local platform is read and the message says the file is missing.",
    "Check the name against `environments.<env>.agents` or the platform's agent list (`GET /h/v2/agents`); without `actionctl.yaml`, check `--project` (`actionctl init` starts a project).",
)
I025 = Code(
    "I025",
    ERROR,
    "import",
    "`import --only AGENT/NAME` names a tool the project does not declare: `--only` keeps the live edits of declared tools (rewriting their own document) and never adopts a tool. Nothing was written.",
    "Check the address against the project (`agent/name` as in the action file); to bring in a tool the project does not have yet, use `actionctl import --agent AGENT`.",
)
I026 = Code(
    "I026",
    ERROR,
    "import",
    "`import --only AGENT/NAME`: the agent has no live tool of that name (or the agent does not exist), so there is no live edit to keep. Nothing was written.",
    "Check the name on the platform; if the tool was deleted in the dashboard, `actionctl plan` shows it as a create.",
)

# Loading and validation (docs/codes/load-validate.md)
E100 = Code(
    "E100",
    ERROR,
    "load-validate",
    "The project directory does not exist or is not a directory.",
    "Run in the project root or pass `--project DIR`.",
)
E101 = Code(
    "E101",
    ERROR,
    "load-validate",
    "`--env` (or `ACTIONCTL_ENV`, or `default_environment`) names an environment that actionctl.yaml does not define. A project without actionctl.yaml has only `default`; the diagnostic then points at the project directory.",
    "Use one of the listed environments: `--env prod`; without actionctl.yaml, `actionctl init` writes one to declare environments.",
)
E102 = Code(
    "E102",
    ERROR,
    "load-validate",
    "`default_environment` is not one of `environments`, or there are several environments and no `default_environment`.",
    "`default_environment: prd` -> `default_environment: prod`.",
)
E103 = Code(
    "E103",
    ERROR,
    "load-validate",
    "An environment overrides the number of a channel that does not exist (did-you-mean).",
    "Use the channel's name exactly: `Mian:` -> `Main:`.",
)
E104 = Code(
    "E104",
    ERROR,
    "load-validate",
    "An agent used by actions has no uid in an environment that maps other agents; its logical name would be sent as its uid. An error for `platform: openmic` (no agent has that uid there, so `plan` would fail with L801); a warning for the local platform, which creates the agent. A name with non-ASCII letters is shown escaped (`'verk\\xe4uf'`). (A name that only looks like a mapped one is E110.)",
    "Add it: `agents: {support: uid_1, sales: uid_2}`.",
    also=(WARNING,),
)
E105 = Code(
    "E105",
    WARNING,
    "load-validate",
    "The project file is named `actionctl.yml`; only `actionctl.yaml` is read (defaults apply).",
    "`git mv actionctl.yml actionctl.yaml`.",
)
E106 = Code(
    "E106",
    ERROR,
    "load-validate",
    "actionctl.yaml holds more than one YAML document.",
    "Remove the extra `---` and merge the settings into one document.",
)
E107 = Code(
    "E107",
    ERROR,
    "load-validate",
    "`validate PATH` or `fmt PATH`: no such file or directory.",
    "Pass existing paths (relative to the working directory, or absolute).",
)
E108 = Code(
    "E108",
    ERROR,
    "load-validate",
    "`validate PATH` or `fmt PATH`: the path is outside the project (fmt never writes there).",
    "Pass files under the `--project` directory, or point `--project` at their project.",
)
E109 = Code(
    "E109",
    WARNING,
    "load-validate",
    "`validate PATH`: the file is in the project but actionctl does not read it (only actionctl.yaml, `channels/*.yaml`, `actions/**/*.yaml`); `fmt PATH`: the file is not YAML (`.yaml`, `.yml`), so nothing was formatted.",
    "Move it under `actions/` or `channels/`, or leave it out of the hook's `files:`.",
)
E110 = Code(
    "E110",
    ERROR,
    "load-validate",
    "An agent used by actions is not mapped in an environment that maps a name it only looks like (equal after NFKC, case folding, dropping invisible characters, and reading Cyrillic/Greek look-alike letters as Latin ones): `suppоrt` with a Cyrillic `о` next to `support`. Its actions would deploy to a platform agent uid that probably does not exist. Shown escaped (`'supp\\u043ert'`) with did-you-mean, at the first action's `agent`.",
    "Retype the name in the action: `agent: supp\\u043ert` -> `agent: support`.",
)
E111 = Code(
    "E111",
    ERROR,
    "load-validate",
    "The project directory holds no `actionctl.yaml`, no `channels/*.yaml` and no `actions/**/*.yaml`: nothing was checked. Usually a wrong `--project` (or `ACTIONCTL_PROJECT`), or the folders are named differently. `drift` says it of the project as committed at `--ref` (it reads git, not the working tree), so a project not committed yet gets it too.",
    "Point at the project root: `actionctl --project path/to/repo validate`; for `drift`, commit the project or pass a `--ref` that has it.",
)
E112 = Code(
    "E112",
    ERROR,
    "load-validate",
    "A symbolic link under `actions/` or `channels/` (or the project file) leads nowhere: its target is missing, or links loop, or a link leads back to a folder already read. It is not skipped: with `prune`, a skipped file's tools would be deleted.",
    "Fix or remove the link: `ls -l actions/`.",
)
E113 = Code(
    "E113",
    ERROR,
    "load-validate",
    "A symbolic link (or `actions`/`channels` itself) resolves outside the project root. It is not followed: `actions -> /` must not read the machine, and `fmt` never writes through it. At a git revision (`plan --base`, `drift --ref`) a link whose committed target leaves the project (an absolute path, or `..` above the project) is E113 whatever this machine holds there.",
    "Copy the files into the project, or link to a path inside it.",
)
E114 = Code(
    "E114",
    ERROR,
    "load-validate",
    "A folder or file under the project cannot be listed or inspected (permissions). Its files would be missed, so it is an error, not a skip. (A file that cannot be opened is `Y111`.)",
    "Make it readable: `chmod -R a+rX actions/`.",
)
E115 = Code(
    "E115",
    ERROR,
    "load-validate",
    "Something is not what is expected: a FIFO, socket or device named `*.yaml` (never opened: a FIFO would hang), a folder named `actionctl.yaml` or `channels/x.yaml`, an `actions` or `channels` that is a file.",
    "Replace it with a file (or a folder), or remove it.",
)
E116 = Code(
    "E116",
    ERROR,
    "load-validate",
    "A git submodule under `actions/` or `channels/` (named in `.gitmodules`) is not checked out: its folder is empty or missing, so its actions are missing. Any other empty folder is just empty. A gitlink that `.gitmodules` does not name is invisible on disk and cannot be detected. At a git revision (`plan --base`, `drift --ref`) a submodule is read at the commit the revision records, from its checkout here; one not checked out, or whose checkout lacks that commit, is E116 (under `actions/` or `channels/`, or where a link there leads).",
    "`git submodule update --init`; in CI, check out with submodules (`actions/checkout` `submodules: true`). At a revision: `git submodule update --init` (or `git -C PATH fetch` the recorded commit).",
)
E117 = Code(
    "E117",
    ERROR,
    "load-validate",
    "`base_url` in actionctl.yaml cannot be used: not http(s), plain `http://` to a host that is not loopback, credentials in it, a port out of range, a `?query`. The URL is never quoted (it may hold a key). `$OPENMIC_BASE_URL` is checked when plan connects (P107).",
    "`base_url: https://api.openmic.ai` (or `http://127.0.0.1:8080` for the emulator).",
)
E118 = Code(
    "E118",
    ERROR,
    "load-validate",
    "The change (`validate --changed`, or `validate actionctl.yaml`, against git's `HEAD`) renamed or removed an agent key of an environment's `agents` while actions still use the agent. Reported first, at the new key (or the `agents` mapping), with the E104 it causes folded under it; an error where E104 is one (`platform: openmic`), else a warning.",
    "Rename the key back, or change the `agent` of those actions.",
    also=(WARNING,),
)
E120 = Code(
    "E120",
    ERROR,
    "load-validate",
    "A file actionctl was told to read or write could not be (`--out` into a missing or read-only place, a path that is a directory, a full disk). The location is the file; nothing was half-written: files are written to a temporary file and renamed into place.",
    "Choose a writable path: `--out build/plan.json` (directories are created).",
)
E130 = Code(
    "E130",
    ERROR,
    "load-validate",
    "`actionctl fmt` could not read a file (permissions, not UTF-8) or could not lay it out; the file is left as it is.",
    "Check the file can be read as UTF-8 text; `actionctl validate FILE` says more.",
)
E131 = Code(
    "E131",
    ERROR,
    "load-validate",
    "`actionctl fmt` left a file as it is because its canonical layout would read back as different data, or would lose a comment (a safety check: formatting never changes what a file means). Please report the file.",
    "Leave the file as it is, or lay it out by hand; report it with the file attached.",
)
E132 = Code(
    "E132",
    ERROR,
    "load-validate",
    "`actionctl init` was pointed at a directory that already holds a project (`actionctl.yaml`, `channels/*.yaml` or `actions/**/*.yaml`), or at a file; nothing was written.",
    "Run `init` in a new or empty directory (`actionctl --project NEW init`), or keep working in the existing project.",
)
E133 = Code(
    "E133",
    ERROR,
    "load-validate",
    "`validate --changed` was run where git cannot say what changed: the project is not in a git work tree, git is not installed, or git failed (an unreadable or corrupt index, a `PRE_COMMIT_FROM_REF`/`PRE_COMMIT_TO_REF` that is not in this clone, a filter driver whose name cannot be switched off); the message has git's own words. The change was not checked.",
    "Run it inside the repository (as the pre-commit hook does); repair the index (`rm .git/index && git reset`) or fetch the ref; or name the files: `actionctl validate FILE...`.",
)
E134 = Code(
    "E134",
    WARNING,
    "load-validate",
    "`actionctl fmt` kept one document of a file as written (the rest is formatted): laid out, it would lose a comment (a comment inside a flow list or mapping, `required: [a,  # note`), or the layout library cannot read it. The file is valid; nothing fails.",
    "Move the comment out of the brackets (or write the list as a block list) to have the document laid out.",
)
N301 = Code(
    "N301",
    ERROR,
    "load-validate",
    "`messaging_channel` names no channel (did-you-mean, or the list of channels).",
    "Use a channel's `name` exactly: `Customer notification` -> `Customer notifications`, or add the channel in `channels/`.",
)
N302 = Code(
    "N302",
    ERROR,
    "load-validate",
    "The channel used by a send_text_message has no `sms` capability.",
    "Add it: `capabilities: [sms, voice]`, or choose an SMS channel.",
)
N303 = Code(
    "N303",
    ERROR,
    "load-validate",
    "Two channel documents share a name (both places named), or names that only look alike: the same text in NFC and NFD, a Cyrillic or Greek letter for a Latin one (`Вilling desk` beside `Billing desk`), an invisible character or a no-break space.",
    "Rename or delete one of them.",
)
N304 = Code(
    "N304",
    WARNING,
    "load-validate",
    "A send_text_message without `messaging_channel`: the platform's default sender number is used.",
    "Add `messaging_channel: Customer notifications` if a specific number should send it.",
)
N305 = Code(
    "N305",
    ERROR,
    "load-validate",
    "The change (`validate --changed`, or the files named to `validate`, against git's `HEAD`) renamed or deleted a channel that actions or environment overrides still name. Reported first, at the changed file, with each `unknown channel` (N301, E103) folded under it in every format, saying what became of the name instead of guessing another channel.",
    "Rename it back, or change the actions (and overrides) to the new name; for a delete, restore the file or point them at another channel.",
)
N311 = Code(
    "N311",
    ERROR,
    "load-validate",
    "A UI-style action name breaks the dashboard's rule `^[A-Za-z0-9_-]+$` (reported while loading), or a native name is empty or over 255 characters. Native `openmic.*` actions allow any characters.",
    "`name: send booking` -> `name: send_booking`, or write the action as `type: openmic.<tool type>` to keep the platform's name.",
)
N312 = Code(
    "N312",
    ERROR,
    "load-validate",
    "Two actions of one agent share a name (both files and lines named), or names that only look alike (NFC and NFD spellings, Cyrillic or Greek letters drawn like Latin ones, invisible characters).",
    "Rename one: names must be unique per agent.",
)
N313 = Code(
    "N313",
    ERROR,
    "load-validate",
    "Two logical agents map to one platform agent uid in an environment, and both declare an action of one name (or of names that only look alike, as for N312).",
    "Rename one action, or map the agents to different uids.",
)
N314 = Code(
    "N314",
    ERROR,
    "load-validate",
    "An action name starts with `actionctl-lock-`: the prefix is reserved for apply's per-agent lock tools, which plan, import and prune ignore, so such an action could never be managed. Also at a `renamed_from` name: plan ignores lock tools, so it would rename none.",
    "Rename it: `name: actionctl-lock-test` -> `name: lock_test`; remove such a name from `renamed_from`.",
)
N315 = Code(
    "N315",
    ERROR,
    "load-validate",
    "A native action name holds control or invisible characters (zero-width space, bidi control, NUL, non-breaking space; the code points are named): two names that differ only there look identical in review. At a `renamed_from` name (any action) a warning: the old name is the platform's, and renaming a tool away from such a name is the cure, but review cannot see which live tool is meant.",
    "Rename it with visible characters only, here and on the platform. In `renamed_from`: check the name against the platform (`actionctl plan` shows the rename) write it with `\\u` escapes in a double-quoted string, then suppress the warning on that line (`# actionctl: ignore[N315]`).",
    also=(WARNING,),
)
N316 = Code(
    "N316",
    ERROR,
    "load-validate",
    "A native action name mixes scripts within one word (a Cyrillic `о` among Latin letters): it looks like another name (a homoglyph). At a `renamed_from` name (any action) a warning, as for N315.",
    "Use one script per word: retype the word. In `renamed_from`: as for N315.",
    also=(WARNING,),
)
N317 = Code(
    "N317",
    ERROR,
    "load-validate",
    "`renamed_from` names a tool that another action of the same agent declares (or a name that only looks like it, as for N312), so that tool cannot also be the one renamed. An action's own name only counts when equal: renaming a tool from a look-alike of its new name cures that name.",
    "Remove the name from `renamed_from` (the other file keeps that tool), or delete the other file if this action replaces it.",
)
N318 = Code(
    "N318",
    ERROR,
    "load-validate",
    "Two actions of one agent give the same `renamed_from` name (or names that only look alike, as for N312): one live tool can become only one of them (plan would rename it to the first and create the other). Reported at the later one, naming the first.",
    "Keep the name in the `renamed_from` of the action that replaces that tool; remove it from the other.",
)
N319 = Code(
    "N319",
    WARNING,
    "load-validate",
    "The change (`validate FILE...`, `validate --changed`: the pre-commit hook) renames an action without `renamed_from`: an action that git's `HEAD` had is gone (no file declares its agent and name, no `renamed_from` names it), and a changed file declares, for the same agent, the same document under a name `HEAD` did not have. Plan would delete the tool and create a new one at the new name (a new tool id). (Against the live tools, plan says the same: L805.)",
    "Add `renamed_from: OLD` to the action: plan then renames the tool in place (one PATCH, the same id); it renames nothing, harmlessly, if the old tool was never applied.",
)
N321 = Code(
    "N321",
    ERROR,
    "load-validate",
    "A channel's `phone_number` is not E.164 (a fix is suggested when only spaces, dashes, brackets or a `00` prefix are in the way).",
    '`"+1 (555) 000-0001"` -> `"+15550000001"`.',
)
N322 = Code(
    "N322",
    ERROR,
    "load-validate",
    "A number written in an action is not E.164: a custom `recipient`, a handover `phone_number`, a native tool's `default_transfer_number`, `transfer_number`, `to_number` or `from_number`. Templates are checked by the template rules.",
    '`recipient: "555-0101"` -> `recipient: "+15550000101"`, or `contact`, or `{{ .parameters.phone }}`.',
)
N323 = Code(
    "N323",
    ERROR,
    "load-validate",
    "An environment's channel number override in actionctl.yaml is not E.164.",
    '`Main: "555 0101"` -> `Main: "+15550000101"`.',
)
N324 = Code(
    "N324",
    ERROR,
    "load-validate",
    "A number field (`recipient`, a handover `phone_number`, native transfer or SMS numbers) mixes placeholders with text that cannot be part of a phone number: `contact{{ .parameters.x }}`. Templates are read as Go reads them: a comment is no text, even with a brace in it. Only a `+` and digits may stand around placeholders.",
    'One placeholder alone: `recipient: "{{ .parameters.phone }}"`, or `recipient: contact`.',
)
N325 = Code(
    "N325",
    WARNING,
    "load-validate",
    'A number template (`recipient`, a handover `phone_number`) outputs whitespace around the number (`"\\t{{ .parameters.phone }}"`, a trailing newline): Go keeps it, the compiled number drops it, so what is deployed differs from what the template says.',
    'Remove the whitespace: `recipient: "{{ .parameters.phone }}"` (or trim it in the template: `{{- .parameters.phone -}}`).',
)
S201 = Code(
    "S201",
    ERROR,
    "load-validate",
    "Unknown field; the message suggests the nearest known one or lists them all.",
    "Fix the spelling: `mesage:` -> `message:`.",
)
S202 = Code(
    "S202",
    ERROR,
    "load-validate",
    "A required field is missing (or none of a set of alternatives is present); points at the mapping, and for an action the message names it (`of handover 'support/desk'`).",
    'Add it: `phone_number: "+15550000001"` under the handover.',
)
S203 = Code(
    "S203",
    ERROR,
    "load-validate",
    "A value of the wrong type.",
    "Give the expected type: `async: maybe` -> `async: true`.",
)
S204 = Code(
    "S204",
    ERROR,
    "load-validate",
    "A string was expected but YAML 1.1 read a bare `no`/`on`/`yes`/`1.10`/`12:30`/`+1555...` as a boolean or number, or an empty value as null. Also inside `parameters_schema`: a keyword that takes text (`description: on`), and `enum`/`const`/`default`/`examples` values of a `type: string` parameter (`enum: [yes, no]` is `[true, false]`, which no string matches).",
    'Quote it: `name: no` -> `name: "no"`; `message:` -> `message: ""`; `enum: [yes, no]` -> `enum: ["yes", "no"]`.',
)
S205 = Code(
    "S205",
    ERROR,
    "load-validate",
    "A value outside the allowed set (with a did-you-mean).",
    "Use one of the listed values: `transfer_type: cool` -> `transfer_type: cold`.",
)
S206 = Code(
    "S206",
    ERROR,
    "load-validate",
    "A value that does not have the required form (`api_key_env` not a variable name: its value is never shown, it may be the key itself; an environment name with spaces, a time not `HH:MM`, an http webhook URL, a native `method` other than get/post in any case; a phone number that is not E.164 only when the document also fails for another reason, otherwise N321-N323 report it).",
    "Follow the form given in the message: `api_key_env: sk-live-...` -> `api_key_env: OPENMIC_API_KEY`.",
)
S207 = Code(
    "S207",
    ERROR,
    "load-validate",
    "A number, text or list outside its allowed range or size (e.g. `timeout_ms: 0`, `ring_duration: 5`, empty `capabilities`).",
    "Use a value in range: `timeout_ms: 5000`.",
)
S208 = Code(
    "S208",
    ERROR,
    "load-validate",
    "Unknown action `type`; the message lists the valid types and suggests the nearest.",
    "`type: send_sms` -> `type: openmic.send_sms` (native) or `type: send_text_message`.",
)
S209 = Code(
    "S209",
    ERROR,
    "load-validate",
    "Unknown `kind`.",
    "`kind: actoin` -> `kind: action`.",
)
S210 = Code(
    "S210",
    ERROR,
    "load-validate",
    "A document of one kind in the other kind's folder (a channel under `actions/`).",
    "Move it to `channels/` (or fix `kind:`).",
)
S211 = Code(
    "S211",
    ERROR,
    "load-validate",
    "Another schema constraint failed (the message is the schema's).",
    "Change the value as the message says.",
)
S220 = Code(
    "S220",
    WARNING,
    "load-validate",
    "In `parameters_schema`, an `enum`/`const`/`default`/`examples` value of a parameter not declared `type: string` was written as a word only YAML 1.1 reads as a boolean or number (`yes`, `no`, `on`, `off`, `12:30`): the model is offered `true`/`false`, not the words.",
    'Quote the words (`enum: ["yes", "no"]`) and add `type: string`; or write `true`/`false` if a boolean was meant.',
)
Y101 = Code(
    "Y101",
    ERROR,
    "load-validate",
    "Malformed YAML (also a control character in the text, an undefined alias); the position is where the parser gave up.",
    "Fix the syntax at that line, e.g. close the bracket: `type: [handover]` -> `type: handover`.",
)
Y102 = Code(
    "Y102",
    ERROR,
    "load-validate",
    "Duplicate key in one mapping; the message names the first one's line.",
    "Delete one of the two, or rename it: keep a single `name:`.",
)
Y103 = Code(
    "Y103",
    ERROR,
    "load-validate",
    "A tab character in indentation.",
    "Indent with spaces: `\\tmessage: Hi` -> `  message: Hi`.",
)
Y104 = Code(
    "Y104",
    ERROR,
    "load-validate",
    "The file is not UTF-8 (the position is the first bad byte).",
    "Save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`.",
)
Y105 = Code(
    "Y105",
    ERROR,
    "load-validate",
    "A tag that is not plain YAML data (`!!python/object`, `!custom`, `!!binary`, `!!set`), or a value that cannot be read as its explicit core tag (`!!int zz`). Nothing is ever constructed from it.",
    "Remove the tag: `kind: !!python/object:x a` -> `kind: action`.",
)
Y106 = Code(
    "Y106",
    ERROR,
    "load-validate",
    "A document that is not a mapping (a list or a single value).",
    "Write `key: value` fields: `- kind: action` -> `kind: action`.",
)
Y107 = Code(
    "Y107",
    ERROR,
    "load-validate",
    "Aliases expand to more than 10,000 nodes (an alias bomb), or an alias contains itself.",
    "Write the values out, or use fewer aliases.",
)
Y108 = Code(
    "Y108",
    ERROR,
    "load-validate",
    "The file is larger than 1 MiB.",
    "Split it into several files under `actions/`.",
)
Y109 = Code(
    "Y109",
    ERROR,
    "load-validate",
    "A mapping key that is a list or mapping, or a `<<` merge of something that is not a mapping.",
    "Use plain text keys: `? [a, b]` -> `a_b:`.",
)
Y110 = Code(
    "Y110",
    ERROR,
    "load-validate",
    "Mappings and lists nested deeper than 200 levels.",
    "Flatten the structure.",
)
Y111 = Code(
    "Y111",
    ERROR,
    "load-validate",
    "The file could not be read (permissions, vanished while reading).",
    "Make it readable: `chmod a+r actions/x.yaml`.",
)
Y112 = Code(
    "Y112",
    ERROR,
    "load-validate",
    "More than 250,000 values (scalars, lists, mappings) in one file: refused before it is built, to bound time and memory.",
    "Split the file into several files under `actions/`.",
)

# Plan and apply (docs/codes/plan-apply.md)
A901 = Code(
    "A901",
    ERROR,
    "plan-apply",
    "The plan file cannot be used: unreadable, not a regular file (a FIFO or device is never read), larger than 64 MiB, not UTF-8, not JSON, nested deeper than 256 levels, a number longer than 100 characters, `NaN`/`Infinity`, another `format_version` (the integer 1; `true` is not 1), an unknown key, a field missing, of the wrong type or too long, a field path that is not one (an unclosed quote, an empty key), an unknown `plan --base` class, an address that is not `agent/name`, a name starting with `actionctl-lock-`, or a change whose `before`/`after` payload names another tool or whose `after` is not a payload actionctl compiled (edited by hand). Located at line and column where the problem is at one spot. Nothing was changed.",
    "Re-create it: `actionctl plan --out plan.json`.",
)
A902 = Code(
    "A902",
    ERROR,
    "plan-apply",
    "The plan was made for another environment than the one selected.",
    "Apply it with that environment (`actionctl --env prod apply plan.json`) or re-plan for this one.",
)
A903 = Code(
    "A903",
    ERROR,
    "plan-apply",
    "The plan was made for another target (platform, base URL or API prefix) than the project now uses.",
    "Re-plan against the current target: `actionctl plan --out plan.json`.",
)
A904 = Code(
    "A904",
    ERROR,
    "plan-apply",
    "Stale plan (exit 3): a tool it touches changed or disappeared since planning, or a tool it would create now exists. Nothing was changed.",
    "Run `actionctl plan --out plan.json` again, review, then `actionctl apply plan.json`.",
)
A905 = Code(
    "A905",
    ERROR,
    "plan-apply",
    "The plan would delete every tool of an agent and `--allow-empty` was not given. Nothing was changed.",
    "Pass `--allow-empty` if emptying the agent is intended, or keep an action for it.",
)
A906 = Code(
    "A906",
    ERROR,
    "plan-apply",
    "`apply` without a plan file needs confirmation, but stdin is not a terminal and `--auto-approve` was not given.",
    "In CI use `actionctl plan --out plan.json` then `actionctl apply plan.json`, or add `--auto-approve`.",
)
A907 = Code(
    "A907",
    ERROR,
    "plan-apply",
    "Another apply holds the apply lock on an agent the plan touches (exit 3); the message names the agent, the holder's host and pid, and since when. Nothing was changed.",
    "Wait for the other apply to finish, then `actionctl plan --out plan.json` again and apply it.",
)
A908 = Code(
    "A908",
    WARNING,
    "plan-apply",
    "After the apply, one of its lock tools could not be deleted; it blocks other applies until it is abandoned (this process ends, on this host) or expires (elsewhere).",
    "Delete the named tool (`DELETE .../tools/<id>`) or let the next apply remove it.",
)
A909 = Code(
    "A909",
    ERROR,
    "plan-apply",
    "The plan would create or update a tool named `actionctl-lock-*`, a prefix reserved for apply locks. Nothing was changed.",
    "Rename the action (e.g. `name: apply_lock_reminder`) and plan again.",
)
A910 = Code(
    "A910",
    WARNING,
    "plan-apply",
    "After a write, the tool the platform returned (the write's own response; one GET when that response is not the tool) differs from what was sent: a field was dropped, added or rewritten. `could not read the tool back` when that GET failed (the write happened).",
    "Check the named field; align the YAML with what the platform stores (e.g. remove an unsupported field) and plan again.",
)
A911 = Code(
    "A911",
    WARNING,
    "plan-apply",
    "An agent has a tool named `actionctl-lock-*` that actionctl did not create (its description names no holder) and that is older than the lock expiry: it no longer blocks applies and was left alone.",
    "Delete it on the platform (`DELETE .../tools/<id>`), or run `actionctl apply --remove-foreign-locks` to let apply delete it.",
)
A912 = Code(
    "A912",
    ERROR,
    "plan-apply",
    "`ACTIONCTL_LOCK_EXPIRY_SECONDS` is not a number of seconds from 1 to 86400.",
    "Unset it (default 900 s) or give seconds, e.g. `export ACTIONCTL_LOCK_EXPIRY_SECONDS=1800`.",
)
A913 = Code(
    "A913",
    ERROR,
    "plan-apply",
    "A `--target` or `--exclude` ADDRESS of `plan`/`apply` matches no tool of the plan (no change, no unchanged or unmanaged tool), or is not `agent/name` (each side a name or an `fnmatch` glob such as `support/*` or `*/send_*`). A typo must not widen or narrow an apply silently. Nothing was changed.",
    "Check the address against `actionctl plan` (e.g. `--target support/send_sms`), or drop it.",
)
L801 = Code(
    "L801",
    ERROR,
    "plan-apply",
    "An agent uid of the environment does not exist on the target platform.",
    "Fix the uid under `environments.<env>.agents` (e.g. `support: agent_uid_dev_123`), or create the agent.",
)
L802 = Code(
    "L802",
    ERROR,
    "plan-apply",
    "Two or more live tools on one agent have the same name (the message names every id); matching would be a guess.",
    "Delete or rename all but one of them on the platform (e.g. `DELETE .../tools/42`), then plan again.",
)
L803 = Code(
    "L803",
    WARNING,
    "plan-apply",
    "A pruning plan deletes every tool of an agent; apply refuses it without `--allow-empty`.",
    "Declare at least one action for the agent, drop `--prune`, or run `apply --allow-empty` if intended.",
)
L804 = Code(
    "L804",
    WARNING,
    "plan-apply",
    "An apply lock tool (`actionctl-lock-*`) is on a managed agent: an apply is running there (the plan may be stale by the time it is applied), one was killed and left it, or someone made a tool with that prefix by hand (never deleted by actionctl unless `apply --remove-foreign-locks`).",
    "Wait for the running apply and plan again; a killed apply's lock is removed by the next apply (or delete the named tool id); delete a hand-made one yourself.",
)
L805 = Code(
    "L805",
    WARNING,
    "plan-apply",
    "The plan creates a tool and deletes (or leaves unmanaged) a live tool of the same agent that is the same but for its name: an undeclared rename, which gives the tool a new id.",
    "Add `renamed_from: OLD` (the live tool's name) to the action to keep the tool id: plan then renames it in place.",
)

# Platform (docs/codes/platform.md)
P100 = Code(
    "P100",
    ERROR,
    "platform",
    "The platform answered with a status actionctl has no better word for (e.g. 409 when an agent is in use).",
    "Read the platform's error in the message, e.g. unlink the phone number from the agent before deleting it.",
)
P101 = Code(
    "P101",
    ERROR,
    "platform",
    "401/403: the API key was rejected by the base URL named in the message.",
    "Export a valid key in the variable the message names (`export OPENMIC_API_KEY=...`), or fix `api_key_env` in actionctl.yaml.",
)
P102 = Code(
    "P102",
    ERROR,
    "platform",
    "404: the agent uid (or the tool id of that agent) does not exist on the platform.",
    "Fix the uid under `environments.<env>.agents` in actionctl.yaml, or re-run `plan` if the tool was deleted meanwhile.",
)
P103 = Code(
    "P103",
    ERROR,
    "platform",
    "400/422: the platform rejected the payload; its `error` and `details` are quoted.",
    "Fix the field the details name, e.g. give an `api_request` tool a `url`.",
)
P104 = Code(
    "P104",
    ERROR,
    "platform",
    "429: the rate limit did not lift within the client's patience (`max_rate_limit_wait`, 5 minutes by default).",
    "Wait and run again; apply fewer changes at once, or ask OpenMic for a higher limit.",
)
P105 = Code(
    "P105",
    ERROR,
    "platform",
    "The network failed (connection refused, timeout, dropped connection) or the server kept answering 5xx, after every retry.",
    "Check the URL in the message (`OPENMIC_BASE_URL`, `base_url`), the network or VPN, and the platform's status page; run again.",
)
P106 = Code(
    "P106",
    ERROR,
    "platform",
    "A create was sent but its answer was lost (dropped connection, timeout, 5xx): the tool may or may not exist. It was not repeated.",
    "Run `actionctl plan` again: it reads the platform and shows whether the tool exists (apply already looks it up by name before retrying).",
)
P107 = Code(
    "P107",
    ERROR,
    "platform",
    "The base URL is not an http(s) URL, carries credentials or a `?query`, has a bad port, or is plain `http://` to a host that is not loopback (the key would travel unencrypted). The URL is never echoed; in every message, plan and log a base URL is shown as `scheme://host[:port]` with `/...` for its path (a path may hold a key).",
    "Use `https://api.openmic.ai` (or your proxy's https URL); plain http only for `127.0.0.1`/`localhost`, e.g. the emulator.",
)
P108 = Code(
    "P108",
    ERROR,
    "platform",
    "The API key is empty or has spaces, line breaks or non-ASCII characters an HTTP header cannot carry.",
    "Copy the key again without surrounding whitespace: `export OPENMIC_API_KEY='...'`.",
)
P109 = Code(
    "P109",
    ERROR,
    "platform",
    "`platform: openmic` but the environment variable named by `api_key_env` is not set (or `api_key_env` does not look like a variable name: then it is not shown, as it may be the key itself).",
    "`export OPENMIC_API_KEY=...` (or the variable your actionctl.yaml names) before running.",
)
P110 = Code(
    "P110",
    ERROR,
    "platform",
    "`platform:` in actionctl.yaml is neither `local` nor `openmic`.",
    "Write `platform: local` (embedded, the default) or `platform: openmic`.",
)
P111 = Code(
    "P111",
    ERROR,
    "platform",
    "The server answered, but not with the API's JSON (an HTML page, a list without `tools`, a repeated page cursor).",
    "Check that `base_url` and `api_prefix` point at the OpenMic API (`https://api.openmic.ai`, `/h/v2`).",
)
P112 = Code(
    "P112",
    ERROR,
    "platform",
    "The SQLite file of the local platform (`.actionctl/platform.db`) or of the emulator (`--db`) cannot be used: not a database, locked by another process beyond the 5 s wait, or not writable.",
    "The message names the file: move a corrupt one away to start empty (`mv .actionctl/platform.db /tmp/`), wait for the other process, or fix the permissions.",
)
P113 = Code(
    "P113",
    ERROR,
    "platform",
    "A 404 for the path itself, not an agent or tool: the error names no resource and `{api_prefix}/agents` is a 404 too. The base URL or `api_prefix` is wrong.",
    "Use `api_prefix: /h/v2` (the default; the vendor publishes every operation there) and `base_url: https://api.openmic.ai`; check `$OPENMIC_BASE_URL`.",
)
P114 = Code(
    "P114",
    ERROR,
    "platform",
    "A list page said `has_more: true` but carried no `next_cursor`, so the rest of the list (the agent is named) cannot be read; nothing is planned from a partial list, which would propose duplicates.",
    "Run again; if it persists, report it to OpenMic with the agent uid.",
)

# Rule configuration and suppressions (docs/codes/rules.md)
R001 = Code(
    "R001",
    WARNING,
    "rules",
    "An `# actionctl: ignore[...]` comment names a code that is not reported on the lines it covers: it suppresses nothing (often the diagnostic is on another line, or was fixed).",
    "Remove the code from the comment (or move the comment to the line the diagnostic points at).",
)
R002 = Code(
    "R002",
    WARNING,
    "rules",
    "A comment or `rules.ignore`/`per_path_ignores` names a code that is an error there; errors are never suppressed, so the error is still reported.",
    "Fix the error; suppress only warnings.",
)
R003 = Code(
    "R003",
    WARNING,
    "rules",
    "A `# actionctl:` comment that is not `ignore[CODE, ...]` with codes of a letter and three digits: it suppresses nothing.",
    "Write `# actionctl: ignore[M510]` (several codes separated by commas).",
)
R004 = Code(
    "R004",
    WARNING,
    "rules",
    "`rules.severity` tries to lower a code that is an error (to `warning` or `info`): errors stay errors.",
    "Remove the entry, or fix the error.",
)
R005 = Code(
    "R005",
    WARNING,
    "rules",
    "A `rules.per_path_ignores` glob matches no file of the project (a typo, or the files moved): it suppresses nothing.",
    "Correct the glob (project-relative, e.g. `actions/legacy/*`) or remove it.",
)

# Offline action tests (docs/codes/testing.md)
U100 = Code(
    "U100",
    ERROR,
    "testing",
    "A document in a `tests/**/*.test.yaml` file is not a test: no `kind: test`, or it does not match `schemas/test.schema.json` (an unknown key, a missing `action` or `cases`).",
    "Fix the key the message names; `kind: test`, `action: agent/name` and `cases` are required.",
)
U101 = Code(
    "U101",
    ERROR,
    "testing",
    "Two cases of the same action have the same name (`-k` and the reports could not tell them apart).",
    "Rename one of them.",
)
U102 = Code(
    "U102",
    ERROR,
    "testing",
    "An environment that `actionctl.yaml` does not declare: in a test's or a case's `environments`, or given with `--env`.",
    "Use one of the environments the message lists.",
)
U103 = Code(
    "U103",
    ERROR,
    "testing",
    "The test names an action (`agent/name`) the project does not have (renamed or removed?).",
    "Fix `action:`, or delete the test with its action.",
)
U104 = Code(
    "U104",
    ERROR,
    "testing",
    "The action under test does not compile in that environment; the compiler's own diagnostics are listed with it.",
    "Fix what `actionctl validate` and `actionctl compile` report.",
)
U105 = Code(
    "U105",
    ERROR,
    "testing",
    "`actionctl test --init` would overwrite a test file that exists.",
    "Edit the file, or remove it to start again.",
)
U106 = Code(
    "U106",
    ERROR,
    "testing",
    "A path given to `actionctl test` does not exist or is outside the project.",
    "Name a test file, an action file or a folder of the project.",
)
U107 = Code(
    "U107",
    WARNING,
    "testing",
    "A file given to `actionctl test` is neither a test file nor an action, channel or project file: it selects no test.",
    "Name a `tests/**/*.test.yaml` or an `actions/**/*.yaml` file.",
)
U108 = Code(
    "U108",
    ERROR,
    "testing",
    "A test file is a symbolic link to a place outside the project: it is not followed.",
    "Copy the file into the project (or link to a path inside it).",
)
U110 = Code(
    "U110",
    ERROR,
    "testing",
    "A placeholder is left unrendered: the case gives no value for a `{{name}}` the message, the recipient or the handover number uses.",
    "Add the value to the case's `parameters` (or `variables`), or fix the placeholder's name in the action.",
)
U111 = Code(
    "U111",
    ERROR,
    "testing",
    "The recipient (or the handover number) renders to something that is not an E.164 number.",
    "Give the sample in international format, `+15551234567`; or fix the action's recipient.",
)
U112 = Code(
    "U112",
    ERROR,
    "testing",
    "`expect_failures`: the parameters schema accepts the sample (or rejects it, but not for what is listed, or also for what is not listed).",
    "Tighten the schema (`required`, `maxLength`, `enum`, `pattern`), or list the failures the schema really gives.",
)
U113 = Code(
    "U113",
    ERROR,
    "testing",
    "The action's parameters schema rejects the case's sample arguments: the model could not send what the message needs.",
    "Fix the sample, or the schema if it rejects a real value.",
)
U114 = Code(
    "U114",
    ERROR,
    "testing",
    "A worst case cannot be made: a string parameter the message prints has no `maxLength` (nor `enum`), so the message has no upper bound.",
    "Add `maxLength` to the parameter (the model then cannot send more), or set `worst_case.assume_max_length`.",
)
U120 = Code(
    "U120",
    ERROR,
    "testing",
    "The rendered SMS differs from `expect.text`; the difference is shown word by word.",
    "Fix the message, or the expectation if the change is wanted.",
)
U121 = Code(
    "U121",
    ERROR,
    "testing",
    "The SMS does not contain a `contains` text, or contains a `not_contains` one.",
    "Fix the message or the expectation.",
)
U122 = Code(
    "U122",
    ERROR,
    "testing",
    "The SMS does not match `expect.matches` (a Python regular expression, searched), or the expression is invalid.",
    "Fix the message or the expression.",
)
U123 = Code(
    "U123",
    ERROR,
    "testing",
    "The SMS has another encoding than `expect.encoding`; for UCS-2 the message names the characters that force it (with their code points).",
    "Replace those characters (a curly quote, an emoji), or expect UCS-2.",
)
U124 = Code(
    "U124",
    ERROR,
    "testing",
    "The SMS takes another number of segments than `expect.segments`, or more than `expect.max_segments` (also for a worst case).",
    "Shorten the message, bound the parameters (`maxLength`), or raise the ceiling.",
)
U125 = Code(
    "U125",
    ERROR,
    "testing",
    "The SMS goes to another recipient than `expect.recipient` (`caller`: the contact on the call).",
    "Fix the action's recipient or the expectation.",
)
U126 = Code(
    "U126",
    ERROR,
    "testing",
    "The SMS is sent from another number than `expect.sender` (the environment's channel number).",
    "Fix the channel, the environment's channel number, or the expectation.",
)
U127 = Code(
    "U127",
    ERROR,
    "testing",
    "A handover dials another number than `expect.number`.",
    "Fix the action's phone number or the expectation.",
)
U128 = Code(
    "U128",
    ERROR,
    "testing",
    "An api_call's request (method, URL, query or body) differs from `expect.request`.",
    "Fix the action (url, method, parameters) or the expectation.",
)
U129 = Code(
    "U129",
    ERROR,
    "testing",
    "An expectation that does not apply to the action: SMS expectations on another type, `number` on a non-handover, `request` on a non-api_call, or encoding/segments in prompt mode (the agent writes the text at call time).",
    "Remove the expectation, or test the right action.",
)
U130 = Code(
    "U130",
    ERROR,
    "testing",
    "The golden payload `tests/golden/<env>/<agent>/<name>.json` is missing.",
    "Run `actionctl test --update` and review the file it writes.",
)
U131 = Code(
    "U131",
    ERROR,
    "testing",
    "The action compiles differently from its golden payload; the changed fields are shown as `actionctl plan` shows them.",
    "Review the change; if wanted, `actionctl test --update` rewrites only the goldens that differ.",
)
U132 = Code(
    "U132",
    WARNING,
    "testing",
    "A golden file no tested action and environment owns (the action was renamed or removed, or its test says `golden: false`). Reported on a full run only; never deleted for you.",
    "Delete the file, or add a test for its action.",
)
U133 = Code(
    "U133",
    ERROR,
    "testing",
    "A golden file cannot be read or is not JSON.",
    "Run `actionctl test --update` to rewrite it.",
)
U140 = Code(
    "U140",
    ERROR,
    "testing",
    "Only for a test that names the backend's `openapi:` document: the api_call's request does not reach one of its operations (no path template matches the URL, no operation for the method, a required query parameter missing, one not declared, a value or the JSON body invalid against its schema). Every reason is listed.",
    "Fix the action's url, method or parameters (or the sample), or the OpenAPI document if it is out of date.",
)
U141 = Code(
    "U141",
    ERROR,
    "testing",
    "The `openapi:` document a test names is missing, outside the project, not YAML/JSON, or has no `openapi:` version.",
    "Fix the path (relative to the project root) or the document.",
)
U150 = Code(
    "U150",
    WARNING,
    "testing",
    "Only with `--portability openai`: the action would not port to OpenAI function calling in strict mode (Structured Outputs): its name is not 1-64 letters, digits, `_` or `-`; its schema's root is not an object; an object lacks `additionalProperties: false`; or a property is not `required`.",
    "Add `additionalProperties: false` and list every property in `required` (an optional one as a union with `null`); or ignore it if the tool stays on OpenMic.",
)
