"""The apply session on its own, without click: the example project on the embedded
local platform, a console that keeps what it is given and a scripted confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from compiler.apply.session import ApplyRequest, lock_settings, run_apply
from compiler.cli.apply import AppWorkspace
from compiler.cli.context import AppContext
from compiler.cli.main import run
from compiler.diagnostics import Diagnostic, DiagnosticError
from compiler.plan.model import Plan
from compiler.platform.local import LocalPlatform
from tests.cli.test_apply import EXAMPLE_TOOLS, live_names


@dataclass
class Console:
    """Keeps what the session prints, by kind."""

    diagnostics_seen: list[Diagnostic] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lines: list[tuple[str, bool]] = field(default_factory=list)

    def diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics_seen += diagnostics

    def show_plan(self, plan: Plan) -> None:
        self.plans.append(plan)

    def result(self, line: str) -> None:
        self.results.append(line)

    def note(self, line: str) -> None:
        self.notes.append(line)

    def progress(self, line: str, ok: bool) -> None:
        self.lines.append((line, ok))

    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics_seen]


@dataclass
class Answers:
    """The confirmation: ``None`` means nobody can answer (no terminal)."""

    answer: str | None
    asked: list[str] = field(default_factory=list)

    def interactive(self) -> bool:
        return self.answer is not None

    def yes_or_no(self, question: str) -> bool:
        self.asked.append(question)
        return self.answer in ("y", "yes")

    def typed(self, question: str) -> str:
        self.asked.append(question)
        return self.answer or ""


def apply(project: Path, answer: str | None, **request: object) -> tuple[int, Console, Answers]:
    console, answers = Console(), Answers(answer)
    workspace = AppWorkspace(AppContext(project_dir=project))
    code = run_apply(ApplyRequest(**request), workspace, console, answers)  # type: ignore[arg-type]
    return code, console, answers


def test_a_fresh_plan_is_shown_asked_and_applied(example_project: Path) -> None:
    code, console, answers = apply(example_project, "y")
    assert code == 0
    assert len(console.plans) == 1 and console.plans[0].has_changes
    assert answers.asked == ["Apply these changes?"]
    assert all(ok for _, ok in console.lines)
    lines = [line for line, _ in console.lines]
    changes = [line for line in lines if line.startswith("[")]
    assert len(changes) == EXAMPLE_TOOLS
    assert lines[:3] == [
        "Taking the apply locks on 2 agents",
        "  locked agent_billing_dev, read its 0 live tools (1/2)",
        "  locked agent_support_dev, read its 0 live tools (2/2)",
    ]
    assert lines[3] == f"Locked; the plan is still current. Writing {EXAMPLE_TOOLS} changes"
    assert lines[4 : 4 + EXAMPLE_TOOLS] == changes
    assert lines[4 + EXAMPLE_TOOLS :] == [
        "Releasing 2 apply locks",
        "  released the lock on agent_billing_dev (1/2)",
        "  released the lock on agent_support_dev (2/2)",
    ]
    assert console.results == [f"Apply complete: {EXAMPLE_TOOLS} created."]
    assert len(live_names(example_project)) == EXAMPLE_TOOLS


def test_no_answers_no_and_nobody_to_ask_change_nothing(example_project: Path) -> None:
    code, console, _ = apply(example_project, "n")
    assert code == 1
    assert "Apply cancelled; nothing was changed." in console.notes
    code, console, answers = apply(example_project, None)
    assert (code, console.codes(), answers.asked) == (1, ["A906"], [])
    assert live_names(example_project) == []


def descriptions(project: Path) -> dict[str, str]:
    platform = LocalPlatform(project / ".actionctl" / "platform.db")
    try:
        tools = platform.list_tools("agent_billing_dev")
    finally:
        platform.close()
    return {t["name"]: t["description"] for t in tools}


def test_revert_is_a_mode_of_apply(example_project: Path, tmp_path: Path) -> None:
    assert apply(example_project, None, auto_approve=True)[0] == 0
    before = descriptions(example_project)
    invoice = example_project / "actions/billing/send_invoice_email.yaml"
    invoice.write_text(invoice.read_text().replace("Emails a copy", "Emails one copy"))
    plan_file = tmp_path / "plan.json"
    assert run(["--project", str(example_project), "plan", "--out", str(plan_file)]) == 0
    assert apply(example_project, None, planfile=plan_file)[0] == 0
    assert descriptions(example_project) != before

    code, console, answers = apply(example_project, "y", planfile=plan_file, revert=True)
    assert code == 0, console.codes()
    assert console.notes[:2] == [
        "Reading the live tools of 1 agent on local platform at .actionctl/platform.db",
        f"Reverting {plan_file}:",
    ]
    assert "Applying to environment 'dev' on local platform at " in console.notes[3]
    assert console.notes[4:6] == [
        "  1 change: 0 to create, 1 to update, 0 to replace, 0 to delete",
        "  1 agent: billing (agent_billing_dev)",
    ]
    assert answers.asked == ["Apply these changes?"]
    assert console.results == ["Apply complete: 1 updated."]
    assert descriptions(example_project) == before
    # Reverted already: the live tool is no longer the plan's ``after``.
    code, console, _ = apply(example_project, None, planfile=plan_file, revert=True)
    assert (code, set(console.codes())) == (3, {"L850"})


@pytest.mark.parametrize("raw", ["0", "nan", "forever", "86401"])
def test_a_lock_expiry_out_of_range_is_refused(raw: str) -> None:
    with pytest.raises(DiagnosticError) as caught:
        lock_settings(raw)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "A912"
    assert raw in diagnostic.message


def test_a_lock_expiry_in_range_is_taken() -> None:
    assert lock_settings("1800").expiry.total_seconds() == 1800
    assert lock_settings(" ").expiry == lock_settings(None).expiry


def test_a_request_that_cannot_mean_anything_is_refused_before_it_runs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="revert needs"):
        ApplyRequest(revert=True)
    with pytest.raises(ValueError, match="without a plan file"):
        ApplyRequest(planfile=tmp_path / "plan.json", prune=True)


def test_auto_approve_locks_before_the_plan_and_shows_every_phase(example_project: Path) -> None:
    code, console, answers = apply(example_project, None, auto_approve=True)
    assert (code, answers.asked) == (0, [])
    lines = [line for line, _ in console.lines]
    # The locks come before the plan's read: their lines first, then the writes.
    assert lines[:3] == [
        "Taking the apply locks on 2 agents",
        "  locked agent_billing_dev, read its 0 live tools (1/2)",
        "  locked agent_support_dev, read its 0 live tools (2/2)",
    ]
    assert lines[3] == f"Locked; the plan is still current. Writing {EXAMPLE_TOOLS} changes"
    assert sum(line.startswith("[") for line in lines) == EXAMPLE_TOOLS
    assert lines[-3:] == [
        "Releasing 2 apply locks",
        "  released the lock on agent_billing_dev (1/2)",
        "  released the lock on agent_support_dev (2/2)",
    ]
    assert console.results == [f"Apply complete: {EXAMPLE_TOOLS} created."]
    # Nothing to do: the locks are still taken (before the read) and released.
    code, console, _ = apply(example_project, None, auto_approve=True)
    lines = [line for line, _ in console.lines]
    assert code == 0 and lines[0] == "Taking the apply locks on 2 agents"
    assert lines[-1] == "  released the lock on agent_support_dev (2/2)"
    assert not any(line.startswith(("[", "Locked;")) for line in lines)
