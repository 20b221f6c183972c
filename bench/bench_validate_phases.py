"""Where ``validate`` and ``compile`` spend their CPU, beside the parse floor.

Run: ``.venv/bin/python bench/bench_validate_phases.py [--actions 5000 50000] [--runs 3]``
(``python -m bench --only phases`` runs 5,000 actions; 50,000 is the slow figure, asked
for with ``--actions``).

The floor is what no YAML tool can skip: reading every file of the generated project
(bench/bench_validate_compile.py's, one action per file) with PyYAML's C loader,
``yaml.load(f, Loader=yaml.CSafeLoader)``, in process. Every figure is CPU time
(``time.process_time``, user + system: what the shared machine's other load disturbs
least) and is given as a ratio to the floor measured in the same run. Each is the best
(minimum) of ``--runs``.

Phases of ``validate`` (each timed alone, in process, over the same project):

- load: ``read_yaml_file`` of every file (parse, positions);
- schema: the schema checks of those documents (kind, type, the type's schema);
- rules: every validate rule over the loaded project;
- compile step: ``compile_diagnostics`` (each action compiled per distinct input);
- total: the whole ``validate`` use case (``compiler.compile.checks.validate``), timed
  on its own (it is not the sum: the phases are timed one by one).

``actionctl compile --out FILE`` runs as a subprocess; its CPU (user + system, from
``os.wait4``, interpreter start-up included) is given as a ratio to the floor, and its
peak resident memory (its own ``VmHWM``, written at exit) in MB.

Goals: validate total <= 1.5x the floor; compile of 50,000 actions <= 2x the floor and
<= 400 MB.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: bench/ and the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_validate_compile import generate
from bench.children import PEAK_WRAPPER, as_installed

GOAL_VALIDATE = 1.5
GOAL_COMPILE = 2.0
GOAL_COMPILE_MB = 400.0
COMPILE_GOAL_ACTIONS = 50_000
CHILD_TIMEOUT = 900.0  # s


def _cpu(work: Callable[[], Any], runs: int) -> float:
    """Best CPU seconds of ``runs`` calls of ``work``."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()  # an earlier run's garbage is not this run's cost
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def _side_by_side(works: dict[str, Callable[[], Any]], runs: int) -> dict[str, float]:
    """Best CPU seconds of each work, the works run in turn in every round: on a shared
    machine the load changes from minute to minute, and a ratio of two figures is only
    fair when both had the same chances."""
    best = dict.fromkeys(works, float("inf"))
    for _ in range(runs):
        for name, work in works.items():
            best[name] = min(best[name], _cpu(work, 1))
    return best


def _floor(files: list[Path]) -> Callable[[], Any]:
    import yaml

    def parse() -> None:
        for path in files:
            with open(path, encoding="utf-8") as handle:
                yaml.load(handle, Loader=yaml.CSafeLoader)

    return parse


def _phases(root: Path, floor: Callable[[], Any], runs: int) -> dict[str, float]:
    """CPU seconds of each phase of validate (see the module's docstring), and of the
    floor and the whole validate measured side by side."""
    from compiler.compile.checks import validate
    from compiler.load.files import find_document_files
    from compiler.load.project import _add_document
    from compiler.load.yaml_source import read_yaml_file
    from compiler.model import Project, ProjectConfig

    found = find_document_files(root).documents
    read: list[Any] = []

    def load() -> None:
        read.clear()  # (the last run's documents are not alive while this one loads)
        read.extend((f, read_yaml_file(f.path, f.display)) for f in found)

    def schema() -> None:
        project = Project(root=root, config=ProjectConfig())
        for document_file, result in read:
            for loaded in result.documents:
                _add_document(project, loaded, document_file.folder, [])

    figures = {"load": _cpu(load, runs), "schema": _cpu(schema, runs)}
    read.clear()
    figures.update(_rules_and_compile(root, runs))
    figures.update(_side_by_side({"floor": floor, "total": lambda: validate(root)}, runs))
    return figures


def _rules_and_compile(root: Path, runs: int) -> dict[str, float]:
    from compiler.compile.checks import compile_diagnostics
    from compiler.load import load_project
    from compiler.validate import rule_diagnostics

    loaded = load_project(root)
    project = loaded.project
    assert project is not None
    rules = rule_diagnostics(project)
    return {
        "rules": _cpu(lambda: rule_diagnostics(project), runs),
        "compile_step": _cpu(lambda: compile_diagnostics(project, rules), runs),
    }


