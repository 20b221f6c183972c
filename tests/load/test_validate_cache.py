"""The per-file cache behind ``validate FILE``: the same answers as a full load, when
files change, appear or disappear, and when the cache is stale or corrupt. Real files."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compiler.compile.checks import check_project
from compiler.diagnostics import has_errors, sorted_diagnostics
from compiler.load import load_project
from compiler.load.cache import RECORD_LENGTH, RENAMED, STORE, FileCache

CHANNEL = 'kind: channel\nname: {name}\nphone_number: "+15550000001"\ncapabilities: [{caps}]\n'
SMS = (
    "kind: action\ntype: send_text_message\nagent: {agent}\nname: {name}\n"
    "description: Sends a code.\nmessaging_channel: {channel}\nrecipient: contact\n"
    'message: "Your code is ready."\n'
)
CONFIG = (
    "platform: local\ndefault_environment: dev\n"
    "environments:\n  dev:\n    agents:\n      support: uid_support\n      sales: uid_sales\n"
)


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write(root, "actionctl.yaml", CONFIG)
    write(root, "channels/main.yaml", CHANNEL.format(name="Main", caps="sms  "))  # as voice
    write(root, "channels/voice.yaml", CHANNEL.format(name="Voice", caps="voice"))
    for i in range(6):
        agent = "support" if i % 2 else "sales"
        write(root, f"actions/a{i}.yaml", SMS.format(agent=agent, name=f"n{i}", channel="Main"))
    return root


def age(root: Path, seconds: float = 3600) -> None:
    """Make every file look modified an hour ago (beyond the same-tick window)."""
    for path in root.rglob("*.yaml"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - int(seconds * 1e9)))


def answers(cli: Callable[..., Any], root: Path, *files: str) -> tuple[int, str]:
    """The diagnostics located in ``files``, loading through a warm-or-cold cache."""
    focus = set(files)
    cache = FileCache(root, lambda f: f in focus)
    loaded = load_project(root, cache=cache)
    cache.save()
    return _report(loaded, focus)


def uncached(cli: Callable[..., Any], root: Path, *files: str) -> tuple[int, str]:
    """The same from a full load (and the store removed, so the next run starts cold)."""
    answer = _report(load_project(root), set(files))
    (root / STORE).unlink(missing_ok=True)
    return answer


def _report(loaded: Any, focus: set[str]) -> tuple[int, str]:
    assert loaded.project is not None
    everything = loaded.diagnostics + check_project(loaded.project)
    found = sorted_diagnostics([d for d in everything if d.file in focus])
    text = "\n".join(f"{d.location}: {d.severity} {d.code} {d.message}" for d in found)
    return (1 if has_errors(found) else 0), text


def test_the_store_is_json_under_an_ignored_state_dir(cli: Callable[..., Any], project: Path):
    assert answers(cli, project, "actions/a1.yaml")[0] == 0
    data = json.loads((project / STORE).read_text())
    assert set(data["files"]) == {f"actions/a{i}.yaml" for i in range(6)} | {
        "channels/main.yaml",
        "channels/voice.yaml",
    }
    assert (project / ".actionctl" / ".gitignore").read_text().endswith("*\n")


def test_a_warm_cache_reuses_every_other_file(project: Path):
    age(project)
    focus = "actions/a3.yaml"
    FileCache(project, lambda f: f == focus).save()  # nothing cached yet: no store
    assert not (project / STORE).exists()
    first = FileCache(project, lambda f: f == focus)
    load_project(project, cache=first)
    first.save()
    second = FileCache(project, lambda f: f == focus)
    loaded = load_project(project, cache=second)
    assert second.reused == 7  # all but the focus (and actionctl.yaml, always read)
    assert loaded.project is not None
    # Only the actions that can matter to the focus: no other is named n3 (a file that
    # was would be read in full), and every agent is mapped, so one action of each agent
    # is enough (E104 lists the agents used). The channels always come.
    assert [a.name for a in loaded.project.actions] == ["n0", "n3"]
    assert [a.stub for a in loaded.project.actions] == [True, False]
    assert set(loaded.project.actions[0].fields) == {
        "kind",
        "type",
        "agent",
        "name",
        "messaging_channel",
    }
    assert [c.name for c in loaded.project.channels] == ["Main", "Voice"]
    everything = FileCache(project, lambda f: f == "actionctl.yaml")
    loaded = load_project(project, cache=everything)
    assert loaded.project is not None and len(loaded.project.actions) == 6
    assert everything.reused == 8


def test_duplicates_in_other_files_are_found_from_the_cache(cli: Callable[..., Any], project: Path):
    age(project)
    answers(cli, project, "actions/a5.yaml")  # warm
    write(project, "actions/a5.yaml", SMS.format(agent="support", name="n1", channel="Main"))
    code, out = answers(cli, project, "actions/a5.yaml")
    assert code == 1 and "N312" in out and "actions/a1.yaml:4:7" in out
    assert (code, out) == uncached(cli, project, "actions/a5.yaml")


def test_a_channel_changed_elsewhere_is_seen(cli: Callable[..., Any], project: Path):
    age(project)
    assert answers(cli, project, "actions/a2.yaml")[0] == 0  # warm
    # Same size, new content: no SMS capability any more.
    write(project, "channels/main.yaml", CHANNEL.format(name="Main", caps="voice"))
    code, out = answers(cli, project, "actions/a2.yaml")
    assert code == 1 and "N302" in out and "channels/main.yaml:4:15" in out
    assert (code, out) == uncached(cli, project, "actions/a2.yaml")


def test_a_channel_file_that_disappears_breaks_the_reference(
    cli: Callable[..., Any], project: Path
):
    age(project)
    assert answers(cli, project, "actions/a0.yaml")[0] == 0  # warm
    (project / "channels" / "main.yaml").unlink()
    code, out = answers(cli, project, "actions/a0.yaml")
    assert code == 1 and "N301" in out and "unknown channel 'Main'" in out
    assert "channels/main.yaml" not in json.loads((project / STORE).read_text())["files"]
    assert (code, out) == uncached(cli, project, "actions/a0.yaml")


def test_a_file_that_appears_is_read(cli: Callable[..., Any], project: Path):
    answers(cli, project, "actions/a4.yaml")  # warm
    write(project, "actions/z.yaml", SMS.format(agent="sales", name="n4", channel="Main"))
    code, out = answers(cli, project, "actions/z.yaml")
    assert code == 1 and "N312" in out and "actions/a4.yaml" in out


def test_same_size_same_mtime_within_the_clock_tick_is_hashed(
    cli: Callable[..., Any], project: Path
):
    """A file rewritten right after it was cached, same size, its mtime put back: the
    modification time cannot be trusted that close to hashing, so it is hashed again."""
    answers(cli, project, "actions/a1.yaml")  # warm: the files were written just now
    path = project / "channels" / "main.yaml"
    stat = path.stat()
    write(project, "channels/main.yaml", CHANNEL.format(name="Main", caps="voice"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code, out = answers(cli, project, "actions/a1.yaml")
    assert code == 1 and "N302" in out


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"format": 2, "stamp": "other", "files": {}}',
        b"\xff\xfe",
    ],
)
def test_a_corrupt_or_stale_store_is_a_miss(cli: Callable[..., Any], project: Path, damage: bytes):
    write(project, "actions/a5.yaml", SMS.format(agent="support", name="n1", channel="Main"))
    expected = answers(cli, project, "actions/a5.yaml")
    assert expected[0] == 1
    (project / STORE).write_bytes(damage)
    assert answers(cli, project, "actions/a5.yaml") == expected
    assert json.loads((project / STORE).read_text())["files"]  # rewritten whole


def test_entries_of_the_wrong_shape_are_misses(cli: Callable[..., Any], project: Path):
    age(project)
    write(project, "actions/a5.yaml", SMS.format(agent="support", name="n1", channel="Main"))
    expected = answers(cli, project, "actions/a5.yaml")
    data = json.loads((project / STORE).read_text())
    data["files"]["actions/a1.yaml"][4] = [["support", None, 0]]
    data["files"]["channels/main.yaml"] = "garbage"
    (project / STORE).write_text(json.dumps(data))
    assert answers(cli, project, "actions/a5.yaml") == expected


def test_a_record_whole_in_shape_but_not_in_kind_starts_over(
    cli: Callable[..., Any], project: Path
):
    """A record found wrong only when made a stub (an agent that is not a string): the
    load starts over without the cache, which is removed."""
    age(project)
    write(project, "actions/a5.yaml", SMS.format(agent="support", name="n1", channel="Main"))
    expected = answers(cli, project, "actions/a5.yaml")
    data = json.loads((project / STORE).read_text())
    record = data["files"]["actions/a0.yaml"][4][0]  # sales' first action: always a stub
    assert len(record) == RECORD_LENGTH and record[1] == "sales"  # [type, agent, name, ...]
    record[1] = 7
    (project / STORE).write_text(json.dumps(data))
    focus = "actions/a5.yaml"
    cache = FileCache(project, lambda f: f == focus)
    loaded = load_project(project, cache=cache)
    assert loaded.project is not None and not loaded.project.cached_files
    assert not (project / STORE).exists()
    assert answers(cli, project, focus) == expected
    assert (project / STORE).exists()


@pytest.mark.parametrize(
    "damage",
    [[["old1", "old2"], [7, 5]], [["old1", 3], [7, 5, 8, 5]], [7, [7, 5]], "garbage"],
)
def test_a_damaged_renamed_from_in_a_record_starts_over(
    cli: Callable[..., Any], project: Path, damage: Any
):
    """A stub that must carry renamed_from (its name is one the focus file renames: N317
    stands in the focus file, naming it) but whose record is damaged there."""
    a0 = project / "actions/a0.yaml"
    a0.write_text(a0.read_text() + "renamed_from: [old1, old2]\n")
    focus = "actions/a5.yaml"
    write(project, focus, SMS.format(agent="sales", name="n5", channel="Main"))
    age(project)
    answers(cli, project, "actions/a1.yaml")  # warm: a0 is stored
    write(
        project, focus, SMS.format(agent="sales", name="n5", channel="Main") + "renamed_from: n0\n"
    )
    expected = uncached(cli, project, focus)
    assert "N317" in expected[1] and "actions/a0.yaml:4:7" in expected[1]
    answers(cli, project, "actions/a1.yaml")
    data = json.loads((project / STORE).read_text())
    (record,) = data["files"]["actions/a0.yaml"][4]
    assert record[RENAMED] == [["old1", "old2"], [9, 16, 9, 22]]  # as written, with places
    record[RENAMED] = damage
    (project / STORE).write_text(json.dumps(data))
    assert answers(cli, project, focus) == expected


def test_validate_uses_it_with_paths_only(cli: Callable[..., Any], project: Path):
    """The whole project reports every file's diagnostics: nothing to stand in for."""
    assert cli("--project", project, "validate").exit_code == 0
    assert not (project / STORE).exists()
    named = cli("--project", project, "validate", "--no-cache", project / "actions" / "a1.yaml")
    assert named.exit_code == 0
    assert not (project / STORE).exists()
    assert cli("--project", project, "validate", project / "actions" / "a1.yaml").exit_code == 0
    assert "actions/a0.yaml" in json.loads((project / STORE).read_text())["files"]


