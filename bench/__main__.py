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
from typing import Any

BENCHMARKS: dict[str, str] = {
    "validate + compile, 5,000 actions": "bench.bench_validate_compile",
    "validate phases and compile vs the C-loader parse floor, 5,000 actions": (
        "bench.bench_validate_phases"
    ),
    "read live, 2,000 tools / 20 agents": "bench.bench_read_live",
    "apply: requests per change (creates, no change, updates, deletes)": "bench.bench_requests",
    "apply, 300 creates at 100/min (time-scaled 10x)": "bench.bench_apply",
    "apply, 2,000 creates, locks over a long run (time-scaled 60x)": "bench.bench_long_apply",
    "startup": "bench.bench_startup",
    "pre-commit: one changed file of 1,000 and of 10,000": "bench.bench_precommit",
    "plan --base HEAD vs plan, 1,000 actions in git": "bench.bench_drift",
    "templates: 16,000 stray '}}' / 450 KB message": "bench.bench_templates",
    "actionctl test: 1,000 offline cases vs validate": "bench.bench_actiontests",
    "fmt --check vs validate, 2,000 files; 2,000 documents in one file": "bench.bench_fmt",
}

RESULTS = Path(__file__).with_name("RESULTS.md")

# The headline of each benchmark: (figure, baseline measured in the same run, ratio,
# goal, key saying whether the goal was met), as keys of its run() result.
HEADLINES: dict[str, tuple[str, str, str, str, str]] = {
    "bench.bench_validate_compile": (
        "validate_compile_s",
        "check_jsonschema_s",
        "ratio",
        "<= 2 s, <= 0.5x",
        "meets_goal",
    ),
    "bench.bench_validate_phases": (
        "total_5k_s",
        "floor_5k_s",
        "validate_ratio",
        "validate <= 1.5x floor; compile <= 2x, <= 400 MB",
        "meets_goal",
    ),
    "bench.bench_read_live": ("wall_s", "floor_s", "ratio_to_floor", "min requests, <= 2x", "ok"),
    "bench.bench_requests": (
        "worst_ratio_with_changes",
        "goal",
        "worst_ratio_with_changes",
        "requests/minimum <= 1.05",
        "meets_goal",
    ),
    "bench.bench_apply": (
        "changes_per_min",
        "limit_per_min",
        "fraction_of_limit",
        ">= 95/min, 0 fail, <= 2% 429",
        "goal_met",
    ),
    "bench.bench_long_apply": (
        "changes_lost_lock",
        "lock_expiries_spanned",
        "time_scale",
        "0 locks lost, 0 fail",
        "goal_met",
    ),
    "bench.bench_startup": (
        "actionctl_version_s",
        "python_pass_s",
        "ratio_to_python",
        "<= 0.12 s",
        "meets_goal",
    ),
    "bench.bench_precommit": (
        "changed_file_10k_s",
        "actionctl_version_s",
        "ratio_changed_10k_to_version",
        "<= 0.4 s (10k, warm cache)",
        "meets_goal",
    ),
    "bench.bench_drift": ("plan_base_s", "plan_s", "ratio_base_to_plan", "<= 1.5x", "meets_goal"),
    "bench.bench_templates": (
        "stray_validate_s",
        "stray_load_s",
        "stray_ratio_to_load",
        "<= 0.5 s",
        "meets_goal",
    ),
    "bench.bench_actiontests": (
        "test_s",
        "validate_s",
        "ratio_test_to_validate",
        "<= 2 s",
        "meets_goal",
    ),
    "bench.bench_fmt": (
        "fmt_check_cold_files_named_s",
        "validate_s",
        "ratio_cold_to_validate",
        "<= 2x validate, cold and warm; 2,000 docs <= 5x 500",
        "meets_goal",
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only benchmarks whose module matches")
    parser.add_argument("--write", action="store_true", help="also save bench/RESULTS.md")
    args = parser.parse_args()
    sections = []
    summary = [
        "| benchmark | figure | baseline | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    failures = 0
    for title, module_name in BENCHMARKS.items():
        if args.only and not any(o in module_name for o in args.only):
            continue
        print(f"running {title} ...", file=sys.stderr, flush=True)
        figures, section = _run_one(title, module_name)
        failures += figures is None
        summary.append(_headline(title, module_name, figures))
        sections.append(section)
        print(section, flush=True)
    sections = [_header(), "## Summary\n\n" + "\n".join(summary), *sections]
    print(sections[1], flush=True)
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


def _run_one(title: str, module_name: str) -> tuple[dict[str, Any] | None, str]:
    started = time.perf_counter()
    try:
        figures: dict[str, Any] = importlib.import_module(module_name).run()
    except Exception as error:  # one broken benchmark must not hide the others
        return None, f"## {title}\n\nfailed: {type(error).__name__}: {error}"
    elapsed = time.perf_counter() - started
    rows = "\n".join(f"| {key} | {_format(value)} |" for key, value in figures.items())
    table = f"| figure | value |\n|---|---|\n{rows}"
    return figures, f"## {title}\n\n{table}\n\n(benchmark took {elapsed:.1f} s)"


def _headline(title: str, module_name: str, figures: dict[str, Any] | None) -> str:
    if figures is None:
        return f"| {title} | failed | | | | no |"
    figure, baseline, ratio, goal, met = HEADLINES[module_name]
    cells = [
        f"{figure} {_format(figures.get(figure))}",
        f"{baseline} {_format(figures.get(baseline))}",
        _format(figures.get(ratio)),
        goal,
        "yes" if figures.get(met) else "no",
    ]
    return f"| {title} | " + " | ".join(cells) + " |"


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
