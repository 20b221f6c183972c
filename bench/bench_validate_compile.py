"""Validate + compile 5,000 generated actions, beside check-jsonschema on the same files.

Run: ``.venv/bin/python bench/bench_validate_compile.py [--actions 5000] [--runs 3]``
(or ``python -m bench.bench_validate_compile``).

Generates a project in a temporary directory: N actions, one file each (check-jsonschema
reads one document per YAML file), spread over 10 agents and 5 SMS channels, cycling
through every action type: static SMS with a template, prompt-mode SMS, custom
recipient, handover, api_call, client_action and the six native types with no UI
form. Descriptions, parameter names and schema shapes vary with the index.

Timed, each the best (minimum) of ``--runs``:

- in-process: ``load_project`` + ``validate_project`` + ``compile_project`` (the work
  ``actionctl compile`` does, without interpreter start-up);
- ``actionctl compile`` as a subprocess (what a user waits for);
- ``check-jsonschema --schemafile schemas/action.schema.json <files>`` as a subprocess
  (schema check only; ``--base-uri`` points at the file, since the schema's ``$id`` is
  not a URL it can fetch).

Goals: in-process <= 2 s and <= 0.5x check-jsonschema.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHILD_TIMEOUT = 600.0  # s; subprocess.run kills the child when it expires
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

GOAL_SECONDS = 2.0
GOAL_RATIO = 0.5
AGENTS = 10
CHANNELS = 5
SCHEMA = REPO_ROOT / "schemas" / "action.schema.json"

TOPICS = ("booking", "invoice", "delivery", "appointment", "refund", "order", "ticket")
VERBS = ("confirms", "reminds the caller about", "summarises", "updates", "cancels")


def _schema(i: int, names: list[str]) -> str:
    lines = ["parameters_schema:", "  type: object", "  properties:"]
    for k, name in enumerate(names):
        kind = ("string", "integer", "boolean")[(i + k) % 3]
        lines.append(f"    {name}:")
        lines.append(f"      type: {kind}")
        lines.append(f"      description: The {name.replace('_', ' ')} for request {i}")
        if kind == "integer":
            lines.append("      minimum: 1")
    lines.append(f"  required: [{names[0]}]")
    return "\n".join(lines) + "\n"


def _head(i: int, agent: str, type_: str) -> str:
    topic, verb = TOPICS[i % len(TOPICS)], VERBS[i % len(VERBS)]
    return (
        f"kind: action\ntype: {type_}\nagent: {agent}\nname: action_{i:05}\n"
        f"description: >-\n  Tool {i} {verb} the caller's {topic}. Use it when the caller\n"
        f"  asks about their {topic} and has confirmed their identity.\n"
    )


def action_yaml(i: int) -> str:
    agent = f"agent_{i % AGENTS:02}"
    channel = f"Channel {i % CHANNELS}"
    topic = TOPICS[i % len(TOPICS)]
    names = [f"{topic}_reference", f"{topic}_date", "customer_name"][: 1 + i % 3]
    kind = i % 12
    if kind in (0, 1, 2):
        refs = " ".join(f"{{{{ .parameters.{n} }}}}" for n in names)
        return (
            _head(i, agent, "send_text_message")
            + f"messaging_channel: {channel}\nrecipient: contact\n"
            + _schema(i, names)
            + f'message: "Hi, your {topic} #{i} is confirmed: {refs}."\n'
        )
    if kind == 3:
        return _head(i, agent, "send_text_message") + f"messaging_channel: {channel}\n"
    if kind == 4:
        return (
            _head(i, agent, "send_text_message")
            + f"messaging_channel: {channel}\n"
            + 'recipient: "{{ .parameters.phone }}"\n'
            + "parameters_schema:\n  type: object\n  properties:\n"
            + "    phone: {type: string, description: The number to text}\n"
            + "  required: [phone]\n"
            + f"message: Your {topic} details were sent by request {i}.\n"
        )
    if kind == 5:
        return (
            _head(i, agent, "handover")
            + f'phone_number: "+1555{i:07}"\ntransfer_type: {("cold", "warm")[i % 2]}\n'
        )
    if kind == 6:
        return (
            _head(i, agent, "api_call")
            + f"url: https://api.example.com/v1/{topic}s/lookup\n"
            + f"method: {('GET', 'POST')[i % 2]}\ntimeout_ms: {1000 + i % 9000}\n"
            + _schema(i, names)
        )
    if kind == 7:
        return _head(i, agent, "client_action") + _schema(i, names)
    return _head(i, agent, f"openmic.{_NATIVE[kind - 8][0]}") + _NATIVE[kind - 8][1](i)


_NATIVE: list[tuple[str, Callable[[int], str]]] = [
    ("end_call", lambda i: f"static_params:\n  end_message: Goodbye from desk {i}!\n"),
    ("dtmf", lambda i: f'static_params:\n  digits: "{i % 10}"\n'),
    (
        "send_email",
        lambda i: (
            "static_params:\n  to: '{{email}}'\n"
            f"  subject: Your request {i}\n  body: Hello, here is request {i}.\n"
        ),
    ),
    (
        "check_calendar_availability",
        lambda i: f"static_params:\n  calendar_integration: clio\n  days_ahead: {1 + i % 30}\n",
    ),
]


def generate(root: Path, actions: int) -> list[Path]:
    """A deterministic project under ``root``; returns the action files."""
    (root / "channels").mkdir(parents=True)
    agents = "\n".join(f"      agent_{a:02}: uid_dev_{a:02}" for a in range(AGENTS))
    (root / "actionctl.yaml").write_text(
        f"platform: local\ndefault_environment: dev\nenvironments:\n  dev:\n    agents:\n{agents}\n"
    )
    for c in range(CHANNELS):
        (root / "channels" / f"channel_{c}.yaml").write_text(
            f'kind: channel\nname: Channel {c}\nphone_number: "+1555000000{c}"\n'
            "capabilities: [sms]\n"
        )
    files = []
    for i in range(actions):
        path = root / "actions" / f"agent_{i % AGENTS:02}" / f"action_{i:05}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(action_yaml(i))
        files.append(path)
    return files


def in_process(root: Path) -> tuple[float, int, list[Any]]:
    """Seconds for load + validate + compile; the number of tools; the diagnostics."""
    from compiler.compile import compile_project
    from compiler.load import load_project
    from compiler.validate import validate_project

    gc.collect()  # garbage of an earlier run is not this run's cost
    start = time.perf_counter()
    loaded = load_project(root)
    assert loaded.project is not None
    diagnostics = list(loaded.diagnostics) + validate_project(loaded.project)
    environment = loaded.project.config.environment(None)
    assert environment is not None
    result = compile_project(loaded.project, environment)
    elapsed = time.perf_counter() - start
    return elapsed, len(result.tools), diagnostics + result.diagnostics


def _timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=CHILD_TIMEOUT
    )
    return time.perf_counter() - start, done


def _tool(name: str) -> str:
    script = Path(sys.executable).with_name(name)
    return str(script) if script.is_file() else shutil.which(name) or name


def run(actions: int = 5000, runs: int = 3) -> dict[str, Any]:
    """Generate, time, and return the figures (seconds; ratio = ours / check-jsonschema)."""
    with tempfile.TemporaryDirectory(prefix="actionctl-bench-") as tmp:
        root = Path(tmp) / "project"
        files = generate(root, actions)
        timings: list[float] = []
        tools, diagnostics = 0, list[Any]()
        for _ in range(runs):
            elapsed, tools, diagnostics = in_process(root)
            timings.append(elapsed)
        cli_timings = []
        for _ in range(runs):
            elapsed, done = _timed(
                [_tool("actionctl"), "--project", str(root), "compile", "--out", f"{tmp}/out.json"]
            )
            if done.returncode != 0:
                raise RuntimeError(f"actionctl compile failed: {done.stderr[-2000:]}")
            cli_timings.append(elapsed)
        schema_command = [
            _tool("check-jsonschema"),
            "--base-uri",
            SCHEMA.as_uri(),
            "--schemafile",
            str(SCHEMA),
            *map(str, files),
        ]
        cjs_timings = []
        for _ in range(runs):
            elapsed, done = _timed(schema_command)
            if done.returncode != 0:
                raise RuntimeError(f"check-jsonschema failed: {done.stdout[-2000:]}")
            cjs_timings.append(elapsed)
    ours, cjs = min(timings), min(cjs_timings)
    errors = [d for d in diagnostics if d.is_error]
    return {
        "actions": actions,
        "tools": tools,
        "errors": len(errors),
        "warnings": len(diagnostics) - len(errors),
        "validate_compile_s": ours,
        "cli_compile_s": min(cli_timings),
        "check_jsonschema_s": cjs,
        "ratio": ours / cjs,
        "cli_ratio": min(cli_timings) / cjs,
        "meets_goal": ours <= GOAL_SECONDS and ours / cjs <= GOAL_RATIO,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    result = run(args.actions, args.runs)
    print(f"actions:                         {result['actions']} ({result['tools']} compiled)")
    print(
        f"diagnostics:                     {result['errors']} errors, {result['warnings']} warnings"
    )
    print(f"load+validate+compile (in-proc): {result['validate_compile_s']:.3f} s")
    print(f"actionctl compile (subprocess):  {result['cli_compile_s']:.3f} s")
    print(f"check-jsonschema (subprocess):   {result['check_jsonschema_s']:.3f} s")
    print(
        f"ratio: {result['ratio']:.2f}x in-process, {result['cli_ratio']:.2f}x as CLI "
        f"(goal <= {GOAL_SECONDS:.0f} s and <= {GOAL_RATIO}x)"
    )
    verdict = "meets" if result["meets_goal"] else "MISSES"
    print(f"{verdict} the goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
