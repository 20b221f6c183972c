"""The hostile-input corpus: committed files in ``corpus/`` plus large ones generated on
demand (so the repository does not carry megabytes), and a runner that validates one
file in a real ``python -m compiler`` process while measuring its time and peak RSS.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.children import PEAK_WRAPPER
from tests.reliability.fleet import subprocess_env

CORPUS = Path(__file__).parent / "corpus"
MIB = 1024 * 1024
PROJECT_FILE = """\
platform: local
default_environment: dev
environments:
  dev:
    agents: {support: agent_support_dev}
"""

HEADER = "kind: action\ntype: openmic.end_call\nagent: support\n"


def _action(name: str, description: str = "Ends the call") -> str:
    return f"{HEADER}name: {name}\ndescription: {description}\n"


def _many_documents(n: int) -> str:
    return "".join(f"---\n{_action(f'tool_{i}')}" for i in range(n))


def _many_errors(n: int) -> str:
    return "".join(f"---\n{_action(f'tool_{i}')}unknwn_field_{i % 7}: x\n" for i in range(n))


def _deep_block(levels: int) -> str:
    lines = [HEADER + "name: deep_block", "static_params:"]
    lines += ["  " * (i + 1) + "k:" for i in range(levels)]
    return "\n".join(lines) + " end\n"


def _wide_mapping(keys: int) -> str:
    return _action("wide") + "".join(f"extra_key_{i}: {i}\n" for i in range(keys))


def _many_aliases(n: int) -> str:
    body = "  - *s\n" * n
    return _action("aliases") + "static_params:\n  end_message: &s Bye\nx:\n" + body


# name -> text generator. Sizes push against the loader's limits from both sides.
GENERATED: dict[str, Callable[[], str]] = {
    "huge_description_1mib_plus.yaml": lambda: _action("big", "x" * (MIB + 10)),
    "huge_description_under_limit.yaml": lambda: _action("big", "y" * (MIB - 200)),
    "huge_name.yaml": lambda: _action("n" * (MIB - 200)),
    "huge_key.yaml": lambda: _action("bigkey") + "k" * (MIB - 200) + ": 1\n",
    "huge_unquoted_trap.yaml": lambda: _action("trap", "no") + "digits: " + "1" * 500_000 + "\n",
    "deep_flow_100k.yaml": lambda: HEADER + "name: d\nx: " + "[" * 100_000 + "]" * 100_000,
    "deep_block_400.yaml": lambda: _deep_block(400),
    "many_documents_6000.yaml": lambda: _many_documents(6000),
    "many_empty_documents_250k.yaml": lambda: "---\n" * 250_000,
    "many_errors_5000.yaml": lambda: _many_errors(5000),
    "wide_mapping_40k_keys.yaml": lambda: _wide_mapping(40_000),
    "many_aliases_9000.yaml": lambda: _many_aliases(9000),
    "long_single_line.yaml": lambda: _action("line") + "x: [" + "1," * 450_000 + "1]\n",
}


def corpus_names() -> list[str]:
    return sorted(p.name for p in CORPUS.glob("*.yaml")) + sorted(GENERATED)


def corpus_bytes(name: str) -> bytes:
    if name in GENERATED:
        return GENERATED[name]().encode("utf-8")
    return (CORPUS / name).read_bytes()


@dataclass
class Measured:
    exit_code: int
    stdout: str
    stderr: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float

    def diagnostics(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(self.stdout)
        return data


def project_with(root: Path, name: str, data: bytes) -> Path:
    (root / "actions").mkdir(parents=True)
    (root / "actionctl.yaml").write_text(PROJECT_FILE)
    (root / "actions" / name).write_bytes(data)
    return root


def measure(args: list[str], cwd: Path, timeout_s: float = 60.0) -> Measured:
    """``actionctl ARGS`` in its own process: wall time, CPU time (wait4) and peak RSS."""
    out, err, peak = cwd / "stdout.txt", cwd / "stderr.txt", cwd / "peak-kib.txt"
    command = [sys.executable, "-c", PEAK_WRAPPER, *args]
    env = subprocess_env(ACTIONCTL_PEAK_FILE=str(peak))
    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env)
        killer = threading.Timer(timeout_s, os.kill, (process.pid, signal.SIGKILL))
        killer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Measured(
        exit_code=process.returncode,
        stdout=out.read_text(encoding="utf-8", errors="replace"),
        stderr=err.read_text(encoding="utf-8", errors="replace"),
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=int(peak.read_text()) / 1024 if peak.exists() else float("inf"),
    )


def validate_measured(root: Path) -> Measured:
    """``actionctl validate --format json`` on the project, in its own process."""
    return measure(["--project", str(root), "--no-color", "validate", "--format", "json"], root)
