"""Validate one action whose message holds 16,000 stray ``}}``, and one of
450 KB mixing references, trims, comments and errors, beside loading the same files.

Run: ``.venv/bin/python -m bench.bench_templates``. Timed, each the best of 3:
``load_project`` alone (the baseline: reading the YAML) and ``load_project`` +
``validate_project``. Goal: the 16,000 errors validated in well under a second
(<= 0.5 s); the 450 KB file (21,000 actions, 5,000 of them errors) is reported beside.
Before the template parser was rewritten, the first took 17.8 s and the second over a
minute (each error rescanned the file).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from compiler.gotemplate.parser import parse_template
from compiler.load import load_project
from compiler.validate import validate_project

GOAL_SECONDS = 0.5
HEADER = "kind: action\ntype: send_text_message\nagent: support\nname: n{i}\n"
PARAMS = "parameters_schema:\n  type: object\n  properties:\n    x: {type: string}\n"


def _messages() -> dict[str, str]:
    chunk = "Hi {{ .parameters.x }}, {{- /* note */ -}} see {{ .variables.call.from }} {{ if }} }} "
    return {"stray": " }}" * 16_000, "mixed": (chunk * (450_000 // len(chunk)))}


def _best(action: Any, runs: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        parse_template.cache_clear()  # each run parses afresh, as a new process would
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return min(times), result


def run() -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as directory:
        for i, (name, message) in enumerate(_messages().items()):
            root = Path(directory) / name
            (root / "actions").mkdir(parents=True)
            body = HEADER.format(i=i) + PARAMS + "message: '" + message + "'\n"
            (root / "actions" / "a.yaml").write_text(body, encoding="utf-8")
            load_s, _ = _best(lambda root=root: load_project(root))
            total_s, found = _best(
                lambda root=root: validate_project(load_project(root).project)  # type: ignore[arg-type]
            )
            figures[f"{name}_file_kb"] = round(len(body) / 1000)
            figures[f"{name}_load_s"] = load_s
            figures[f"{name}_validate_s"] = total_s
            figures[f"{name}_diagnostics"] = len(found)
    figures["stray_ratio_to_load"] = figures["stray_validate_s"] / figures["stray_load_s"]
    figures["mixed_ratio_to_load"] = figures["mixed_validate_s"] / figures["mixed_load_s"]
    figures["meets_goal"] = figures["stray_validate_s"] <= GOAL_SECONDS
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
