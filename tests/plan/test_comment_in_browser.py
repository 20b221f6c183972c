"""The ``plan --base`` comment as a reviewer sees it: rendered by GitHub's Markdown
renderer (cmark-gfm with its table extension), laid out by a real browser (headless
Chromium) at a pull-request comment's width, and every table measured against it.

Skipped, with the reason, only when no Chromium is installed (CI installs it:
``apt-get install -y chromium``)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import cmarkgfm
import pytest
import yaml
from cmarkgfm.cmark import Options

from tests.plan.git_project import (
    BOOKING,
    BOOKING_TOOL,
    NEW_MESSAGE,
    OLD_MESSAGE,
    GitProject,
    edit_config,
    move_project,
)

WIDTH = 760  # pixels: the body of a comment in a pull request's conversation
CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
# A developer's machine may lack it; CI installs it (.ci/run), so there it never skips.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="no Chromium to lay the comment out (apt-get install -y chromium)",
)

# The parts of GitHub's Markdown stylesheet (github-markdown-css) that decide widths.
GITHUB_CSS = """
body { margin: 0; }
.markdown-body { box-sizing: border-box; width: WIDTHpx; padding: 0; font-size: 14px;
  line-height: 1.5; word-wrap: break-word;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
  sans-serif; }
.markdown-body table { border-spacing: 0; border-collapse: collapse; display: block;
  width: max-content; max-width: 100%; overflow: auto; }
.markdown-body table th, .markdown-body table td { padding: 6px 13px;
  border: 1px solid #d0d7de; }
.markdown-body code { padding: .2em .4em; margin: 0; font-size: 85%;
  white-space: break-spaces; border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; }
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; }
.markdown-body pre code { white-space: pre; padding: 0; }
""".replace("WIDTH", str(WIDTH))

# Every table's content width (scrollWidth: what it would need) against the container's.
MEASURE = """
<script>
for (const d of document.querySelectorAll('details')) d.open = true;
const box = document.getElementById('comment');
const tables = [...document.querySelectorAll('table')].map(
  t => ({needs: t.scrollWidth, text: t.innerText.slice(0, 120)}));
const out = document.createElement('pre');
out.id = 'measurements';
out.textContent = JSON.stringify({width: box.clientWidth, tables: tables});
document.body.appendChild(out);
</script>
"""


def github_html(markdown: str) -> str:
    """The comment as GitHub renders it: GFM with tables; raw HTML (details, summary,
    br, code) kept, as GitHub's sanitiser keeps those tags."""
    body: str = cmarkgfm.github_flavored_markdown_to_html(
        markdown, options=Options.CMARK_OPT_UNSAFE
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{GITHUB_CSS}</style></head>"
        f"<body><div class='markdown-body' id='comment'>{body}</div>{MEASURE}</body></html>"
    )


def measure(markdown: str) -> dict[str, Any]:
    """Lay the comment out in headless Chromium and read back the measurements."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as pages:
        page = Path(pages) / "comment.html"
        page.write_text(github_html(markdown), encoding="utf-8")
        done = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--window-size={WIDTH + 40},2000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    found = re.search(r'<pre id="measurements">(.*?)</pre>', done.stdout, re.S)
    assert found, f"chromium gave no measurements (exit {done.returncode}): {done.stderr[-2000:]}"
    data: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return data


def overflowing(measured: dict[str, Any]) -> list[dict[str, Any]]:
    return [table for table in measured["tables"] if table["needs"] > measured["width"]]


def test_the_measurement_sees_an_overflowing_table() -> None:
    """The check can fail: a table of long unbreakable code spans is caught."""
    wide = "| Class | Tool | Field | What happened |\n|---|---|---|---|\n"
    wide += f"| drift | `support/{'x' * 60}` | `{'y.' * 40}z` | edited outside git |\n"
    measured = measure(wide)
    assert measured["width"] == WIDTH
    assert overflowing(measured), measured


LONG_URL = "https://bookings.example.com/api/v2/bookings/lookup-by-reference-and-practitioner"
DASHBOARD_URL = "https://bookings.example.com/api/v1/bookings/find?edited=in-the-dashboard"
LONG_DESCRIPTION = (
    "Sends the booking confirmation SMS to the caller, edited in the dashboard by the "
    "front desk on a busy Monday morning so that it mentions parking, the entrance on "
    "the side street and the forms to bring along to the first appointment."
)


def test_the_base_comment_has_no_table_wider_than_a_pr_comment(deployed: GitProject) -> None:
    # A change: this branch rewords the confirmation message.
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    # A conflict: this branch and the dashboard both change the lookup's URL.
    deployed.edit(
        "actions/support/lookup_booking.yaml",
        "https://bookings.example.com/api/v1/bookings/lookup",
        LONG_URL,
    )
    deployed.commit_all("pr: reword the confirmation, move the lookup")
    deployed.dashboard_patch("lookup_booking", {"url": DASHBOARD_URL})
    # A drift: the dashboard rewrites the confirmation's description.
    deployed.dashboard_patch(BOOKING_TOOL, {"description": LONG_DESCRIPTION})

    result = deployed.run("plan", "--base", "main", "--format", "markdown")
    assert result.exit_code == 0, result.output
    comment = result.stdout
    assert "1 conflict, 1 drift, 1 change" in comment
    assert "**drift**: applying reverts an edit made outside git" in comment
    assert ":warning: **conflict**: applying overwrites an edit made outside git" in comment
    assert f"-   live:   {json.dumps(DASHBOARD_URL)}" in comment
    assert f"+   branch: {json.dumps(LONG_URL)}" in comment

    measured = measure(comment)
    assert measured["width"] == WIDTH
    assert measured["tables"], "the comment has its table"
    assert not overflowing(measured), measured


LONG_BASE = "release/front-desk-2026-12-sms-confirmations-and-booking-lookups-by-reference"
STAGING = "staging-for-the-new-front-desk-clinic-on-the-side-street"


def test_notes_about_the_base_fit_a_pr_comment(deployed: GitProject) -> None:
    """REF is no base (the environment is new in this branch) and the project moved since
    REF: the note box and every tool's class cell say so, and nothing overflows."""
    deployed.git("branch", LONG_BASE)
    moved = move_project(deployed, "voice")
    config = yaml.safe_load((moved.root / "actionctl.yaml").read_text(encoding="utf-8"))
    edit_config(
        moved, environments={**config["environments"], STAGING: config["environments"]["dev"]}
    )
    moved.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    moved.edit(
        "actions/support/lookup_booking.yaml",
        "https://bookings.example.com/api/v1/bookings/lookup",
        LONG_URL,
    )
    moved.commit_all("pr: a staging environment, a new message, the lookup moved")
    moved.dashboard_patch(BOOKING_TOOL, {"description": LONG_DESCRIPTION})

    result = moved.run("--env", STAGING, "plan", "--base", LONG_BASE, "--format", "markdown")
    assert result.exit_code == 0, result.output
    comment = result.stdout
    assert "> [!NOTE]" in comment and "(`L833`)" in comment and "(`L835`)" in comment
    reason = f"change (no base: environment '{STAGING}' is new in this branch)"
    rows = [line for line in comment.splitlines() if line.startswith("| ~ |")]
    assert len(rows) == 2 and all(reason in row for row in rows), rows

    measured = measure(comment)
    assert measured["width"] == WIDTH
    assert measured["tables"], "the comment has its table"
    assert not overflowing(measured), measured
