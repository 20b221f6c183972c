"""Reading the project at a git revision from git objects, in real repositories."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from compiler.diagnostics import Diagnostic, DiagnosticError
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
    revision, problems = project_at_ref(repo / "deploy", "main", dest)
    assert problems == []
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
    revision, _ = project_at_ref(later, "HEAD", dest)
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
    _, problems = project_at_ref(repo / "deploy", "HEAD", dest)
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == ["actionctl.yaml", "actions/a.yaml", "actions/b.yaml"]
    assert (dest / "actions" / "b.yaml").read_text() == "ref: $Format:%H$\n"
    # A link out of the project is refused, never read nor written.
    assert not os.path.lexists(dest / "actions" / "link.yaml")
    assert [(p.file, p.code) for p in problems] == [("actions/link.yaml", "E113")]


# --- links and submodules at a revision: the working tree's rules, never a skip ---


def _load_at(repo: Path, tmp_path: Path, ref: str = "HEAD") -> tuple[Any, list[Diagnostic]]:
    from compiler.load import load_project

    dest = tmp_path / "export"
    dest.mkdir()
    _, problems = project_at_ref(repo / "deploy", ref, dest)
    loaded = load_project(dest)
    return loaded, problems + loaded.diagnostics


def _codes_at(diagnostics: list[Diagnostic]) -> dict[str, str]:
    return {d.file: d.code for d in diagnostics if d.code in ("E112", "E113", "E116")}


def test_links_inside_the_project_are_followed_at_the_ref(repo: Path, tmp_path: Path) -> None:
    deploy = repo / "deploy"
    for name, text in {
        "shared/tool.yaml": "s\n",
        "data/t.txt": "t\n",
        "teams/x.yaml": "x\n",
    }.items():
        (deploy / name).parent.mkdir(parents=True, exist_ok=True)
        (deploy / name).write_text(text)
    (deploy / "actions" / "linked.yaml").symlink_to("../shared/tool.yaml")
    (deploy / "actions" / "text.yaml").symlink_to("../data/t.txt")
    (deploy / "actions" / "team").symlink_to("../teams")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "links")
    for name in ("shared", "data", "teams"):
        shutil.rmtree(deploy / name)  # the working tree no longer has them: git does
    loaded, diagnostics = _load_at(repo, tmp_path)
    assert _codes_at(diagnostics) == {}
    for name in ("actions/linked.yaml", "actions/text.yaml", "actions/team/x.yaml"):
        assert name in loaded.files


def test_links_out_of_the_project_or_nowhere_are_errors_at_the_ref(
    repo: Path, tmp_path: Path
) -> None:
    actions = repo / "deploy" / "actions"
    (actions / "etc.yaml").symlink_to("/etc/passwd")
    (actions / "up.yaml").symlink_to("../../other.txt")  # in the repository, not the project
    (actions / "gone.yaml").symlink_to("missing.yaml")
    (actions / "loop.yaml").symlink_to("loop.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "bad links")
    loaded, diagnostics = _load_at(repo, tmp_path)
    assert _codes_at(diagnostics) == {
        "actions/etc.yaml": "E113",
        "actions/up.yaml": "E113",
        "actions/gone.yaml": "E112",
        "actions/loop.yaml": "E112",
    }
    assert loaded.files == ["actionctl.yaml", "actions/a.yaml"]


def test_a_submodule_where_actions_are_read_is_e116_at_the_ref(repo: Path, tmp_path: Path) -> None:
    commit = git(repo, "rev-parse", "HEAD").strip()  # any commit id: the gitlink's target
    for path in ("deploy/actions/vendor", "deploy/vendored"):
        git(repo, "update-index", "--add", "--cacheinfo", f"160000,{commit},{path}")
    (repo / "deploy" / "actions" / "lib").symlink_to("../vendored")
    (repo / "deploy" / "actions" / "deep").symlink_to("../outer")
    (repo / "deploy" / "outer").mkdir()
    (repo / "deploy" / "outer" / "inner").symlink_to("../vendored")
    git(repo, "add", "deploy/actions/lib", "deploy/actions/deep", "deploy/outer")
    git(repo, "commit", "-q", "-m", "submodules")
    _, diagnostics = _load_at(repo, tmp_path)
    assert _codes_at(diagnostics) == {
        "actions/vendor": "E116",
        "actions/lib": "E116",
        "actions/deep/inner": "E112",  # two links away: still never an empty folder
    }


def test_a_crafted_tree_cannot_make_the_export_write_through_a_link(
    repo: Path, tmp_path: Path
) -> None:
    """A tree listing one name as a link and as a folder (git fsck would refuse it, but
    the objects are data): the folder's files never land where the link points."""
    outside = tmp_path / "outside"
    outside.mkdir()
    inward = git(repo, "hash-object", "-w", "--stdin", input_text="elsewhere").strip()
    outward = git(repo, "hash-object", "-w", "--stdin", input_text=str(outside)).strip()
    actions = git(repo, "rev-parse", "HEAD:deploy/actions").strip()
    config = git(repo, "rev-parse", "HEAD:deploy/actionctl.yaml").strip()
    listing = (
        f"100644 blob {config}\tactionctl.yaml\n"
        f"120000 blob {inward}\tactions\n"
        f"040000 tree {actions}\tactions\n"
        f"120000 blob {outward}\tchannels\n"
        f"040000 tree {actions}\tchannels\n"
    )
    tree = git(repo, "mktree", input_text=listing).strip()
    top = git(repo, "mktree", input_text=f"040000 tree {tree}\tdeploy\n").strip()
    crafted = git(repo, "commit-tree", top, "-m", "crafted").strip()
    _, diagnostics = _load_at(repo, tmp_path, crafted)
    assert list(outside.iterdir()) == []
    assert _codes_at(diagnostics) == {"actions": "E112", "channels": "E113"}


