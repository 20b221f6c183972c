"""Rule family 'names' (N31x): action names.

UI-style actions mirror the dashboard and keep its rule; native ``openmic.*`` actions
(and everything ``import`` writes) follow the platform's: any 1-255 characters, so an
account named the vendor's way ("Send Appointment Confirmation") can be managed.

- N311 a UI-style name breaks the dashboard's rule ``^[A-Za-z0-9_-]+$`` (1-255
  characters). The schema reports it while loading (such actions never reach the
  project); this rule holds it for any ``Project``, however it was built;
- N315 a native name holds control or invisible characters (zero-width, bidi controls,
  NUL, a non-breaking space): two names that differ only there look the same in review;
- N316 a native name mixes scripts within a word (a Cyrillic "о" among Latin letters):
  it looks like another name;
- N312 two actions of one agent share a name (both files and lines named), or names
  that only look alike: the same text in NFC and NFD, a Cyrillic or Greek letter standing
  for a Latin one, an invisible character (``look_alike_key``);
- N313 two logical agents map to one platform agent in an environment and both declare
  an action of the same name (they would be one tool on the platform);
- N314 a name starts with ``actionctl-lock-``: the prefix is reserved for apply's
  per-agent lock tools, which plan, import and prune ignore, so such an action could
  never be managed;
- N317 ``renamed_from`` names a tool another action of the same agent declares: that
  tool is kept by its own file, so it cannot also be the one this action renames.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import N311, N312, N313, N314, N315, N316, N317
from compiler.model import LOCK_PREFIX, Action, Project
from compiler.wording import quoted

MAX_NAME_LENGTH = 255
NAME_RULE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")

# Cyrillic and Greek letters drawn like a Latin one in common fonts (from Unicode's
# confusables, the letters a reviewer cannot tell apart): a name written with them reads
# as the Latin name.
_LATIN_LOOK_ALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеѕіјорсухԁһԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧον",
    "ABESIJKMHOPCTXYaesijopcyxdhqwABEZHIKMNOPTYXov",
)


def look_alike_key(name: str) -> str:
    """What a reader sees of ``name``: one normal form (NFC and NFD spellings, fullwidth
    letters and ligatures are one), invisible characters left out, and Latin look-alikes
    read as Latin. Two names with one key are the same name to a reviewer."""
    if name.isascii() and name.isprintable():
        return name  # (every name but a few: nothing to normalise, hide or translate)
    normal = unicodedata.normalize("NFKC", name)
    visible = "".join(char for char in normal if not _hidden(char) or char == " ")
    return visible.translate(_LATIN_LOOK_ALIKES)


def look_alike_note(name: str, other: str) -> str:
    """Why two different names are reported as one ("" when they are equal)."""
    if name == other:
        return ""
    if unicodedata.normalize("NFC", name) == unicodedata.normalize("NFC", other):
        return " (the same text, in another Unicode normal form: NFC and NFD)"
    return " (they differ only in characters that look alike or cannot be seen)"


def check(project: Project) -> Iterable[Diagnostic]:
    for action in project.actions:
        problem = name_problem(action)
        if problem is not None:
            yield problem
        elif action.name.startswith(LOCK_PREFIX):
            yield Diagnostic.error(
                action.locate("name"),
                N314,
                f"name {quoted(action.name)}: names starting with {LOCK_PREFIX!r} are reserved "
                "for actionctl's apply locks, which plan, import and prune ignore (this action "
                "would never be managed); rename it",
            )
    yield from _unique_per_agent(project.actions)
    yield from _unique_per_uid(project)
    yield from _renamed_from_declared(project.actions)


def name_problem(action: Action) -> Diagnostic | None:
    """The name rule of the action's form: the dashboard's (UI style) or the platform's."""
    if not action.is_native:
        if NAME_RULE.match(action.name):
            return None
        return Diagnostic.error(
            action.locate("name"),
            N311,
            f"name {quoted(action.name)}: action names may hold only letters, digits, "
            "_ and - (the dashboard's rule), 1-255 characters; native openmic.* actions "
            "allow any characters",
        )
    found = platform_name_problem(action.name)
    if found is None:
        return None
    code, message = found
    return Diagnostic.error(action.locate("name"), code, f"name {quoted(action.name)}: {message}")


