"""The loader answers "string" early for most scalars; it must resolve every scalar to
the tag PyYAML's safe loader gives it (YAML 1.1: ``yes`` a boolean, ``12:30`` an int)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from yaml.nodes import ScalarNode

from compiler.load.yaml_source import _Loader

_OURS = _Loader("")
_SAFE = yaml.CSafeLoader("")
_IMPLICIT = st.sampled_from([(True, False), (False, True), (True, True), (False, False)])


@settings(max_examples=3000, deadline=None)
@given(st.text(max_size=12), _IMPLICIT)
def test_any_scalar_gets_the_safe_loaders_tag(value: str, implicit: tuple[bool, bool]) -> None:
    assert _OURS.resolve(ScalarNode, value, implicit) == _SAFE.resolve(ScalarNode, value, implicit)


@pytest.mark.parametrize(
    "value",
    ["yes", "No", "on", "OFF", "~", "null", "", "12:30", "0x1F", "0o17", ".inf", "-.5", "+1",
     "1_000", "<<", "=", "2001-12-14", "True", "y", "n", "booking", "Tool 1"],
)  # fmt: skip
def test_yaml_11_words_and_numbers(value: str) -> None:
    for implicit in ((True, False), (False, True)):
        assert _OURS.resolve(ScalarNode, value, implicit) == _SAFE.resolve(
            ScalarNode, value, implicit
        )
