"""``actionctl fmt --check`` against ``actionctl validate`` of the same 2,000 files, and
``fmt`` of one file of many documents.

Run: ``.venv/bin/python bench/bench_fmt.py [--actions 2000] [--runs 3]``.

Generates a project (bench/.work/fmt/, git-ignored) of N actions in one file each (the
pre-commit benchmark's project), lays it out once with ``actionctl fmt``, then times as
subprocesses, side by side:

- ``validate`` of the whole project (the baseline),
- ``fmt --check`` warm: what the hook runs on every commit (files found canonical before
  are hashed, not laid out: .actionctl/cache/fmt.json), with no path and with every file
  named (as ``pre-commit run --all-files`` passes them),
- ``fmt --check`` cold: the store removed before each run (the first run after a change
  of actionctl, or CI on a fresh clone), with no path and with every file named: each
  file is parsed once more (libyaml) and vouched for by the fast canonical check
  (compiler/fmt/fast.py) instead of being laid out with ruamel.yaml; and the same
  project with comments and blank lines in every action file (kept by the layout as
  written, so vouched for too),
- ``fmt --check`` cold of the validate benchmark's project (every action type, long
  descriptions folded by fmt, URLs), beside its own ``validate``,
- ``fmt --check`` of one file of 500 and of 2,000 documents (cold): the second should
  take about four times the first (linear in the documents, not worse).

Each figure is the best (minimum) of the runs. Goal: ``fmt --check`` <= 2x ``validate``,
cold and warm, and the 2,000-document file <= 5x the 500-document one.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: bench/ and the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_precommit import actionctl, best, generate, timed

WORK = Path(__file__).resolve().parent / ".work" / "fmt"
STORE = Path(".actionctl") / "cache" / "fmt.json"
GOAL_RATIO = 2.0
GOAL_LINEAR = 5.0  # 4x the documents: 4x the time, with room for noise


def _forget(root: Path) -> None:
    (root / STORE).unlink(missing_ok=True)


def _canonical_project(actions: int) -> Path:
    root = WORK / f"project-{actions}"
    generate(root, actions)
    _, code, output = timed([actionctl(), "fmt"], root)
    if code != 0:
        raise RuntimeError(f"fmt of the generated project failed:\n{output}")
    return root


def _commented_project(root: Path) -> Path:
    """A copy of the canonical project whose action files hold comments (a header, a
    blank line, an end-of-line comment): still canonical."""
    copy = WORK / f"{root.name}-commented"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".actionctl"))
    for path in (copy / "actions").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("kind: action\n", "kind: action  # one tool of the agent\n", 1)
        path.write_text("# Owned by the support team.\n\n" + text, encoding="utf-8")
    return copy


def _every_type_project(actions: int) -> Path:
    """The validate benchmark's project (every action type, long descriptions that fmt
    folds, URLs, templates), laid out once with ``fmt``."""
    from bench.bench_validate_compile import generate

    root = WORK / f"types-{actions}"
    if root.exists():
        shutil.rmtree(root)
    generate(root, actions)
    _, code, output = timed([actionctl(), "fmt"], root)
    if code != 0:
        raise RuntimeError(f"fmt of the every-type project failed:\n{output}")
    return root


def _documents_project(documents: int) -> Path:
    root = WORK / f"documents-{documents}"
    if root.exists():
        shutil.rmtree(root)
    (root / "actions" / "support").mkdir(parents=True)
    (root / "actionctl.yaml").write_text("platform: local\n")
    text = "---\n".join(
        "kind: action\ntype: client_action\nagent: support\n"
        f"name: action_{i:04}  # number {i}\ndescription: 'Client action {i}'\n"
        "parameters_schema:\n  type: object\n  properties:\n    p: {type: string}\n"
        for i in range(documents)
    )
    (root / "actions" / "support" / "many.yaml").write_text(text)
    return root


def _check_many(documents: int, runs: int) -> float:
    root = _documents_project(documents)
    command = [actionctl(), "fmt", "--check"]
    times = []
    for _ in range(runs):
        _forget(root)
        elapsed, code, output = timed(command, root)
        if code != 1 or "would reformat actions/support/many.yaml" not in output:
            raise RuntimeError(f"fmt --check of {documents} documents: {code}\n{output}")
        times.append(elapsed)
    return min(times)


def run(actions: int = 2000, runs: int = 3) -> dict[str, Any]:
    root = _canonical_project(actions)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))
    files = [f for f in files if not f.startswith(".")]
    check = [actionctl(), "fmt", "--check"]
    validate = best([actionctl(), "validate"], root, runs)
    cold = best(check, root, runs, before=lambda _: _forget(root))
    cold_named = best([*check, *files], root, runs, before=lambda _: _forget(root))
    commented = _commented_project(root)
    cold_commented = best(check, commented, runs, before=lambda _: _forget(commented))
    best(check, root, 1)  # fills the store
    warm = best(check, root, runs)
    warm_named = best([*check, *files], root, runs)
    types = _every_type_project(actions)
    types_validate = best([actionctl(), "validate"], types, runs)
    types_cold = best(check, types, runs, before=lambda _: _forget(types))
    few, many = _check_many(500, runs), _check_many(2000, runs)
    worst_warm, worst_cold = max(warm, warm_named), max(cold, cold_named, cold_commented)
    worst_cold_ratio = max(worst_cold / validate, types_cold / types_validate)
    return {
        "files": len(files),
        "runs": runs,
        "validate_s": validate,
        "fmt_check_warm_s": warm,
        "fmt_check_warm_files_named_s": warm_named,
        "fmt_check_cold_s": cold,
        "fmt_check_cold_files_named_s": cold_named,
        "fmt_check_cold_commented_s": cold_commented,
        "ratio_warm_to_validate": worst_warm / validate,
        "every_type_validate_s": types_validate,
        "every_type_fmt_check_cold_s": types_cold,
        "ratio_cold_to_validate": worst_cold_ratio,
        "documents_500_s": few,
        "documents_2000_s": many,
        "ratio_2000_to_500_documents": many / few,
        "goal_ratio": GOAL_RATIO,
        "meets_goal": max(worst_warm / validate, worst_cold_ratio) <= GOAL_RATIO
        and many / few <= GOAL_LINEAR,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    r = run(args.actions, args.runs)
    width = max(len(k) for k in r)
    for key, value in r.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"  {key:<{width}}  {shown}")
    verdict = "meets" if r["meets_goal"] else "MISSES"
    print(
        f"goal: fmt --check <= {GOAL_RATIO:g}x validate (cold and warm), 2,000 documents <= "
        f"{GOAL_LINEAR:g}x 500: {verdict}"
    )
    return 0 if r["meets_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())
