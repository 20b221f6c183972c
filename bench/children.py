"""Child processes of the benchmarks: started, and always stopped, even in the background.

A job started in the background by a shell that has no job control (``python -m bench &``
in a script, nohup, CI) ignores SIGINT, and so do its children: stopping one with SIGINT
waits forever. Children are stopped with SIGTERM (the emulator exits cleanly on it),
killed when they do not exit in time, and always reaped.
"""

from __future__ import annotations

import compileall
import os
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# ``python -m compiler`` that writes its own peak RSS (VmHWM, in KiB) to
# $ACTIONCTL_PEAK_FILE at exit (run as ``python -c PEAK_WRAPPER ARGS``). wait4's
# ru_maxrss cannot be used: Linux carries the parent's high-water mark across
# fork/vfork+exec, so every child of a big parent (a benchmark holding 50,000 actions, a
# 110 MB pytest) "peaks" at least as high. VmHWM belongs to the memory map made by exec:
# the child's own.
PEAK_WRAPPER = """\
import atexit, os, runpy, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            open(os.environ["ACTIONCTL_PEAK_FILE"], "w").write(line.split()[1])
atexit.register(_peak)
sys.argv = ["actionctl", *sys.argv[1:]]
runpy.run_module("compiler", run_name="__main__", alter_sys=True)
"""

STOP_TIMEOUT = 10.0
PACKAGE = Path(__file__).resolve().parent.parent / "compiler"


def as_installed() -> dict[str, str]:
    """The environment for a timed ``actionctl``: the package's bytecode compiled and
    used, as in an installed copy. (A sandbox or CI may set PYTHONDONTWRITEBYTECODE,
    and then every run compiles each module it imports from source: ~0.1 s on
    ``validate FILE``, which no user pays.)"""
    compileall.compile_dir(PACKAGE, quiet=1)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def stop(process: subprocess.Popen[Any], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM, then SIGKILL after ``timeout``; returns once the process is reaped."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running(command: Sequence[str], **popen: Any) -> Iterator[subprocess.Popen[Any]]:
    """``Popen(command)`` for the ``with`` body; stopped (``stop``) however it ends."""
    process = subprocess.Popen(list(command), **popen)
    try:
        yield process
    finally:
        stop(process)
