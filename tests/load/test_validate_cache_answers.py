"""``actionctl validate FILE`` and ``validate --changed`` answer the same with the per-file
cache as with ``--no-cache``: for every file of generated projects full of problems
across files (duplicate names, unknown and renamed channels, look-alike and unmapped
agents, broken documents, suppression comments), before and after a change committed
to a real git repository had left the cache stale."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compiler.load.cache import STORE
from tests.plan.git_project import git

AGENTS = ["support", "sales", "billing", "supp\u043ert"]  # the last: a Cyrillic o (E110)
NAMES = ["notify", "confirm", "remind", "follow_up", "welcome", "Send SMS"]  # (N311)
CHANNELS = ["Main", "Backup", "Voice", "Night"]


def config(rng: random.Random) -> str:
    platform = rng.choice(["local", "openmic"])
    mapped = rng.sample(["support", "sales", "billing"], rng.randint(1, 3))
    agents = "".join(f"      {agent}: uid_{agent}\n" for agent in mapped)
    if rng.random() < 0.5:
        agents += "      helpdesk: uid_support\n"  # one platform agent, two names (N313)
    text = f"platform: {platform}\ndefault_environment: dev\nenvironments:\n  dev:\n"
    text += f"    agents:\n{agents}"
    if rng.random() < 0.6:
        channel = rng.choice([*CHANNELS, "Nowhere"])  # an override of a missing one: E103
        text += f'    channels:\n      {channel}: "+15550001111"\n'
    return text


def channel(rng: random.Random, name: str) -> str:
    if rng.random() < 0.1:
        return "kind: channel\nname: [broken\n"  # rejected: N301s follow from it
    caps = rng.choice(["[sms]", "[sms, voice]", "[voice]"])
    number = f"+1555000{rng.randint(1000, 9999)}"
    return f'kind: channel\nname: {name}\nphone_number: "{number}"\ncapabilities: {caps}\n'


def action(rng: random.Random) -> str:
    agent = rng.choice([*AGENTS, "helpdesk"])
    # Mostly names of their own: only files sharing a name are read in full.
    name = rng.choice(NAMES) if rng.random() < 0.3 else f"task_{rng.randint(0, 10**6)}"
    roll = rng.random()
    if roll < 0.15:
        transfer = "cold" if roll < 0.12 else "sideways"  # rejected by the schema
        return (
            f"kind: action\ntype: handover\nagent: {agent}\nname: {name}\n"
            'description: Transfers the caller.\nphone_number: "+15551234567"\n'
            f"transfer_type: {transfer}\n"
        )
    if roll < 0.2:
        return f"kind: action\ntype: send_text_message\nagent: {agent}\nname: [{name}\n"
    lines = [
        "kind: action",
        "type: send_text_message",
        f"agent: {agent}",
        f"name: {name}",
        "description: Sends a code.",
        "recipient: contact",
        'message: "Your code is ready."',
    ]
    if rng.random() < 0.8:
        lines.append(f"messaging_channel: {rng.choice([*CHANNELS, 'Mian'])}")
        if rng.random() < 0.3:  # a suppression at a site of the channel (C631 on openmic)
            lines[-1] += "  # actionctl: ignore[C631]"
    elif rng.random() < 0.5:
        lines[4] += "  # actionctl: ignore[N304]"
    return "\n".join(lines) + "\n"


def generate(root: Path, rng: random.Random) -> None:
    (root / "channels").mkdir(parents=True)
    (root / "actionctl.yaml").write_text(config(rng))
    for i, name in enumerate(CHANNELS[:3] + rng.sample(CHANNELS, 1)):
        (root / "channels" / f"c{i}.yaml").write_text(channel(rng, name))
    for i in range(30):
        folder = root / "actions" / rng.choice(["a", "b"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"x{i}.yaml").write_text(action(rng))


def mutate(root: Path, rng: random.Random) -> None:
    """What a commit might do: rename a channel or an action, move an action to another
    agent, delete or add files, break one."""
    files = sorted(p for p in root.rglob("*.yaml") if ".actionctl" not in p.parts)
    for path in rng.sample(files, 4):
        text = path.read_text()
        roll = rng.random()
        if roll < 0.2:
            path.unlink()
        elif path.parts[-2] == "channels":
            path.write_text(channel(rng, rng.choice([*CHANNELS, "Renamed"])))
        elif roll < 0.6:
            path.write_text(text.replace("name: ", "name: renamed_", 1))
        elif path.name != "actionctl.yaml":
            path.write_text(action(rng))
    (root / "actions" / "a" / "new.yaml").write_text(action(rng))


def age(root: Path) -> None:
    """Files written an hour ago: the cache trusts their size and mtime."""
    for path in root.rglob("*.yaml"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 3600 * 10**9))


def answers(cli: Callable[..., Any], root: Path, *args: str) -> tuple[tuple[int, str], ...]:
    cached = cli("--project", root, "--no-color", "validate", *args)
    full = cli("--project", root, "--no-color", "validate", "--no-cache", *args)
    return (cached.exit_code, cached.stdout), (full.exit_code, full.stdout)


@pytest.mark.parametrize("seed", range(6))
def test_every_file_answers_as_without_the_cache(
    cli: Callable[..., Any], tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    root = tmp_path / "project"
    generate(root, rng)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    age(root)
    cli("--project", root, "validate", root / "actions/a/new.yaml")  # warms all but it
    assert (root / STORE).is_file()
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))
    mutate(root, rng)
    after = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))
    reported = 0
    for file in sorted(set(before) | set(after)):
        if file.startswith(".actionctl"):
            continue
        cached, full = answers(cli, root, str(root / file))
        assert cached == full, f"seed {seed}, validate {file}"
        assert "E108" not in full[1]  # (named inside the project)
        reported += full[1].count("\n")
    cached, full = answers(cli, root, "--changed")
    assert cached == full, f"seed {seed}, validate --changed"
    assert reported > 20  # the projects are full of problems: the comparison means something
