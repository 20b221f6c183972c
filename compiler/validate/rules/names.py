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
- N317 ``renamed_from`` names a tool another action of the same agent declares (or a
  name that only looks like it): that tool is kept by its own file, so it cannot also be
  the one this action renames;
- N318 two actions of one agent give the same ``renamed_from`` name (or look-alikes):
  one live tool can become only one of them;
- at each ``renamed_from`` name also N314 (the lock prefix), and N315 and N316 as
  warnings (see the note above ``_renamed_from_declared``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import N311, N312, N313, N314, N315, N316, N317, N318
from compiler.load.declared import renamed_from_paths
from compiler.lookalike import hidden, look_alike_key, look_alike_note
from compiler.model import LOCK_PREFIX, Action, Project
from compiler.wording import escaped, quoted

MAX_NAME_LENGTH = 255
NAME_RULE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


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
    yield from _renamed_from_twice(project.actions)
    for action in project.actions:
        yield from _renamed_from_names(action)


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
    invisible = [c for c in name if hidden(c)]
    if invisible:
        shown = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(invisible))
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


# --- renamed_from: the earlier names of a tool, as the platform had them ---
#
# The old name came from the platform, which allows any 1-255 characters (the schema
# holds the length): the dashboard's character rule (N311) is for names to deploy, not
# for names to rename away from. What still matters is what review can see: a name
# another action keeps or also renames (N317, N318, compared as names that look alike,
# as N312 does), the lock prefix (N314: plan ignores such tools, so it renames none),
# and characters that hide which live tool is meant (N315, N316: warnings here, since
# renaming a tool away from such a name is the cure, and errors cannot be suppressed).


def _renamed_from_declared(actions: list[Action]) -> Iterator[Diagnostic]:
    """N317: a renamed_from name (or one that looks like it) that the agent declares."""
    declared: dict[tuple[str, str], list[Action]] = {}
    for action in actions:
        declared.setdefault((action.agent, look_alike_key(action.name)), []).append(action)
    for action in actions:
        for old_name, path in renamed_from_paths(action.fields.get("renamed_from")):
            found = declared.get((action.agent, look_alike_key(old_name)), [])
            # Its own name only when equal: ``book`` renamed from ``bооk`` (Cyrillic о)
            # or from its NFD spelling is how a look-alike name on the platform is cured.
            others = [a for a in found if a is not action or a.name == old_name]
            if not others:
                continue
            other = others[0]
            what = "itself" if other is action else f"the action at {other.locate('name')}"
            yield Diagnostic.error(
                action.locate(*path),
                N317,
                f"renamed_from {escaped(old_name)}: agent {quoted(action.agent)} still declares "
                f"that name ({what}{_as(other.name, old_name)}), so that tool is kept, not "
                "renamed; remove it from renamed_from, or delete the other file if this "
                "action replaces it",
            )


def _renamed_from_twice(actions: list[Action]) -> Iterator[Diagnostic]:
    """N318: two actions of one agent rename the same tool (or ones that look alike)."""
    first: dict[tuple[str, str], tuple[Action, str, tuple[str | int, ...]]] = {}
    for action in actions:
        for old_name, path in renamed_from_paths(action.fields.get("renamed_from")):
            key = (action.agent, look_alike_key(old_name))
            earlier, earlier_name, earlier_path = first.setdefault(key, (action, old_name, path))
            if earlier is action:
                continue
            yield Diagnostic.error(
                action.locate(*path),
                N318,
                f"renamed_from {escaped(old_name)}: the action at {earlier.locate(*earlier_path)} "
                f"of agent {quoted(action.agent)} already renames that tool"
                f"{_as(earlier_name, old_name)}; one live tool can become only one of them "
                "(plan would rename it to the first and create the other): keep it in the "
                "renamed_from of the action that replaces it",
            )


def _renamed_from_names(action: Action) -> Iterator[Diagnostic]:
    """N314 (error), N315 and N316 (warnings) at each renamed_from name."""
    for old_name, path in renamed_from_paths(action.fields.get("renamed_from")):
        where = action.locate(*path)
        if old_name.startswith(LOCK_PREFIX):
            yield Diagnostic.error(
                where,
                N314,
                f"renamed_from {quoted(old_name)}: names starting with {LOCK_PREFIX!r} are "
                "apply's lock tools, which plan ignores, so no tool would be renamed (the "
                "action would be created); remove it from renamed_from",
            )
            continue
        found = _look_alike_problem(old_name)
        if found is not None:
            code, message = found
            yield Diagnostic.warning(where, code, f"renamed_from {escaped(old_name)}: {message}")


def _look_alike_problem(name: str) -> tuple[str, str] | None:
    found = platform_name_problem(name)
    if found is None or found[0] == N311:  # (the length is the schema's)
        return None
    code, _ = found
    hides = "holds control or invisible characters" if code == N315 else "mixes scripts"
    return code, (
        f"{hides}, so review cannot see which live tool this renames; it renames only a "
        "tool of exactly this spelling (shown escaped). Check it against the platform "
        "(`actionctl plan` shows the rename), write it with \\u escapes in a double-quoted "
        f"string so review sees it, then add `# actionctl: ignore[{code}]` after it"
    )