def _compile_child(root: Path, out: Path) -> tuple[float, float]:
    """CPU seconds (wait4: user + system, start-up included) and peak resident MB of
    ``actionctl compile --out`` in a process of its own."""
    peak = out.with_name("peak-kib.txt")
    command = [sys.executable, "-c", PEAK_WRAPPER, "--project", str(root), "compile"]
    env = {**as_installed(), "ACTIONCTL_PEAK_FILE": str(peak)}
    process = subprocess.Popen(
        [*command, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        process.returncode = 0  # reaped by wait4: Popen must not wait again
    stderr = process.stderr.read() if process.stderr is not None else b""
    if process.stderr is not None:
        process.stderr.close()
    if status != 0:
        raise RuntimeError(f"actionctl compile failed: {stderr[-2000:]!r}")
    return usage.ru_utime + usage.ru_stime, int(peak.read_text()) / 1024


def measure(actions: int, runs: int) -> dict[str, Any]:
    """Figures for one project of ``actions`` actions, keys suffixed with the size."""
    with tempfile.TemporaryDirectory(prefix="actionctl-phases-") as tmp:
        root = Path(tmp) / "project"
        files = generate(root, actions)
        phases = _phases(root, _floor(files), runs)
        floor = phases.pop("floor")
        compiles = [_compile_child(root, Path(tmp) / "out.json") for _ in range(runs)]
    compile_cpu = min(cpu for cpu, _ in compiles)
    compile_mb = max(mb for _, mb in compiles)
    size = _label(actions)
    figures: dict[str, Any] = {f"floor_{size}_s": floor}
    for name, seconds in phases.items():
        figures[f"{name}_{size}_s"] = seconds
        figures[f"{name}_{size}_ratio"] = seconds / floor
    figures[f"compile_cli_{size}_s"] = compile_cpu
    figures[f"compile_cli_{size}_ratio"] = compile_cpu / floor
    figures[f"compile_cli_{size}_peak_mb"] = compile_mb
    # compile's goals are for 50,000 actions: on fewer, the interpreter's start-up
    # (~0.1 s) is a large part of the figure.
    compile_ok = compile_cpu / floor <= GOAL_COMPILE and compile_mb <= GOAL_COMPILE_MB
    figures[f"meets_goal_{size}"] = phases["total"] / floor <= GOAL_VALIDATE and (
        compile_ok or actions < COMPILE_GOAL_ACTIONS
    )
    return figures


def _label(actions: int) -> str:
    """How figures name a project size: ``5k`` for 5,000 actions."""
    return f"{actions // 1000}k" if actions >= 1000 else str(actions)


def run(sizes: tuple[int, ...] = (5000,), runs: int = 3) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for actions in sizes:
        figures.update(measure(actions, runs))
    first = _label(sizes[0])
    figures["validate_ratio"] = figures[f"total_{first}_ratio"]
    figures["meets_goal"] = all(figures[f"meets_goal_{_label(a)}"] for a in sizes)
    return figures


def table(figures: dict[str, Any], sizes: tuple[int, ...]) -> str:
    """The phases table: CPU seconds and the ratio to the floor, per size."""
    lines = ["| phase | " + " | ".join(f"{a:,} actions" for a in sizes) + " |"]
    lines.append("|---|" + "---|" * len(sizes))
    names = ["floor", "load", "schema", "rules", "compile_step", "total", "compile_cli"]
    for name in names:
        cells = []
        for actions in sizes:
            size = _label(actions)
            seconds = figures[f"{name}_{size}_s"]
            ratio = figures.get(f"{name}_{size}_ratio", 1.0)
            cells.append(f"{seconds:.3f} s ({ratio:.2f}x)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    peaks = [f"{figures[f'compile_cli_{_label(a)}_peak_mb']:.0f} MB" for a in sizes]
    lines.append("| compile_cli peak RSS | " + " | ".join(peaks) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, nargs="+", default=[5000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = tuple(args.actions)
    figures = run(sizes, args.runs)
    print(table(figures, sizes))
    print(
        f"goals: validate <= {GOAL_VALIDATE}x, compile <= {GOAL_COMPILE}x and "
        f"<= {GOAL_COMPILE_MB:.0f} MB: {'met' if figures['meets_goal'] else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