def platform_name_problem(name: object) -> tuple[str, str] | None:
    """(code, message) when ``name`` breaks the platform's rule as actionctl holds it."""
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH:
        return N311, f"tool names are 1-{MAX_NAME_LENGTH} characters"
    if name.isascii() and name.isprintable():
        return None  # one script, nothing hidden: the checks below cannot find anything
    hidden = [c for c in name if _hidden(c)]
    if hidden:
        shown = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(hidden))
        return N315, (
            f"holds control or invisible characters ({shown}), so it can look exactly like "
            "another name in review; rename it on the platform and here"
        )
    for word in re.findall(r"\w+", name):
        scripts = {_script(c) for c in word if c.isalpha()}
        if len(scripts) > 1:
            return N316, (
                f"the word {quoted(word)} mixes scripts ({', '.join(sorted(scripts))}), so it "
                "looks like another name (a homoglyph); use one script per word"
            )
    return None


def _hidden(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (
        category == "Zs" and char != " "
    )


def _script(char: str) -> str:
    """The script of a letter, from its Unicode name ("LATIN SMALL LETTER O" -> LATIN)."""
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def _unique_per_agent(actions: list[Action]) -> Iterator[Diagnostic]:
    first: dict[tuple[str, str], Action] = {}
    for action in actions:
        earlier = first.setdefault((action.agent, look_alike_key(action.name)), action)
        if earlier is action:
            continue
        yield Diagnostic.error(
            action.locate("name"),
            N312,
            f"action name {quoted(action.name)} is already used by agent {quoted(action.agent)} at "
            f"{earlier.locate('name')}{_as(earlier.name, action.name)} (this one: "
            f"{action.locate('name')}); names must be unique per agent",
        )


def _as(earlier: str, name: str) -> str:
    """How the earlier name is shown when it only looks like this one."""
    if earlier == name:
        return ""
    return f" as {quoted(earlier)}{look_alike_note(name, earlier)}"


def _unique_per_uid(project: Project) -> Iterator[Diagnostic]:
    """Different logical agents that are one platform agent must not collide."""
    config = project.config
    for environment in config.environments.values():
        first: dict[tuple[str, str], Action] = {}
        for action in project.actions:
            uid = config.agent_uid(environment, action.agent)
            earlier = first.setdefault((uid, look_alike_key(action.name)), action)
            if earlier is action or earlier.agent == action.agent:
                continue
            yield Diagnostic.error(
                action.locate("name"),
                N313,
                f"in environment {quoted(environment.name)}, agents {quoted(earlier.agent)} and "
                f"{quoted(action.agent)} are both platform agent {quoted(uid)}, and both declare "
                f"{quoted(action.name)} (other: {earlier.locate('name')}"
                f"{_as(earlier.name, action.name)})",
            )


def _renamed_from_declared(actions: list[Action]) -> Iterator[Diagnostic]:
    declared = {(action.agent, action.name): action for action in actions}
    for action in actions:
        value = action.fields.get("renamed_from")
        for old_name in action.renamed_from:
            other = declared.get((action.agent, old_name))
            if other is None:
                continue
            path: tuple[str | int, ...] = ("renamed_from",)
            if isinstance(value, list):
                path += (value.index(old_name),)
            what = "itself" if other is action else f"the action at {other.locate('name')}"
            yield Diagnostic.error(
                action.locate(*path),
                N317,
                f"renamed_from {quoted(old_name)}: agent {quoted(action.agent)} still declares "
                f"that name ({what}), so that tool is kept, not renamed; remove it from "
                "renamed_from, or delete the other file if this action replaces it",
            )
