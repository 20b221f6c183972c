"""Small projects, generated from a seed, with seeded mutations of the kind people (and
YAML) make: nulls, empties, YAML dates and ints where strings go, unknown types,
duplicate names, flow-mapping comma slips, missing channels, ``.inf`` values, messages
that render to nothing, unmapped agents.

``generate(seed, platform, url)`` -> {path: text}: a deterministic project. The texts
are YAML as a person writes it (not dumped), so the mutations are edits of text.
"""

from __future__ import annotations

import random
from collections.abc import Callable

KEY_ENV = "ACTIONCTL_DIFFERENTIAL_KEY"
AGENT_UIDS = {"support": "agent_support_dev", "billing": "agent_billing_dev"}
PROD_UIDS = {"support": "agent_support_prod", "billing": "agent_billing_prod"}

Files = dict[str, str]

SCHEMA = """\
parameters_schema:
  type: object
  properties:
    booking_reference:
      type: string
      description: The booking reference, e.g. BK-20931
    party_size:
      type: integer
      minimum: 1
      maximum: 12
  required: [booking_reference]
"""

SMS = """\
kind: action
type: send_text_message
agent: {agent}
name: {name}
description: Sends the caller a confirmation of the booking.
messaging_channel: {channel}
message: "Booking {{{{ .parameters.booking_reference }}}} for {{{{ .parameters.party_size }}}}."
"""

HANDOVER = """\
kind: action
type: handover
agent: {agent}
name: {name}
description: Transfers the call to the front desk.
phone_number: "+15550000100"
transfer_type: cold
"""

API_CALL = """\
kind: action
type: api_call
agent: {agent}
name: {name}
description: Looks up an existing booking by its reference.
url: https://bookings.example.com/api/v1/lookup
method: GET
timeout_ms: 5000
"""

CLIENT = """\
kind: action
type: client_action
agent: {agent}
name: {name}
description: Opens the booking form in the caller's web chat.
"""

END_CALL = """\
kind: action
type: openmic.end_call
agent: {agent}
name: {name}
description: Ends the call once the caller has said goodbye.
static_params:
  end_message: Goodbye!
"""

KINDS: dict[str, tuple[str, bool]] = {  # type -> (template, takes a parameters schema)
    "sms": (SMS, True),
    "handover": (HANDOVER, False),
    "api_call": (API_CALL, True),
    "client": (CLIENT, True),
    "end_call": (END_CALL, False),
}


def generate(seed: int, platform: str, url: str = "") -> Files:
    rng = random.Random(seed)
    channels = ["Main desk", "Billing desk", "Reminders"][: rng.randint(1, 3)]
    files: Files = {"actionctl.yaml": _config(platform, url, channels, rng)}
    for index, name in enumerate(channels):
        files[f"channels/ch{index}.yaml"] = _channel(name, index)
    for index in range(rng.randint(1, 4)):
        kind = rng.choice(list(KINDS))
        template, takes_schema = KINDS[kind]
        agent = rng.choice(list(AGENT_UIDS))
        text = template.format(agent=agent, name=f"{kind}_{index}", channel=rng.choice(channels))
        if takes_schema and rng.random() < 0.8:
            text += SCHEMA
        files[f"actions/{agent}/{kind}_{index}.yaml"] = text
    for _ in range(rng.randint(0, 2)):
        mutation = rng.choice(MUTATIONS)
        mutation(files, rng)
    if rng.random() < 0.1:  # alone, so that it is often the only mistake
        unmapped_agent(files, rng)
    return files


def _config(platform: str, url: str, channels: list[str], rng: random.Random) -> str:
    lines = [f"platform: {platform}"]
    if platform == "openmic":
        lines += [f"base_url: {url}", f"api_key_env: {KEY_ENV}", "rate_limit:"]
        lines += ["  requests_per_minute: null"]
    lines += ["default_environment: dev", "environments:", "  dev:", "    agents:"]
    lines += [f"      {agent}: {uid}" for agent, uid in AGENT_UIDS.items()]
    lines += ["  prod:", "    agents:"]
    lines += [f"      {agent}: {uid}" for agent, uid in PROD_UIDS.items()]
    if rng.random() < 0.5:
        lines += ["    channels:", f'      {channels[0]}: "+15550100001"']
    return "\n".join(lines) + "\n"


def _channel(name: str, index: int) -> str:
    return f'kind: channel\nname: {name}\nphone_number: "+1555000000{index}"\ncapabilities: [sms]\n'


