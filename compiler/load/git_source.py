"""The project as it is at a git revision, read from git objects (never the working tree).

    project_at_ref(project_dir, ref, dest) -> (GitRevision, diagnostics)
    export_at_ref(project_dir, ref, dest, held=paths) -> Exported (revision, diagnostics,
        the files of ``held`` left out: the working tree holds them byte for byte)

writes the YAML files the project directory holds at ``ref`` below ``dest`` (a temp dir
the caller owns), for ``load_project(dest)`` to load with the same loader as the working
tree. The blobs are read as committed (``ls-tree`` + ``cat-file --batch``): unlike ``git
archive``, no ``export-ignore``/``export-subst`` attribute can hide or rewrite a file.
Symbolic links are written as links (with the files they lead to), so the loader's own
rules hold at a revision as in the working tree: a link inside the project is followed,
one that leads nowhere is E112, one out of the project (``/etc``) is E113, never read. A
submodule is read at the commit the revision records, from its checkout in this working
tree (as the loader reads a checked-out submodule); one not checked out, or without that
commit, is E116 where the loader would look for its files (returned with the revision),
never a silent gap that ``drift --prune`` would take for tools no file declares.
Git runs through ``compiler.load.git`` (an argument list, no shell, nothing of the
repository's own runs); a ref starting with ``-`` is refused, the ref is resolved to a
commit id first, and only that id and a ``--``-separated pathspec are passed on, so no
ref can be read as an option.

A project directory moved since ``ref`` is followed: when ``ref`` has no actionctl.yaml
where ``HEAD`` has one, git's rename detection (``diff -M ref HEAD``) says where it came
from, and that directory is read (``GitRevision.moved_from``); a move git cannot pair
leaves the directory missing at ``ref`` (``existed=False``).

Every failure is a ``DiagnosticError`` located at the project directory: L840 the ref
is not in this clone (with the exact ``git fetch`` that fixes a shallow CI checkout),
L841 not a git repository or no git, L842 git failed otherwise, L844 a ref that starts
with ``-``.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from compiler.diagnostics import Diagnostic, DiagnosticError, Location
from compiler.diagnostics.codes import E100, E112, E113, E116, L840, L841, L842, L844
from compiler.load.git import GitError, run_git

YAML_SUFFIXES = (".yaml", ".yml")  # all the loader reads (actionctl.yaml, channels, actions)
SYMLINK_MODE = b"120000"


@dataclass(frozen=True)
class GitRevision:
    ref: str  # as the user wrote it: ``origin/main``
    commit: str  # full commit id it resolved to
    existed: bool  # False: the project directory is not in that commit (an empty base)
    # The project's directory in that commit (``old/dir`` or ``""``), when git's rename
    # detection found it elsewhere than now; None when it is at the same place.
    moved_from: str | None = None

    @property
    def short(self) -> str:
        return self.commit[:12]

    @property
    def label(self) -> str:
        return self.ref if self.ref.startswith(self.short) else f"{self.ref} ({self.short})"


@dataclass(frozen=True)
class Exported:
    """What ``export_at_ref`` wrote: the revision, what the loader cannot see in the
    export (a submodule, located at the project-relative path), and the files left out
    because the working tree holds them byte for byte (``unchanged``)."""

    revision: GitRevision
    problems: list[Diagnostic]
    unchanged: frozenset[str] = frozenset()


def project_at_ref(project_dir: Path, ref: str, dest: Path) -> tuple[GitRevision, list[Diagnostic]]:
    """Export the project directory as of ``ref`` into ``dest``; see the module doc. The
    diagnostics are what the loader cannot see in ``dest`` (a submodule), located at the
    project-relative path."""
    exported = export_at_ref(project_dir, ref, dest)
    return exported.revision, exported.problems


def export_at_ref(
    project_dir: Path, ref: str, dest: Path, *, held: Collection[str] = ()
) -> Exported:
    """``project_at_ref``, leaving out each file of ``held`` (project-relative paths the
    caller has already loaded from the working tree) whose working-tree bytes are the
    blob at ``ref``: on a typical pull request most files are, and the caller reuses
    what it loaded instead of parsing them again. Only a plain tree is pruned so (no
    symbolic link, no submodule): there a file's project-relative path alone says what
    the loader would read at it (in a project moved since ``ref`` too: both sides are
    read relative to their own directory)."""
    where = Location(Path(project_dir).as_posix())
    if not ref or ref.startswith("-"):
        raise _error(where, L844, f"{ref!r} is not a git revision (a ref cannot start with '-')")
    prefix = _prefix_in_repository(project_dir, where).rstrip("/")
    commit = _resolve(project_dir, ref, where)
    # ``<commit>:<dir>`` names the directory's tree in that commit, from the top of the
    # repository whatever the cwd.
    moved_from = _moved_from(project_dir, commit, prefix)
    if moved_from is not None:
        prefix = moved_from
    tree = f"{commit}:{prefix}" if prefix else commit
    if prefix and not _is_tree(project_dir, tree):
        return Exported(GitRevision(ref, commit, existed=False), [])
    problems, unchanged = _write_tree(project_dir, where, tree, Path(dest), held)
    revision = GitRevision(ref, commit, existed=True, moved_from=moved_from)
    return Exported(revision, problems, unchanged)


PROJECT_FILE = "actionctl.yaml"


def _moved_from(project_dir: Path, commit: str, prefix: str) -> str | None:
    """Where the project directory was in ``commit`` when it has moved since (a project
    file now, none at the same place then): the directory that held the project file
    git pairs with today's as a rename, else the one most of the project's renamed
    files came from. ``None``: not moved, or git sees no rename (then the directory
    is read where it is now, and may be missing: no base)."""
    here = f"{prefix}/" if prefix else ""
    now, then = _exist(project_dir, f"HEAD:{here}{PROJECT_FILE}", f"{commit}:{here}{PROJECT_FILE}")
    if not now:
        return None  # no committed project file to follow
    if then:
        return None  # the project file is where it was: not moved
    try:
        # No pathspec: limiting the paths would hide the old side of each rename.
        out = _git(
            project_dir, "diff", "--name-status", "-z", "-M", "--diff-filter=R", commit, "HEAD"
        )
    except GitError:
        return None
    fields = out.split("\0")
    votes: dict[str, int] = {}
    for i in range(0, len(fields) - 2, 3):
        old, new = fields[i + 1], fields[i + 2]
        if not new.startswith(here):
            continue
        inside = new[len(here) :]
        if old != inside and not old.endswith("/" + inside):
            continue  # renamed within the project, or from elsewhere: no move of it
        folder = old[: len(old) - len(inside)].rstrip("/")
        if inside == PROJECT_FILE:
            return folder if folder != prefix else None
        votes[folder] = votes.get(folder, 0) + 1
    votes.pop(prefix, None)
    return max(sorted(votes), key=lambda folder: votes[folder]) if votes else None


def _exist(project_dir: Path, *specs: str) -> list[bool]:
    """Whether each object named exists, asked in one ``cat-file --batch-check`` (a
    name holding a newline, which that protocol cannot carry, is asked on its own)."""
    if any("\n" in spec for spec in specs):
        return [_exists(project_dir, spec) for spec in specs]
    request = "".join(f"{spec}\n" for spec in specs).encode("utf-8", "surrogateescape")
    try:
        out = run_git(project_dir, "cat-file", "--batch-check", stdin=request)
    except GitError:
        return [False for _ in specs]
    answers = out.decode("utf-8", "replace").splitlines()
    if len(answers) != len(specs):
        return [_exists(project_dir, spec) for spec in specs]
    # "<id> <type> <size>" when found; "<name> missing" (or "ambiguous") otherwise
    return [_FOUND.fullmatch(line) is not None for line in answers]


_FOUND = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})? [a-z]+ [0-9]+")


def _exists(project_dir: Path, spec: str) -> bool:
    try:
        run_git(project_dir, "cat-file", "-e", spec)
    except GitError:
        return False
    return True


def _prefix_in_repository(project_dir: Path, where: Location) -> str:
    """The project directory's path inside its repository (``""`` at the top, else
    ``sub/dir/``), so the same directory is read at the ref. A path given as ``.``
    or relative is resolved by git from the cwd, as the loader resolves it."""
    if not Path(project_dir).is_dir():
        raise _error(where, E100, f"project directory {where.file} does not exist")
    prefix = b""
    try:
        # One call for both answers: "true" (or "false") and the prefix, a line each.
        answer = run_git(project_dir, "rev-parse", "--is-inside-work-tree", "--show-prefix")
        first, _, prefix = answer.partition(b"\n")
        inside, said = first.decode("utf-8", errors="replace").strip(), ""
    except GitError as failed:
        if failed.reason == "missing":
            raise _error(where, L841, failed.message) from None
        # git's own words matter here: "dubious ownership" (safe.directory) in a CI
        # container reads like "not a repository" otherwise.
        inside, said = "false", failed.said
    if inside != "true":
        message = (
            f"{where.file} is not inside a git work tree: plan --base and drift --ref "
            "read the configuration from git; run them in a clone of the repository"
        )
        raise _error(where, L841, message + (f"; git says: {said}" if said else ""))
    return prefix.decode().strip()


def _resolve(project_dir: Path, ref: str, where: Location) -> str:
    # No --end-of-options (git >= 2.30 only): a ref starting with "-" was refused above,
    # so this argument cannot be read as an option.
    try:
        out = _git(project_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        raise _error(where, L840, _missing_ref_message(project_dir, ref)) from None
    return out.strip()


def _missing_ref_message(project_dir: Path, ref: str) -> str:
    message = f"git revision {ref!r} is not in this clone"
    if _is_shallow(project_dir):
        message += " (a shallow clone: it holds only the commits it was cloned with)"
    remote, _, branch = ref.partition("/")
    remotes = _remotes(project_dir)
    if branch and remote in remotes:
        return f"{message}; fetch it first: `{fetch_command(project_dir, remote, branch)}`"
    if "origin" in remotes and not _looks_like_commit(ref):
        fetch = fetch_command(project_dir, "origin", ref)
        return f"{message}; fetch it first: `{fetch}`, then use origin/{ref}"
    return f"{message}; fetch it first: `git fetch --depth=1 origin {ref}`"


def fetch_command(project_dir: Path, remote: str, branch: str) -> str:
    """The fetch that makes ``remote/branch`` exist. With the default refspec
    (``refs/heads/*``, as actions/checkout sets up) the short form updates the
    remote-tracking branch; a single-branch clone needs the destination spelled out."""
    short = f"git fetch --depth=1 {remote} {branch}"
    try:
        specs = _git(project_dir, "config", "--get-all", f"remote.{remote}.fetch").split()
    except GitError:
        specs = []
    if any(spec.lstrip("+").startswith("refs/heads/*:") for spec in specs):
        return short
    return f"{short}:refs/remotes/{remote}/{branch}"


def _looks_like_commit(ref: str) -> bool:
    return len(ref) >= 7 and all(c in "0123456789abcdef" for c in ref.lower())


def _is_shallow(project_dir: Path) -> bool:
    try:
        return _git(project_dir, "rev-parse", "--is-shallow-repository").strip() == "true"
    except GitError:
        return False


def _remotes(project_dir: Path) -> set[str]:
    try:
        return set(_git(project_dir, "remote").split())
    except GitError:
        return set()


def _is_tree(project_dir: Path, tree: str) -> bool:
    try:
        return _git(project_dir, "cat-file", "-t", tree).strip() == "tree"
    except GitError:
        return False  # the commit has no such path: the directory came later


@dataclass
class _Tree:
    """What ``ls-tree -r`` lists of the project directory, by project-relative path,
    with the submodules that this clone has checked out read at their committed id."""

    blobs: dict[str, tuple[Path, str]] = field(default_factory=dict)  # file -> (repo, id)
    links: dict[str, str] = field(default_factory=dict)  # symbolic link -> its target
    gitlinks: dict[str, str] = field(default_factory=dict)  # submodule not read -> commit


def _write_tree(
    project_dir: Path, where: Location, tree: str, dest: Path, held: Collection[str]
) -> tuple[list[Diagnostic], frozenset[str]]:
    """The project directory of ``tree`` written below ``dest`` for the loader: every
    YAML file, every symbolic link as a link (so the loader applies the working tree's
    rules to it: followed inside the project, E112/E113 otherwise) and every file a link
    leads to. A submodule that cannot be read here is E116 where the loader would look
    for its files, never a silent gap. The files of ``held`` unchanged in the working
    tree are left out, and returned."""
    listed = _list_tree(Path(project_dir), where, tree, depth=0)
    problems = _submodule_problems(listed) + _outside_problems(listed)
    wanted = {path for path in listed.blobs if path.endswith(YAML_SUFFIXES)}
    for link in listed.links:
        resolved = _resolve_in_tree(link, listed.links)
        if resolved in listed.blobs:
            wanted.add(resolved)
    unchanged = _unchanged(Path(project_dir), listed, held)
    wanted -= unchanged
    contents = _read_files(where, {path: listed.blobs[path] for path in wanted})
    # Files first, links last: no file is ever written through a link made here.
    for path in sorted(wanted):
        _write_file(where, dest, path, contents[path])
    # What was reported is left out (the loader would only say it again, as E112); any
    # other submodule becomes a link that leads nowhere, so a path that reaches it is
    # E112 rather than an empty folder.
    reported = {problem.file for problem in problems}
    links = {path: target for path, target in listed.links.items() if path not in reported}
    links |= {path: _UNREAD_SUBMODULE for path in listed.gitlinks if path not in reported}
    for path, target in sorted(links.items()):
        problems += _write_link(dest, path, target)
    return problems, unchanged


def _unchanged(project_dir: Path, listed: _Tree, held: Collection[str]) -> frozenset[str]:
    """The files of ``held`` that are, in the working tree, a regular file whose bytes
    hash to the blob id listed at the revision (git's own blob hash of the raw bytes:
    no clean filter or line-ending conversion can make two different files look the
    same). None in a tree with links or submodules: a link could lead the loader to a
    file by another path, so paths alone no longer say what it reads."""
    if listed.links or listed.gitlinks:
        return frozenset()
    same = set()
    for path in held:
        blob = listed.blobs.get(path)
        if blob is not None and _working_blob_id(project_dir, path, len(blob[1])) == blob[1]:
            same.add(path)
    return frozenset(same)


def _working_blob_id(project_dir: Path, path: str, id_length: int) -> str | None:
    """The blob id git would give the working tree's file at ``path`` (SHA-1, or SHA-256
    in a repository of that object format), or None when it is not a regular file."""
    target = os.path.join(project_dir, *path.split("/"))
    try:
        handle = os.open(target, _READ_FLAGS)
    except OSError:
        return None  # gone, unreadable, or a symbolic link (not the file listed)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        data = _read_all(handle)
    except OSError:
        return None
    finally:
        os.close(handle)
    digest = hashlib.sha256() if id_length == _SHA256_HEX else hashlib.sha1()
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def _read_all(handle: int) -> bytes:
    chunks = []
    while chunk := os.read(handle, _CHUNK_BYTES):
        chunks.append(chunk)
    return b"".join(chunks)


# Plain system calls, once per file of the project (a thousand on a typical one): no
# link followed at the last step, and a FIFO named *.yaml opens without waiting.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_CHUNK_BYTES = 1 << 20
_SHA256_HEX = 64  # a SHA-256 repository's object ids (SHA-1's are 40)


_UNREAD_SUBMODULE = "submodule content is not read at a revision"  # leads nowhere: E112


def _list_tree(repository: Path, where: Location, tree: str, *, depth: int) -> _Tree:
    """``tree`` of ``repository`` (a working tree: the project directory, or a checked-out
    submodule in it), with the submodules it holds that are checked out here."""
    # --full-tree: from a sub-directory ls-tree would otherwise list only that part.
    listing = _git_bytes(repository, where, "ls-tree", "-r", "-z", "--full-tree", tree)
    listed = _Tree()
    link_blobs: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        meta, _, raw_path = entry.partition(b"\t")
        fields = meta.split(b" ")
        path = raw_path.decode("utf-8", errors="surrogateescape")
        # Git never stores "..", "." or empty components; the listing is data, so check.
        if len(fields) != 3 or any(p in ("", ".", "..") for p in path.split("/")):
            continue
        mode, kind, sha = fields[0], fields[1], fields[2].decode("ascii")
        if kind == b"commit":
            listed.gitlinks[path] = sha
        elif kind == b"blob" and mode == SYMLINK_MODE:
            link_blobs[path] = sha
        elif kind == b"blob":
            listed.blobs[path] = (repository, sha)
    targets = _read_blobs(repository, where, list(link_blobs.values()))
    for path, sha in link_blobs.items():
        listed.links[path] = targets[sha].decode("utf-8", errors="surrogateescape")
    if depth < _MAX_SUBMODULE_DEPTH:
        _read_submodules(listed, repository, where, depth)
    return listed


_MAX_SUBMODULE_DEPTH = 8


def _read_submodules(listed: _Tree, repository: Path, where: Location, depth: int) -> None:
    """Each submodule checked out in ``repository``'s working tree that holds its
    committed id, merged into ``listed`` at its path (as the working-tree loader reads a
    checked-out submodule); the others stay in ``listed.gitlinks``."""
    for path, commit in sorted(listed.gitlinks.items()):
        if depth == 0 and not _reachable(path, listed.links):
            continue  # the loader never looks there: not worth listing a whole repository
        checkout = _checkout(repository, path, commit)
        if checkout is None:
            continue
        inner = _list_tree(checkout, where, commit, depth=depth + 1)
        del listed.gitlinks[path]
        listed.blobs |= {f"{path}/{name}": blob for name, blob in inner.blobs.items()}
        listed.links |= {f"{path}/{name}": target for name, target in inner.links.items()}
        listed.gitlinks |= {f"{path}/{name}": sha for name, sha in inner.gitlinks.items()}


def _reachable(path: str, links: dict[str, str]) -> bool:
    """Whether the loader may look into ``path``: under actions/ or channels/, or where a
    link leads (into or above it)."""
    if path.split("/")[0] in ("actions", "channels"):
        return True
    for link in links:
        resolved = _resolve_in_tree(link, links)
        if resolved is None or resolved == OUTSIDE:
            continue
        if _contains(resolved, path) or _contains(path, resolved):
            return True
    return False


def _checkout(repository: Path, path: str, commit: str) -> Path | None:
    """The submodule at ``path`` in ``repository``'s working tree, when it is checked
    out there (its own repository, not a link elsewhere) and holds ``commit``."""
    folder = repository.joinpath(*path.split("/"))
    real = Path(os.path.realpath(folder))
    if folder.is_symlink() or not real.is_relative_to(os.path.realpath(repository)):
        return None
    try:
        top = run_git(real, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape")
        if Path(os.path.realpath(top.strip())) != real:
            return None  # not checked out: git found the enclosing repository
        run_git(real, "cat-file", "-e", f"{commit}^{{commit}}")
    except GitError:
        return None
    return real


def _read_files(where: Location, blobs: dict[str, tuple[Path, str]]) -> dict[str, bytes]:
    """Contents by path, one ``cat-file --batch`` per repository they come from."""
    by_repository: dict[Path, list[str]] = {}
    for repository, sha in blobs.values():
        by_repository.setdefault(repository, []).append(sha)
    contents: dict[tuple[Path, str], bytes] = {}
    for repository, shas in by_repository.items():
        read = _read_blobs(repository, where, shas)
        contents |= {(repository, sha): data for sha, data in read.items()}
    return {path: contents[blob] for path, blob in blobs.items()}


def _resolve_in_tree(path: str, links: dict[str, str]) -> str | None:
    """Where ``path`` leads inside the project as committed, following the tree's own
    links as the file system would; ``None`` when links loop, ``OUTSIDE`` when it
    leaves the project (an absolute target, or ``..`` above it)."""
    pending = path.split("/")
    done: list[str] = []
    hops = _MAX_LINK_HOPS
    while pending:
        part = pending.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            if not done:
                return OUTSIDE
            done.pop()
            continue
        done.append(part)
        target = links.get("/".join(done))
        if target is None:
            continue
        hops -= 1
        if hops < 0:
            return None
        if target.startswith("/"):
            return OUTSIDE
        done.pop()
        pending = target.split("/") + pending
    return "/".join(done)


OUTSIDE = "\0outside"  # no path holds a NUL
_MAX_LINK_HOPS = 40  # as Linux's own limit


def _submodule_problems(listed: _Tree) -> list[Diagnostic]:
    """E116 for each submodule under actions/ or channels/, and for each link there that
    leads into or above one: the loader would find nothing where its files are."""
    problems = []
    for path in sorted(listed.gitlinks):
        if path.split("/")[0] in ("actions", "channels"):
            problems.append(_submodule(path, path))
    for link in sorted(listed.links):
        if link.split("/")[0] not in ("actions", "channels") and link != "actionctl.yaml":
            continue
        resolved = _resolve_in_tree(link, listed.links)
        if resolved is None or resolved == OUTSIDE:
            continue
        for submodule in sorted(listed.gitlinks):
            if _contains(resolved, submodule) or _contains(submodule, resolved):
                problems.append(_submodule(link, submodule))
                break
    return problems


def _outside_problems(listed: _Tree) -> list[Diagnostic]:
    """E113 for each link that leaves the project as committed (whatever this machine
    happens to hold there): not written, so nothing outside is ever looked at."""
    problems = []
    for link in sorted(listed.links):
        if _resolve_in_tree(link, listed.links) != OUTSIDE:
            continue
        message = (
            f"{link} is a symbolic link to a place outside the project; it is not "
            "followed: copy the files into the project (or link to a path inside it)"
        )
        problems.append(Diagnostic.error(Location(link), E113, message))
    return problems


def _contains(folder: str, path: str) -> bool:
    return folder == "" or path == folder or path.startswith(folder + "/")


def _submodule(display: str, submodule: str) -> Diagnostic:
    leads = "" if display == submodule else f" leads to the git submodule {submodule}, which"
    message = (
        f"{display}{leads or ' is a git submodule that'} is not checked out here at the "
        "commit this revision records, so its actions would be missing from the "
        "comparison: run `git submodule update --init` (a submodule's files are read from "
        "its checkout's repository; in CI, check out with submodules)"
    )
    return Diagnostic.error(Location(display), E116, message)


def _write_file(where: Location, dest: Path, path: str, content: bytes) -> None:
    target = dest.joinpath(*path.split("/"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    except OSError as error:  # a crafted tree: one name listed as a file and a folder
        message = f"cannot write {path} as listed at the revision: {error.strerror}"
        raise _error(where, L842, message) from None


def _write_link(dest: Path, path: str, target: str) -> list[Diagnostic]:
    """``path`` made a symbolic link to ``target`` below ``dest``; never through another
    link (a crafted tree could list ``a -> /etc`` and ``a/b``)."""
    parts = path.split("/")
    folder = dest
    try:
        for part in parts[:-1]:
            folder = folder / part
            if folder.is_symlink():
                return [_dangling(path)]
            folder.mkdir(exist_ok=True)  # a file of that name: FileExistsError
        os.symlink(os.fsencode(target), folder / parts[-1])
    except (OSError, ValueError):  # a NUL, a name too long, or a duplicate entry
        return [_dangling(path)]
    return []


def _dangling(path: str) -> Diagnostic:
    message = (
        f"{path} is a symbolic link that cannot be made as committed (its target is not "
        "a path, or the tree lists the name twice): fix or remove the link; actionctl "
        "does not skip it"
    )
    return Diagnostic.error(Location(path), E112, message)


def _read_blobs(project_dir: Path, where: Location, shas: list[str]) -> dict[str, bytes]:
    """Blob contents by id, in one ``git cat-file --batch``."""
    if not shas:
        return {}
    request = "".join(f"{sha}\n" for sha in dict.fromkeys(shas)).encode("ascii")
    out = _git_bytes(project_dir, where, "cat-file", "--batch", stdin=request)
    blobs: dict[str, bytes] = {}
    at = 0
    while at < len(out):
        header_end = out.index(b"\n", at)
        header = out[at:header_end].decode("ascii", errors="replace").split(" ")
        if len(header) != 3:  # "<id> missing": a partial clone without that blob
            message = f"git object {header[0]} is not in this clone ({' '.join(header[1:])})"
            raise _error(where, L842, message + "; fetch the revision without a filter")
        sha, size = header[0], header[2]
        start = header_end + 1
        blobs[sha] = out[start : start + int(size)]
        at = start + int(size) + 1  # the content is followed by a newline
    return blobs


def _git(project_dir: Path, *args: str) -> str:
    return run_git(project_dir, *args).decode("utf-8", errors="replace")


def _git_bytes(project_dir: Path, where: Location, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        return run_git(project_dir, *args, stdin=stdin)
    except GitError as failed:
        raise _error(where, L841 if failed.reason == "missing" else L842, failed.message) from None


def _error(where: Location, code: str, message: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic.error(where, code, message)])
