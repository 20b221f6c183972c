"""Reading the project at a git revision from git objects, in real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.diagnostics import DiagnosticError
from compiler.load.git_source import project_at_ref
from tests.plan.git_project import GIT_ENV, git


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    root = tmp_path / "repo"
    (root / "deploy" / "actions").mkdir(parents=True)
    (root / "deploy" / "actionctl.yaml").write_text("platform: local\n")
    (root / "deploy" / "actions" / "a.yaml").write_text("committed\n")
    (root / "other.txt").write_text("not the project\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one")
    return root


def codes(error: pytest.ExceptionInfo[DiagnosticError]) -> list[str]:
    return [d.code for d in error.value.diagnostics]


def test_the_project_directory_is_exported_as_committed(repo: Path, tmp_path: Path) -> None:
    (repo / "deploy" / "actions" / "a.yaml").write_text("edited, not committed\n")
    (repo / "deploy" / "actions" / "new.yaml").write_text("untracked\n")
    dest = tmp_path / "out"
    dest.mkdir()
    revision = project_at_ref(repo / "deploy", "main", dest)
    assert revision.existed and revision.commit == git(repo, "rev-parse", "main").strip()
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == ["actionctl.yaml", "actions/a.yaml"]
    assert (dest / "actions" / "a.yaml").read_text() == "committed\n"


def test_a_directory_the_commit_does_not_have_is_an_empty_base(repo: Path, tmp_path: Path) -> None:
    later = repo / "later"
    later.mkdir()
    (later / "actionctl.yaml").write_text("platform: local\n")
    dest = tmp_path / "out"
    dest.mkdir()
    revision = project_at_ref(later, "HEAD", dest)
    assert revision.existed is False
    assert list(dest.iterdir()) == []


def test_refs_that_are_not_revisions_are_located_errors(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(DiagnosticError) as option:
        project_at_ref(repo, "--upload-pack=touch /tmp/x", tmp_path)
    assert codes(option) == ["L844"]
    with pytest.raises(DiagnosticError) as missing:
        project_at_ref(repo, "feature", tmp_path)
    assert codes(missing) == ["L840"]
    (diagnostic,) = missing.value.diagnostics
    assert diagnostic.file == repo.as_posix()
    assert "git fetch --depth=1 origin feature" in diagnostic.message
    assert "shallow" not in diagnostic.message


def test_outside_a_repository_git_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(DiagnosticError) as error:
        project_at_ref(plain, "HEAD", tmp_path)
    assert codes(error) == ["L841"]
    assert "git says: fatal: not a git repository" in error.value.diagnostics[0].message


def test_export_attributes_neither_hide_nor_rewrite_a_file(repo: Path, tmp_path: Path) -> None:
    (repo / ".gitattributes").write_text("deploy/actions/a.yaml export-ignore export-subst\n")
    (repo / "deploy" / "actions" / "b.yaml").write_text("ref: $Format:%H$\n")
    (repo / "deploy" / "notes.txt").write_text("not YAML: not needed\n")
    (repo / "deploy" / "actions" / "link.yaml").symlink_to("/etc/hostname")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "attributes")
    dest = tmp_path / "out"
    dest.mkdir()
    project_at_ref(repo / "deploy", "HEAD", dest)
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == ["actionctl.yaml", "actions/a.yaml", "actions/b.yaml"]
    assert (dest / "actions" / "b.yaml").read_text() == "ref: $Format:%H$\n"
    assert not (dest / "actions" / "link.yaml").exists()
