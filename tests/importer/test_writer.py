"""The YAML writer: readable output that always reloads to the same data, safe file names,
and all-or-nothing writing."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.importer.writer import (
    PlannedFile,
    dump_document,
    slugify,
    unique_stem,
    write_files,
)

LOADERS = [yaml.SafeLoader, yaml.CSafeLoader] if yaml.__with_libyaml__ else [yaml.SafeLoader]

# Text with everything that trips YAML: unicode, control characters, line breaks of
# every kind, leading/trailing spaces, ": ", " #", quotes, braces, YAML 1.1 literals.
_tricky = st.sampled_from(
    [
        "no",
        "yes",
        "on",
        "off",
        "~",
        "null",
        "1.10",
        "12:30",
        "0x1F",
        "1e3",
        "+15550000001",
        "2026-01-01",
        "=",
        "<<",
        "- item",
        "? key",
        "a: b",
        "a #b",
        "#c",
        "'q'",
        '"d"',
        "{{x}}",
        "Hi {{ .parameters.x }}",
        "|",
        ">",
        "!tag",
        "&anchor",
        "*alias",
        "%YAML",
        "@",
        "`",
        " lead",
        "trail ",
        "\ttab",
        "a\n",
        "\n",
        "a\n\n",
        "\na",
        "x\r\ny",
        "x\x85y",
        "x\u2028y",
        "\ufeffbom",
        "\x00",
        "\x07",
        "\x1b[31m",
        "é",
        "日本語",
        "😀",
        "",
    ]
)
texts = st.one_of(st.text(), _tricky, st.lists(_tricky, max_size=4).map("".join))
scalars = st.one_of(texts, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=12,
)


def check_reloads(data: dict[str, Any]) -> None:
    text = dump_document(data)
    for loader in LOADERS:
        assert yaml.load(text, Loader=loader) == data  # safe loaders only


documents = st.dictionaries(texts, values, max_size=6)


@settings(max_examples=120, deadline=None)
@given(documents)
def test_emitted_yaml_reloads_to_the_same_data(data: dict[str, Any]) -> None:
    check_reloads(data)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None)
@given(documents)
def test_emitted_yaml_reloads_to_the_same_data_thoroughly(data: dict[str, Any]) -> None:
    check_reloads(data)


def test_readable_style() -> None:
    text = dump_document(
        {
            "kind": "action",
            "phone": "+15550000001",
            "answer": "no",
            "version": "1.10",
            "time": "12:30",
            "message": "Your appointment is confirmed for {{ .parameters.appointment_date }}.",
            "plain": "Sends a confirmation",
            "prompt": "First line.\nSecond line.",
            "long": "word " * 30 + "end",
            "long_template": " ".join(["{{ .parameters.x }}"] * 5),
            "required": ["a", "b"],
        }
    )
    assert text == (
        "kind: action\n"
        'phone: "+15550000001"\n'
        'answer: "no"\n'
        'version: "1.10"\n'
        'time: "12:30"\n'
        'message: "Your appointment is confirmed for {{ .parameters.appointment_date }}."\n'
        "plain: Sends a confirmation\n"
        "prompt: |-\n  First line.\n  Second line.\n"
        "long: >-\n  " + "word " * 15 + "word\n  " + "word " * 14 + "end\n"
        "long_template: |-\n  " + " ".join(["{{ .parameters.x }}"] * 5) + "\n"
        "required: [a, b]\n"
    )


placeholders = st.builds(
    lambda name, before, after: f"{before}{{{{ .parameters.{name} }}}}{after}",
    st.from_regex(r"[a-z_]{1,30}", fullmatch=True),
    st.text(alphabet=st.sampled_from("ab ,.-\t"), max_size=90),
    st.text(alphabet=st.sampled_from("ab ,.- "), max_size=90),
)


@settings(max_examples=200, deadline=None)
@given(text=placeholders, depth=st.integers(0, 6), trailing=st.sampled_from(["", "  "]))
def test_a_placeholder_is_never_split_across_lines(text: str, depth: int, trailing: str) -> None:
    """At any nesting depth and in any style (quoted, literal, the quoted fallback for
    trailing spaces), every ``{{`` has its ``}}`` on the same line."""
    data: dict[str, Any] = {"message": text + trailing}
    for level in range(depth):
        data = {f"level{level}": data}
    emitted = dump_document(data)
    assert yaml.safe_load(emitted) == data
    for line in emitted.splitlines():
        assert line.count("{{") == line.count("}}"), emitted


def test_block_styles_are_what_docs_import_md_says() -> None:
    """docs/import.md: multi-line text is ``|``; long one-line prose is folded ``>-`` (it
    reloads to the same single line); long one-line text with a placeholder is ``|-`` on
    one line, never folded through a placeholder."""
    from tests.conftest import REPO_ROOT

    docs = " ".join((REPO_ROOT / "docs" / "import.md").read_text().split())
    assert "Multi-line text is a literal block scalar (`|`)" in docs
    assert "folded block scalar (`>-`)" in docs
    prose = "Looks up a booking by its reference and returns the date, time and practitioner."
    assert dump_document({"d": prose + " " + prose}).startswith("d: >-\n  Looks up")
    assert dump_document({"d": "a\nb"}) == "d: |-\n  a\n  b\n"
    template = "Hi {{ .parameters.name }}, " + "your booking is confirmed. " * 4 + "Bye."
    assert dump_document({"m": template}) == f"m: |-\n  {template}\n"


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("send_sms", "send_sms"),
        ("a/b", "a-b"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "tool"),
        ("", "tool"),
        ("Café crème", "Cafe-creme"),
        ("日本語", "tool"),
        ("CON", "CON_"),
        ("nul.txt", "nul_.txt"),  # Windows reserves NUL with any extension
        ("aux.txt", "aux_.txt"),
        ("COM1.tar.gz", "COM1_.tar.gz"),
        ("lpt9", "lpt9_"),
        ("auxiliary", "auxiliary"),
        ('a<b>c:d"e|f?g*h\\i', "a-b-c-d-e-f-g-h-i"),
        (".hidden", "hidden"),
        ("x" * 300, "x" * 80),
    ],
)
def test_slugify(name: str, stem: str) -> None:
    assert slugify(name) == stem


def test_unique_stem_is_case_insensitive() -> None:
    taken: set[str] = set()
    assert unique_stem("Tool", taken) == "Tool"
    assert unique_stem("tool", taken) == "tool-2"
    assert unique_stem("tool", taken) == "tool-3"


def _planned(root: Path, *names: str) -> list[PlannedFile]:
    return [PlannedFile(root / n, n, f"name: {n}\n") for n in names]


def test_writes_all_files(tmp_path: Path) -> None:
    files = _planned(tmp_path, "actions/a/one.yaml", "channels/c.yaml")
    assert write_files(files, tmp_path, force=False) == []
    assert (tmp_path / "actions/a/one.yaml").read_text() == "name: actions/a/one.yaml\n"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["c.yaml", "one.yaml"]


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        assert write_files(_planned(tmp_path, "one.yaml"), tmp_path, force=False) == []
    finally:
        os.umask(umask)
    assert (tmp_path / "one.yaml").stat().st_mode & 0o777 == 0o644


def test_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "actions/a").mkdir(parents=True)
    (tmp_path / "actions/a/two.yaml").write_text("mine\n")
    files = _planned(tmp_path, "actions/a/one.yaml", "actions/a/two.yaml")
    diagnostics = write_files(files, tmp_path, force=False)
    assert [(d.file, d.code) for d in diagnostics] == [("actions/a/two.yaml", "I001")]
    assert (tmp_path / "actions/a/two.yaml").read_text() == "mine\n"
    assert not (tmp_path / "actions/a/one.yaml").exists()
    assert os.listdir(tmp_path / "actions/a") == ["two.yaml"]  # no temp files left


def test_force_overwrites(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text("mine\n")
    assert write_files(_planned(tmp_path, "one.yaml"), tmp_path, force=True) == []
    assert (tmp_path / "one.yaml").read_text() == "name: one.yaml\n"


def test_refuses_paths_outside_the_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    files = [PlannedFile(out / ".." / "evil.yaml", "../evil.yaml", "x: 1\n")]
    diagnostics = write_files(files, out, force=True)
    assert [d.code for d in diagnostics] == ["I002"]
    assert not (tmp_path / "evil.yaml").exists()


def test_failure_while_staging_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "actions"
    blocker.write_text("a file where a directory must go\n")
    files = _planned(tmp_path, "channels/c.yaml", "actions/a/one.yaml")
    diagnostics = write_files(files, tmp_path, force=False)
    assert [d.code for d in diagnostics] == ["I003"]
    assert list((tmp_path / "channels").iterdir()) == []


def test_force_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    real = tmp_path / "shared/one.yaml"
    real.write_text("mine\n")
    real.chmod(0o640)
    link = tmp_path / "actions/one.yaml"
    link.parent.mkdir()
    link.symlink_to("../shared/one.yaml")
    assert write_files(_planned(tmp_path, "actions/one.yaml"), tmp_path, force=False)[0].code == (
        "I001"
    )
    assert write_files(_planned(tmp_path, "actions/one.yaml"), tmp_path, force=True) == []
    assert link.is_symlink()  # still the link someone made
    assert real.read_text() == "name: actions/one.yaml\n"
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(os.listdir(tmp_path / "shared")) == ["one.yaml"]  # no temp files


def _special_files(tmp_path: Path) -> dict[str, str]:
    """name -> what is there: a FIFO, a link to one, a link loop (all in actions/)."""
    actions = tmp_path / "actions"
    actions.mkdir()
    os.mkfifo(actions / "fifo.yaml")
    (actions / "to-fifo.yaml").symlink_to("fifo.yaml")
    (actions / "loop.yaml").symlink_to("loop.yaml")
    fifo = "a named pipe (FIFO)"
    return {"fifo.yaml": fifo, "to-fifo.yaml": fifo, "loop.yaml": "unusable"}


@pytest.mark.parametrize("force", [False, True])
def test_never_replaces_what_is_not_a_regular_file(tmp_path: Path, force: bool) -> None:
    special = _special_files(tmp_path)
    for name, kind in special.items():
        files = _planned(tmp_path, "new.yaml", f"actions/{name}")
        diagnostics = write_files(files, tmp_path, force=force)
        assert [(d.file, d.code) for d in diagnostics] == [(f"actions/{name}", "I004")]
        assert kind in diagnostics[0].message
        assert not (tmp_path / "new.yaml").exists()  # nothing written at all
    assert stat.S_ISFIFO(os.lstat(tmp_path / "actions/fifo.yaml").st_mode)
    assert (tmp_path / "actions/to-fifo.yaml").is_symlink()
    assert sorted(os.listdir(tmp_path / "actions")) == sorted(special)


def test_refuses_a_symbolic_link_out_of_the_output(tmp_path: Path) -> None:
    outside = tmp_path / "bashrc"
    outside.write_text("export PATH\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "one.yaml").symlink_to(outside)
    diagnostics = write_files(_planned(out, "one.yaml"), out, force=True)
    assert [d.code for d in diagnostics] == ["I002"]
    assert "symbolic link" in diagnostics[0].message
    assert outside.read_text() == "export PATH\n"


def test_file_modes_follow_the_one_rule_of_atomic_write(tmp_path: Path) -> None:
    """New files get what the umask gives, replaced ones keep their mode: the rule of
    ``write_atomically``, used (not copied) by the importer's writer."""
    from compiler import atomic_write
    from compiler.importer import writer

    assert writer.file_mode is atomic_write.mode_for
    (tmp_path / "kept.yaml").write_text("mine\n")
    (tmp_path / "kept.yaml").chmod(0o600)
    umask = os.umask(0o027)
    try:
        files = _planned(tmp_path, "new.yaml", "kept.yaml")
        assert write_files(files, tmp_path, force=True) == []
    finally:
        os.umask(umask)
    assert (tmp_path / "new.yaml").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "kept.yaml").stat().st_mode & 0o777 == 0o600


def test_a_new_files_mode_follows_the_umask_in_force(tmp_path: Path) -> None:
    """The umask is read as it is now (from /proc where possible), and left as it was."""
    from compiler.atomic_write import mode_for

    umask = os.umask(0o077)
    try:
        assert mode_for(tmp_path / "new") == 0o600
        assert os.umask(0o077) == 0o077  # reading it left it as set
    finally:
        os.umask(umask)
