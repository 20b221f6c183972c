"""Startup time: ``actionctl --version`` beside a bare ``python -c pass``.

Run: ``.venv/bin/python bench/bench_startup.py [--runs N]``. Each command runs as a
fresh subprocess N times; the best (minimum) wall time is the figure, since the
machine is shared and noise only ever adds time. Goal: actionctl --version <= 0.12 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import threading
import time
from functools import cache
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ and the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.children import as_installed

CHILD_TIMEOUT = 600.0  # s; a watchdog kills the child when it expires
GOAL_SECONDS = 0.12


def actionctl_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m compiler``."""
    script = Path(sys.executable).with_name("actionctl")
    if script.is_file():
        return [str(script)]
    found = shutil.which("actionctl")
    return [found] if found else [sys.executable, "-m", "compiler"]


def best_of(command: list[str], runs: int) -> float:
    return min(timed(command) for _ in range(runs))


@cache
def child_env() -> dict[str, str]:
    return as_installed()


def timed(command: list[str]) -> float:
    """Wall time of one run, to the moment the child exits.

    Not ``subprocess.run(timeout=...)``: without pipes, its wait polls with doubling sleeps
    (0.5 ms, 1 ms, ... 50 ms), which rounds every time up to 31.5, 63.5, 113.5, 163.5 ms.
    ``wait()`` blocks in waitpid instead, and a watchdog kills a child that hangs."""
    start = time.perf_counter()
    devnull = subprocess.DEVNULL
    with subprocess.Popen(command, stdout=devnull, stderr=devnull, env=child_env()) as child:
        watchdog = threading.Timer(CHILD_TIMEOUT, child.kill)
        watchdog.start()
        try:
            code = child.wait()
        finally:
            watchdog.cancel()
    elapsed = time.perf_counter() - start
    if code != 0:
        raise subprocess.CalledProcessError(code, command)
    return elapsed


def run(runs: int = 15) -> dict[str, float | bool | str]:
    best_of([sys.executable, "-c", "pass"], 2)  # warm the OS file cache first
    baseline = best_of([sys.executable, "-c", "pass"], runs)
    command = actionctl_command()
    version = best_of([*command, "--version"], runs)
    module = best_of([sys.executable, "-m", "compiler", "--version"], runs)
    return {
        "command": " ".join([Path(command[0]).name, *command[1:], "--version"]),
        "runs": runs,
        "python_pass_s": baseline,
        "actionctl_version_s": version,
        "python_m_compiler_version_s": module,
        "ratio_to_python": version / baseline,
        "over_python_s": version - baseline,
        "goal_s": GOAL_SECONDS,
        "meets_goal": version <= GOAL_SECONDS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    result = run(parser.parse_args().runs)
    print(f"startup, best of {result['runs']} runs")
    print(f"  python -c pass                  {result['python_pass_s']:.3f} s  (baseline)")
    print(
        f"  actionctl --version             {result['actionctl_version_s']:.3f} s  "
        f"x{result['ratio_to_python']:.1f} baseline, +{result['over_python_s']:.3f} s"
    )
    print(f"  python -m compiler --version    {result['python_m_compiler_version_s']:.3f} s")
    verdict = "meets" if result["meets_goal"] else "MISSES"
    print(f"  goal <= {GOAL_SECONDS:.2f} s: {verdict}")
    return 0 if result["meets_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())
