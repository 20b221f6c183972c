"""``actionctl fmt --check`` with no store (a fresh clone, CI): canonical files are
vouched for by the fast check, and ruamel.yaml is not even imported; a file that needs
the layout still gets it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from compiler.fmt.known import STORE
from tests.conftest import write_files

ACTION = (
    "# Owned by the support team.\n\n"
    "kind: action\ntype: client_action\nagent: support\nname: lookup  # what the agent says\n"
    'description: "Looks the booking up: {{ .parameters.ref }}"\nparameters_schema:\n'
    "  type: object\n  properties:\n    ref: {type: string, description: The reference}\n"
    "  required: [ref]\n"
)
RUN = """
import json, sys
from compiler.cli.main import run
code = run(sys.argv[1:])
print(json.dumps([code, "ruamel.yaml" in sys.modules]), file=sys.stderr)
"""


def fmt_check(root: Path) -> tuple[int, bool]:
    """(exit code, whether ruamel.yaml was imported) of ``fmt --check`` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, "--project", str(root), "fmt", "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    code, imported = json.loads(done.stderr.strip().splitlines()[-1])
    return code, imported


def project(tmp_path: Path, action: str) -> Path:
    return write_files(
        tmp_path / "p",
        {
            "actionctl.yaml": "platform: local\nenvironments:\n  dev:\n    agents:\n"
            "      support: uid_support\n",
            "channels/desk.yaml": 'kind: channel\nname: Desk\nphone_number: "+15550000000"\n'
            "capabilities: [sms]\n",
            "actions/support/lookup.yaml": action,
            "actions/support/more.yaml": ACTION.replace("lookup", "more") + "---\n" + ACTION,
        },
    )


def test_a_canonical_project_is_checked_without_the_layout_library(tmp_path: Path) -> None:
    root = project(tmp_path, ACTION)
    assert fmt_check(root) == (0, False)
    assert (root / STORE).is_file()  # what was vouched for is remembered


def test_a_file_the_fast_check_cannot_vouch_for_is_laid_out(tmp_path: Path) -> None:
    root = project(tmp_path, ACTION.replace("agent: support\n", "agent: 'support'\n"))
    assert fmt_check(root) == (1, True)
    # A folded block with a paragraph break: canonical, but only the layout can tell.
    block = ACTION.replace('description: "', "description: >\n  ").replace(
        ' {{ .parameters.ref }}"\n', "\n\n  {{ .parameters.ref }}\n"
    )
    root = project(tmp_path / "block", block)
    assert fmt_check(root) == (0, True)


def test_a_plainly_folded_description_is_vouched_for(tmp_path: Path) -> None:
    """The layout folds long descriptions (``>-``); ruamel.yaml keeps where a block was
    folded, so the fast check writes such a block back as its lines were."""
    folded = ACTION.replace('description: "', "description: >-\n  ").replace(
        ' {{ .parameters.ref }}"\n', "\n  {{ .parameters.ref }}\n"
    )
    root = project(tmp_path, folded)
    assert fmt_check(root) == (0, False)


def test_every_action_type_as_fmt_lays_it_out_is_vouched_for(tmp_path: Path) -> None:
    """The benchmark's project (every action type, long descriptions folded by fmt,
    URLs, templates) once laid out by ``fmt``: a cold check needs no layout library."""
    from bench.bench_validate_compile import generate

    root = tmp_path / "p"
    generate(root, 24)
    done = subprocess.run(
        [sys.executable, "-m", "compiler", "--project", str(root), "fmt"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (root / STORE).unlink(missing_ok=True)
    assert fmt_check(root) == (0, False)
