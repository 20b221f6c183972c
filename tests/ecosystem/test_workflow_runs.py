"""Run the example workflows' own shell steps, in order, against a sample repository on
the embedded local platform: validate, plan (Markdown with the marker, saved plan.json,
``changes`` output), apply of the saved plan, and a second plan with nothing left."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.ecosystem.conftest import VENV_BIN, offline_env

WORKFLOWS = REPO_ROOT / "examples" / "github-actions"
GITLAB_CI = REPO_ROOT / "examples" / "gitlab-ci" / ".gitlab-ci.yml"


def step_script(workflow: str, name: str) -> tuple[str, dict[str, str]]:
    """The ``run:`` script of the step called ``name``, and the workflow-level env."""
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / workflow).read_text())
    for job in data["jobs"].values():
        for step in job["steps"]:
            if step.get("name") == name:
                return step["run"], {k: str(v) for k, v in data.get("env", {}).items()}
    raise AssertionError(f"{workflow} has no step {name!r}")


class Runner:
    """Plays GitHub's runner for ``run:`` steps: bash, the repo as working directory,
    GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, actionctl on PATH."""

    def __init__(self, repo: Path, tmp: Path) -> None:
        self.repo = repo
        self.output = tmp / "github_output"
        self.summary = tmp / "step_summary.md"
        self.output.touch()
        self.summary.touch()

    def run(self, script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        environment = offline_env(
            PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
            GITHUB_OUTPUT=str(self.output),
            GITHUB_STEP_SUMMARY=str(self.summary),
            OPENMIC_API_KEY="unused-by-the-local-platform",
            **env,
        )
        return subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=self.repo,
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
        )

    def outputs(self) -> dict[str, str]:
        lines = self.output.read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)


@pytest.fixture
def runner(sample_repo: Callable[[str], Path], tmp_path: Path) -> Runner:
    return Runner(sample_repo("good"), tmp_path)


def test_github_workflows_validate_plan_apply_replan(runner: Runner) -> None:
    script, _ = step_script("actionctl-validate.yml", "Validate")
    validated = runner.run(script, {})
    assert validated.returncode == 0, validated.stdout + validated.stderr

    plan_script, plan_env = step_script("actionctl-plan.yml", "Plan")
    plan_env["ACTIONCTL_ENV"] = "dev"  # the sample project's environment
    plan_env["GITHUB_BASE_REF"] = "main"
    # As "Fetch the base branch" leaves it: origin/main, here the commit itself.
    runner.run("git update-ref refs/remotes/origin/main HEAD", {})
    planned = runner.run(plan_script, plan_env)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert runner.outputs()["changes"] == "true"
    assert runner.outputs()["conflict"] == "false"
    markdown = (runner.repo / "plan.md").read_text()
    assert "<!-- actionctl-plan -->" in markdown
    assert "send_booking_confirmation" in markdown
    assert "<!-- actionctl-plan -->" in runner.summary.read_text()

    # The apply workflow downloads the artifact into saved-plan/.
    (runner.repo / "saved-plan").mkdir()
    shutil.copy(runner.repo / "plan.json", runner.repo / "saved-plan" / "plan.json")
    apply_script, apply_env = step_script("actionctl-apply.yml", "Apply the saved plan")
    apply_env["ACTIONCTL_ENV"] = "dev"
    applied = runner.run(apply_script, apply_env)
    assert applied.returncode == 0, applied.stdout + applied.stderr

    runner.output.write_text("")
    replanned = runner.run(plan_script, plan_env)
    assert replanned.returncode == 0, replanned.stdout + replanned.stderr
    assert runner.outputs()["changes"] == "false"

    # Applying the same saved plan again: its creates now exist, so it is stale (3).
    again = runner.run(apply_script, apply_env)
    assert again.returncode == 3, again.stdout + again.stderr


def test_github_validate_step_fails_on_bad_files_with_annotations(
    sample_repo: Callable[[str], Path], tmp_path: Path
) -> None:
    runner = Runner(sample_repo("bad"), tmp_path)
    script, _ = step_script("actionctl-validate.yml", "Validate")
    result = runner.run(script, {})
    assert result.returncode == 1
    assert "::error file=actions/support/booking.yaml," in result.stdout
    sarif_script, _ = step_script("actionctl-validate.yml", "Validate (SARIF)")
    sarif = runner.run(sarif_script, {})
    assert sarif.returncode == 0, sarif.stderr  # exit 1 (errors found) is accepted
    assert '"ruleId": "N301"' in (runner.repo / "actionctl.sarif").read_text()


def test_github_plan_step_fails_on_invalid_files(
    sample_repo: Callable[[str], Path], tmp_path: Path
) -> None:
    runner = Runner(sample_repo("bad"), tmp_path)
    script, env = step_script("actionctl-plan.yml", "Plan")
    result = runner.run(script, {**env, "ACTIONCTL_ENV": "dev", "GITHUB_BASE_REF": "main"})
    assert result.returncode == 1
    assert "::error file=actions/support/booking.yaml," in result.stdout + result.stderr
    assert "changes" not in runner.outputs()
    # stdout was the "plan failed" comment, with the reasons, for the comment step
    comment = (runner.repo / "plan.md").read_text()
    assert comment.startswith("<!-- actionctl-plan -->\n<!-- actionctl-plan-failed -->\n")
    assert "### :x: Plan failed for `dev` at `" in comment
    assert "actions/support/booking.yaml:" in comment and " N301 " in comment
    assert "### :x: Plan failed" in runner.summary.read_text()


def test_gitlab_failed_plan_replaces_the_note_then_fails_the_job(
    sample_repo: Callable[[str], Path], tmp_path: Path, gitlab: FakeGitLabNotes
) -> None:
    runner = Runner(sample_repo("bad"), tmp_path)
    gitlab.notes.append(
        {"id": 2, "body": "<!-- actionctl-plan -->\n### Plan for `dev`: 1 to create"}
    )
    env = {
        "ACTIONCTL_ENV": "dev",
        "CI_API_V4_URL": gitlab.api,
        "CI_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_IID": "7",
        "GITLAB_API_TOKEN": "glpat-test",
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }
    result = runner.run(gitlab_script("plan"), env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert [m for m, _, _ in gitlab.requests] == ["GET", "PUT"]
    body = gitlab.notes[1]["body"]
    assert "<!-- actionctl-plan-failed -->" in body and " N301 " in body
    assert "1 to create" not in body


def gitlab_script(job: str) -> str:
    data: dict[str, Any] = yaml.safe_load(GITLAB_CI.read_text())
    return "\n".join(data[job]["script"])


def test_gitlab_jobs_validate_plan_apply(runner: Runner) -> None:
    env = {"ACTIONCTL_ENV": "dev"}  # CI_MERGE_REQUEST_IID unset: no note is posted
    for job in ("validate", "plan", "apply"):
        result = runner.run(gitlab_script(job), env)
        assert result.returncode == 0, f"{job}: {result.stdout}{result.stderr}"
    assert (runner.repo / "actionctl-diagnostics.json").read_text().strip() == "[]"
    assert "<!-- actionctl-plan -->" in (runner.repo / "plan.md").read_text()


class FakeGitLabNotes:
    """The merge-request notes endpoints of GitLab's REST API, on a loopback port."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.notes: list[dict[str, Any]] = [{"id": 1, "body": "LGTM"}]
        self.requests: list[tuple[str, str, str | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> dict[str, Any]:
                data: dict[str, Any] = json.loads(
                    self.rfile.read(int(self.headers["Content-Length"]))
                )
                return data

            def do_GET(self) -> None:
                fake.requests.append(("GET", self.path, self.headers.get("PRIVATE-TOKEN")))
                self._reply(fake.notes)

            def do_POST(self) -> None:
                fake.requests.append(("POST", self.path, self.headers.get("PRIVATE-TOKEN")))
                note = {"id": len(fake.notes) + 1, "body": self._body()["body"]}
                fake.notes.append(note)
                self._reply(note)

            def do_PUT(self) -> None:
                fake.requests.append(("PUT", self.path, self.headers.get("PRIVATE-TOKEN")))
                note_id = int(self.path.rsplit("/", 1)[1])
                (note,) = [n for n in fake.notes if n["id"] == note_id]
                note["body"] = self._body()["body"]
                self._reply(note)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v4"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gitlab() -> Iterator[FakeGitLabNotes]:
    fake = FakeGitLabNotes()
    yield fake
    fake.close()


def test_gitlab_plan_posts_one_merge_request_note_then_updates_it(
    runner: Runner, gitlab: FakeGitLabNotes
) -> None:
    env = {
        "ACTIONCTL_ENV": "dev",
        "CI_API_V4_URL": gitlab.api,
        "CI_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_IID": "7",
        "GITLAB_API_TOKEN": "glpat-test",
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }
    first = runner.run(gitlab_script("plan"), env)
    assert first.returncode == 0, first.stdout + first.stderr
    notes = "/api/v4/projects/42/merge_requests/7/notes"
    assert [(m, p.split("?")[0]) for m, p, _ in gitlab.requests] == [
        ("GET", notes),
        ("POST", notes),
    ]
    assert all(token == "glpat-test" for _, _, token in gitlab.requests)
    assert gitlab.notes[-1]["body"].startswith("<!-- actionctl-plan -->")

    second = runner.run(gitlab_script("plan"), env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert [m for m, _, _ in gitlab.requests[2:]] == ["GET", "PUT"]
    assert gitlab.requests[3][1] == f"{notes}/2"
    assert len(gitlab.notes) == 2  # the reviewer's note and the one plan note
