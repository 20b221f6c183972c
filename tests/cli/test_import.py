"""``actionctl import`` end to end: a varied account seeded into the real emulator over its
REST API, imported into an empty project, which then validates and plans with no
changes against the same platform."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import TEST_API_KEY, CliResult, emulator_rest, write_openmic_config
from tests.importer.platform_examples import (
    APPOINTMENT_CONFIRMATION,
    APPOINTMENT_CONFIRMATION_YAML,
)

KEY_ENV = "ACTIONCTL_TEST_IMPORT_KEY"

LONG_PROMPT = (
    "Write a friendly follow-up to the caller. Thank them for calling Müller & Söhne "
    "about their order, repeat the delivery window agreed on the call, and tell them "
    "they can reply STOP to opt out.\n\n"
    "Rules:\n"
    "- at most 300 characters\n"
    "- no links: they get flagged as spam\n"
    "- sign as 'Das Team' — never with a person's name 😀\n"
) * 3

SUPPORT_TOOLS: list[dict[str, Any]] = [
    APPOINTMENT_CONFIRMATION,
    {
        "type": "send_sms",
        "name": "send_follow_up",
        "description": "Send a follow-up SMS after the call",
        "static_params": {"type": "prompt", "message": LONG_PROMPT},
    },
    {
        "type": "send_sms",
        "name": "notify_from_front_desk",
        "description": "Bestätigung senden — 日本語のお客様にも",
        "parameters": {
            "type": "object",
            "properties": {"phone": {"type": "string"}, "ref": {"type": "string"}},
            "required": ["ref", "phone"],
        },
        "static_params": {
            "type": "static",
            "message": "Réf. {{ ref }} ✓ — {{customer_name}}, see you at {{time.cet}}",
            "from_number": "+15550000001",
            "to_number": "{{phone}}",
        },
        "speak_after_execution": False,
    },
    {
        "type": "send_sms",
        "name": "notify_from_unnamed",
        "static_params": {"message": "no", "from_number": "+15550000077"},
    },
    {
        "type": "transfer_call",
        "name": "transfer_to_sales",
        "description": "Transfer the caller to sales",
        "speak_during_execution": False,
        "speak_after_execution": False,
        "static_params": {"transfer_type": "cold", "default_transfer_number": "+15551234567"},
    },
    {
        "type": "transfer_call",
        "name": "route_by_rules",
        "static_params": {
            "transfer_type": "warm",
            "routing_rules": "Billing: +15550001111\nEverything else: +15550002222",
            "transfer_settings": {"ring_duration": 40, "on_hold_music": "music"},
        },
    },
    {
        "type": "api_request",
        "name": "lookup_order",
        "url": "https://api.example.com/orders",
        "method": "post",
        "api_timeout": 8000,
        "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}},
    },
    {"type": "function", "name": "open_booking_page", "use_raw_schema": True},
    {"type": "end_call", "name": "hang_up", "static_params": {"end_message": "Goodbye!"}},
    {"type": "dtmf", "name": "press_1", "static_params": {"digits": "1"}},
    {
        "type": "send_email",
        "name": "email_summary",
        "static_params": {"to": "ops@example.com", "subject": "1.10", "body": "{{summary}}"},
    },
    {
        "type": "call_booking",
        "name": "book_call",
        "static_params": {"calendar_integration": "clio", "duration_minutes": 30},
    },
    {
        "type": "check_calendar_availability",
        "name": "check_slots",
        "static_params": {"calendar_integration": "clio", "days_ahead": 14},
    },
    {
        "type": "check_working_hours",
        "name": "office_hours",
        "static_params": {
            "timezone": "Europe/Berlin",
            "working_hours": {
                "monday": {"start": "09:00", "end": "12:30"},
                "sunday": {"start": "closed", "end": "closed"},
            },
        },
    },
]

BILLING_TOOLS: list[dict[str, Any]] = [
    {
        "type": "send_sms",
        "name": "send_invoice_link",
        "static_params": {"type": "static", "message": "Your invoice: {{invoice_url}}"},
    },
]


class Account:
    """An emulator plus a project directory wired to it (``platform: openmic``)."""

    def __init__(self, server: Any, root: Path, cli: Callable[..., CliResult]) -> None:
        self.server, self.root, self.cli = server, root, cli
        self.agents: dict[str, str] = {}

    def rest(self, method: str, path: str, body: Any = None) -> Any:
        return emulator_rest(self.server.url, method, path, body)

    def add_agent(self, logical: str, tools: list[dict[str, Any]]) -> str:
        uid = str(self.rest("POST", "/agents", {"name": logical, "prompt": "p"})["uid"])
        for tool in tools:
            self.rest("POST", f"/agents/{uid}/tools", tool)
        self.agents[logical] = uid
        return uid

    def write_project(self, **extra: Any) -> None:
        write_openmic_config(self.root, self.server.url, KEY_ENV, self.agents, **extra)

    def run(self, *args: str | Path) -> CliResult:
        return self.cli("--project", self.root, "--no-color", *args)


@pytest.fixture
def account(
    emulator: Any, tmp_path: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> Account:
    monkeypatch.setenv(KEY_ENV, TEST_API_KEY)
    monkeypatch.delenv("OPENMIC_BASE_URL", raising=False)
    emulator.store.add_phone_number("+15550000001", "Front desk")
    return Account(emulator, tmp_path / "project", cli)


def files_under(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".actionctl" not in p.parts
    }


def test_import_validates_and_plans_clean(account: Account) -> None:
    account.add_agent("support", SUPPORT_TOOLS)
    account.add_agent("billing", BILLING_TOOLS)
    account.write_project()

    result = account.run("import")
    assert result.exit_code == 0, result.output
    # On platform: openmic a send_sms with from_number/to_number has no UI-style form (a
    # custom recipient is C630, a channel is not sent): those two are written native,
    # keeping the keys as they are live (validate warns about them, C632).
    assert "15 tools imported: 6 as UI style, 9 native" in result.stderr
    assert "wrote 15 files" in result.stderr  # 15 actions, no channels

    files = files_under(account.root)
    assert not [f for f in files if f.startswith("channels/")]
    assert (
        files["actions/support/send_appointment_confirmation.yaml"] == APPOINTMENT_CONFIRMATION_YAML
    )
    follow_up = yaml.safe_load(files["actions/support/send_follow_up.yaml"])
    assert follow_up["type"] == "send_text_message"
    assert follow_up["prompt"] == LONG_PROMPT
    assert "prompt: |" in files["actions/support/send_follow_up.yaml"]
    front_desk = yaml.safe_load(files["actions/support/notify_from_front_desk.yaml"])
    assert front_desk["type"] == "openmic.send_sms"
    sent = front_desk["static_params"]
    assert (sent["from_number"], sent["to_number"]) == ("+15550000001", "{{phone}}")
    assert 'message: "no"' in files["actions/support/notify_from_unnamed.yaml"]
    assert yaml.safe_load(files["actions/support/route_by_rules.yaml"])["type"] == (
        "openmic.transfer_call"
    )
    assert TEST_API_KEY not in result.output
    assert not any(TEST_API_KEY in text for text in files.values())

    validate = account.run("validate")
    assert validate.exit_code == 0, validate.output
    assert validate.output.count("warning C632") == 2  # the two senders, keys named
    assert "static_params from_number, to_number" in validate.output
    plan = account.run("plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output


def test_a_sender_number_is_kept_native_on_openmic_not_turned_into_a_channel(
    account: Account,
) -> None:
    account.add_agent("support", SUPPORT_TOOLS[2:3])
    account.write_project()
    (account.root / "channels").mkdir()
    (account.root / "channels/desk.yaml").write_text(
        'kind: channel\nname: Desk\nphone_number: "+15550000001"\ncapabilities: [sms, voice]\n'
    )
    result = account.run("import")
    assert result.exit_code == 0, result.output
    assert sorted(files_under(account.root / "channels")) == ["desk.yaml"]
    imported = yaml.safe_load(
        (account.root / "actions/support/notify_from_front_desk.yaml").read_text()
    )
    assert imported["type"] == "openmic.send_sms"
    assert imported["static_params"]["from_number"] == "+15550000001"
    assert "messaging_channel" not in imported
    assert account.run("plan", "--detailed-exitcode").exit_code == 0


def test_never_overwrites_without_force_and_writes_nothing(account: Account) -> None:
    account.add_agent("support", SUPPORT_TOOLS[:3])
    account.write_project()
    target = account.root / "actions/support/send_follow_up.yaml"
    target.parent.mkdir(parents=True)
    target.write_text("# mine\n")

    refused = account.run("import")
    assert refused.exit_code == 1
    assert "actions/support/send_follow_up.yaml" in refused.stderr
    assert "I001" in refused.stderr
    assert "nothing was written" in refused.stderr
    assert files_under(account.root) == {
        "actionctl.yaml": (account.root / "actionctl.yaml").read_text(),
        "actions/support/send_follow_up.yaml": "# mine\n",
    }
    assert os.listdir(target.parent) == ["send_follow_up.yaml"]  # no temp files

    forced = account.run("import", "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_text().startswith("kind: action\n")
    assert account.run("plan", "--detailed-exitcode").exit_code == 0


def test_force_never_replaces_a_fifo_and_writes_through_links(account: Account) -> None:
    account.add_agent("support", SUPPORT_TOOLS[:2])
    account.write_project()
    directory = account.root / "actions/support"
    directory.mkdir(parents=True)
    os.mkfifo(directory / "send_follow_up.yaml")
    (account.root / "kept").mkdir()
    (account.root / "kept/confirmation.yaml").write_text("# stale\n")
    (directory / "send_appointment_confirmation.yaml").symlink_to("../../kept/confirmation.yaml")
    refused = account.run("import", "--force")
    assert refused.exit_code == 1
    assert "send_follow_up.yaml: error I004" in refused.stderr
    assert (account.root / "kept/confirmation.yaml").read_text() == "# stale\n"

    os.unlink(directory / "send_follow_up.yaml")
    forced = account.run("import", "--force")
    assert forced.exit_code == 0, forced.output
    assert (directory / "send_appointment_confirmation.yaml").is_symlink()
    assert (account.root / "kept/confirmation.yaml").read_text() == (APPOINTMENT_CONFIRMATION_YAML)


def test_import_and_validate_name_a_fifo_alike(account: Account) -> None:
    """One wording of what is at a path (compiler.wording.file_kind) for the loader and
    the importer: the same FIFO is the same thing in both messages."""
    account.add_agent("support", SUPPORT_TOOLS[:2])
    account.write_project()
    directory = account.root / "actions/support"
    directory.mkdir(parents=True)
    os.mkfifo(directory / "send_follow_up.yaml")
    imported = account.run("import")
    validated = account.run("validate")
    for result, code in ((imported, "I004"), (validated, "E115")):
        assert result.exit_code == 1, result.output
        (line,) = [line for line in result.output.splitlines() if f"error {code}" in line]
        assert line.split(": error")[0].endswith("actions/support/send_follow_up.yaml")
        assert "is a named pipe (FIFO), not a regular file;" in line


def test_second_import_skips_what_the_first_wrote(account: Account) -> None:
    uid = account.add_agent("support", SUPPORT_TOOLS[:2])
    account.write_project()
    assert account.run("import").exit_code == 0
    before = files_under(account.root)
    account.rest("POST", f"/agents/{uid}/tools", SUPPORT_TOOLS[9])  # one new tool since
    again = account.run("import")
    assert again.exit_code == 0, again.output
    assert "1 tool imported: 0 as UI style, 1 native; 2 already declared, skipped" in (again.stderr)
    assert files_under(account.root) == {
        **before,
        "actions/support/press_1.yaml": (account.root / "actions/support/press_1.yaml").read_text(),
    }
    # Rewriting the files that declare the tools replaces them: no duplicate warning.
    refreshed = account.run("import", "--include-declared", "--force")
    assert refreshed.exit_code == 0, refreshed.output
    assert "warning" not in refreshed.stderr
    assert account.run("validate").exit_code == 0


def test_import_into_an_applied_project_adds_nothing_twice(
    example_project: Path, cli: Callable[..., CliResult]
) -> None:
    """Hand-written files, some declaring several tools, all applied: import (even with
    --force) leaves every file as it is and the project still validates."""
    applied = cli("--project", example_project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    before = files_under(example_project)
    for args in [(), ("--force",)]:
        result = cli("--project", example_project, "--no-color", "import", *args)
        assert result.exit_code == 0, result.output
        assert "13 already declared, skipped" in result.stderr
        assert "nothing was written" in result.stderr
        assert files_under(example_project) == before
    assert cli("--project", example_project, "validate").exit_code == 0


def test_include_declared_writes_everything_elsewhere(
    example_project: Path,
    tmp_path: Path,
    cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert cli("--project", example_project, "apply", "--auto-approve").exit_code == 0
    monkeypatch.chdir(tmp_path)
    stale = tmp_path / "live/actions/support/end_call.yaml"
    stale.parent.mkdir(parents=True)
    stale.write_text("# stale\n")
    args = ("--project", example_project, "--no-color", "import", "--include-declared")
    refused = cli(*args, "--out", "live")
    assert refused.exit_code == 1
    # Paths as the user can open them from here, not relative to --out.
    assert "live/actions/support/end_call.yaml: error I001" in refused.stderr
    assert "I013" not in refused.stderr  # nothing is written into the project

    result = cli(*args, "--out", "live", "--force")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert len([p for p in (tmp_path / "live/actions").rglob("*.yaml")]) == 13
    assert yaml.safe_load(stale.read_text())["name"] == "end_call"

    # Into the project itself, a tool declared in a multi-document file is a duplicate.
    assert example_project == tmp_path / "project"
    into_project = cli(*args, "--out", example_project, "--force")
    assert (
        "project/actions/support/end_call.yaml:1:1: warning I013 support/end_call "
        "is already declared in project/actions/support/call_control.yaml"
    ) in into_project.stderr


def test_include_declared_into_a_folder_inside_the_project_is_not_a_duplicate(
    example_project: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--out imported`` inside the project writes imported/actions/..., which the
    project never loads: no I013 (it used to warn once per declared tool)."""
    assert cli("--project", example_project, "apply", "--auto-approve").exit_code == 0
    monkeypatch.chdir(example_project)
    result = cli("--no-color", "import", "--include-declared", "--out", "imported")
    assert result.exit_code == 0, result.output
    assert "I013" not in result.stderr and "warning" not in result.stderr
    assert len(list((example_project / "imported/actions").rglob("*.yaml"))) == 13
    assert cli("validate").exit_code == 0
    # Under the project's own actions/ a copy is loaded, so it is declared twice.
    nested = cli("--no-color", "import", "--include-declared", "--out", "actions/copy")
    assert nested.stderr.count("warning I013") == 13


