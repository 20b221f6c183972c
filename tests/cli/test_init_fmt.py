"""``actionctl init`` and ``actionctl fmt`` on real files: a new project that validates,
plans and is already canonical; a messy file laid out with its comments and meaning kept;
--check and --diff that write nothing; never a half-written file or project."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from compiler.load.yaml_source import read_yaml_text
from tests.cli.test_apply import live_names
from tests.conftest import CliResult, write_files

MESSY = """\
# Booking confirmation (team: support)
name: 'send_booking_confirmation'
description: Sends a booking confirmation SMS to the caller after the booking is made.
kind: action
agent: support     # mapped in actionctl.yaml
type: send_text_message
message: "Hi, your booking is confirmed! Reference: {{ .parameters.booking_reference }}."
parameters_schema:
    required:
        - booking_reference
    properties:
        booking_reference: {type: string, description: 'The booking reference number'}
    type: object
recipient: contact
messaging_channel: Customer notifications
"""


def data(text: str) -> list[Any]:
    return [d.document.data for d in read_yaml_text(text, "f.yaml").documents]


def test_init_writes_a_project_that_validates_plans_and_is_canonical(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = tmp_path / "new"
    created = cli("--project", root, "init")
    assert created.exit_code == 0, created.output
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml")) == [
        "actionctl.yaml",
        "actions/support/send_booking_confirmation.yaml",
        "channels/customer-notifications.yaml",
        "tests/support/send_booking_confirmation.test.yaml",
    ]
    assert "# " in (root / "actions/support/send_booking_confirmation.yaml").read_text()
    tested = cli("--project", root, "test")  # offline, its sample cases pass as written
    assert tested.exit_code == 0, tested.output
    assert "2 passed" in tested.output
    assert ".actionctl/" in (root / ".gitignore").read_text()
    checked = cli("--project", root, "validate", "--strict")
    assert checked.exit_code == 0, checked.output
    assert "ok: 1 action, 1 channel checked" in checked.stdout
    assert cli("--project", root, "fmt", "--check").exit_code == 0
    planned = cli("--project", root, "--no-color", "plan")
    assert planned.exit_code == 0, planned.output
    assert "support/send_booking_confirmation" in planned.stdout


def test_init_never_touches_an_existing_project(
    cli: Callable[..., CliResult], example_project: Path
) -> None:
    before = {p: p.read_bytes() for p in example_project.rglob("*") if p.is_file()}
    result = cli("--project", example_project, "init")
    assert result.exit_code == 1
    assert "E132" in result.stderr and "already holds a project" in result.stderr
    assert {p: p.read_bytes() for p in example_project.rglob("*") if p.is_file()} == before


def test_init_import_brings_the_account_s_tools(
    cli: Callable[..., CliResult], example_project: Path, tmp_path: Path
) -> None:
    assert cli("--project", example_project, "-q", "apply", "--auto-approve").exit_code == 0
    root = tmp_path / "adopted"
    root.mkdir()
    # The local platform's state travels with the directory (.actionctl/platform.db).
    shutil.copytree(example_project / ".actionctl", root / ".actionctl")
    result = cli("--project", root, "init", "--import")
    assert result.exit_code == 0, result.output
    imported = {
        document["name"]
        for path in root.glob("actions/**/*.yaml")
        for document in data(path.read_text())
    }
    assert imported == set(live_names(root))  # every live tool, and no example action
    assert "agents: {}" in (root / "actionctl.yaml").read_text()
    assert cli("--project", root, "validate").exit_code == 0
    again = cli("--project", root, "--no-color", "plan")
    assert again.exit_code == 0, again.output
    assert "No changes" in again.stdout


def test_init_import_that_fails_leaves_nothing(
    cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.delenv("OPENMIC_API_KEY", raising=False)
    root = tmp_path / "adopted"
    result = cli("--project", root, "init", "--platform", "openmic", "--import")
    assert result.exit_code == 1
    assert "P109" in result.stderr or "OPENMIC_API_KEY" in result.stderr
    assert not (root / "actionctl.yaml").exists()
    assert list(root.rglob("*.yaml")) == []


def messy_project(tmp_path: Path) -> Path:
    from compiler.init.skeleton import CHANNEL, project_file

    return write_files(
        tmp_path / "p",
        {
            "actionctl.yaml": project_file("local", None),
            "channels/customer-notifications.yaml": CHANNEL,
            "actions/support/booking.yaml": MESSY,
        },
    )


def test_fmt_lays_out_keeps_comments_and_meaning(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = messy_project(tmp_path)
    path = root / "actions/support/booking.yaml"
    result = cli("--project", root, "fmt")
    assert result.exit_code == 0, result.output
    assert "reformatted actions/support/booking.yaml" in result.stderr
    text = path.read_text()
    assert data(text) == data(MESSY)
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys[:5] == ["kind", "type", "agent", "name", "description"]
    assert keys.index("messaging_channel") < keys.index("parameters_schema") < keys.index("message")
    assert "# Booking confirmation (team: support)" in text
    assert "agent: support  " in text and "# mapped in actionctl.yaml" in text
    assert 'name: "send_booking_confirmation"' in text  # double quotes
    assert "\n  type: object\n  properties:\n" in text  # 2 spaces, schema order
    assert "\n  required:\n  - booking_reference\n" in text
    assert cli("--project", root, "validate").exit_code == 0
    again = cli("--project", root, "fmt", "--check")  # idempotent
    assert again.exit_code == 0, again.output


def test_fmt_check_lists_and_writes_nothing(cli: Callable[..., CliResult], tmp_path: Path):
    root = messy_project(tmp_path)
    result = cli("--project", root, "fmt", "--check")
    assert result.exit_code == 1
    assert result.stdout == "would reformat actions/support/booking.yaml\n"
    assert (root / "actions/support/booking.yaml").read_text() == MESSY


def test_fmt_diff_shows_and_writes_nothing(cli: Callable[..., CliResult], tmp_path: Path):
    root = messy_project(tmp_path)
    result = cli("--project", root, "fmt", "--diff")
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/actions/support/booking.yaml\n+++ b/")
    assert "+kind: action\n" in result.stdout
    assert (root / "actions/support/booking.yaml").read_text() == MESSY


def test_fmt_of_given_files_only(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    root = messy_project(tmp_path)
    (root / "channels/other.yaml").write_text(
        "name: Other\nkind: channel\nphone_number: '+15550000002'\ncapabilities: [sms]\n"
    )
    result = cli("--project", root, "fmt", "--check", root / "channels/other.yaml")
    assert result.exit_code == 1
    assert result.stdout == "would reformat channels/other.yaml\n"


def test_fmt_of_a_path_that_is_not_yaml_or_does_not_exist_says_so(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = messy_project(tmp_path)
    (root / "README.md").write_text("# notes\n")
    readme = cli("--project", root, "fmt", "--check", root / "README.md")
    assert readme.exit_code == 0  # a warning: nothing to format, nothing wrong
    assert "E109" in readme.stderr and "not a YAML file" in readme.stderr
    missing = cli("--project", root, "fmt", "--check", root / "actions/absent.yaml")
    assert missing.exit_code == 1
    assert "E107" in missing.stderr and "no such file" in missing.stderr


def test_fmt_leaves_a_broken_file_alone_and_formats_the_rest(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = messy_project(tmp_path)
    broken = root / "actions/support/broken.yaml"
    broken.write_text("kind: action\nname: [unclosed\n")
    result = cli("--project", root, "fmt")
    assert result.exit_code == 1
    assert "actions/support/broken.yaml:" in result.stderr
    assert broken.read_text() == "kind: action\nname: [unclosed\n"
    assert (root / "actions/support/booking.yaml").read_text() != MESSY
    # the broken file is not counted as canonical
    assert "1 file reformatted, 2 already canonical, 1 left as it is" in result.stderr


def test_fmt_of_a_non_utf8_file_is_the_loader_s_located_y104(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = messy_project(tmp_path)
    binary = root / "actions/support/latin1.yaml"
    binary.write_bytes(b"kind: action\nname: caf\xe9\n")
    result = cli("--project", root, "fmt", "--check")
    assert result.exit_code == 1
    assert "actions/support/latin1.yaml:2:10: error Y104 file is not valid UTF-8" in result.stderr
    assert "codec" not in result.stderr
    assert binary.read_bytes() == b"kind: action\nname: caf\xe9\n"


def test_fmt_keeps_yaml_1_1_text_as_written(cli: Callable[..., CliResult], tmp_path: Path):
    root = tmp_path / "p"
    text = "environments:\n  dev: {agents: {support: 'on'}}\nplatform: local\nprune: no\n"
    write_files(root, {"actionctl.yaml": text})
    assert cli("--project", root, "fmt").exit_code == 0
    result = (root / "actionctl.yaml").read_text()
    assert data(result) == data(text)
    assert "prune: no" in result and '"on"' in result


def test_fmt_outside_a_project_is_an_error(cli: Callable[..., CliResult], tmp_path: Path):
    result = cli("--project", tmp_path, "fmt")
    assert result.exit_code == 1
    assert "not an actionctl project" in result.stderr


def test_the_repository_s_example_project_is_canonical(cli: Callable[..., CliResult]) -> None:
    from tests.conftest import REPO_ROOT

    result = cli("--project", REPO_ROOT, "fmt", "--check")
    assert result.exit_code == 0, result.output


def test_init_import_from_an_openmic_account_over_http(
    cli: Callable[..., CliResult], emulator: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from tests.cli.test_import import BILLING_TOOLS
    from tests.conftest import TEST_API_KEY, emulator_rest

    monkeypatch.setenv("OPENMIC_API_KEY", TEST_API_KEY)
    monkeypatch.setenv("OPENMIC_BASE_URL", emulator.url)
    uid = str(
        emulator_rest(emulator.url, "POST", "/agents", {"name": "billing", "prompt": "p"})["uid"]
    )
    for tool in BILLING_TOOLS:
        emulator_rest(emulator.url, "POST", f"/agents/{uid}/tools", tool)
    root = tmp_path / "adopted"
    result = cli("--project", root, "init", "--platform", "openmic", "--import", "--agent", uid)
    assert result.exit_code == 0, result.output
    config = (root / "actionctl.yaml").read_text()
    assert "platform: openmic" in config and TEST_API_KEY not in config
    names = {d["name"] for p in root.glob("actions/**/*.yaml") for d in data(p.read_text())}
    assert names == {tool["name"] for tool in BILLING_TOOLS}
    assert cli("--project", root, "validate").exit_code == 0
    planned = cli("--project", root, "--no-color", "plan")
    assert planned.exit_code == 0, planned.output
    assert "No changes" in planned.stdout


def test_fmt_keeps_comments_above_the_first_document_marker_and_comment_only_files(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = tmp_path / "p"
    channel = "# Owned by the front desk\n---\nname: A\nkind: channel\n"
    write_files(root, {"channels/a.yaml": channel, "channels/notes.yaml": "# nothing yet\n"})
    assert cli("--project", root, "fmt").exit_code == 0
    assert (root / "channels/a.yaml").read_text() == (
        "# Owned by the front desk\n---\nkind: channel\nname: A\n"
    )
    assert (root / "channels/notes.yaml").read_text() == "# nothing yet\n"