def test_every_file_answers_as_without_the_cache(cli: Callable[..., Any], project: Path):
    """Each file of a project with problems across files, warm cache vs none."""
    write(project, "actions/a5.yaml", SMS.format(agent="support", name="n1", channel="Voice"))
    write(project, "actions/a4.yaml", SMS.format(agent="sales", name="n4", channel="Mian"))
    write(project, "channels/again.yaml", CHANNEL.format(name="Main", caps="sms"))
    look_alike = "supp\u043ert"  # a Cyrillic o: E110 at its first user, counting them all
    write(project, "actions/b1.yaml", SMS.format(agent=look_alike, name="x1", channel="Main"))
    write(project, "actions/b2.yaml", SMS.format(agent=look_alike, name="x2", channel="Main"))
    write(project, "actions/c1.yaml", SMS.format(agent="billing", name="n1", channel="Main"))
    # helpdesk is platform agent uid_support too: its n3 collides with support's (N313).
    write(project, "actionctl.yaml", CONFIG + "      helpdesk: uid_support\n")
    write(project, "actions/d3.yaml", SMS.format(agent="helpdesk", name="n3", channel="Main"))
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*.yaml"))
    expected = {f: uncached(cli, project, f) for f in files}
    answers(cli, project, "actions/a0.yaml")  # warm everything but a0
    for f in files:
        assert answers(cli, project, f) == expected[f], f
    found = " ".join(out for _, out in expected.values())
    for code in ("E104", "E110", "N301", "N302", "N303", "N312", "N313"):
        assert code in found, code


