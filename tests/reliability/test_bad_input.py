"""Bad input at scale: a corpus of hostile YAML (deep nesting, 1 MiB+ strings, alias and
merge-key bombs, control characters, NUL bytes, BOMs, homoglyph names, mixed line
endings, tens of thousands of documents or keys) must each get diagnostics (exit 1) or a
clean exit 0 where the file is valid, within bounded time and memory, never a traceback.

Default run: every file in-process (exit code, exact diagnostic codes, valid JSON output,
message length, time) and peak RSS for the largest files in their own process.
Slow run: every file in its own ``python -m compiler validate`` process with CPU time,
wall time and peak RSS (wait4) bounded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.fleet import record
from tests.reliability.hostile import (
    GENERATED,
    corpus_bytes,
    corpus_names,
    project_with,
    validate_measured,
)

# Bounds that catch a blow-up (quadratic work, unbounded expansion), not a speed goal:
# speed is measured in bench/. Quiet, each file takes 0.2-1 s CPU; CPU time still grows
# when the two shared cores are busy (seen: 2.1 s under a load of 10), hence the margin.
CPU_LIMIT_S = 5.0
WALL_LIMIT_S = 20.0  # a hang detector; the machine is shared, CPU time is the real bound
RSS_LIMIT_MB = 300.0
MESSAGE_LIMIT = 2_000  # a diagnostic is one readable line, not the input echoed back

# name -> (exit code, exact set of diagnostic codes)
EXPECTED: dict[str, tuple[int, set[str]]] = {
    "bidi_override.yaml": (1, {"N315"}),  # native: the platform rule, no look-alikes
    "billion_laughs.yaml": (1, {"Y107"}),
    "bom_in_the_middle.yaml": (1, {"Y101"}),
    "bom_utf16le.yaml": (1, {"Y104"}),
    "bom_utf8_valid.yaml": (0, set()),
    "control_chars.yaml": (0, set()),
    "cr_only_line_endings.yaml": (0, set()),
    "custom_tags.yaml": (1, {"Y105"}),
    "deep_flow_10k.yaml": (1, {"Y110"}),
    "deep_flow_mappings_10k.yaml": (1, {"Y110"}),
    "duplicate_keys.yaml": (1, {"Y102"}),
    "empty.yaml": (0, set()),
    "homoglyph_agent.yaml": (1, {"E110"}),
    "homoglyph_name.yaml": (1, {"N316"}),  # native: the platform rule, no look-alikes
    "homoglyph_pair.yaml": (1, {"N312", "N316"}),  # native: a word mixing scripts, and
    # a look-alike of the Latin name beside it (one name to a reviewer)
    "huge_float.yaml": (1, {"S203"}),
    "huge_int.yaml": (1, {"Y105"}),
    "invalid_utf8.yaml": (1, {"Y104"}),
    "lone_surrogate_escape.yaml": (1, {"Y101"}),
    "merge_key_bomb.yaml": (1, {"Y107"}),
    "mixed_line_endings.yaml": (0, set()),
    "non_string_keys.yaml": (1, {"Y109"}),
    "not_a_mapping.yaml": (1, {"Y106"}),
    "nul_byte.yaml": (1, {"Y101"}),
    "nul_escape_in_name.yaml": (1, {"N315"}),  # native: the platform rule, no look-alikes
    "only_comments.yaml": (0, set()),
    "only_separators.yaml": (0, set()),
    "python_tag.yaml": (1, {"Y105"}),
    "raw_control_chars.yaml": (1, {"Y101"}),
    "tab_indent.yaml": (1, {"Y103"}),
    "template_hostile.yaml": (1, {"N304", "T401", "T402", "T403", "T404", "T405", "T420"}),
    "unterminated.yaml": (1, {"Y101"}),
    "yaml11_traps.yaml": (1, {"S204"}),
    "zero_width_name.yaml": (1, {"N315"}),  # native: the platform rule, no look-alikes
    # generated
    "huge_description_1mib_plus.yaml": (1, {"Y108"}),
    "huge_description_under_limit.yaml": (0, set()),
    "huge_name.yaml": (1, {"S207"}),
    "huge_key.yaml": (1, {"Y101"}),
    "huge_unquoted_trap.yaml": (1, {"Y105"}),
    "deep_flow_100k.yaml": (1, {"Y110"}),
    "deep_block_400.yaml": (1, {"Y110"}),
    "many_documents_6000.yaml": (0, set()),
    "many_empty_documents_250k.yaml": (0, set()),
    "many_errors_5000.yaml": (1, {"S201"}),
    "wide_mapping_40k_keys.yaml": (1, {"S201"}),
    "many_aliases_9000.yaml": (1, {"S201"}),
    "long_single_line.yaml": (1, {"Y112"}),
}

# Product findings fixed during this work (bugs.md): long_single_line got a value budget
# (Y112), wide_mapping capped unknown fields, huge_int/huge_unquoted_trap short quoted
# values, homoglyph_agent an escaped look-alike name. Strict xfail marks go here.
KNOWN: dict[str, Any] = {}
# Large files whose peak RSS the default run checks in their own process.
RSS_SAMPLE = ["huge_description_under_limit.yaml", "many_documents_6000.yaml"]
# Left to the slow run (each takes about a second or more).
SLOW_ONLY = {
    "many_errors_5000.yaml",
    "many_empty_documents_250k.yaml",
    *RSS_SAMPLE,
}


def test_expectations_cover_the_whole_corpus() -> None:
    assert sorted(EXPECTED) == sorted(corpus_names())
    assert len(EXPECTED) >= 40


def check_result(name: str, exit_code: int, stdout: str, stderr: str) -> list[dict[str, Any]]:
    assert "Traceback" not in stdout + stderr, stderr
    diagnostics: list[dict[str, Any]] = json.loads(stdout)  # control characters escaped
    assert (exit_code, {d["code"] for d in diagnostics}) == EXPECTED[name], diagnostics[:5]
    for diagnostic in diagnostics:
        assert diagnostic["file"] in (f"actions/{name}", "actionctl.yaml")
    return diagnostics


def cases(names: list[str]) -> list[Any]:
    return [pytest.param(n, marks=[KNOWN[n]] if n in KNOWN else [], id=n) for n in names]


def in_process_cases() -> list[Any]:
    return cases([n for n in corpus_names() if n not in SLOW_ONLY])


@pytest.mark.parametrize("name", in_process_cases())
def test_hostile_file_gets_a_bounded_diagnostic(
    name: str, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    root = project_with(tmp_path / "p", name, corpus_bytes(name))
    started = time.process_time()
    result = cli("--project", root, "--no-color", "validate", "--format", "json")
    cpu = time.process_time() - started
    diagnostics = check_result(name, result.exit_code, result.stdout, result.stderr)
    assert cpu < CPU_LIMIT_S, f"{name}: {cpu:.2f} s CPU"
    longest = max((len(d["message"]) for d in diagnostics), default=0)
    assert longest <= MESSAGE_LIMIT, f"{name}: a {longest}-character message"


def test_look_alike_agent_names_are_shown_escaped(tmp_path: Path, cli: Callable[..., Any]) -> None:
    name = "homoglyph_agent.yaml"
    root = project_with(tmp_path / "p", name, corpus_bytes(name))
    result = cli("--project", root, "--no-color", "validate")
    assert "supp\\u043ert" in result.stdout
    assert "\u043e" not in result.stdout  # never the raw Cyrillic letter, which looks like o
    assert "did you mean 'support'?" in result.stdout and result.exit_code == 1


def test_python_tags_never_construct(tmp_path: Path, cli: Callable[..., Any]) -> None:
    marker = Path("/tmp/actionctl-pwned")
    marker.unlink(missing_ok=True)
    root = project_with(tmp_path / "p", "python_tag.yaml", corpus_bytes("python_tag.yaml"))
    assert cli("--project", root, "validate").exit_code == 1
    assert cli("--project", root, "compile").exit_code == 1
    assert not marker.exists()


@pytest.mark.parametrize("name", RSS_SAMPLE)
def test_largest_files_stay_within_memory(name: str, tmp_path: Path) -> None:
    measured = validate_measured(project_with(tmp_path / "p", name, corpus_bytes(name)))
    record("rss_sample", {"file": name, "cpu_s": measured.cpu_s, "rss_mb": measured.peak_rss_mb})
    check_result(name, measured.exit_code, measured.stdout, measured.stderr)
    assert measured.peak_rss_mb < RSS_LIMIT_MB
    assert measured.cpu_s < CPU_LIMIT_S


@pytest.mark.slow
@pytest.mark.parametrize("name", cases(corpus_names()))
def test_every_hostile_file_in_its_own_process(name: str, tmp_path: Path) -> None:
    measured = validate_measured(project_with(tmp_path / "p", name, corpus_bytes(name)))
    record(
        "hostile",
        {
            "file": name,
            "exit": measured.exit_code,
            "wall_s": round(measured.wall_s, 2),
            "cpu_s": round(measured.cpu_s, 2),
            "rss_mb": round(measured.peak_rss_mb),
        },
    )
    diagnostics = check_result(name, measured.exit_code, measured.stdout, measured.stderr)
    assert measured.wall_s < WALL_LIMIT_S
    assert measured.cpu_s < CPU_LIMIT_S
    assert measured.peak_rss_mb < RSS_LIMIT_MB
    assert max((len(d["message"]) for d in diagnostics), default=0) <= MESSAGE_LIMIT


def test_generated_files_are_as_large_as_claimed() -> None:
    sizes = {name: len(corpus_bytes(name)) for name in GENERATED}
    assert sizes["huge_description_1mib_plus.yaml"] > 1024 * 1024
    assert all(
        size < 1024 * 1024 for n, size in sizes.items() if n != "huge_description_1mib_plus.yaml"
    )
    assert corpus_bytes("deep_flow_10k.yaml").count(b"[") == 10_000