def test_a_checked_out_submodule_is_read_at_the_commit_the_ref_records(
    repo: Path, tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "tool.yaml").write_text("at the recorded commit\n")
    (lib / "notes.txt").write_text("not YAML\n")
    (lib / "alias.yaml").symlink_to("notes.txt")
    git(lib, "init", "-q", "-b", "main")
    git(lib, "add", "-A")
    git(lib, "commit", "-q", "-m", "lib")
    git(
        repo,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(lib),
        "deploy/actions/lib",
    )
    git(repo, "commit", "-q", "-m", "a submodule of actions")
    checkout = repo / "deploy" / "actions" / "lib"
    (checkout / "tool.yaml").write_text("moved on, not recorded\n")
    git(checkout, "commit", "-q", "-am", "later")  # the checkout is ahead of the record
    loaded, diagnostics = _load_at(repo, tmp_path, "main")
    assert _codes_at(diagnostics) == {}
    assert "actions/lib/tool.yaml" in loaded.files and "actions/lib/alias.yaml" in loaded.files
    assert (tmp_path / "export" / "actions" / "lib" / "tool.yaml").read_text() == (
        "at the recorded commit\n"
    )


def test_a_submodule_commit_the_checkout_lacks_is_e116_at_the_ref(
    repo: Path, tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "tool.yaml").write_text("x\n")
    git(lib, "init", "-q", "-b", "main")
    git(lib, "add", "-A")
    git(lib, "commit", "-q", "-m", "lib")
    git(
        repo,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(lib),
        "deploy/actions/lib",
    )
    unknown = "0123456789abcdef0123456789abcdef01234567"
    git(repo, "update-index", "--cacheinfo", f"160000,{unknown},deploy/actions/lib")
    git(repo, "commit", "-q", "-m", "records a commit no clone here has")
    _, diagnostics = _load_at(repo, tmp_path, "main")
    assert _codes_at(diagnostics) == {"actions/lib": "E116"}