def test_a_change_to_the_named_file_alone_does_not_rewrite_the_store(
    cli: Callable[..., Any], project: Path
):
    age(project)
    answers(cli, project, "actions/a1.yaml")  # warm
    store = project / STORE
    written = store.stat().st_mtime_ns
    write(project, "actions/a1.yaml", SMS.format(agent="support", name="n9", channel="Main"))
    assert answers(cli, project, "actions/a1.yaml")[0] == 0
    assert store.stat().st_mtime_ns == written
    # Named with another file next time, its stale entry is a miss: read in full.
    write(project, "actions/a3.yaml", SMS.format(agent="support", name="n9", channel="Main"))
    code, out = answers(cli, project, "actions/a3.yaml")
    assert code == 1 and "N312" in out and "actions/a1.yaml" in out
    assert store.stat().st_mtime_ns != written


def test_a_file_touched_but_unchanged_is_hashed_once_then_trusted(project: Path):
    """A checkout that rewrites a file with the same content gives it new times: it is
    hashed, found unchanged (a stub still), and once its times are past the clock tick
    its new identity is recorded for next time."""
    age(project, 7200)
    focus = "actions/a3.yaml"

    def run() -> FileCache:
        cache = FileCache(project, lambda f: f == focus)
        load_project(project, cache=cache)
        cache.save()
        return cache

    run()
    path = project / "actions" / "a1.yaml"
    stat = path.stat()
    later = stat.st_mtime_ns + 3600 * 10**9  # still an hour ago; its ctime is now
    os.utime(path, ns=(stat.st_atime_ns, later))
    assert run().reused == 7  # hashed: the same content, a stub still
    time.sleep(2.1)  # (RACY_NS: the change time must be well past to be trusted)
    assert run().reused == 7
    entry = json.loads((project / STORE).read_text())["files"]["actions/a1.yaml"]
    assert entry[2] == [later, path.stat().st_ctime_ns, path.stat().st_ino]
    assert entry[3] > path.stat().st_ctime_ns


