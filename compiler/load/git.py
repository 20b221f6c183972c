"""The one place actionctl runs ``git``: read-only, offline, with nothing of the
repository's own running.

    run_git(cwd, *args, stdin=None, reads_worktree=False) -> stdout bytes  (or GitError)

A repository's configuration can name programs that git then runs on its behalf. A
clone's ``.git/config`` is not shared by ``git clone``, but a repository unpacked from an
archive, a shared CI workspace or a colleague's checkout can hold anything, and
``validate --changed`` runs inside a pre-commit hook on every commit. So every git
process here runs with:

- ``core.fsmonitor=false``: the fsmonitor hook runs whenever the index is read;
- ``core.hooksPath=/dev/null``: no hook (none of the commands below runs one today; this
  keeps it so if a future one would);
- ``protocol.allow=never``: no transport at all, so a partial clone's lazy fetch (which
  would run ``ssh``, ``core.sshCommand`` or a ``ext::`` remote) fails instead;
  ``GIT_NO_LAZY_FETCH=1`` says the same to a git that knows it;
- ``--no-ext-diff --no-textconv`` is the callers' part: only plumbing (``diff-index``,
  ``diff-tree``, ``ls-tree``, ``cat-file``, ``rev-parse``) is run, which never refreshes
  or writes the index and reads blobs as committed;
- with ``reads_worktree`` (a command that compares the working tree, where git may hash
  a file through its clean filter): every ``filter.<driver>`` the configuration defines
  gets empty ``clean``/``smudge``/``process`` and ``required=false``. Drivers are named by
  ``.gitattributes`` (repository content), so they are read from the configuration
  first; a driver name that ``-c`` cannot spell is refused rather than left running.

The environment is the caller's, minus the ``GIT_*`` variables a hook inherits (git sets
``GIT_DIR``, ``GIT_INDEX_FILE``, ``GIT_WORK_TREE`` for its hooks, and they point git at the
wrong repository or index): the same allow-list pre-commit keeps for its own git calls.
System and global configuration stay: they belong to the machine and its user (a CI
image's ``safe.directory`` lives there), not to the repository.

Every failure is one ``GitError``: git missing, a timeout, or a non-zero exit with git's
own last line. Callers turn it into their located diagnostic.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

TIMEOUT_SECONDS = 120.0  # a large monorepo's tree listing can take a while; a hang cannot
SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "protocol.allow=never",
)
# What pre-commit keeps of a hook's GIT_* environment: how to run git and reach remotes,
# and configuration the user set up on purpose; plus the discovery ceiling.
_KEPT_GIT_VARIABLES = frozenset(
    {
        "GIT_EXEC_PATH",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_SSL_CAINFO",
        "GIT_SSL_NO_VERIFY",
        "GIT_CONFIG_COUNT",
        "GIT_HTTP_PROXY_AUTHMETHOD",
        "GIT_ALLOW_PROTOCOL",
        "GIT_ASKPASS",
        "GIT_CEILING_DIRECTORIES",  # where the user stops repository discovery: kept too
    }
)
_KEPT_GIT_PREFIXES = ("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_")
_FILTER_SETTINGS = ("clean", "smudge", "process")


class GitError(Exception):
    """git could not answer: ``reason`` is ``missing`` (not installed), ``timeout`` or
    ``failed``; ``said`` is git's own last line of stderr (may be empty)."""

    def __init__(self, command: str, reason: str, said: str = "") -> None:
        super().__init__(command, reason, said)
        self.command = command
        self.reason = reason
        self.said = said

    @property
    def message(self) -> str:
        if self.reason == "missing":
            return "git is not installed (or not on PATH)"
        if self.reason == "timeout":
            return f"`git {self.command}` did not answer within {TIMEOUT_SECONDS:.0f}s"
        return f"`git {self.command}` failed: {self.said or 'no message'}"

    def __str__(self) -> str:
        return self.message


def run_git(
    cwd: Path, *args: str, stdin: bytes | None = None, reads_worktree: bool = False
) -> bytes:
    """git's stdout for ``git ARGS`` run in ``cwd``, neutralised as the module doc says.
    ``reads_worktree``: the command compares working-tree files (filters are disabled
    first, at the cost of one more ``git config`` call)."""
    overrides = list(SAFE_CONFIG)
    if reads_worktree:
        overrides += _filters_disabled(cwd)
    return _spawn(cwd, args, overrides, stdin)


def git_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """``environ`` (default: this process's) without the ``GIT_*`` variables a hook
    inherits, plus what makes git quiet, offline and parseable."""
    source = os.environ if environ is None else environ
    env = {name: value for name, value in source.items() if _kept(name)}
    env.update(
        GIT_TERMINAL_PROMPT="0",  # never ask for credentials on the terminal
        GIT_OPTIONAL_LOCKS="0",  # never write the index behind the user's back
        GIT_NO_LAZY_FETCH="1",
        GIT_LITERAL_PATHSPECS="1",  # a folder named "a*" is a name, not a pattern
        LC_ALL="C",  # git's messages are shown to users and matched by callers
    )
    return env


def _kept(name: str) -> bool:
    if not name.startswith("GIT_"):
        return True
    return name in _KEPT_GIT_VARIABLES or name.startswith(_KEPT_GIT_PREFIXES)


def _filters_disabled(cwd: Path) -> list[str]:
    """``filter.<driver>.*`` overrides that turn off every driver the configuration
    defines (system, global, local and included files alike)."""
    try:
        listing = ("config", "--null", "--get-regexp", r"^filter\..*\.")
        listed = _spawn(cwd, listing, list(SAFE_CONFIG), None)
    except GitError as failed:
        if failed.reason == "failed" and not failed.said:
            return []  # exit 1 and silence: no filter is configured
        raise
    drivers = sorted({_driver(entry) for entry in listed.split(b"\0") if entry})
    overrides: list[str] = []
    for driver in drivers:
        if "=" in driver or "\n" in driver:  # "-c key=value" would cut the name short
            raise GitError("config", "failed", f"filter driver {driver!r} cannot be disabled")
        overrides += [f"filter.{driver}.{setting}=" for setting in _FILTER_SETTINGS]
        overrides.append(f"filter.{driver}.required=false")
    return overrides


def _driver(entry: bytes) -> str:
    """``filter.<driver>.clean\\nvalue`` -> ``<driver>`` (it may itself hold dots)."""
    key = entry.partition(b"\n")[0].decode("utf-8", errors="surrogateescape")
    return key[len("filter.") : key.rindex(".")]


def _spawn(cwd: Path, args: tuple[str, ...], overrides: list[str], stdin: bytes | None) -> bytes:
    command = ["git", "--no-pager"]
    for setting in overrides:
        command += ["-c", setting]
    try:
        done = subprocess.run(
            [*command, *args],
            cwd=cwd,
            input=stdin if stdin is not None else b"",  # never the terminal
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=git_environment(),
            check=False,
        )
    except FileNotFoundError:
        if not os.path.isdir(cwd):  # subprocess says the same of a missing cwd
            raise GitError(args[0], "failed", f"no such directory: {cwd}") from None
        raise GitError(args[0], "missing") from None
    except subprocess.TimeoutExpired:
        raise GitError(args[0], "timeout") from None
    except OSError as error:  # cwd gone or unreadable
        raise GitError(args[0], "failed", error.strerror or type(error).__name__) from None
    if done.returncode != 0:
        raise GitError(args[0], "failed", last_line(done.stderr))
    return done.stdout


def last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    kept = [line for line in lines if line]
    return kept[-1] if kept else ""
