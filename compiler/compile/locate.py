"""Where in an action's file a payload field comes from.

The builders rename and regroup fields (``parameters_schema`` -> ``parameters``,
``message`` -> ``static_params.message``, ``timeout_ms`` -> ``api_timeout``), so a problem
found in the payload is located by walking that renaming back: the person reads the line
of the key that causes it, never ``1:1`` of the file.
"""

from __future__ import annotations

from compiler.diagnostics import Location
from compiler.model import Action, DataPath

# UI-style payload field -> the action's field it is built from.
_TOP_LEVEL: dict[str, str] = {
    "parameters": "parameters_schema",
    "api_timeout": "timeout_ms",
    "from_number": "messaging_channel",
}
# UI-style ``static_params`` key -> the action's field it is built from.
_STATIC_PARAMS: dict[str, str] = {
    "default_transfer_number": "phone_number",
    "from_number": "messaging_channel",
    "to_number": "recipient",
}


def source_path(action: Action, payload_path: DataPath) -> DataPath:
    """The path in the action's document of the value at ``payload_path`` of its payload."""
    if action.is_native or not payload_path:
        return payload_path
    head, rest = payload_path[0], payload_path[1:]
    if head == "static_params" and rest:
        return (_static_param(action, str(rest[0])), *rest[1:])
    return (_TOP_LEVEL.get(str(head), head), *rest)


def _static_param(action: Action, key: str) -> str:
    if key == "message":  # a static message, else the prompt the agent follows
        return "message" if "message" in action.fields else "prompt"
    return _STATIC_PARAMS.get(key, key)


def locate_payload(action: Action, payload_path: DataPath) -> Location:
    """The key that holds the value at ``payload_path`` (a null's own position is often
    where the next token starts), else the nearest enclosing value that exists."""
    path = source_path(action, payload_path)
    keys = action.source.source_map.keys
    for end in range(len(path), 0, -1):
        if path[:end] in keys:
            return action.source.locate_key(*path[:end])
    return action.locate(*path)
