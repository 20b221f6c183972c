"""The hook's answer for renames is a full validate's: for generated projects full of
``renamed_from`` (names another file declares, names two actions claim, look-alike and
lock-prefixed names) and one random edit to one file at a time, ``actionctl validate
FILE`` through the per-file cache (warm, in a real git repository whose HEAD is the
project before the edit) reports

- what ``validate --no-cache FILE`` reports, byte for byte;
- only what a cold full ``validate`` reports;
- every diagnostic of the cold full ``validate`` that stands in the edited file or that
  the edit brought (absent from the cold full ``validate`` of HEAD).

(Save N319, the undeclared rename, which is about the change: a full ``validate`` has no
change to compare with; it must be the same with and without the cache.)
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compiler.load.cache import STORE
from tests.plan.git_project import git

AGENTS = ["support", "sales"]
# Names that collide often: plain ones, look-alikes of "book" (Cyrillic о, a zero-width
# space) and of "café" (NFC, NFD), and the lock prefix.
POOL = [
    "book",
    "cancel",
    "remind",
    "notify",
    "b\u043eok",
    "boo\u200bk",
    "caf\u00e9",
    "cafe\u0301",
    "actionctl-lock-x",
]
CONFIG = """platform: local
default_environment: dev
environments:
  dev:
    agents:
      support: uid_support
      sales: uid_sales
"""
DIAGNOSTIC = re.compile(r"^(\S+?):\d+:\d+: (?:error|warning|info) [A-Z]\d{3} .*$", re.MULTILINE)


def pool_name(rng: random.Random) -> str:
    return rng.choice(POOL) if rng.random() < 0.7 else f"task_{rng.randint(0, 10**6)}"


def action(rng: random.Random) -> str:
    """A native action (any characters are names there) with renamed_from half the time:
    one name or a list."""
    lines = [
        "kind: action",
        "type: openmic.end_call",
        f"agent: {rng.choice(AGENTS)}",
        f"name: {json.dumps(pool_name(rng))}",  # (escaped: a double-quoted YAML string)
        "description: Ends the call.",
    ]
    roll = rng.random()
    if roll < 0.3:
        lines.append(f"renamed_from: {json.dumps(rng.choice(POOL))}")
    elif roll < 0.5:
        lines.append("renamed_from:")
        lines += [f"  - {json.dumps(name)}" for name in rng.sample(POOL, rng.randint(2, 3))]
    return "\n".join(lines) + "\n"


def edit(rng: random.Random, text: str) -> str | None:
    """One edit a commit might make to an action file (None: delete it)."""
    roll = rng.random()
    old = re.search(r"^renamed_from:.*(\n  - .*)*\n", text, re.MULTILINE)
    body = text.replace(old.group(0), "") if old else text
    if roll < 0.35:  # claim an old name (often one another file declares or claims)
        return body + f"renamed_from: {json.dumps(rng.choice(POOL))}\n"
    if roll < 0.5:  # drop the claim
        return body
    if roll < 0.75:  # take a name (often one another file renames)
        name = json.dumps(pool_name(rng))
        return re.sub(r"^name: .*$", lambda _: f"name: {name}", text, flags=re.MULTILINE)
    if roll < 0.9:  # move to the other agent
        agent = re.search(r"^agent: (\w+)$", text, re.MULTILINE)
        assert agent is not None
        other = AGENTS[1 - AGENTS.index(agent.group(1))]
        return text.replace(f"agent: {agent.group(1)}", f"agent: {other}")
    return None


def generate(root: Path, rng: random.Random, count: int) -> list[str]:
    (root / "channels").mkdir(parents=True)
    (root / "actionctl.yaml").write_text(CONFIG)
    files = []
    for i in range(count):
        file = f"actions/{rng.choice('ab')}/x{i:02}.yaml"
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_text(action(rng))
        files.append(file)
    return files


def age(root: Path) -> None:
    """Files written an hour ago: the cache trusts their size and times."""
    for path in root.rglob("*.yaml"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 3600 * 10**9))


def diagnostics(output: str) -> set[str]:
    return {m.group(0) for m in DIAGNOSTIC.finditer(output)}


def run(cli: Callable[..., Any], root: Path, *args: object) -> tuple[int, str]:
    result = cli("--project", root, "--no-color", "validate", *args)
    return result.exit_code, result.stdout


@pytest.mark.parametrize("seed", range(6))
def test_validate_file_reports_what_a_full_validate_says_of_renames(
    cli: Callable[..., Any], tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    root = tmp_path / "project"
    files = generate(root, rng, 14)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    age(root)
    base = diagnostics(run(cli, root, "--no-cache")[1])
    run(cli, root, root / files[0])  # warms the cache with every other file
    assert (root / STORE).is_file()
    renames_seen = 0
    for _ in range(6):
        file = rng.choice([*files, "actions/a/new.yaml"])
        path = root / file
        before = path.read_text() if path.exists() else None
        changed = edit(rng, before if before is not None else action(rng))
        if changed is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(changed)
        cached = run(cli, root, path)
        uncached = run(cli, root, "--no-cache", path)
        full = diagnostics(run(cli, root, "--no-cache")[1])
        case = f"seed {seed}, {file}: {changed!r}"
        assert cached == uncached, case
        reported = diagnostics(cached[1])
        undeclared = {d for d in reported if " N319 " in d}
        assert reported - undeclared <= full, case
        owed = {d for d in full if d.startswith(f"{file}:") or d not in base}
        assert owed <= reported, f"{case}: missing {sorted(owed - reported)}"
        renames_seen += sum(" N317 " in d or " N318 " in d for d in owed) + len(undeclared)
        if before is None:
            path.unlink(missing_ok=True)  # (back to HEAD: the next edit starts from it)
        else:
            path.write_text(before)
        age(root)
    assert run(cli, root, "--changed") == run(cli, root, "--no-cache", "--changed")
    # The edits really met renames elsewhere: the comparison means something.
    assert renames_seen >= 1, f"seed {seed}"
