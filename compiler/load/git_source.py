"""The project as it is at a git revision, read from git objects (never the working tree).

    project_at_ref(project_dir, ref, dest) -> GitRevision

writes the YAML files the project directory holds at ``ref`` below ``dest`` (a temp dir
the caller owns), for ``load_project(dest)`` to load with the same loader as the working
tree. The blobs are read as committed (``ls-tree`` + ``cat-file --batch``): unlike ``git
archive``, no ``export-ignore``/``export-subst`` attribute can hide or rewrite a file.
Git runs through ``compiler.load.git`` (an argument list, no shell, nothing of the
repository's own runs); a ref starting with ``-`` is refused, the ref is resolved to a
commit id first, and only that id and a ``--``-separated pathspec are passed on, so no
ref can be read as an option.

Every failure is a ``DiagnosticError`` located at the project directory: L840 the ref
is not in this clone (with the exact ``git fetch`` that fixes a shallow CI checkout),
L841 not a git repository or no git, L842 git failed otherwise, L844 a ref that starts
with ``-``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compiler.diagnostics import Diagnostic, DiagnosticError, Location
from compiler.load.git import GitError, run_git

YAML_SUFFIXES = (".yaml", ".yml")  # all the loader reads (actionctl.yaml, channels, actions)
SYMLINK_MODE = b"120000"


@dataclass(frozen=True)
class GitRevision:
    ref: str  # as the user wrote it: ``origin/main``
    commit: str  # full commit id it resolved to
    existed: bool  # False: the project directory is not in that commit (an empty base)

    @property
    def short(self) -> str:
        return self.commit[:12]

    @property
    def label(self) -> str:
        return self.ref if self.ref.startswith(self.short) else f"{self.ref} ({self.short})"


def project_at_ref(project_dir: Path, ref: str, dest: Path) -> GitRevision:
    """Export the project directory as of ``ref`` into ``dest``; see the module doc."""
    where = Location(Path(project_dir).as_posix())
    if not ref or ref.startswith("-"):
        raise _error(where, "L844", f"{ref!r} is not a git revision (a ref cannot start with '-')")
    prefix = _prefix_in_repository(project_dir, where).rstrip("/")
    commit = _resolve(project_dir, ref, where)
    # ``<commit>:<dir>`` names the directory's tree in that commit, from the top of the
    # repository whatever the cwd.
    tree = f"{commit}:{prefix}" if prefix else commit
    if prefix and not _is_tree(project_dir, tree):
        return GitRevision(ref, commit, existed=False)
    _write_tree(project_dir, where, tree, Path(dest))
    return GitRevision(ref, commit, existed=True)


def _prefix_in_repository(project_dir: Path, where: Location) -> str:
    """The project directory's path inside its repository (``""`` at the top, else
    ``sub/dir/``), so the same directory is read at the ref. A path given as ``.``
    or relative is resolved by git from the cwd, as the loader resolves it."""
    if not Path(project_dir).is_dir():
        raise _error(where, "E100", f"project directory {where.file} does not exist")
    try:
        inside = _git(project_dir, "rev-parse", "--is-inside-work-tree").strip()
        said = ""
    except GitError as failed:
        if failed.reason == "missing":
            raise _error(where, "L841", failed.message) from None
        # git's own words matter here: "dubious ownership" (safe.directory) in a CI
        # container reads like "not a repository" otherwise.
        inside, said = "false", failed.said
    if inside != "true":
        message = (
            f"{where.file} is not inside a git work tree: plan --base and drift --ref "
            "read the configuration from git; run them in a clone of the repository"
        )
        raise _error(where, "L841", message + (f"; git says: {said}" if said else ""))
    return _git_bytes(project_dir, where, "rev-parse", "--show-prefix").decode().strip()


def _resolve(project_dir: Path, ref: str, where: Location) -> str:
    # No --end-of-options (git >= 2.30 only): a ref starting with "-" was refused above,
    # so this argument cannot be read as an option.
    try:
        out = _git(project_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        raise _error(where, "L840", _missing_ref_message(project_dir, ref)) from None
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


def _write_tree(project_dir: Path, where: Location, tree: str, dest: Path) -> None:
    """Every YAML blob of ``tree`` written below ``dest`` at its path in the tree.
    Symbolic links are skipped: their target is not part of the commit's content."""
    # --full-tree: from a sub-directory ls-tree would otherwise list only that part.
    listing = _git_bytes(project_dir, where, "ls-tree", "-r", "-z", "--full-tree", tree)
    wanted: list[tuple[str, list[str]]] = []
    for entry in listing.split(b"\0"):
        meta, _, raw_path = entry.partition(b"\t")
        fields = meta.split(b" ")
        if len(fields) != 3 or fields[1] != b"blob" or fields[0] == SYMLINK_MODE:
            continue
        path = raw_path.decode("utf-8", errors="surrogateescape")
        parts = path.split("/")
        # Git never stores "..", "." or empty components; the listing is data, so check.
        if not path.endswith(YAML_SUFFIXES) or any(p in ("", ".", "..") for p in parts):
            continue
        wanted.append((fields[2].decode("ascii"), parts))
    contents = _read_blobs(project_dir, where, [sha for sha, _ in wanted])
    for sha, parts in wanted:
        target = dest.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents[sha])


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
            raise _error(where, "L842", message + "; fetch the revision without a filter")
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
        raise _error(
            where, "L841" if failed.reason == "missing" else "L842", failed.message
        ) from None


def _error(where: Location, code: str, message: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic.error(where, code, message)])
