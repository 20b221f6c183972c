"""The files ``actionctl init`` writes: a project that validates and plans as it is.

Every file is commented for a first reader; the example action and channel are the
README's (send_booking_confirmation through the channel "Customer notifications").
With ``--import`` only the project file is written here: the tools come from the
account, written by the importer.
"""

from __future__ import annotations

PROJECT_FILE = "actionctl.yaml"
# Written only where there is no .gitignore yet: the local platform's state and locks.
GITIGNORE = (
    "# actionctl: the embedded local platform's state (not part of the project)\n.actionctl/\n"
)
EXAMPLE_CHANNEL = "channels/customer-notifications.yaml"
EXAMPLE_ACTION = "actions/support/send_booking_confirmation.yaml"
EXAMPLE_TEST = "tests/support/send_booking_confirmation.test.yaml"

_LOCAL_PLATFORM = """\
# The embedded local platform (SQLite in .actionctl/): plan and apply work offline.
# For the real API: platform: openmic, and export OPENMIC_API_KEY.
platform: local
"""

_OPENMIC_PLATFORM = """\
# The OpenMic API. The key is read from the variable named by api_key_env (never
# written here): export OPENMIC_API_KEY=...  OPENMIC_BASE_URL overrides base_url.
platform: openmic
base_url: https://api.openmic.ai
api_key_env: OPENMIC_API_KEY
"""

_ENVIRONMENTS = """\
default_environment: dev
environments:
  # Logical agent names (the `agent:` of each action) -> platform agent uids.
  dev:
    agents:
{agents}
# Tools on managed agents that no file declares are deleted only with prune: true.
prune: false
# Warnings to drop or make fatal (docs/codes/rules.md). For one line only, end that
# line with the comment  # actionctl: ignore[M510]
# rules:
#   ignore: [M510]
#   per_path_ignores: {{"actions/legacy/*": [T421]}}
#   severity: {{N304: error}}
"""

CHANNEL = """\
# A messaging channel: a phone number your actions send SMS from.
kind: channel
name: Customer notifications
phone_number: "+15550000001"  # E.164, quoted (an unquoted number is not text)
capabilities: [sms]
description: Outbound booking confirmations.
"""

ACTION = """\
# An action the voice agent can call. `actionctl validate` checks it, `actionctl plan`
# shows what apply would create. Types: `actionctl schema --list`.
kind: action
type: send_text_message
agent: support  # logical agent: mapped to a platform uid in actionctl.yaml
name: send_booking_confirmation
description: >-
  Sends a booking confirmation SMS to the caller. Use after the booking has been
  created and the caller has confirmed the date and time.
messaging_channel: Customer notifications  # a channel in channels/
recipient: contact  # the caller's number
parameters_schema:
  type: object
  properties:
    booking_reference:
      type: string
      description: The booking reference number
  required: [booking_reference]
# {{ .parameters.NAME }} is filled in by the platform when the SMS is sent.
message: "Hi, your booking is confirmed! Reference: {{ .parameters.booking_reference }}."
"""


TEST = """\
# Offline tests of the example action: `actionctl test` renders the SMS the caller
# receives from sample arguments, and checks them against parameters_schema. No network,
# no key, no real SMS (docs/testing.md; `actionctl test --init AGENT/NAME` starts one).
kind: test
action: support/send_booking_confirmation
# true: also pin the payload it compiles to (tests/golden/); `actionctl test --update`
# writes it, and a change to the payload then fails until it is reviewed and updated.
golden: false
cases:
  - name: confirms the reference
    parameters:
      booking_reference: BK-20931
    expect:
      text: "Hi, your booking is confirmed! Reference: BK-20931."
      encoding: GSM-7
      segments: 1
      recipient: caller
  - name: the agent must give a reference
    parameters: {}
    expect_failures: [required]
"""


def project_file(platform: str, agents: dict[str, str] | None) -> str:
    """``agents`` None: the example's mapping; empty: none (each agent is its own uid)."""
    head = _OPENMIC_PLATFORM if platform == "openmic" else _LOCAL_PLATFORM
    mapping = {"support": "agent_support_dev"} if agents is None else agents
    lines = "\n".join(f"      {_key(name)}: {_key(uid)}" for name, uid in mapping.items())
    text = _ENVIRONMENTS.format(agents=lines)
    if not mapping:
        text = text.replace("    agents:\n\n", "    agents: {}\n")
    return head + text


def example_files(platform: str, agents: dict[str, str] | None) -> dict[str, str]:
    return {
        PROJECT_FILE: project_file(platform, agents),
        EXAMPLE_CHANNEL: CHANNEL,
        EXAMPLE_ACTION: ACTION,
        EXAMPLE_TEST: TEST,
    }


def _key(text: str) -> str:
    """A name or uid as YAML text: quoted unless plainly safe (a uid may be anything)."""
    import json

    safe = text.replace("_", "").replace("-", "").isalnum() and not text[0].isdigit()
    return text if safe and text.lower() not in _YAML11_WORDS else json.dumps(text)


_YAML11_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "y", "n", "null", "~"})
