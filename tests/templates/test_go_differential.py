"""Our template reading agrees with Go's text/template on every template of the corpus.

tests/templates/go_corpus.jsonl holds Go's recorded verdicts (tools/gotemplate-verdicts),
so this runs without Go. Agreement means: we accept exactly what Go accepts and the
platform can express (a literal '}}' in text is reported by policy, see
compiler/gotemplate/parser.py); an accepted template compiles to the text Go outputs with each
reference as {{name}}, its references at Go's positions; a template Go reads is never
called unreadable; and when Go rejects, one of our errors covers the line Go names.
The slow test re-asks Go and checks the recorded verdicts are still Go's.
"""

from __future__ import annotations

import pytest

from tests.templates.go_corpus import (
    NON_GO_SPACES,
    build_templates,
    disagreements,
    go_binary,
    go_verdicts,
    load_corpus,
    random_templates,
)

CORPUS = load_corpus()


def test_the_corpus_is_large_and_covers_the_cases_the_issue_names() -> None:
    templates = [verdict["template"] for verdict in CORPUS]
    assert len(templates) >= 500
    assert all(any(char in t for t in templates) for char in NON_GO_SPACES)
    assert len(NON_GO_SPACES) == 25 and all(char.isspace() for char in NON_GO_SPACES)
    outcomes = {(v["ok"], v["expressible"]) for v in CORPUS}
    assert outcomes >= {(True, True), (True, False), (False, False)}
    assert sum("-}}" in t or "{{- " in t for t in templates) >= 26
    assert sum("{{/*" in t or "{{- /*" in t for t in templates) >= 15


def test_zero_disagreements_with_go() -> None:
    found = {v["template"]: problems for v in CORPUS if (problems := disagreements(v))}
    assert found == {}


@pytest.mark.slow
def test_recorded_verdicts_are_still_gos() -> None:
    if go_binary() is None:
        pytest.skip("Go is not installed (apt-get install golang-go)")
    fresh = go_verdicts(build_templates())
    assert [v["template"] for v in fresh] == [v["template"] for v in CORPUS]
    recorded = {v["template"]: v for v in CORPUS}
    changed = [
        v["template"] for v in fresh if {**v, "go": ""} != {**recorded[v["template"]], "go": ""}
    ]
    assert changed == []
    assert all(not disagreements(v) for v in fresh)


@pytest.mark.slow
def test_random_templates_agree_with_go() -> None:
    if go_binary() is None:
        pytest.skip("Go is not installed (apt-get install golang-go)")
    verdicts = go_verdicts(list(dict.fromkeys(random_templates(6000, seed=1414))))
    found = {v["template"]: problems for v in verdicts if (problems := disagreements(v))}
    assert found == {}
