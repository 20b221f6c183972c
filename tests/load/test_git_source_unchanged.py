"""``export_at_ref(..., held=...)`` leaves out the files the working tree holds byte for
byte, and only those, in real repositories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compiler.load.git_source import export_at_ref
from tests.plan.git_project import GIT_ENV, git

HELD = ("actions/a.yaml", "actions/b.yaml", "actions/c.yaml", "actions/only_here.yaml")


def make_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *init: str) -> Path:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    root = tmp_path / "repo"
    (root / "deploy" / "actions").mkdir(parents=True)
    (root / "deploy" / "actionctl.yaml").write_text("platform: local\n")
    for name in ("a", "b", "c"):
        (root / "deploy" / "actions" / f"{name}.yaml").write_text(f"name: {name}\n")
    git(root, "init", "-q", "-b", "main", *init)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one")
    return root


def exported_files(dest: Path) -> list[str]:
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if not p.is_dir())


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_only_files_unchanged_byte_for_byte_are_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, object_format: str
) -> None:
    repo = make_repo(tmp_path, monkeypatch, f"--object-format={object_format}")
    actions = repo / "deploy" / "actions"
    (actions / "a.yaml").write_text("name: a  # edited\n")
    (actions / "c.yaml").write_text("name: c\r\n")  # the same YAML, not the same bytes
    (actions / "only_here.yaml").write_text("name: new\n")
    dest = tmp_path / "out"
    dest.mkdir()

    exported = export_at_ref(repo / "deploy", "main", dest, held=HELD)

    assert exported.unchanged == {"actions/b.yaml"}
    assert exported_files(dest) == ["actionctl.yaml", "actions/a.yaml", "actions/c.yaml"]
    assert (dest / "actions" / "a.yaml").read_text() == "name: a\n"  # as committed


def test_nothing_is_left_out_without_held_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    dest = tmp_path / "out"
    dest.mkdir()
    exported = export_at_ref(repo / "deploy", "main", dest)
    assert exported.unchanged == frozenset()
    assert exported_files(dest) == ["actionctl.yaml", *(f"actions/{n}.yaml" for n in "abc")]


def test_a_link_in_the_working_tree_is_not_the_file_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    actions = repo / "deploy" / "actions"
    (repo / "deploy" / "b_copy.yaml").write_text("name: b\n")
    (actions / "b.yaml").unlink()
    (actions / "b.yaml").symlink_to("../b_copy.yaml")  # same bytes, through a link
    dest = tmp_path / "out"
    dest.mkdir()

    exported = export_at_ref(repo / "deploy", "main", dest, held=HELD)

    assert exported.unchanged == {"actions/a.yaml", "actions/c.yaml"}
    assert not (dest / "actions" / "b.yaml").is_symlink()
    assert (dest / "actions" / "b.yaml").read_text() == "name: b\n"


def test_a_tree_with_a_link_leaves_nothing_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    (repo / "deploy" / "actions" / "d.yaml").symlink_to("b.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a link")
    dest = tmp_path / "out"
    dest.mkdir()

    exported = export_at_ref(repo / "deploy", "main", dest, held=HELD)

    # A link could lead the loader to a file left out: every file is exported.
    assert exported.unchanged == frozenset()
    assert os.readlink(dest / "actions" / "d.yaml") == "b.yaml"
    assert (dest / "actions" / "b.yaml").read_text() == "name: b\n"


def test_a_moved_project_compares_files_by_their_place_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    git(repo, "mv", "deploy", "moved")
    git(repo, "commit", "-q", "-m", "moved")
    (repo / "moved" / "actions" / "c.yaml").write_text("name: c  # edited\n")
    dest = tmp_path / "out"
    dest.mkdir()

    exported = export_at_ref(repo / "moved", "HEAD~1", dest, held=HELD)

    assert exported.revision.moved_from == "deploy"
    assert exported.unchanged == {"actions/a.yaml", "actions/b.yaml"}
    assert exported_files(dest) == ["actionctl.yaml", "actions/c.yaml"]
    assert (dest / "actions" / "c.yaml").read_text() == "name: c\n"
