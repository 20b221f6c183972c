"""The Core fuzzers, run longer (slow), plus a CLI-level fuzz with hostile insertions.

Reuses H1's strategies (``tests/badinput/test_fuzz_loader.py``: mutated near-valid
projects; ``tests/load/test_schema_files.py``: random action documents). The CLI fuzz
adds the corpus's kinds of hostility (homoglyphs, bidi overrides, NUL, BOM, CR, alias
and Python tags, huge numbers) and drives ``actionctl validate`` in every output format
and ``actionctl compile``: exit 0 or 1, never an internal error, machine formats parse.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.cli.main import run
from compiler.load import schemas
from compiler.load.fast_schema import compile_check
from tests.badinput.test_fuzz_loader import (
    VALID_ACTIONS,
    VALID_CHANNEL,
    VALID_PROJECT,
    check_project,
    mutated,
    project_files,
)
from tests.conftest import write_files
from tests.load.test_schema_files import documents

HOSTILE = [
    "\u043e",  # Cyrillic o
    "\u0430",  # Cyrillic a
    "\u202e",  # right-to-left override
    "\u200b",  # zero-width space
    "\x00",
    "\x07",
    "\x1b[31m",
    "\ufeff",
    "\r",
    "\r\n",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!python/object/apply:os.system ",
    "!!binary ",
    "9" * 5000,
    "[" * 300,
    "{{ if .x }}",
    '"\\ud800"',
]


@st.composite
def hostile(draw: st.DrawFn, text: str) -> bytes:
    """H1's mutation of ``text``, then a few hostile insertions."""
    data = draw(mutated(text)).decode("utf-8", errors="surrogateescape")
    for _ in range(draw(st.integers(1, 3))):
        spot = draw(st.integers(0, len(data)))
        data = data[:spot] + draw(st.sampled_from(HOSTILE)) + data[spot:]
    return data.encode("utf-8", errors="surrogateescape")


def hostile_projects() -> st.SearchStrategy[dict[str, bytes]]:
    return st.fixed_dictionaries(
        {
            "actions/support/a.yaml": st.one_of(hostile(VALID_ACTIONS), st.just(b"")),
            "channels/c.yaml": st.one_of(st.just(VALID_CHANNEL.encode()), hostile(VALID_CHANNEL)),
            "actionctl.yaml": st.one_of(st.just(VALID_PROJECT.encode()), hostile(VALID_PROJECT)),
        }
    )


def run_quietly(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return code, out.getvalue(), err.getvalue()


def check_cli(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = write_files(Path(directory), files)
        base = ("--project", str(root), "--no-color")
        outputs: dict[str, Any] = {}
        for fmt in ("text", "json", "github", "sarif"):
            code, out, err = run_quietly(*base, "validate", "--format", fmt)
            assert code in (0, 1), err
            assert "internal error" not in err and "Traceback" not in out + err, err
            outputs[fmt] = out
        assert isinstance(json.loads(outputs["json"]), list)
        assert json.loads(outputs["sarif"])["version"] == "2.1.0"
        code, out, err = run_quietly(*base, "compile")
        assert code in (0, 1) and "internal error" not in err, err
        if code == 0:
            assert isinstance(json.loads(out), dict)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=hostile_projects())
def test_hostile_projects_through_every_format(files: dict[str, bytes]) -> None:
    check_cli(files)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=st.one_of(project_files(), hostile_projects()))
def test_loader_validate_compile_never_raise_long(files: dict[str, bytes]) -> None:
    check_project(files)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(schemas.action_types()), document=documents())
def test_fast_schema_check_agrees_with_jsonschema_long(kind: str, document: dict[str, Any]) -> None:
    document = {**document, "type": kind}
    assert compile_check(schemas.bundled(kind))(document) == schemas.validator(kind).is_valid(
        document
    )


def test_hostile_strategy_smoke() -> None:
    """A handful of examples in the default run, so the slow fuzz cannot rot unnoticed."""
    settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))(
        given(files=hostile_projects())(check_cli)
    )()
