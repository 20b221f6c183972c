"""Code, docs and tests cite only what a user of the repository can open: no sections of
a specification that is not in it, no numbers of a tracker they cannot see."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import REPO_ROOT

UNOPENABLE = re.compile(r"SPEC ?§|\b[Ii]ssue \d+\b|\bissue #\d+")
TEXT = {".py", ".md", ".yaml", ".yml", ".j2", ".toml", ".json", ".go", ".sh"}


def test_no_reference_a_user_cannot_open() -> None:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    found = []
    for name in listed.stdout.splitlines():
        path = REPO_ROOT / name
        if path.suffix not in TEXT or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if UNOPENABLE.search(line) and path.name != "test_words_users_can_open.py":
                found.append(f"{name}:{number}: {line.strip()[:120]}")
    assert found == []
