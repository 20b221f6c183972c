"""A generated project of many tools, wired to a real emulator, and direct REST access.

``Fleet`` describes, per managed agent, how many tools a first revision declares and how
the second revision changes them (creates, updates, deletes, type changes). ``Workspace``
writes either revision as YAML files, runs ``actionctl`` against the emulator, and reads
the platform over plain HTTP (httpx, no product code) to check what really happened.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compiler.canonical import canonical_tool
from compiler.platform.lock_tools import abandoned, is_lock_tool, utc_now
from tests.conftest import REPO_ROOT, emulator_rest, write_openmic_config

# A key nobody else uses, so a leak found by the secrets sweep can only come from here.
RELIABILITY_KEY = "rel-K3y-5f1e9c7a2b-SECRET-do-not-log"
KEY_ENV = "ACTIONCTL_RELIABILITY_KEY"
UNMANAGED_AGENT = "agent_not_in_project"
LOCK_PREFIX = "actionctl-lock-"  # apply lock tools (compiler/platform/lock_tools.py)
LOCK_AGENT_NAME = "actionctl-locks"  # the agent they live on


@dataclass(frozen=True)
class Fleet:
    """Per managed agent: ``keep`` tools unchanged, ``updates``, ``deletes`` and
    ``replaces`` (a type change that leaves fields no PATCH removes) of first-revision
    tools, and ``creates`` new in revision 2."""

    agents: int = 2
    keep: int = 2
    updates: int = 6
    deletes: int = 5
    replaces: int = 1
    creates: int = 8

    @property
    def changes(self) -> int:
        per_agent = self.updates + self.deletes + self.replaces + self.creates
        return per_agent * self.agents

    def agent_names(self) -> list[str]:
        return [f"agent{i}" for i in range(self.agents)]

    def revision(self, rev: int) -> dict[str, list[dict[str, Any]]]:
        """Action documents per logical agent for revision 1 or 2."""
        return {agent: self._documents(agent, rev) for agent in self.agent_names()}

    def _documents(self, agent: str, rev: int) -> list[dict[str, Any]]:
        docs: list[dict[str, Any]] = []
        for i in range(self.keep):
            docs.append(action(agent, f"keep_{i}", i, "v1"))
        for i in range(self.updates):
            docs.append(action(agent, f"upd_{i}", i, "v1" if rev == 1 else "v2"))
        if rev == 1:
            docs += [action(agent, f"del_{i}", i, "v1") for i in range(self.deletes)]
        for i in range(self.replaces):
            # an api_request in revision 1, dtmf in revision 2: its url and timeout would
            # stay after a PATCH of the type (no field is nullable), so it is a replace.
            kind = 3 if rev == 1 else 2
            docs.append(action(agent, f"repl_{i}", kind, f"v{rev}", shape=kind))
        if rev == 2:
            docs += [action(agent, f"new_{i}", i, "v2") for i in range(self.creates)]
        return docs


def action(agent: str, name: str, index: int, rev: str, shape: int | None = None) -> dict[str, Any]:
    """One action document; ``shape`` (default ``index % 3``; 3 an api_request) picks the
    type."""
    base = {"kind": "action", "agent": agent, "name": name}
    text = f"{name} of {agent}, revision {rev}"
    shape = index % 3 if shape is None else shape
    if shape == 0:
        return {
            **base,
            "type": "send_text_message",
            "description": f"Sends a reference by SMS ({text}).",
            "recipient": "contact",
            "parameters_schema": {
                "type": "object",
                "properties": {"ref": {"type": "string", "description": "The reference"}},
                "required": ["ref"],
            },
            "message": f"Your reference is {{{{ .parameters.ref }}}} ({rev}).",
        }
    if shape == 1:
        return {
            **base,
            "type": "openmic.end_call",
            "description": f"Ends the call ({text}).",
            "static_params": {"end_message": f"Goodbye ({rev})"},
            "speak_during_execution": False,
            "speak_after_execution": False,
        }
    if shape == 3:
        return {
            **base,
            "type": "openmic.api_request",
            "description": f"Looks a booking up ({text}).",
            "url": "https://bookings.example.com/lookup",
            "method": "get",
            "api_timeout": 5000,
        }
    return {
        **base,
        "type": "openmic.dtmf",
        "description": f"Presses a key ({text}).",
        "static_params": {"digits": str(index % 10)},
    }


@dataclass
class Workspace:
    """A project directory pointed at one emulator, plus REST access behind its back."""

    root: Path
    server: Any
    fleet: Fleet
    cli: Callable[..., Any]
    uids: dict[str, str] = field(default_factory=dict)

    # --- the project ---

    def write(self, rev: int, *, prune: bool = False) -> None:
        self.uids = {agent: f"uid_{agent}" for agent in self.fleet.agent_names()}
        write_openmic_config(self.root, self.server.url, KEY_ENV, self.uids, prune=prune)
        actions = self.root / "actions"
        for old in actions.glob("*.yaml"):
            old.unlink()
        actions.mkdir(exist_ok=True)
        for agent, docs in self.fleet.revision(rev).items():
            text = yaml.safe_dump_all(docs, sort_keys=False, allow_unicode=True)
            (actions / f"{agent}.yaml").write_text(text)

    def add_agents(self, *uids: str) -> None:
        """Agents with stable uids (the API assigns its own, so this goes to the store)."""
        store = self.server.store
        for uid in (*self.uids.values(), *uids):
            if not store.agent_exists(uid):
                store.create_agent({"name": uid, "prompt": "reliability"}, uid=uid)

    # --- the product, in-process ---

    def run(self, *args: str | Path) -> Any:
        return self.cli("--project", self.root, "--no-color", *args)

    def compiled(self) -> dict[str, dict[str, Any]]:
        """``actionctl compile``: desired payloads keyed ``agent/name``."""
        result = self.run("compile")
        assert result.exit_code == 0, result.output
        data: dict[str, dict[str, Any]] = json.loads(result.stdout)
        return data

    def plan_json(self, *args: str | Path) -> dict[str, Any]:
        result = self.run("plan", "--format", "json", *args)
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    def pending(self, *args: str | Path) -> dict[str, str]:
        """address -> action for every change of a fresh plan (no-ops left out)."""
        changes = self.plan_json(*args)["changes"]
        return {c["address"]: c["action"] for c in changes if c["action"] != "no-op"}

    def apply_until_converged(self, *args: str, attempts: int = 12) -> list[Any]:
        """``apply --auto-approve`` until it exits 0; partial failures (exit 1) only."""
        results = []
        for _ in range(attempts):
            result = self.run("apply", "--auto-approve", *args)
            results.append(result)
            if result.exit_code == 0:
                return results
            assert result.exit_code == 1, result.output
            assert "Traceback" not in result.output, result.output
        raise AssertionError(f"no convergence after {attempts} applies:\n{results[-1].output}")

    # --- the platform, over plain HTTP ---

    def rest(self, method: str, path: str, body: Any = None) -> Any:
        """One request with the key; returns the JSON body (None for 204)."""
        return emulator_rest(self.server.url, method, path, body, key=RELIABILITY_KEY, timeout=30)

    def live(self, uid: str) -> list[dict[str, Any]]:
        """Every tool of an agent over REST, following cursors (faults must be off)."""
        tools: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = "page_size=100" + (f"&cursor={cursor}" if cursor else "")
            page = self.rest("GET", f"/agents/{uid}/tools?{query}")
            tools += page["tools"]
            if not page["has_more"]:
                return tools
            cursor = page["next_cursor"]

    def lock_agent_uids(self) -> list[str]:
        """actionctl's lock agents (where apply locks live), found by name over REST."""
        page = self.rest("GET", f"/agents?name={LOCK_AGENT_NAME}&page_size=100")
        return [str(agent["uid"]) for agent in page["agents"]]

    def live_all(self, *extra_uids: str) -> dict[str, list[dict[str, Any]]]:
        """Every declared agent's tools, and the lock agents' (their lock tools)."""
        uids = (*self.uids.values(), *extra_uids, *self.lock_agent_uids())
        return {uid: self.live(uid) for uid in dict.fromkeys(uids)}


