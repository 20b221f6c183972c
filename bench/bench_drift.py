"""What ``plan --base REF`` costs over a plain ``plan``: a 1,000-action project in git.

Run: ``.venv/bin/python -m bench.bench_drift [--actions 1000] [--runs 5]``.

Generates the pre-commit benchmark's project (bench/.work/, git-ignored) in a fresh git
repository, applies it to the embedded local platform, edits one message in the working
tree, then times as subprocesses (best of the runs):

- ``plan`` (the baseline: load, validate, compile, read live, diff),
- ``plan --base HEAD`` (also: ``git archive`` of the project at HEAD, load, validate and
  compile it, classify),
- ``drift`` (the configuration at HEAD against live).

It checks the answers too: the edit is the one change, and drift finds nothing. Goal:
``plan --base`` at most 2x ``plan`` (the base is the same pipeline once more; more than
that would be waste).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from bench.bench_precommit import (
    CHILD_TIMEOUT,
    WORK,
    action_yaml,
    actionctl,
    best,
    generate,
    timed,
)

GOAL_RATIO = 2.0
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=root,
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV},
        timeout=CHILD_TIMEOUT,  # run() kills the child on a timeout: nothing leaks
    )


def prepare(actions: int) -> tuple[Path, str]:
    """The project, committed and applied, with one uncommitted edit; returns the root
    and the address of the edited action."""
    root = WORK.parent / "drift" / f"project-{actions}"
    files = generate(root, actions)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "bench")
    _, code, output = timed([actionctl(), "apply", "--auto-approve"], root)
    if code != 0:
        raise RuntimeError(f"apply of the generated project failed:\n{output}")
    target = files[1]  # a send_text_message action
    index, agent = int(target.stem.split("_")[1]), target.parent.name
    target.write_text(action_yaml(index, agent, note=" Edited in the branch."))
    return root, f"{agent}/{target.stem}"


def run(actions: int = 1000, runs: int = 5) -> dict[str, float | int | bool | str]:
    root, edited = prepare(actions)
    plan = [actionctl(), "plan"]
    with_base = [actionctl(), "plan", "--base", "HEAD"]
    drift = [actionctl(), "drift"]

    _, code, output = timed([*with_base, "--format", "json"], root)
    classes = json.loads(output[output.index("{") :])["three_way"]["tools"] if code == 0 else []
    answered = [(t["address"], t["class"]) for t in classes] == [(edited, "change")]
    _, drift_code, _ = timed(drift, root)

    plan_s = best(plan, root, runs)
    base_s = best(with_base, root, runs)
    drift_s = best(drift, root, runs)
    ratio = base_s / plan_s
    return {
        "actions": actions,
        "plan_s": plan_s,
        "plan_base_s": base_s,
        "drift_s": drift_s,
        "ratio_base_to_plan": ratio,
        "classified_right": answered and drift_code == 0,
        "meets_goal": answered and drift_code == 0 and ratio <= GOAL_RATIO,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    result = run(args.actions, args.runs)
    for key, value in result.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    verdict = "meets" if result["meets_goal"] else "misses"
    print(f"{verdict} the goal: plan --base <= {GOAL_RATIO}x plan")
    return 0 if result["meets_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())
