"""Where the lock agent was last found, remembered in the project's state directory
(``.actionctl/cache/lock-agent.json``, git-ignored), per target.

It saves the look-up that picks where the lock tool goes. While the lock agent is not
*settled* (``compiler/apply/lock.py``: a look-up made an hour after it was made showed
it preferred), the look-up made after that create is what the locks' safety rests on,
and it is made every time; a hint that is wrong (the agent deleted, another one
preferred, another account behind the same URL) costs one attempt: the create fails or
the check after it gives way, and the lock agents are looked up. Remembered as settled,
the look-up after the create is skipped too; a settled lock agent deleted since, or on
another account, fails the create (404) and is looked up again. A fresh checkout (CI)
has no hint and looks up first.

Stored: the lock agent's uid, name and creation time as last listed, and, when it was
settled, the time of the look-up that settled it (``settled_at``: trusted for a day),
keyed by the secret-free target (platform, base URL, prefix). Any error
reading it is a miss; an error writing it is ignored. JSON, never pickle.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compiler.atomic_write import write_atomically
from compiler.load.state import STATE_DIR, state_dir, unsafe_to_write

STORE = Path(STATE_DIR) / "cache" / "lock-agent.json"
FORMAT = 1
MAX_BYTES = 64 * 1024  # a few targets' lock agents; anything larger was not written by us
KEPT = ("uid", "name", "created_at", "settled_at")


class LockAgentMemory:
    """The lock agents of each target, as the last apply in this project found them."""

    def __init__(self, project_dir: Path) -> None:
        self.root = project_dir

    def recall(self, target: Mapping[str, str]) -> list[dict[str, Any]] | None:
        agents = self._read().get(_key(target))
        if not isinstance(agents, list) or not agents:
            return None
        if not all(isinstance(a, dict) and isinstance(a.get("uid"), str) for a in agents):
            return None
        return [dict(agent) for agent in agents]

    def remember(self, target: Mapping[str, str], agents: list[dict[str, Any]]) -> None:
        kept = [{k: agent[k] for k in KEPT if isinstance(agent.get(k), str)} for agent in agents]
        stored = self._read()
        if stored.get(_key(target)) == kept:
            return  # as last time: nothing written
        stored[_key(target)] = kept
        text = json.dumps({"format": FORMAT, "targets": stored}, indent=1, sort_keys=True)
        if unsafe_to_write(self.root, STORE):
            return
        with contextlib.suppress(OSError):  # only a hint: the next apply looks up
            state_dir(self.root / STATE_DIR)
            (self.root / STORE).parent.mkdir(exist_ok=True)
            write_atomically(self.root / STORE, text + "\n")

    def _read(self) -> dict[str, Any]:
        path = self.root / STORE
        try:
            if unsafe_to_write(self.root, STORE) or path.stat().st_size > MAX_BYTES:
                return {}
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        targets = data.get("targets")
        return dict(targets) if isinstance(targets, dict) else {}


def _key(target: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(target.items())), sort_keys=True)
