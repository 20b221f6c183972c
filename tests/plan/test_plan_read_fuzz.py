"""Whatever a plan file holds, reading it either gives a Plan or raises PlanFormatError
(A901): never another exception, which the CLI would report as an internal error."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.plan.file import PlanFormatError, parse_plan_bytes, plan_from_json

VALID: dict[str, Any] = {
    "format_version": 1,
    "environment": "dev",
    "target": {"platform": "local", "base_url": ".actionctl/platform.db"},
    "prune": False,
    "summary": {"create": 1},
    "changes": [
        {
            "address": "support/desk",
            "agent": "support",
            "agent_uid": "uid_1",
            "name": "desk",
            "action": "create",
            "tool_id": None,
            "before": None,
            "after": {
                "type": "end_call",
                "name": "desk",
                "description": "",
                "parameters": {"type": "object", "properties": {}, "required": []},
                "speak_during_execution": True,
                "speak_after_execution": True,
                "async": False,
            },
            "changed_paths": [],
            "live_fingerprint": None,
            "source": "actions/a.yaml:1:1",
        }
    ],
    "unmanaged": [],
    "three_way": {
        "base": {"ref": "main", "commit": "0" * 40},
        "tools": [{"address": "support/desk", "class": "change", "fields": []}],
        "notes": [{"code": "L835", "message": "the project directory was at old/"}],
    },
    "scope": {
        "targets": ["support/*"],
        "excludes": [],
        "left_out": 1,
        "left_out_addresses": ["billing/x"],
        "kept_agents": ["uid_2"],
    },
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
PATHS = [
    (),
    ("format_version",),
    ("target",),
    ("changes",),
    ("changes", 0),
    ("changes", 0, "after"),
    ("changes", 0, "after", "parameters"),
    ("changes", 0, "action"),
    ("changes", 0, "tool_id"),
    ("changes", 0, "before"),
    ("unmanaged",),
    ("three_way",),
    ("commit",),
    ("review",),
    ("three_way", "tools"),
    ("three_way", "tools", 0),
    ("three_way", "tools", 0, "fields"),
    ("three_way", "notes"),
    ("three_way", "notes", 0),
    ("scope",),
    ("scope", "targets"),
    ("scope", "left_out"),
    ("scope", "kept_agents"),
]


def read(data: Any) -> None:
    with contextlib.suppress(PlanFormatError):
        plan_from_json(data)


def test_the_valid_plan_reads() -> None:
    plan = plan_from_json(VALID)
    assert plan.changes[0].name == "desk"
    assert plan.scope is not None and plan.scope.targets == ("support/*",)


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(PATHS), value=json_values)
def test_any_value_anywhere_is_a_plan_or_a901(path: tuple[Any, ...], value: Any) -> None:
    data = json.loads(json.dumps(VALID))
    if not path:
        data = value
    else:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    read(data)


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_are_a_plan_or_a901(raw: bytes) -> None:
    with contextlib.suppress(PlanFormatError):
        read(parse_plan_bytes(raw))