def test_a_file_moved_over_another_with_the_same_size_and_times_is_read(
    cli: Callable[..., Any], project: Path
):
    """mv, cp -p, rsync -a, an unpacked archive: another file at the path, with the
    size and mtime of the one cached. Its inode and change time say so."""
    write(project, "actions/a2.yaml", SMS.format(agent="sales", name="n8", channel="Main"))
    write(project, "actions/a4.yaml", SMS.format(agent="sales", name="n9", channel="Main"))
    age(project)
    a2, a4 = project / "actions" / "a2.yaml", project / "actions" / "a4.yaml"
    os.utime(a4, ns=(a2.stat().st_atime_ns, a2.stat().st_mtime_ns))  # same size and mtime
    time.sleep(2.1)  # their change times well past: the stat alone vouches for them
    answers(cli, project, "actions/a0.yaml")  # warm
    a4.replace(a2)  # a2 now declares n9
    write(project, "actions/z.yaml", SMS.format(agent="sales", name="n9", channel="Main"))
    code, out = answers(cli, project, "actions/z.yaml")
    assert code == 1 and "N312" in out and "actions/a2.yaml" in out
    assert (code, out) == uncached(cli, project, "actions/z.yaml")


def test_a_few_stale_files_are_read_again_rather_than_the_store_rewritten(
    cli: Callable[..., Any], project: Path
):
    """One entry in 64 stale is worth a rewrite; fewer are cheaper to read again (and
    still answer right: a stale entry is a miss)."""
    for i in range(6, 130):
        text = SMS.format(agent="sales", name=f"m{i}", channel="Main")
        write(project, f"actions/m{i}.yaml", text)
    focus = "actions/z.yaml"
    write(project, focus, SMS.format(agent="sales", name="dup", channel="Main"))
    age(project)
    answers(cli, project, focus)  # warm: 133 entries
    store = project / STORE
    written = store.stat().st_mtime_ns
    write(project, "actions/m7.yaml", SMS.format(agent="sales", name="dup", channel="Main"))
    write(project, "actions/m8.yaml", SMS.format(agent="sales", name="m8", channel="Voice"))
    code, out = answers(cli, project, focus)
    assert code == 1 and "N312" in out and "actions/m7.yaml" in out
    assert store.stat().st_mtime_ns == written  # two stale of 133: read again, not written
    assert (code, out) == answers(cli, project, focus)
    for i in (9, 10, 11):
        write(
            project, f"actions/m{i}.yaml", SMS.format(agent="sales", name=f"x{i}", channel="Main")
        )
    answers(cli, project, focus)
    assert store.stat().st_mtime_ns != written  # five stale: rewritten
    assert (code, out) == uncached(cli, project, focus)


