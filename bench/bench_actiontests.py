"""``actionctl test`` on 1,000 cases, against ``actionctl validate`` of the same project.

Run: ``.venv/bin/python bench/bench_actiontests.py [--cases 1000] [--runs 5]``.

Generates a project (bench/.work/actiontests/, git-ignored) of SMS actions, API calls
and handovers in one environment, each with a test file of four cases: the rendered
text with its encoding and segments, a sender, a worst case with a segment ceiling and
an expected schema failure (SMS); a request (API call); a number (handover). Golden
payloads are written once with ``--update``. Both commands run as subprocesses, the way
a user or CI runs them; each figure is the best of the runs. Goal: 1,000 cases in
<= 2 s. The answer is checked too: every case passes, and a broken message fails.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: bench/ and the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.children import as_installed

CHILD_TIMEOUT = 600.0
GOAL_SECONDS = 2.0
CASES_PER_ACTION = 4
WORK = Path(__file__).resolve().parent / ".work" / "actiontests"


def actionctl() -> str:
    script = Path(sys.executable).with_name("actionctl")
    return str(script) if script.is_file() else shutil.which("actionctl") or "actionctl"


def generate(root: Path, cases: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "channels").mkdir(parents=True)
    (root / "actionctl.yaml").write_text(
        "platform: local\ndefault_environment: dev\nenvironments:\n  dev:\n    agents:\n"
        "      agent: uid_agent\n"
    )
    (root / "channels" / "notify.yaml").write_text(
        'kind: channel\nname: Notify\nphone_number: "+15550000001"\ncapabilities: [sms]\n'
    )
    for i in range(cases // CASES_PER_ACTION):
        kind = ("sms", "sms", "api", "handover")[i % 4]
        action, test = _SMS if kind == "sms" else _API if kind == "api" else _HANDOVER
        _write(root / "actions" / "agent" / f"a{i:04}.yaml", action.format(i=i))
        _write(root / "tests" / "agent" / f"a{i:04}.test.yaml", test.format(i=i))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


_SMS = (
    """\
kind: action
type: send_text_message
agent: agent
name: a{i}
description: Texts the caller the booking reference number {i}.
messaging_channel: Notify
recipient: contact
parameters_schema:
  type: object
  properties:
    ref: {{type: string, maxLength: 20, description: The reference}}
  required: [ref]
message: "Booking {i} confirmed, reference {{{{ .parameters.ref }}}}."
""",
    """\
kind: test
action: agent/a{i}
cases:
- name: text
  parameters: {{ref: BK-{i}}}
  expect: {{text: "Booking {i} confirmed, reference BK-{i}.", encoding: GSM-7, segments: 1}}
- name: sender
  parameters: {{ref: BK-{i}}}
  expect: {{sender: "+15550000001", recipient: caller, contains: BK-{i}}}
- name: worst
  worst_case: {{}}
  expect: {{max_segments: 2}}
- name: rejects
  parameters: {{}}
  expect_failures: [required]
""",
)


def _cases(expect: str, parameters: str = "") -> str:
    """CASES_PER_ACTION cases of one test file (``{n}``: the case number)."""
    return "".join(
        f"- name: c{n}\n" + parameters.format(n=n) + expect.format(n=n)
        for n in range(CASES_PER_ACTION)
    )


_API = (
    """\
kind: action
type: api_call
agent: agent
name: a{i}
description: Looks up booking {i} in the backend.
url: https://api.example.com/b{i}
method: GET
parameters_schema:
  type: object
  properties:
    ref: {{type: string, description: The reference}}
  required: [ref]
""",
    "kind: test\naction: agent/a{i}\ncases:\n"
    + _cases(
        "  expect: {{{{request: {{{{method: GET, query: {{{{ref: R{n}}}}}}}}}}}}}\n",
        "  parameters: {{{{ref: R{n}}}}}\n",
    ),
)
_HANDOVER = (
    """\
kind: action
type: handover
agent: agent
name: a{i}
description: Transfers the call to desk {i}.
phone_number: "+1555000{i:04}"
transfer_type: cold
""",
    "kind: test\naction: agent/a{i}\ncases:\n"
    + _cases('  expect: {{{{number: "+1555000{{i:04}}"}}}}\n'),
)


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=CHILD_TIMEOUT, env=as_installed()
    )
    return time.perf_counter() - start, done.returncode, done.stdout + done.stderr


def best(command: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        elapsed, code, output = timed(command, cwd)
        if code != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({code}):\n{output[-2000:]}")
        times.append(elapsed)
    return min(times)


def run(cases: int = 1000, runs: int = 5) -> dict[str, Any]:
    generate(WORK, cases)
    tool = actionctl()
    subprocess.run([tool, "test", "--update"], cwd=WORK, capture_output=True, timeout=CHILD_TIMEOUT)
    _, code, output = timed([tool, "test", "--format", "json"], WORK)
    results = json.loads(output)["results"] if code == 0 else []
    cases_passed = sum(1 for r in results if r["kind"] == "case" and r["status"] == "passed")
    test_s = best([tool, "test"], WORK, runs)
    validate_s = best([tool, "validate"], WORK, runs)
    breaks = _breaking_a_message_fails(tool)
    return {
        "cases_passed": cases_passed,
        "runs": runs,
        "test_s": test_s,
        "validate_s": validate_s,
        "ratio_test_to_validate": test_s / validate_s,
        "broken_message_fails": breaks,
        "goal_s": GOAL_SECONDS,
        "meets_goal": test_s <= GOAL_SECONDS and cases_passed == cases and breaks,
    }


def _breaking_a_message_fails(tool: str) -> bool:
    path = WORK / "actions" / "agent" / "a0000.yaml"
    original = path.read_text()
    path.write_text(original.replace("confirmed", "confirmd"))
    try:
        _, code, output = timed([tool, "test", "-k", "agent/a0::text"], WORK)
    finally:
        path.write_text(original)
    return code == 1 and "U120" in output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    figures = run(args.cases, args.runs)
    for key, value in figures.items():
        print(f"{key}: {value}")
    return 0 if figures["meets_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())
