#!/usr/bin/env python3
"""A small mutation tester: single-point AST mutants of one module, each run against a
chosen subset of the tests; a mutant the tests do not notice is a gap (or equivalent).

    python tools/mutate.py compiler/sms.py --tests tests/sms tests/compile/test_x.py
    python tools/mutate.py compiler/platform/client.py --only _Pacer OpenMicClient._request \\
        --tests tests/platform/test_openmic_client.py --timeout 120 --jobs 2
    python tools/mutate.py compiler/sms.py --list          # the mutants, nothing run
    python tools/mutate.py compiler/sms.py --show 12       # one mutant as a diff

Operators: comparison flips (``<`` <-> ``<=``, ``==`` <-> ``!=``, ``in`` <-> ``not in``,
``is`` <-> ``is not``), integer constants and argument defaults off by one, ``True`` <->
``False``, ``and`` <-> ``or``, a dropped ``not``, arithmetic swaps (``+`` <-> ``-``,
``*`` <-> ``/``, ``//`` -> ``/``), removed statements (calls, augmented assignments,
``continue``/``break``) and returned values replaced by ``None``.

Every run works on a copy of the checkout in a temporary folder (``compiler/``,
``tests/``, ``docs/``, ...), so the working tree is never modified, even when a run is
interrupted. The copy is put first on ``PYTHONPATH``, so subprocesses the tests start
import the mutant too. A mutant is *killed* when pytest fails or exceeds ``--timeout``.
Results go to ``--out`` (JSON), one record per mutant; the survivors are printed with
their line so each can be judged (a gap to test, or equivalent: no behaviour changes).

Not part of the default test suite: it runs the chosen tests once per mutant.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import difflib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("compiler", "tests", "docs", "examples", "actions", "channels", "bench", "schemas")
COPIED_FILES = ("actionctl.yaml", "pyproject.toml", "README.md", "SPEC.md")

COMPARE_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
}
# Calls whose removal changes only what is logged: not worth a mutant.
QUIET_CALLS = frozenset({"debug", "_note", "_log_request"})


@dataclass(frozen=True)
class Mutant:
    index: int  # position of the mutated node in ast.walk order
    operator: str
    line: int
    scope: str  # Class.function, or "<module>"


@dataclass
class Outcome:
    mutant: int
    operator: str
    line: int
    scope: str
    result: str  # killed | survived | timeout
    seconds: float


def _scopes(tree: ast.AST) -> dict[int, str]:
    """id(node) -> the qualified name of the function or class around it."""
    out: dict[int, str] = {}

    def visit(node: ast.AST, scope: list[str]) -> None:
        out[id(node)] = ".".join(scope) or "<module>"
        inner = scope
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            inner = [*scope, node.name]
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, [])
    return out


def _skipped(tree: ast.AST) -> set[int]:
    """Nodes no mutant touches: annotations, docstrings, ``if TYPE_CHECKING`` blocks."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign):
            mark(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            mark(node.returns)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            mark(node)
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and _is_docstring(body[0]):
            mark(body[0])
    return skip


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _operators(node: ast.AST) -> Iterator[str]:
    """The mutations that apply to one node (names understood by ``_apply``)."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARE_FLIPS:
                yield f"compare:{i}"
    elif isinstance(node, ast.Constant) and type(node.value) is bool:
        yield "bool"
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        yield "int+1"
        if node.value != 0:
            yield "int-1"
    elif isinstance(node, ast.BoolOp):
        yield "andor"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "drop-not"
    elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
        yield "binop"
    elif isinstance(node, ast.Return) and node.value is not None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            yield "return-none"
    elif isinstance(node, ast.AugAssign | ast.Continue | ast.Break):
        yield "delete"
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in QUIET_CALLS:
            yield "delete"


def mutants(source: str, only: list[str]) -> list[Mutant]:
    tree = ast.parse(source)
    scopes, skip = _scopes(tree), _skipped(tree)
    found = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        scope = scopes[id(node)]
        if only and not any(scope == o or scope.startswith(o + ".") for o in only):
            continue
        for operator in _operators(node):
            found.append(Mutant(index, operator, getattr(node, "lineno", 0), scope))
    return found


def _apply(tree: ast.Module, mutant: Mutant) -> None:
    nodes = list(ast.walk(tree))
    node = nodes[mutant.index]
    op = mutant.operator
    if op.startswith("compare:"):
        assert isinstance(node, ast.Compare)
        i = int(op.split(":")[1])
        node.ops[i] = COMPARE_FLIPS[type(node.ops[i])]()
    elif op == "bool":
        assert isinstance(node, ast.Constant)
        node.value = not node.value
    elif op in ("int+1", "int-1"):
        assert isinstance(node, ast.Constant)
        node.value += 1 if op == "int+1" else -1
    elif op == "andor":
        assert isinstance(node, ast.BoolOp)
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif op == "drop-not":
        _replace(nodes, node, node.operand)  # type: ignore[attr-defined]
    elif op == "binop":
        assert isinstance(node, ast.BinOp)
        node.op = BINOP_SWAPS[type(node.op)]()
    elif op == "return-none":
        assert isinstance(node, ast.Return)
        node.value = ast.Constant(None)
    elif op == "delete":
        _replace(nodes, node, ast.Pass())


def _replace(nodes: list[ast.AST], old: ast.AST, new: ast.AST) -> None:
    for parent in nodes:
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list) and any(v is old for v in value):
                value[:] = [new if v is old else v for v in value]
                return


def mutated_source(source: str, mutant: Mutant) -> str:
    tree = ast.parse(source)
    _apply(tree, mutant)
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def _copy_checkout(into: Path) -> None:
    for name in COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
    for name in COPIED_FILES:
        if (ROOT / name).is_file():
            shutil.copy(ROOT / name, into / name)


# The pytest runs in flight, each the leader of its own process group: a timeout or a
# SIGTERM ends the whole group (the applies and emulators a test started, too).
_RUNNING: set[subprocess.Popen[bytes]] = set()


def _end(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _run(workdir: Path, tests: list[str], timeout: float, show: bool = False) -> str:
    env = dict(os.environ, PYTHONPATH=str(workdir), PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _RUNNING.add(process)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    finally:
        _end(process)  # (also ends what the tests left running)
        _RUNNING.discard(process)
    if show and process.returncode != 0:  # why the baseline failed
        print(output.decode(errors="replace")[-3000:], file=sys.stderr)
    return "survived" if process.returncode == 0 else "killed"


def run_all(
    module: str,
    found: list[Mutant],
    chosen: list[Mutant],
    tests: list[str],
    timeout: float,
    jobs: int,
) -> list[Outcome]:
    source = (ROOT / module).read_text(encoding="utf-8")
    workdirs = [Path(tempfile.mkdtemp(prefix="mutate-")) for _ in range(jobs)]
    free = list(workdirs)
    results: list[Outcome] = []
    try:
        for workdir in workdirs:
            _copy_checkout(workdir)
        # The unmutated module must pass, else every mutant would look killed.
        baseline = _run(workdirs[0], tests, timeout, show=True)
        if baseline != "survived":
            raise SystemExit(f"the chosen tests do not pass on the unmutated code ({baseline})")

        def one(mutant: Mutant) -> Outcome:
            workdir = free.pop()
            target = workdir / module
            try:
                target.write_text(mutated_source(source, mutant), encoding="utf-8")
                started = time.monotonic()
                result = _run(workdir, tests, timeout)
                seconds = time.monotonic() - started
            finally:
                target.write_text(source, encoding="utf-8")
                free.append(workdir)
            outcome = Outcome(
                found.index(mutant), mutant.operator, mutant.line, mutant.scope, result, seconds
            )
            print(
                f"{outcome.mutant:4} {result:8} {seconds:5.1f}s "
                f"L{mutant.line} {mutant.scope} {mutant.operator}",
                flush=True,
            )
            return outcome

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(one, chosen))
    finally:
        for workdir in workdirs:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def show(module: str, mutant: Mutant) -> str:
    source = (ROOT / module).read_text(encoding="utf-8")
    plain = ast.unparse(ast.parse(source)).splitlines(keepends=True)
    changed = mutated_source(source, mutant).splitlines(keepends=True)
    return "".join(difflib.unified_diff(plain, changed, "original", "mutant", n=1))


def _exit_on_term(signum: int, _frame: object) -> None:
    # SIGTERM (``kill PID``): end the runs in flight, then unwind like Ctrl-C, so
    # ``run_all`` removes its copies of the checkout.
    for process in list(_RUNNING):
        _end(process)
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _exit_on_term)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="the module to mutate, relative to the checkout")
    parser.add_argument("--tests", nargs="+", default=[], help="pytest arguments")
    parser.add_argument("--only", nargs="+", default=[], help="Class, function or Class.method")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", type=Path, help="write the outcomes here (JSON)")
    parser.add_argument("--mutants", type=int, nargs="+", help="run only these (numbers)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--show", type=int, nargs="+", help="print these mutants as diffs")
    # Options the parser does not know (``--deselect X``, ``-k EXPR``) go to pytest.
    args, extra = parser.parse_known_args(argv)
    args.tests += extra
    source = (ROOT / args.module).read_text(encoding="utf-8")
    found = mutants(source, args.only)
    if args.show:
        for number in args.show:
            print(f"# mutant {number}: {found[number]}")
            print(show(args.module, copy.copy(found[number])))
        return 0
    if args.list:
        for number, mutant in enumerate(found):
            print(f"{number:4} L{mutant.line} {mutant.scope} {mutant.operator}")
        print(f"{len(found)} mutants")
        return 0
    if not args.tests:
        parser.error("--tests is required to run mutants")
    chosen = [found[n] for n in args.mutants] if args.mutants else found
    outcomes = run_all(args.module, found, chosen, args.tests, args.timeout, args.jobs)
    killed = sum(o.result != "survived" for o in outcomes)
    print(f"{args.module}: {len(outcomes)} mutants, {killed} killed")
    for outcome in outcomes:
        if outcome.result == "survived":
            print(
                f"  survived {outcome.mutant}: L{outcome.line} {outcome.scope} {outcome.operator}"
            )
    if args.out:
        args.out.write_text(json.dumps([asdict(o) for o in outcomes], indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
