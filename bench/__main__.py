"""Run every benchmark of the project and print one report: ``python -m bench``.

Each ``bench/bench_*.py`` module exposes ``run() -> dict`` of flat figures (seconds,
counts, ratios to the baseline measured in the same run). This runner calls them in
turn, prints a Markdown report with the machine's core count, and with ``--write``
saves it as bench/RESULTS.md. These machines are shared and noisy: read the ratios
(measured side by side in one run), not the absolute seconds.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
from pathlib import Path

BENCHMARKS: dict[str, str] = {
    "validate + compile, 5,000 actions": "bench.bench_validate_compile",
    "read live, 2,000 tools / 20 agents": "bench.bench_read_live",
    "apply, 300 creates vs rate limit": "bench.bench_apply",
    "startup": "bench.bench_startup",
    "pre-commit: one changed file of 1,000": "bench.bench_precommit",
}

RESULTS = Path(__file__).with_name("RESULTS.md")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only benchmarks whose module matches")
    parser.add_argument("--write", action="store_true", help="also save bench/RESULTS.md")
    args = parser.parse_args()
    sections = [_header()]
    failures = 0
    for title, module_name in BENCHMARKS.items():
        if args.only and not any(o in module_name for o in args.only):
            continue
        print(f"running {title} ...", file=sys.stderr, flush=True)
        section, ok = _run_one(title, module_name)
        failures += not ok
        sections.append(section)
        print(section, flush=True)
    if args.write:
        RESULTS.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS}", file=sys.stderr)
    return 1 if failures else 0


def _header() -> str:
    return (
        "# Benchmark results\n\n"
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}, {platform.system()}\n"
        f"- run at: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
        "- command: `python -m bench --write`\n"
        "- shared, noisy machine: compare the ratios measured side by side in one run."
    )


def _run_one(title: str, module_name: str) -> tuple[str, bool]:
    started = time.perf_counter()
    try:
        figures = importlib.import_module(module_name).run()
    except Exception as error:  # one broken benchmark must not hide the others
        return f"## {title}\n\nfailed: {type(error).__name__}: {error}", False
    elapsed = time.perf_counter() - started
    rows = "\n".join(f"| {key} | {_format(value)} |" for key, value in figures.items())
    table = f"| figure | value |\n|---|---|\n{rows}"
    return f"## {title}\n\n{table}\n\n(benchmark took {elapsed:.1f} s)", True


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