def test_duplicate_names_are_both_imported_with_a_warning(account: Account) -> None:
    twin = {"type": "dtmf", "name": "press", "static_params": {"digits": "1"}}
    account.add_agent("support", [twin, {**twin, "static_params": {"digits": "2"}}])
    account.write_project()
    result = account.run("import")
    assert result.exit_code == 0, result.output
    assert "warning I010" in result.stderr
    assert "will not validate until one is renamed" in result.stderr
    first = yaml.safe_load((account.root / "actions/support/press.yaml").read_text())
    second = yaml.safe_load((account.root / "actions/support/press-2.yaml").read_text())
    assert {first["static_params"]["digits"], second["static_params"]["digits"]} == {"1", "2"}
    assert account.run("validate").exit_code == 1  # as the warning said


def test_names_that_are_not_file_names_are_written_safely(account: Account) -> None:
    names = ["../../escape", "a/b", "Ünïcödé", "CON", "aux.txt", "x" * 250, "X" * 250]
    account.add_agent(
        "support", [{"type": "dtmf", "name": n, "static_params": {"digits": "1"}} for n in names]
    )
    account.write_project()
    result = account.run("import")
    assert result.exit_code == 0, result.output
    # Every one is a valid platform name (any 1-255 characters): imported native, no I011.
    assert "warning I011" not in result.stderr
    written = sorted(p.name for p in (account.root / "actions/support").iterdir())
    # "X..." and "x..." would be one file on case-insensitive file systems: suffixed.
    expected = ["escape.yaml", "a-b.yaml", "Unicode.yaml", "CON_.yaml", "aux_.txt.yaml"]
    expected.append("X" * 80 + ".yaml")  # (Windows reserves AUX with any extension)
    assert written == sorted([*expected, "x" * 80 + "-2.yaml"])
    assert sorted(p.name for p in account.root.iterdir()) == ["actionctl.yaml", "actions"]
    names_back = {
        yaml.safe_load(p.read_text())["name"] for p in (account.root / "actions/support").iterdir()
    }
    assert names_back == set(names)


