"""Output integrity: file names that are not UTF-8 or hold control characters
are escaped in every diagnostics format, messages are capped, and json and sarif always
parse. Through the CLI in a child process (bytes on stdout, as CI sees them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.diagnostics import MAX_MESSAGE_CHARS
from tests.conftest import REPO_ROOT

BAD = "kind: action\ntype: nope\n"
NAMES = [
    b"bad\xff\xfe.yaml",  # not UTF-8
    b"new\n::error file=x.yaml,line=1::forged.yaml",  # a newline forging a command
    b"esc\x1b[31mred\x07.yaml",  # terminal escapes, a bell
    b"bidi\xe2\x80\xaelmx.yaml",  # U+202E right-to-left override
    b"tab\tand\rreturn.yaml",
]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    actions = root / "actions"
    actions.mkdir(parents=True)
    for name in NAMES:
        with open(os.path.join(os.fsencode(actions), name), "w") as handle:
            handle.write(BAD)
    template = "{{ " + "x." * 150_000 + "x }}"  # a 300 KB template expression
    (actions / "long.yaml").write_text(
        "kind: action\ntype: send_text_message\nagent: a\nname: t\n"
        f'messaging_channel: M\nmessage: "{template}"\n'
    )
    return root


def run(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "compiler", "--project", str(root), "--no-color", *args],
        capture_output=True,
        timeout=60,
        cwd=REPO_ROOT,
        check=False,
    )


def test_json_parses_and_every_name_is_escaped(hostile: Path) -> None:
    result = run(hostile, "validate", "--format", "json")
    assert result.returncode == 1, result.stderr
    diagnostics = json.loads(result.stdout.decode("utf-8"))  # strict UTF-8, then JSON
    files = {d["file"] for d in diagnostics}
    assert "actions/bad\\xff\\xfe.yaml" in files
    assert "actions/new\\x0a::error file=x.yaml,line=1::forged.yaml" in files
    for file in files:
        assert file.isprintable() and "\u202e" not in file
    assert max(len(d["message"]) for d in diagnostics) <= MAX_MESSAGE_CHARS
    assert any(d["message"].endswith("\u2026") for d in diagnostics)  # the template one


def test_sarif_parses(hostile: Path) -> None:
    result = run(hostile, "validate", "--format", "sarif")
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout.decode("utf-8"))
    results = log["runs"][0]["results"]
    assert len(results) >= len(NAMES) + 1
    for entry in results:
        assert len(entry["message"]["text"]) <= MAX_MESSAGE_CHARS


def test_text_has_one_line_per_diagnostic(hostile: Path) -> None:
    result = run(hostile, "validate")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    *diagnostics, summary = lines
    assert all(line.startswith("actions/") for line in diagnostics)
    assert summary.endswith("0 warnings")
    assert len(diagnostics) == int(summary.split()[0])
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    assert max(len(line) for line in lines) < MAX_MESSAGE_CHARS + 200


def test_github_annotations_cannot_be_forged(hostile: Path) -> None:
    result = run(hostile, "validate", "--format", "github")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(NAMES) + 2  # one annotation per diagnostic, no extra line
    for line in lines:
        assert line.startswith("::error file=actions/")
        assert len(line.split("::")) == 3  # ::command properties::message, nothing forged


def test_plan_json_with_a_non_utf8_file_name_parses(tmp_path: Path) -> None:
    root = tmp_path / "project"
    actions = root / "actions"
    actions.mkdir(parents=True)
    with open(os.path.join(os.fsencode(actions), b"ok\xff\n.yaml"), "w") as handle:
        handle.write(
            "kind: action\ntype: handover\nagent: support\nname: x\n"
            "description: Hand over\nphone_number: '+15550000001'\n"
        )
    result = run(root, "plan", "--format", "json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout.decode("utf-8"))
    assert plan["changes"][0]["source"] == "actions/ok\\xff\\x0a.yaml:1:1"
    saved = run(root, "plan", "--out", str(tmp_path / "plan.json"))
    assert saved.returncode == 0, saved.stderr
