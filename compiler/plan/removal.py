"""Removing a field on a platform whose PATCH is partial and whose fields are never null.

OpenMic's PATCH changes only the fields sent, and no field of its schema is nullable, so
``{"api_timeout": null}`` is not a way to remove anything (a validating server refuses
it). actionctl never sends null. A field the desired tool no longer has is removed:

- inside a nested object (``static_params.end_message``, a parameter): by sending the
  whole object without it, as every update does;
- at the top level, when the platform treats some value as absent: by sending that
  value (``ABSENT``: an empty ``static_params`` object; the documented defaults, which
  the canonical form fills in anyway, for the speak flags, ``async``, ``description``
  and ``parameters``);
- otherwise (``api_timeout``, ``url``, ``use_raw_schema``, ``method`` on a tool that is
  not an api_request): there is no way to express it in a PATCH, so the plan replaces
  the tool (delete, then create), and says why.

docs/plan-apply.md explains the choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compiler.canonical import DEFAULTS, empty_parameters

# Top-level field -> the value the platform treats as the field being absent.
ABSENT: Mapping[str, Any] = {
    **DEFAULTS,
    "parameters": empty_parameters(),
    "static_params": {},
}


def unremovable(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Top-level fields ``before`` has, ``after`` lacks, and no PATCH can remove."""
    return [name for name in before if name not in after and name not in ABSENT]


def patch_body(after: Mapping[str, Any], fields: list[str]) -> dict[str, Any]:
    """The PATCH body for the changed top-level ``fields``: each whole as ``after`` has
    it, or as the value meaning absent when ``after`` no longer has it. Never a null."""
    body: dict[str, Any] = {}
    for name in fields:
        if name in after:
            body[name] = after[name]
        elif name in ABSENT:
            body[name] = ABSENT[name]
        else:  # the plan replaces such a tool; reaching here is a bug, never a null
            raise ValueError(f"{name} cannot be removed with a PATCH; the tool must be replaced")
    return body
