"""Property: whatever the file-system tree under ``actions/`` looks like (links
inside and out, dangling links, loops, FIFOs, folder and file modes), ``plan --prune``
never proposes deleting a tool whose declaring file still exists in the project.

Each plan runs in a child process without root's power to read any file (when the suite
runs as root), so folder modes count as they do for a user."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.load.test_unreadable_files import run_cli

TOOLS = [f"tool_{i}" for i in range(4)]
HANDOVER = (
    "kind: action\ntype: handover\nagent: support\nname: {name}\n"
    "description: Hand over to a person\nphone_number: '+15550000001'\n"
)
FOLDERS = ["", "team", "team/deep", "other"]

# One placement per tool: (folder, how the file is reached, mode of its folder)
placement = st.tuples(
    st.sampled_from(FOLDERS),
    st.sampled_from(["file", "link-inside"]),
    st.sampled_from([0o755, 0o000, 0o300, 0o500]),
)
hazard = st.tuples(
    st.sampled_from(FOLDERS),
    st.sampled_from(["dangling", "loop", "outside-dir", "outside-file", "fifo", "self", "empty"]),
    st.integers(0, 9),
)


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose four tools are live on its local platform (prune: true)."""
    from compiler.cli.main import run

    root = tmp_path_factory.mktemp("applied") / "project"
    (root / "actions").mkdir(parents=True)
    (root / "actionctl.yaml").write_text("prune: true\n")
    for name in TOOLS:
        (root / "actions" / f"{name}.yaml").write_text(HANDOVER.format(name=name))
    assert run(["--project", str(root), "apply", "--auto-approve"]) == 0
    for name in TOOLS:
        (root / "actions" / f"{name}.yaml").unlink()
    return root


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    placements=st.lists(placement, min_size=len(TOOLS), max_size=len(TOOLS)),
    hazards=st.lists(hazard, max_size=5),
)
def test_plan_never_deletes_a_tool_whose_file_exists(
    applied: Path,
    tmp_path_factory: pytest.TempPathFactory,
    placements: list[tuple[str, str, int]],
    hazards: list[tuple[str, str, int]],
) -> None:
    root = tmp_path_factory.mktemp("tree") / "project"
    shutil.copytree(applied, root, symlinks=True)
    outside = root.parent / "outside"
    (outside / "sub").mkdir(parents=True)
    actions = root / "actions"
    store = root / "store"
    store.mkdir()
    modes: dict[Path, int] = {}
    for name, (folder, how, mode) in zip(TOOLS, placements, strict=True):
        where = actions / folder
        where.mkdir(parents=True, exist_ok=True)
        content = HANDOVER.format(name=name)
        if how == "file":
            (where / f"{name}.yaml").write_text(content)
        else:
            (store / f"{name}.txt").write_text(content)
            (where / f"{name}.yaml").symlink_to(store / f"{name}.txt")
        if folder:
            modes[where] = min(modes.get(where, 0o777), mode)
    for folder, kind, n in hazards:
        _add_hazard(actions / folder, kind, n, outside)
    try:
        for path, mode in sorted(modes.items(), key=lambda item: -len(item[0].parts)):
            path.chmod(mode)
        result = run_cli(root, "plan", "--prune", "--format", "json", unprivileged=True)
    finally:
        for path in modes:
            path.chmod(0o755)
    assert "Traceback" not in result.stderr
    if result.returncode == 1:
        assert result.stdout == ""  # refused: no plan at all, so nothing to apply
        return
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    deleted = {c["name"] for c in plan["changes"] if c["action"] in ("delete", "replace")}
    assert deleted == set()  # every tool's file exists in the project


def _add_hazard(folder: Path, kind: str, n: int, outside: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = folder / f"hazard_{kind}_{n}.yaml"
    if name.exists() or name.is_symlink():
        return  # the same hazard drawn twice
    if kind == "dangling":
        name.symlink_to(folder / f"missing_{n}")
    elif kind == "loop":
        name.symlink_to(name)
    elif kind == "outside-dir":
        name.symlink_to(outside / "sub")
    elif kind == "outside-file":
        (outside / f"x{n}.yaml").write_text(HANDOVER.format(name=f"outside_{n}"))
        name.symlink_to(outside / f"x{n}.yaml")
    elif kind == "fifo":
        os.mkfifo(name)
    elif kind == "self":
        name.symlink_to(folder)
    else:
        name.mkdir()