def test_agent_selection_raw_uid_and_out_dir(account: Account, tmp_path: Path) -> None:
    account.add_agent("support", SUPPORT_TOOLS[:1])
    billing_uid = account.add_agent("billing", BILLING_TOOLS)
    account.write_project()
    out = tmp_path / "elsewhere"
    result = account.run("import", "--agent", billing_uid, "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(files_under(out)) == ["actions/billing/send_invoice_link.yaml"]
    assert not (account.root / "actions").exists()


def test_unknown_agent_is_an_error(account: Account) -> None:
    account.add_agent("support", SUPPORT_TOOLS[:1])
    account.write_project()
    result = account.run("import", "--agent", "no_such_agent")
    assert result.exit_code == 1
    assert "error I020 agent no_such_agent does not exist" in result.stderr
    assert "I024" not in result.stderr  # "has no tools" adds nothing to "does not exist"
    assert not (account.root / "actions").exists()


def test_local_platform_imports_every_agent_it_has(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    from compiler.platform.local import LocalPlatform

    root = tmp_path / "local"
    (root / ".actionctl").mkdir(parents=True)
    platform = LocalPlatform(root / ".actionctl/platform.db")
    platform.create_tool("sales", SUPPORT_TOOLS[0])
    platform.create_tool("ops", SUPPORT_TOOLS[9])
    platform.close()
    unknown = cli("--project", root, "--no-color", "import", "--agent", "nobody")
    assert unknown.exit_code == 0
    assert "warning I024 agent nobody has no tools on local platform" in unknown.stderr
    result = cli("--project", root, "import")
    assert result.exit_code == 0, result.output
    assert sorted(files_under(root)) == [
        "actions/ops/press_1.yaml",
        "actions/sales/send_appointment_confirmation.yaml",
    ]
    assert cli("--project", root, "plan", "--detailed-exitcode").exit_code == 0


def test_applied_example_project_imports_back_to_the_same_types(
    example_project: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    """The repository's example project, applied to the local platform, imports into an
    empty project that plans clean, with every action in its original style."""
    import shutil

    applied = cli("--project", example_project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    config = yaml.safe_load((example_project / "actionctl.yaml").read_text())
    for environment in config["environments"].values():
        # Overrides name channels of the example project, which a fresh one lacks.
        environment.pop("channels", None)
    (fresh / "actionctl.yaml").write_text(yaml.safe_dump(config))
    shutil.copytree(example_project / ".actionctl", fresh / ".actionctl")

    result = cli("--project", fresh, "import")
    assert result.exit_code == 0, result.output
    assert cli("--project", fresh, "validate").exit_code == 0
    assert cli("--project", fresh, "plan", "--detailed-exitcode").exit_code == 0

    def types(root: Path) -> dict[str, str]:
        found = {}
        for path in (root / "actions").rglob("*.yaml"):
            for document in yaml.safe_load_all(path.read_text()):
                found[f"{document['agent']}/{document['name']}"] = document["type"]
        return found

    assert types(fresh) == types(example_project)


def test_warns_about_declarations_elsewhere_and_tools_that_will_not_validate(
    account: Account,
) -> None:
    odd = {
        "type": "send_sms",
        "name": "odd_sender",
        "static_params": {"type": "static", "message": "x", "from_number": "front desk"},
    }
    account.add_agent("support", [SUPPORT_TOOLS[9], odd])
    account.write_project()
    (account.root / "actions").mkdir()
    (account.root / "actions/mine.yaml").write_text(
        "kind: action\ntype: openmic.dtmf\nagent: support\nname: press_1\n"
        "static_params: {digits: '2'}\n"
    )
    result = account.run("import")
    assert result.exit_code == 0, result.output
    assert "1 already declared, skipped" in result.stderr
    assert not (account.root / "actions/support/press_1.yaml").exists()
    assert "I013" not in result.stderr

    both = account.run("import", "--include-declared", "--force")
    assert both.exit_code == 0, both.output
    assert (
        f"{account.root}/actions/support/press_1.yaml:1:1: warning I013 support/press_1 is "
        f"already declared in {account.root}/actions/mine.yaml" in both.stderr
    )
    assert "actions/support/odd_sender.yaml:1:1: warning I012" in result.stderr
    assert "N322" in result.stderr  # the reason: the sender is not an E.164 number
    odd_back = yaml.safe_load((account.root / "actions/support/odd_sender.yaml").read_text())
    assert odd_back["static_params"]["from_number"] == "front desk"  # kept as it is