def test_a_state_dir_linked_outside_the_project_is_not_written(
    cli: Callable[..., Any], project: Path, tmp_path: Path
):
    """A repository may commit .actionctl as a link: validate writes nothing through it."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".actionctl").symlink_to(elsewhere)
    expected = uncached(cli, project, "actions/a1.yaml")
    assert answers(cli, project, "actions/a1.yaml") == expected
    assert list(elsewhere.iterdir()) == []


def _damage(project: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads((project / STORE).read_text())
    edit(data["files"])
    (project / STORE).write_text(json.dumps(data))


@pytest.mark.parametrize(
    "edit",
    [
        lambda f: f["actions/a0.yaml"][4][0].__setitem__(1, ["x"]),  # agent not a string
        lambda f: f["channels/main.yaml"][5][0].__setitem__("index", 1e400),
        lambda f: f["channels/main.yaml"][5][0]["at"].__setitem__("values", []),
        lambda f: f["channels/main.yaml"][5][0].__setitem__("capabilities", "sms"),
        lambda f: f.__setitem__("actions/a1.yaml", 5),  # the focus file's own entry
        lambda f: f["actions/a2.yaml"].__setitem__(2, "not an identity"),
    ],
    ids=["agent-list", "index-inf", "values-list", "caps-string", "focus-int", "identity"],
)
def test_a_store_damaged_in_kind_answers_as_without_it(
    cli: Callable[..., Any], project: Path, edit: Callable[[dict[str, Any]], None]
):
    age(project)
    expected = uncached(cli, project, "actions/a1.yaml")
    answers(cli, project, "actions/a1.yaml")  # warm
    _damage(project, edit)
    assert answers(cli, project, "actions/a1.yaml") == expected
    result = cli("--project", project, "validate", project / "actions" / "a1.yaml")
    assert result.exit_code == expected[0] and "internal error" not in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "deep", "device"])
def test_a_store_that_is_no_file_is_a_miss_not_a_hang(
    cli: Callable[..., Any], project: Path, kind: str
):
    store = project / STORE
    store.parent.mkdir(parents=True)
    if kind == "fifo":
        os.mkfifo(store)
    elif kind == "deep":
        store.write_text("[" * 100_000)
    else:
        store.symlink_to("/dev/zero")
    result = cli("--project", project, "validate", project / "actions" / "a1.yaml")
    assert result.exit_code == 0 and "ok: 1 action" in result.stdout


def test_a_store_linked_to_a_project_file_is_not_written_through(
    cli: Callable[..., Any], project: Path
):
    """A committed link .actionctl/cache/validate.json -> ../../actionctl.yaml must not
    let validate overwrite the project's configuration."""
    store = project / STORE
    store.parent.mkdir(parents=True)
    store.symlink_to(Path("..") / ".." / "actionctl.yaml")
    before = (project / "actionctl.yaml").read_bytes()
    assert cli("--project", project, "validate", project / "actions" / "a1.yaml").exit_code == 0
    assert (project / "actionctl.yaml").read_bytes() == before
