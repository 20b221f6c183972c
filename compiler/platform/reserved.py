"""Tool names actionctl reserves on the platform: the apply lock's (compiler.platform.lock).

Kept apart from the lock itself so that validate and plan, which only refuse such
names, do not load the lock's machinery (threads, sockets, the machine's identity).
"""

from __future__ import annotations

LOCK_PREFIX = "actionctl-lock-"


def is_lock_name(name: str) -> bool:
    return name.startswith(LOCK_PREFIX)