def duplicates(everything: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    found = {}
    for uid, tools in everything.items():
        counts = collections.Counter(t["name"] for t in tools)
        dupes = sorted(name for name, n in counts.items() if n > 1)
        if dupes:
            found[uid] = dupes
    return found


def lock_tools(everything: dict[str, list[dict[str, Any]]]) -> list[str]:
    return [
        f"{uid}/{t['name']}"
        for uid, tools in everything.items()
        for t in tools
        if t["name"].startswith(LOCK_PREFIX)
    ]


def desired_by_uid(ws: Workspace) -> dict[str, dict[str, dict[str, Any]]]:
    """uid -> name -> compiled payload, from ``actionctl compile``."""
    desired: dict[str, dict[str, dict[str, Any]]] = {uid: {} for uid in ws.uids.values()}
    for address, payload in ws.compiled().items():
        agent, name = address.split("/", 1)
        desired[ws.uids[agent]][name] = payload
    return desired


def assert_platform_equals_desired(
    ws: Workspace, untouchable: dict[tuple[str, int], str], prune_flag: str
) -> None:
    check = ws.run("plan", "--detailed-exitcode", prune_flag)
    assert check.exit_code == 0, check.output
    others = sorted({uid for uid, _ in untouchable} - set(ws.uids.values()))
    everything = ws.live_all(*others)
    serving = {uid: tools for uid, tools in everything.items() if uid not in ws.lock_agent_uids()}
    assert lock_tools(serving) == [], "an apply left a lock tool on an agent that takes calls"
    # On the lock agent only an abandoned lock may stay (a kill's, when the converging
    # apply had nothing to lock): it locks nothing, and the next apply that locks removes it.
    now = utc_now()
    left = [t for uid in ws.lock_agent_uids() for t in everything.get(uid, [])]
    assert all(abandoned(t, now) for t in left if is_lock_tool(t)), "a live lock was left"
    assert duplicates(everything) == {}
    desired = desired_by_uid(ws)
    for uid, wanted in desired.items():
        managed = {t["name"]: t for t in everything[uid] if (uid, t["id"]) not in untouchable}
        assert sorted(managed) == sorted(wanted), f"tool names on {uid}"
        for name, payload in wanted.items():
            assert canonical(managed[name]) == payload, f"{uid}/{name}"
    now = {(uid, t["id"]): canonical_json(t) for uid, tools in everything.items() for t in tools}
    for key, raw in untouchable.items():
        assert now.get(key) == raw, f"unmanaged tool {key} was changed or deleted"


def canonical_json(tool: dict[str, Any]) -> str:
    return json.dumps(tool, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def settle(server: Any, quiet_s: float = 0.4, limit_s: float = 15.0) -> None:
    """Wait until the emulator has answered no request for ``quiet_s`` (requests a killed
    client left in flight finish on the server after the client is gone)."""
    deadline = time.monotonic() + limit_s
    last = server.stats.snapshot()["requests"]
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = server.stats.snapshot()["requests"]
        if now == last:
            return
        last = now


def actionctl_command(root: Path, *args: str | Path) -> list[str]:
    """``python -m compiler --project ROOT --no-color ARGS...`` (a real process)."""
    base = [sys.executable, "-m", "compiler", "--project", str(root), "--no-color"]
    return base + [str(a) for a in args]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), KEY_ENV: RELIABILITY_KEY}
    env.pop("OPENMIC_BASE_URL", None)
    env.update(extra)
    return env


FIGURES_ENV = "ACTIONCTL_RELIABILITY_FIGURES"


def record(kind: str, figures: dict[str, Any]) -> None:
    """Measured figures: appended as a JSON line to $ACTIONCTL_RELIABILITY_FIGURES when set
    (docs/reliability.md is written from them), and printed (``pytest -s``; the ``cli``
    fixture's capsys may swallow it, the file never does)."""
    line = json.dumps({"kind": kind, **figures}, sort_keys=True)
    print(f"\n{line}")
    target = os.environ.get(FIGURES_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(line + "\n")


def canonical(tool: dict[str, Any]) -> dict[str, Any]:
    return canonical_tool(tool)