def _actions(files: Files) -> list[str]:
    return sorted(path for path in files if path.startswith("actions/"))


def _edit(files: Files, rng: random.Random, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in one action that holds it (if any does)."""
    holders = [path for path in _actions(files) if old in files[path]]
    if holders:
        path = rng.choice(holders)
        files[path] = files[path].replace(old, new, 1)


def _set_line(files: Files, rng: random.Random, key: str, value: str) -> None:
    """Give the top-level ``key`` of one action the text ``value`` (added when absent)."""
    path = rng.choice(_actions(files))
    lines = files[path].splitlines()
    for index, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            lines[index] = f"{key}: {value}".rstrip()
            break
    else:
        lines.append(f"{key}: {value}".rstrip())
    files[path] = "\n".join(lines) + "\n"


def null_value(files: Files, rng: random.Random) -> None:
    key = rng.choice(["description", "message", "phone_number", "url", "name", "timeout_ms"])
    _set_line(files, rng, key, rng.choice(["", "~", "null"]))


def empty_value(files: Files, rng: random.Random) -> None:
    key = rng.choice(["description", "message", "phone_number", "url", "prompt"])
    _set_line(files, rng, key, rng.choice(['""', '" "', "''", '"\\n"']))


def date_or_int(files: Files, rng: random.Random) -> None:
    key = rng.choice(["description", "message", "name", "phone_number", "messaging_channel"])
    _set_line(files, rng, key, rng.choice(["2026-01-01", "12", "12:30", "0x1F", "yes"]))


def schema_date_or_int(files: Files, rng: random.Random) -> None:
    old = "description: The booking reference, e.g. BK-20931"
    new = rng.choice(
        ["description: 2026-01-01", "description: 12", "default: 2026-01-01", "default: ~"]
    )
    _edit(files, rng, old, new)


def unknown_type(files: Files, rng: random.Random) -> None:
    _set_line(files, rng, "type", rng.choice(["send_fax", "openmic.fax", "Handover", "12"]))


def duplicate_name(files: Files, rng: random.Random) -> None:
    actions = _actions(files)
    source = rng.choice(actions)
    files[source.replace(".yaml", "_copy.yaml")] = files[source]


def comma_slip(files: Files, rng: random.Random) -> None:
    old = (
        "    booking_reference:\n      type: string\n"
        "      description: The booking reference, e.g. BK-20931\n"
    )
    new = (
        "    booking_reference: {type: string, description: The booking reference, e.g. BK-20931}\n"
    )
    _edit(files, rng, old, new)


def missing_channel(files: Files, rng: random.Random) -> None:
    if rng.random() < 0.5:
        _edit(files, rng, "messaging_channel: ", "messaging_channel: Gone ")
        return
    channels = sorted(path for path in files if path.startswith("channels/"))
    del files[rng.choice(channels)]


def infinite(files: Files, rng: random.Random) -> None:
    new = rng.choice(["maximum: .inf", "maximum: -.INF", "maximum: .NaN", "default: .Inf"])
    _edit(files, rng, "maximum: 12", new)


def renders_to_nothing(files: Files, rng: random.Random) -> None:
    _set_line(files, rng, "message", rng.choice(['"{{/* later */}}"', '" {{- /* x */ -}} "']))


def unmapped_agent(files: Files, rng: random.Random) -> None:
    agent = rng.choice(list(AGENT_UIDS))
    config = files["actionctl.yaml"]
    files["actionctl.yaml"] = config.replace(f"      {agent}: {AGENT_UIDS[agent]}\n", "", 1)


def template_typo(files: Files, rng: random.Random) -> None:
    new = rng.choice(
        ["{{ parameters.party_size }}", "{{ .party_size }}", "{{ .parameters.party }}"]
    )
    _edit(files, rng, "{{ .parameters.party_size }}", new)


def custom_recipient(files: Files, rng: random.Random) -> None:
    _set_line(files, rng, "recipient", '"+15557654321"')


def unknown_field(files: Files, rng: random.Random) -> None:
    _set_line(files, rng, rng.choice(["mesage", "speak_after_execution"]), "yes")


MUTATIONS: tuple[Callable[[Files, random.Random], None], ...] = (
    null_value,
    empty_value,
    date_or_int,
    schema_date_or_int,
    unknown_type,
    duplicate_name,
    comma_slip,
    missing_channel,
    infinite,
    renders_to_nothing,
    unmapped_agent,
    template_typo,
    custom_recipient,
    unknown_field,
)
